/**
 * doctor, credential checks: offline ones on temp HOMEs, online ones against the local Bedrock
 * emulator (started in-process on 127.0.0.1:0, pointed at with ANTHROPIC_BEDROCK_BASE_URL and
 * AWS_ENDPOINT_URL_STS). The planted secrets are real credentials of the emulated account, so
 * they travel through signing, STS and probes, and must still never be printed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { createEmulator, scenarioWith, type Emulator, type RunningEmulator } from '../../src/emulator/index.js';
import { createTempHome, type TempHome } from '../helpers/temp-home.js';
import { PLANTED, assertNoSecrets } from '../helpers/secrets.js';
import { runCli } from '../helpers/run-cli.js';

interface Check {
  id: string;
  category: string;
  status: 'ok' | 'warn' | 'fail' | 'skip';
  title: string;
  detail: string;
  fix: string | null;
}
interface Report {
  schema: string;
  ok: boolean;
  summary: Record<string, number>;
  checks: Check[];
}
interface Setup {
  files?: Record<string, string | object>;
  env?: Record<string, string>;
}
interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
  report: Report;
  home: TempHome;
}

const homes: TempHome[] = [];
after(() => homes.forEach((home) => home.cleanup()));

function findings(outcome: Outcome, id: string): Check[] {
  return outcome.report.checks.filter((check) => check.id === id);
}

function finding(outcome: Outcome, id: string, status: Check['status'], match?: RegExp): Check {
  const found = findings(outcome, id).find((check) => check.status === status && (!match || match.test(`${check.title}\n${check.detail}`)));
  assert.ok(found, `no ${status} finding ${id}${match ? ` matching ${match}` : ''}; got ${JSON.stringify(findings(outcome, id), null, 2)}`);
  return found;
}

const PROXY_PASSWORD = 'hunter2proxypass';
let emulator: Emulator;
let running: RunningEmulator;

function endpoints(): Record<string, string> {
  return {
    CLAUDE_CODE_USE_BEDROCK: '1',
    AWS_REGION: 'us-east-1',
    ANTHROPIC_BEDROCK_BASE_URL: running.url,
    ANTHROPIC_BEDROCK_MANTLE_BASE_URL: `${running.url}/anthropic`,
    AWS_ENDPOINT_URL_STS: running.url,
  };
}

function exportScript(json: object): Record<string, string> {
  return { 'bin/export-credentials': `#!/bin/sh\ncat <<'JSON'\n${JSON.stringify(json)}\nJSON\n` };
}

const soon = (): string => new Date(Date.now() + 5 * 60_000).toISOString();

const outcomes: Record<string, Outcome> = {};
const get = (name: string): Outcome => {
  const outcome = outcomes[name];
  assert.ok(outcome, `configuration ${name} did not run`);
  return outcome;
};

before(async () => {
  emulator = createEmulator({
    scenario: scenarioWith({
      credentials: [
        { accessKeyId: PLANTED.accessKeyId, secretAccessKey: PLANTED.secretAccessKey, sessionToken: PLANTED.sessionToken, arn: 'arn:aws:sts::123456789012:assumed-role/ClaudeCode/dev' },
      ],
      apiKeys: [{ token: PLANTED.bearerToken }],
    }),
  });
  running = await emulator.listen({ host: '127.0.0.1', port: 0 });
});
after(async () => {
  await emulator.close();
});

/** Writes the files, makes scripts executable, then runs doctor. */
async function prepared(setup: Setup, args: string[] = ['--json']): Promise<Outcome> {
  const home = createTempHome(setup.files ?? {});
  homes.push(home);
  for (const relative of Object.keys(setup.files ?? {})) if (relative.startsWith('bin/')) chmodSync(join(home.root, relative), 0o755);
  // Settings can name files of the temp tree as $ROOT/…; rewrite them now that the tree exists.
  const settingsFile = setup.files?.['home/.claude/settings.json'];
  if (settingsFile) home.write('home/.claude/settings.json', JSON.parse(JSON.stringify(settingsFile).replaceAll('$ROOT', home.root)) as object);
  const result = await runCli(['doctor', ...args], {
    cwd: home.cwd,
    env: { PATH: '/usr/bin:/bin', HOME: home.home, CC_BEDROCK_MANAGED_SETTINGS_DIR: join(home.root, 'managed'), AWS_EC2_METADATA_DISABLED: 'true', ...setup.env },
  });
  assertNoSecrets(result.stdout + result.stderr, 'doctor output');
  assert.ok(!(result.stdout + result.stderr).includes(PROXY_PASSWORD), 'doctor printed the proxy password');
  return { ...result, report: JSON.parse(result.stdout) as Report, home };
}

describe('doctor: credentials', () => {
  before(async () => {
    const settingsWith = (extra: object) => ({ 'home/.claude/settings.json': extra });
    const configs: Record<string, Setup> = {
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
    const online: Record<string, () => Setup> = {
      /** awsCredentialExport prints valid credentials of the account that expire in five minutes. */
      exportSoon: () => ({
        files: {
          ...exportScript({ Version: 1, AccessKeyId: PLANTED.accessKeyId, SecretAccessKey: PLANTED.secretAccessKey, SessionToken: PLANTED.sessionToken, Expiration: soon() }),
          ...settingsWith({ awsCredentialExport: '$ROOT/bin/export-credentials' }),
        },
        env: { ...endpoints(), ANTHROPIC_DEFAULT_OPUS_MODEL: 'us.anthropic.claude-opus-4-8' },
      }),
      /** Keys the account does not know. */
      unknownKeys: () => ({ env: { ...endpoints(), AWS_ACCESS_KEY_ID: 'AKIAUNKNOWNKEY000001', AWS_SECRET_ACCESS_KEY: PLANTED.secretAccessKey } }),
      /** An API key shadows awsCredentialExport and makes awsAuthRefresh dead. */
      apiKey: () => ({
        files: settingsWith({ awsCredentialExport: '$ROOT/bin/none', awsAuthRefresh: 'aws sso login --profile corp', env: { AWS_BEARER_TOKEN_BEDROCK: PLANTED.bearerToken } }),
        env: { ...endpoints(), ANTHROPIC_DEFAULT_OPUS_MODEL: 'us.anthropic.claude-opus-4-8' },
      }),
    };
    const names = [...Object.keys(configs), ...Object.keys(online)];
    const results = await Promise.all([
      ...Object.values(configs).map((setup) => prepared(setup, ['--offline', '--json'])),
      ...Object.values(online).map((build) => prepared(build())),
    ]);
    names.forEach((name, index) => (outcomes[name] = results[index]!));
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

  test('credentials.identity: STS rejects keys the account does not know, and the probes fail the same way', () => {
    const outcome = get('unknownKeys');
    const check = finding(outcome, 'credentials.identity', 'fail');
    assert.match(check.detail, /InvalidClientTokenId/);
    assert.match(check.fix!, /aws sts get-caller-identity/);
    finding(outcome, 'access.models', 'fail', /main model/);
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
