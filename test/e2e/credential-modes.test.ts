/**
 * Every credential mode of `cc-bedrock -p`, end to end against the emulator, with the planted
 * secrets as the only valid credentials of the emulated account: static keys, the profile file,
 * the Bedrock API key, awsCredentialExport (nested, flat, failing), awsAuthRefresh (healing once;
 * not helping), skip-auth, and no credentials at all. No run may print a planted secret.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReceivedRequest, ScenarioInput } from '../../src/emulator/index.js';
import { cliEmulatorHarness } from '../helpers/cli-emulator.js';
import { PLANTED, PLANTED_CREDENTIAL, PLANTED_DEFAULT_PROFILE, PLANTED_ENV_KEYS } from '../helpers/secrets.js';
import type { TempHome } from '../helpers/temp-home.js';

/** An AWS key the emulated account had, expired long ago (what `aws sso login` would replace). */
const EXPIRED = { accessKeyId: 'AKIAEXPIREDKEY000001', secretAccessKey: 'expiredSecretKeyNotPlanted0000000000000' };

/**
 * The default account with the planted secrets as its only credentials: the planted keys with a
 * session token, the planted Bedrock API key, and an expired key.
 */
function scenario(overrides: Partial<ScenarioInput> = {}): ScenarioInput {
  return {
    credentials: [PLANTED_CREDENTIAL, { ...EXPIRED, expiresAt: '2020-01-01T00:00:00Z' }],
    apiKeys: [{ token: PLANTED.bearerToken }],
    ...overrides,
  };
}

const { cc, newHome } = cliEmulatorHarness({ account: scenario });

/** Keys the emulated account does not know: a mode that must ignore them proves it by succeeding. */
const UNKNOWN_ENV_KEYS = { AWS_ACCESS_KEY_ID: 'AKIAUNKNOWNKEY000001', AWS_SECRET_ACCESS_KEY: 'unknownSecretKeyNotPlanted00000000000000' };

const mainCall = (log: readonly ReceivedRequest[]) => log.find((entry) => entry.operation === 'invoke-stream');
const authOf = (entry: ReceivedRequest | undefined) => (entry?.auth ?? {}) as { kind?: string; service?: string; accessKeyId?: string; sessionToken?: boolean; region?: string };

/** A node script in the temp tree, run as a settings command (`node <file>`). */
function script(home: TempHome, name: string, source: string): string {
  return `"${process.execPath}" "${home.write(name, source)}"`;
}

function exportScript(home: TempHome, document: object, exitCode = 0): string {
  return script(home, 'export.mjs', `process.stdout.write(${JSON.stringify(JSON.stringify(document))}); process.exit(${exitCode});\n`);
}

