/**
 * doctor, credential checks: offline ones on temp HOMEs, online ones against the local Bedrock
 * emulator (started in-process on 127.0.0.1:0, pointed at with ANTHROPIC_BEDROCK_BASE_URL and
 * AWS_ENDPOINT_URL_STS). The planted secrets are real credentials of the emulated account, so
 * they travel through signing, STS and probes, and must still never be printed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { scenarioWith } from '../../src/emulator/index.js';
import { bedrockOnEmulator, startUpstream, type Upstream } from '../helpers/cli-emulator.js';
import { DoctorOutcomes, finding, runDoctor, type DoctorOutcome, type DoctorSetup } from '../helpers/doctor-run.js';
import { createTempHomePool } from '../helpers/temp-home.js';
import { PLANTED, PLANTED_CREDENTIAL } from '../helpers/secrets.js';

const homes = createTempHomePool();
after(() => homes.cleanup());

const PROXY_PASSWORD = 'hunter2proxypass';
const EXPIRED_SESSION_KEY = 'ASIAEXPIREDKEY000003';
let upstream: Upstream;

function endpoints(): Record<string, string> {
  return bedrockOnEmulator(upstream.url);
}

function exportScript(json: object): Record<string, string> {
  return { 'bin/export-credentials': `#!/bin/sh\ncat <<'JSON'\n${JSON.stringify(json)}\nJSON\n` };
}

const soon = (): string => new Date(Date.now() + 5 * 60_000).toISOString();

const outcomes = new DoctorOutcomes<string>();
const get = outcomes.get;

before(async () => {
  upstream = await startUpstream(
    scenarioWith({
      credentials: [
        { ...PLANTED_CREDENTIAL, arn: 'arn:aws:sts::123456789012:assumed-role/ClaudeCode/dev' },
        // A session key whose session ended: STS and Bedrock answer ExpiredTokenException.
        { accessKeyId: EXPIRED_SESSION_KEY, secretAccessKey: PLANTED.secretAccessKey, sessionToken: PLANTED.sessionToken, expiresAt: '2020-01-01T00:00:00Z' },
      ],
      apiKeys: [{ token: PLANTED.bearerToken }],
    }),
  );
});
after(async () => {
  await upstream.close();
});

/** Doctor (no Claude Code on PATH, JSON report by default); the proxy password must not be printed either. */
function prepared(setup: DoctorSetup, args: string[] = ['--json']): Promise<DoctorOutcome> {
  return runDoctor(homes, setup, args, {
    assertOutput: (result) => assert.ok(!(result.stdout + result.stderr).includes(PROXY_PASSWORD), 'doctor printed the proxy password'),
  });
}