describe('credential modes: each authenticates the way Claude Code does', { concurrency: true }, () => {
  test('static keys in the environment: SigV4 (service bedrock) with the session token', async () => {
    const run = await cc(['-p', 'hi'], { env: PLANTED_ENV_KEYS });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'You said: hi\n');
    const auth = authOf(mainCall(run.log));
    assert.deepEqual([auth.kind, auth.service, auth.region, auth.accessKeyId, auth.sessionToken], ['sigv4', 'bedrock', 'us-east-1', 'AKIA…0001', true]);
  });

  test('the shared credentials file of the default profile', async () => {
    const home = newHome({ 'home/.aws/credentials': PLANTED_DEFAULT_PROFILE, 'home/.aws/config': '[default]\nregion = us-east-1\n' });
    const run = await cc(['-p', 'hi'], { home, env: { AWS_REGION: undefined } });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(authOf(mainCall(run.log)).kind, 'sigv4');
    assert.equal(authOf(mainCall(run.log)).accessKeyId, 'AKIA…0001');
  });

  test('a Bedrock API key: Bearer on every request, and the AWS keys in the environment are ignored', async () => {
    const run = await cc(['-p', 'hi'], { env: { ...UNKNOWN_ENV_KEYS, AWS_BEARER_TOKEN_BEDROCK: PLANTED.bearerToken } });
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.log.length > 1);
    for (const entry of run.log) assert.equal(authOf(entry).kind, 'bearer', `${entry.operation} ${entry.path}`);
  });

  test('awsCredentialExport printing the nested {"Credentials": …} form beats the environment keys', async () => {
    const home = newHome();
    const command = exportScript(home, {
      Credentials: { AccessKeyId: PLANTED.accessKeyId, SecretAccessKey: PLANTED.secretAccessKey, SessionToken: PLANTED.sessionToken, Expiration: '2099-01-01T00:00:00Z' },
    });
    home.write('home/.claude/settings.json', { awsCredentialExport: command });
    const run = await cc(['-p', 'hi'], { home, env: UNKNOWN_ENV_KEYS });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, '');
    assert.deepEqual([authOf(mainCall(run.log)).accessKeyId, authOf(mainCall(run.log)).sessionToken], ['AKIA…0001', true]);
  });

  test('awsCredentialExport printing the flat `aws configure export-credentials --format process` form', async () => {
    const home = newHome();
    const command = exportScript(home, { Version: 1, AccessKeyId: PLANTED.accessKeyId, SecretAccessKey: PLANTED.secretAccessKey, SessionToken: PLANTED.sessionToken });
    home.write('home/.claude/settings.json', { awsCredentialExport: command });
    const run = await cc(['-p', 'hi'], { home, env: UNKNOWN_ENV_KEYS });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(authOf(mainCall(run.log)).accessKeyId, 'AKIA…0001');
  });

  test('a failing awsCredentialExport warns (without its output) and falls back to the default chain', async () => {
    const home = newHome({ 'home/.aws/credentials': PLANTED_DEFAULT_PROFILE });
    // The failing command prints secrets: none of them may be shown.
    const command = exportScript(home, { Credentials: { AccessKeyId: PLANTED.accessKeyId, SecretAccessKey: PLANTED.secretAccessKey, SessionToken: PLANTED.sessionToken } }, 3);
    home.write('home/.claude/settings.json', { awsCredentialExport: command });
    const run = await cc(['-p', 'hi'], { home });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'You said: hi\n');
    assert.match(run.stderr, /^cc-bedrock: warning: awsCredentialExport \(~\/\.claude\/settings\.json\)[^\n]*using the AWS default credential chain instead/);
    assert.equal(authOf(mainCall(run.log)).accessKeyId, 'AKIA…0001');
  });

  test('skip-auth: nothing is signed and nothing is probed', async () => {
    const run = await cc(['-p', 'hi'], { env: { CLAUDE_CODE_SKIP_BEDROCK_AUTH: '1' }, scenario: { allowUnsigned: true } });
    assert.equal(run.code, 0, run.stderr);
    for (const entry of run.log) assert.equal(authOf(entry).kind, 'unsigned');
    assert.deepEqual(run.log.map((entry) => entry.operation), ['list-inference-profiles', 'invoke-stream']);
  });

  test('no credentials anywhere: exit 2 at once, listing the sources tried and how to configure one; nothing is sent', async () => {
    const run = await cc(['-p', 'hi']);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /^cc-bedrock: [^\n]*credentials/i);
    assert.match(run.stderr, /AWS_ACCESS_KEY_ID/);
    assert.match(run.stderr, /~\/\.aws\/credentials|shared credentials/);
    assert.match(run.stderr, /\n {2}fix: /);
    assert.equal(run.log.filter((entry) => entry.operation.startsWith('invoke')).length, 0);
  });
});

describe('credential modes: awsAuthRefresh', { concurrency: true }, () => {
  /** A refresh command that counts its runs and, when `heals`, writes the planted keys into ~/.aws/credentials. */
  function refreshHome(heals: boolean): { home: TempHome; runs: () => number } {
    const home = newHome({ 'home/.aws/credentials': `[default]\naws_access_key_id = ${EXPIRED.accessKeyId}\naws_secret_access_key = ${EXPIRED.secretAccessKey}\n` });
    const counter = join(home.root, 'refresh-runs');
    const source = [
      "import { appendFileSync, writeFileSync } from 'node:fs';",
      `appendFileSync(${JSON.stringify(counter)}, 'run\\n');`,
      heals ? `writeFileSync(${JSON.stringify(join(home.home, '.aws', 'credentials'))}, ${JSON.stringify(PLANTED_DEFAULT_PROFILE)});` : '',
      "console.log('Successfully logged into Start URL: https://example.awsapps.com/start');",
    ].join('\n');
    home.write('home/.claude/settings.json', { awsAuthRefresh: script(home, 'refresh.mjs', source) });
    const runs = () => {
      try {
        return readFileSync(counter, 'utf8').split('\n').filter(Boolean).length;
      } catch {
        return 0;
      }
    };
    return { home, runs };
  }

  test('expired credentials: the refresh command runs once, its output is shown, the request is retried and succeeds', async () => {
    const { home, runs } = refreshHome(true);
    const run = await cc(['-p', 'hi'], { home });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'You said: hi\n');
    assert.equal(runs(), 1);
    assert.match(run.stderr, /Successfully logged into Start URL/);
    assert.ok(run.log.some((entry) => entry.errorType === 'ExpiredTokenException'), 'the expired key was tried first');
    assert.equal(authOf(mainCall(run.log)).accessKeyId, 'AKIA…0001');
  });

  test('a refresh that does not help is not repeated: exit within one run of the command, with the SSO/TLS-proxy remediation', async () => {
    const { home, runs } = refreshHome(false);
    const run = await cc(['-p', 'hi'], { home });
    assert.equal(run.code, 2, run.stderr);
    assert.equal(runs(), 1);
    assert.match(run.stderr, /awsAuthRefresh \(~\/\.claude\/settings\.json\) already ran and the AWS credentials are still rejected; not running it again/);
    assert.match(run.stderr, /\n {2}fix: a TLS-inspecting corporate proxy or VPN can interrupt the SSO flow: remove `awsAuthRefresh`/);
    assert.equal(run.log.filter((entry) => entry.operation === 'invoke-stream').length, 0);
  });
});