describe('doctor: credentials', () => {
  before(async () => {
    const settingsWith = (extra: object) => ({ 'home/.claude/settings.json': extra });
    const configs: Record<string, DoctorSetup> = {
      /** awsCredentialExport prints the wrong shape (with a planted secret in it); SSO refresh behind a proxy; a missing profile. */
      exportBroken: {
        files: {
          ...exportScript({ AccessKeyId: PLANTED.accessKeyId, Secret: PLANTED.secretAccessKey }),
          ...settingsWith({ awsCredentialExport: '$ROOT/bin/export-credentials', awsAuthRefresh: 'aws sso login --profile corp' }),
        },
        env: { CLAUDE_CODE_USE_BEDROCK: '1', AWS_REGION: 'us-east-1', AWS_PROFILE: 'corp', HTTPS_PROXY: `http://alice:${PROXY_PASSWORD}@proxy.corp.example:3128` },
      },
      /** Nothing provides credentials. */
      noCredentials: { env: { CLAUDE_CODE_USE_BEDROCK: '1', AWS_REGION: 'us-east-1' } },
    };
    const online: Record<string, () => DoctorSetup> = {
      /** awsCredentialExport prints valid credentials of the account that expire in five minutes. */
      exportSoon: () => ({
        files: {
          ...exportScript({ Version: 1, AccessKeyId: PLANTED.accessKeyId, SecretAccessKey: PLANTED.secretAccessKey, SessionToken: PLANTED.sessionToken, Expiration: soon() }),
          ...settingsWith({ awsCredentialExport: '$ROOT/bin/export-credentials' }),
        },
        env: { ...endpoints(), ANTHROPIC_DEFAULT_OPUS_MODEL: 'us.anthropic.claude-opus-4-8' },
      }),
      /** Temporary keys (ASIA…, session token, no expiry time given) whose session ended; Mantle on too. */
      expiredSession: () => ({
        env: {
          ...endpoints(),
          CLAUDE_CODE_USE_MANTLE: '1',
          AWS_ACCESS_KEY_ID: EXPIRED_SESSION_KEY,
          AWS_SECRET_ACCESS_KEY: PLANTED.secretAccessKey,
          AWS_SESSION_TOKEN: PLANTED.sessionToken,
        },
      }),
      /** Keys the account does not know. */
      unknownKeys: () => ({ env: { ...endpoints(), AWS_ACCESS_KEY_ID: 'AKIAUNKNOWNKEY000001', AWS_SECRET_ACCESS_KEY: PLANTED.secretAccessKey } }),
      /** An API key shadows awsCredentialExport and makes awsAuthRefresh dead. */
      apiKey: () => ({
        files: settingsWith({ awsCredentialExport: '$ROOT/bin/none', awsAuthRefresh: 'aws sso login --profile corp', env: { AWS_BEARER_TOKEN_BEDROCK: PLANTED.bearerToken } }),
        env: { ...endpoints(), ANTHROPIC_DEFAULT_OPUS_MODEL: 'us.anthropic.claude-opus-4-8' },
      }),
    };
    await Promise.all([outcomes.runEach(configs, (setup) => prepared(setup, ['--offline', '--json'])), outcomes.runEach(online, (build) => prepared(build()))]);
  });

  test('credentials.export: output that is not credentials fails, without echoing it', () => {
    const check = finding(get('exportBroken'), 'credentials.export', 'fail');
    assert.match(check.detail, /printed JSON without string AccessKeyId and SecretAccessKey/);
    assert.match(check.fix!, /make `.*export-credentials` exit 0 printing \{"Credentials":\{"AccessKeyId"/);
  });

  test('credentials.auth-refresh: awsAuthRefresh with HTTPS_PROXY set warns of the SSO loop (proxy host only)', () => {
    const check = finding(get('exportBroken'), 'credentials.auth-refresh', 'warn', /proxy/);
    assert.match(check.detail, /HTTPS_PROXY \(shell env\) routes traffic through proxy\.corp\.example:3128/);
    assert.equal(check.fix, 'if that happens, remove "awsAuthRefresh" from ~/.claude/settings.json and run `aws sso login --profile corp` yourself before starting Claude Code');
  });

  test('credentials.source: AWS_PROFILE names a profile that does not exist', () => {
    const check = finding(get('exportBroken'), 'credentials.source', 'fail', /corp/);
    assert.match(check.fix!, /aws configure --profile corp/);
  });

  test('credentials.source: no credential source at all', () => {
    const check = finding(get('noCredentials'), 'credentials.source', 'fail');
    assert.match(check.fix!, /aws configure/);
    assert.match(check.fix!, /AWS_BEARER_TOKEN_BEDROCK/);
    finding(get('noCredentials'), 'credentials.identity', 'skip', /--offline/);
  });

  test('credentials.export and credentials.expiry: valid exported credentials that expire soon', () => {
    const exported = finding(get('exportSoon'), 'credentials.export', 'ok');
    assert.match(exported.detail, /printed access key AKIA…0001 with a session token, expiring/);
    const expiry = finding(get('exportSoon'), 'credentials.expiry', 'warn', /expire in [45] min/);
    assert.match(expiry.fix!, /awsCredentialExport/);
  });

  test('credentials.identity: STS GetCallerIdentity through AWS_ENDPOINT_URL_STS', () => {
    const check = finding(get('exportSoon'), 'credentials.identity', 'ok');
    assert.equal(check.title, 'AWS identity: arn:aws:sts::123456789012:assumed-role/ClaudeCode/dev');
    assert.match(check.detail, /account 123456789012; access key AKIA…0001 with session token/);
  });

  test('expired session keys: "expired" (never "long-term"), no IAM fix for refusals the expiry caused, each fix once', () => {
    const outcome = get('expiredSession');
    const expiry = finding(outcome, 'credentials.expiry', 'fail', /expired/);
    assert.doesNotMatch(`${expiry.title} ${expiry.detail}`, /no expiry|long-term/);
    assert.match(expiry.fix!, /export fresh AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN/);
    finding(outcome, 'credentials.identity', 'fail', /as expired/);
    for (const check of outcome.report.checks) assert.doesNotMatch(check.fix ?? '', /iam-policy|bedrock:ListInferenceProfiles|IAM permissions/, `${check.id}: ${check.fix}`);
    assert.notEqual(finding(outcome, 'iam.actions', 'ok').status, 'fail');
    const fixes = outcome.report.checks.filter((check) => check.status !== 'ok' && check.fix !== null).map((check) => check.fix);
    assert.equal(new Set(fixes).size, fixes.length, JSON.stringify(fixes, null, 1));
    assert.equal(outcome.code, 1);
  });

  test('credentials.identity: STS rejects keys the account does not know; the probes, refused the same way, point at it instead of repeating its fix', () => {
    const outcome = get('unknownKeys');
    const check = finding(outcome, 'credentials.identity', 'fail');
    assert.match(check.detail, /InvalidClientTokenId/);
    assert.match(check.fix!, /aws sts get-caller-identity/);
    const models = finding(outcome, 'access.models', 'skip', /main model.*not judged/);
    assert.match(models.detail, /credentials are rejected \(see credentials\.identity\)/);
    assert.equal(models.fix, null);
    assert.equal(outcome.code, 1);
  });

  test('an API key: no STS identity, awsCredentialExport never used, awsAuthRefresh never runs; probes pass', () => {
    const outcome = get('apiKey');
    finding(outcome, 'credentials.identity', 'ok', /Amazon Bedrock API key/);
    const shadowed = finding(outcome, 'credentials.export', 'warn', /never used/);
    assert.match(shadowed.fix!, /remove awsCredentialExport from ~\/\.claude\/settings\.json/);
    const dead = finding(outcome, 'credentials.auth-refresh', 'warn', /never runs/);
    assert.match(dead.fix!, /remove awsAuthRefresh from ~\/\.claude\/settings\.json/);
    finding(outcome, 'access.models', 'ok', /main model/);
  });
});
