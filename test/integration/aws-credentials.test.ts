import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { createTempHome, withTempHome, type TempHome } from '../helpers/temp-home.js';
import { PLANTED, assertNoSecrets } from '../helpers/secrets.js';
import { startFakeSts } from '../helpers/fake-sts.js';
import { settingsOverShellLookup } from '../helpers/env-lookup.js';
import { CcBedrockError } from '../../src/core/errors.js';
import type { EnvLookup, Sourced } from '../../src/core/route-plan.js';
import type { AuthProvider, RequestAuth } from '../../src/core/auth-types.js';
import { planCredentials } from '../../src/aws/credential-plan.js';
import { createAuthProvider } from '../../src/aws/credentials.js';

const SETTINGS_FILE = '~/.claude/settings.json';
const NODE = JSON.stringify(process.execPath);
const MINUTE_MS = 60_000;
const EXPIRED_CAUSE = Object.assign(new Error('The security token included in the request is expired'), { name: 'ExpiredTokenException' });

interface Harness {
  readonly provider: AuthProvider;
  readonly warnings: string[];
  stderrText(): string;
  /** Every user-visible text so far, for secret checks. */
  allOutput(): string;
}

async function harness(
  home: TempHome,
  config: {
    shell?: Record<string, string>;
    settings?: Record<string, string>;
    exportCommand?: string;
    refreshCommand?: string;
    clock?: () => number;
  },
): Promise<Harness> {
  // Tests never reach a real metadata service: IMDS is off unless a test points it at loopback.
  const shell = { AWS_EC2_METADATA_DISABLED: 'true', ...config.shell };
  const env = settingsOverShellLookup(shell, config.settings ?? {});
  const setting = (value: string | undefined): Sourced<string> | undefined => (value ? { value, source: SETTINGS_FILE } : undefined);
  const plan = await planCredentials({
    env,
    homeDir: home.home,
    endpoint: 'bedrock',
    ...(config.exportCommand ? { awsCredentialExport: setting(config.exportCommand) } : {}),
    ...(config.refreshCommand ? { awsAuthRefresh: setting(config.refreshCommand) } : {}),
  });
  const warnings: string[] = [];
  const stderr = new PassThrough();
  let stderrText = '';
  stderr.on('data', (chunk: Buffer) => (stderrText += chunk.toString('utf8')));
  const provider = createAuthProvider({
    plan,
    env,
    subprocessEnv: { PATH: process.env.PATH, HOME: home.home, ...shell, ...config.settings },
    homeDir: home.home,
    region: 'us-east-1',
    stderr,
    warn: (message) => warnings.push(message),
    ...(config.clock ? { clock: config.clock } : {}),
  });
  return {
    provider,
    warnings,
    stderrText: () => stderrText,
    allOutput: () => `${warnings.join('\n')}\n${stderrText}`,
  };
}

function sigv4(auth: RequestAuth): { accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date } {
  assert.equal(auth.kind, 'sigv4');
  return (auth as Extract<RequestAuth, { kind: 'sigv4' }>).credentials;
}

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<CcBedrockError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof CcBedrockError, `expected CcBedrockError, got ${String(error)}`);
    assert.equal(error.code, code, error.describe());
    assertNoSecrets(`${error.describe()}\n${JSON.stringify(error.toJSON())}`, 'error');
    return error;
  }
  assert.fail(`expected ${code}`);
}

/** A node script that prints JSON (and optionally appends a line to a run-count file). */
function script(home: TempHome, name: string, body: string): string {
  return `${NODE} ${JSON.stringify(home.write(`bin/${name}.mjs`, body))}`;
}

const countLines = (path: string): number => (existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean).length : 0);

const STATIC = (keyId: string) => `aws_access_key_id = ${keyId}\naws_secret_access_key = ${PLANTED.secretAccessKey}\naws_session_token = ${PLANTED.sessionToken}\n`;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

describe('createAuthProvider: sources', () => {
  test('skip-auth sends nothing; the Bedrock API key is read fresh on every request', async () => {
    await withTempHome(async (home) => {
      const skip = await harness(home, { shell: { CLAUDE_CODE_SKIP_BEDROCK_AUTH: '1', ...{ AWS_ACCESS_KEY_ID: PLANTED.accessKeyId } } });
      assert.deepEqual(await skip.provider.getAuth(), { kind: 'none' });

      const values: Record<string, string> = { AWS_BEARER_TOKEN_BEDROCK: PLANTED.bearerToken };
      const env: EnvLookup = { get: (name) => (values[name] ? { value: values[name] as string, source: 'shell env' } : undefined) };
      const plan = await planCredentials({ env, homeDir: home.home, endpoint: 'bedrock' });
      const provider = createAuthProvider({ plan, env, subprocessEnv: {}, homeDir: home.home, region: 'us-east-1', stderr: new PassThrough(), warn: () => undefined });
      assert.deepEqual(await provider.getAuth(), { kind: 'bearer', token: PLANTED.bearerToken });
      values.AWS_BEARER_TOKEN_BEDROCK = 'rotated-token';
      assert.deepEqual(await provider.getAuth(), { kind: 'bearer', token: 'rotated-token' });
      await rejectsWith(provider.recoverFromAuthFailure(EXPIRED_CAUSE), 'CREDENTIALS_EXPIRED');
    });
  });

  test('environment keys come from the EnvLookup, settings env included', async () => {
    await withTempHome(async (home) => {
      const h = await harness(home, {
        shell: { AWS_ACCESS_KEY_ID: 'AKIASHELLKEY00000000', AWS_SECRET_ACCESS_KEY: 'shell-secret' },
        settings: { AWS_ACCESS_KEY_ID: PLANTED.accessKeyId, AWS_SECRET_ACCESS_KEY: PLANTED.secretAccessKey, AWS_SESSION_TOKEN: PLANTED.sessionToken },
      });
      const creds = sigv4(await h.provider.getAuth());
      assert.equal(creds.accessKeyId, PLANTED.accessKeyId);
      assert.equal(creds.secretAccessKey, PLANTED.secretAccessKey);
      assert.equal(creds.sessionToken, PLANTED.sessionToken);
      assert.deepEqual(h.warnings, []);
    });
  });

  test('readyAuth hands out cached, fresh credentials without waiting, and nothing before, after expiry or uncached', async () => {
    await withTempHome(async (home) => {
      let now = Date.parse('2030-01-01T00:00:00Z');
      const keys = { AWS_ACCESS_KEY_ID: PLANTED.accessKeyId, AWS_SECRET_ACCESS_KEY: PLANTED.secretAccessKey };
      const h = await harness(home, { shell: keys, clock: () => now });
      assert.equal(h.provider.readyAuth?.(), undefined, 'nothing resolved yet');
      const resolved = await h.provider.getAuth();
      const ready = h.provider.readyAuth?.();
      assert.ok(ready, 'resolved credentials are at hand');
      assert.deepEqual(sigv4(ready), sigv4(resolved));
      now += 61 * MINUTE_MS; // keys without an expiry are re-read after an hour
      assert.equal(h.provider.readyAuth?.(), undefined, 'due for refresh: getAuth decides');
      const uncached = await harness(home, { shell: { ...keys, CLAUDE_CODE_SKIP_AWS_CRED_CACHE: '1' } });
      await uncached.provider.getAuth();
      assert.equal(uncached.provider.readyAuth?.(), undefined, 'CLAUDE_CODE_SKIP_AWS_CRED_CACHE=1 re-reads every time');
    });
  });

  test('static keys of a named profile in AWS_SHARED_CREDENTIALS_FILE', async () => {
    await withTempHome({ 'elsewhere/creds': `[ci]\n${STATIC(PLANTED.accessKeyId)}` }, async (home) => {
      const h = await harness(home, { settings: { AWS_PROFILE: 'ci', AWS_SHARED_CREDENTIALS_FILE: `${home.root}/elsewhere/creds` } });
      const creds = sigv4(await h.provider.getAuth());
      assert.equal(creds.accessKeyId, PLANTED.accessKeyId);
      assert.equal(creds.sessionToken, PLANTED.sessionToken);
    });
  });

  test('credential_process profile runs once and is cached; CLAUDE_CODE_SKIP_AWS_CRED_CACHE=1 re-runs it', async () => {
    await withTempHome(async (home) => {
      const counter = `${home.root}/process-runs`;
      const command = script(
        home,
        'process',
        `import { appendFileSync } from 'node:fs';\nappendFileSync(${JSON.stringify(counter)}, 'run\\n');\n` +
          `console.log(JSON.stringify({ Version: 1, AccessKeyId: ${JSON.stringify(PLANTED.accessKeyId)}, SecretAccessKey: ${JSON.stringify(PLANTED.secretAccessKey)}, SessionToken: ${JSON.stringify(PLANTED.sessionToken)} }));\n`,
      );
      home.write('home/.aws/config', `[profile proc]\ncredential_process = ${command}\n`);
      const cached = await harness(home, { shell: { AWS_PROFILE: 'proc' } });
      assert.equal(sigv4(await cached.provider.getAuth()).accessKeyId, PLANTED.accessKeyId);
      await cached.provider.getAuth();
      assert.equal(countLines(counter), 1);

      const uncached = await harness(home, { shell: { AWS_PROFILE: 'proc', CLAUDE_CODE_SKIP_AWS_CRED_CACHE: '1' } });
      await uncached.provider.getAuth();
      await uncached.provider.getAuth();
      assert.equal(countLines(counter), 3);
    });
  });

  test('container credentials from a loopback AWS_CONTAINER_CREDENTIALS_FULL_URI', async () => {
    const home = createTempHome();
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers.authorization ?? '');
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ AccessKeyId: PLANTED.accessKeyId, SecretAccessKey: PLANTED.secretAccessKey, Token: PLANTED.sessionToken, Expiration: new Date(Date.now() + 3600_000).toISOString() }));
    });
    try {
      const url = await listen(server);
      const h = await harness(home, { settings: { AWS_CONTAINER_CREDENTIALS_FULL_URI: `${url}/creds`, AWS_CONTAINER_AUTHORIZATION_TOKEN: 'container-token' } });
      const creds = sigv4(await h.provider.getAuth());
      assert.equal(creds.accessKeyId, PLANTED.accessKeyId);
      assert.ok(creds.expiration instanceof Date);
      assert.deepEqual(seen, ['container-token']);
    } finally {
      await close(server);
      home.cleanup();
    }
  });

  test('instance metadata (IMDSv2) from a loopback AWS_EC2_METADATA_SERVICE_ENDPOINT', async () => {
    const home = createTempHome();
    const requests: string[] = [];
    const server = createServer((req, res) => {
      requests.push(`${req.method} ${req.url} ${req.headers['x-aws-ec2-metadata-token'] ?? '-'}`);
      if (req.method === 'PUT' && req.url === '/latest/api/token') return res.end('imds-token');
      if (req.url === '/latest/meta-data/iam/security-credentials/') return res.end('bedrock-role\n');
      if (req.url === '/latest/meta-data/iam/security-credentials/bedrock-role') {
        return res.end(JSON.stringify({ Code: 'Success', AccessKeyId: PLANTED.accessKeyId, SecretAccessKey: PLANTED.secretAccessKey, Token: PLANTED.sessionToken, Expiration: '2099-01-01T00:00:00Z' }));
      }
      res.statusCode = 404;
      res.end();
    });
    try {
      const url = await listen(server);
      const h = await harness(home, { shell: { AWS_EC2_METADATA_DISABLED: 'false', AWS_EC2_METADATA_SERVICE_ENDPOINT: url } });
      const creds = sigv4(await h.provider.getAuth());
      assert.equal(creds.sessionToken, PLANTED.sessionToken);
      assert.deepEqual(requests, [
        'PUT /latest/api/token -',
        'GET /latest/meta-data/iam/security-credentials/ imds-token',
        'GET /latest/meta-data/iam/security-credentials/bedrock-role imds-token',
      ]);
    } finally {
      await close(server);
      home.cleanup();
    }
  });

  test('no credentials anywhere: CREDENTIALS_NOT_FOUND listing every source and how to set one', async () => {
    const home = createTempHome({ 'home/.aws/config': '[default]\nregion = eu-west-1\n' });
    const probe = createServer();
    try {
      const off = await harness(home, {});
      const error = await rejectsWith(off.provider.getAuth(), 'CREDENTIALS_NOT_FOUND');
      assert.match(error.message, /environment keys \(AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY\): not set/);
      assert.match(error.message, /profile "default": has no credential settings/);
      assert.match(error.message, /web identity .*: not set/);
      assert.match(error.message, /EC2 instance metadata .*disabled by AWS_EC2_METADATA_DISABLED/);
      assert.match(error.remediation ?? '', /aws configure/);
      assert.match(error.remediation ?? '', /aws sso login --profile/);
      assert.match(error.remediation ?? '', /AWS_BEARER_TOKEN_BEDROCK/);
      assert.match(error.remediation ?? '', /awsCredentialExport/);

      // IMDS enabled but nobody listening: a refused loopback port fails at once, no retries.
      const closedPort = await listen(probe);
      await close(probe);
      const refused = await harness(home, { shell: { AWS_EC2_METADATA_DISABLED: 'false', AWS_EC2_METADATA_SERVICE_ENDPOINT: closedPort, AWS_PROFILE: 'ghost' } });
      const again = await rejectsWith(refused.provider.getAuth(), 'CREDENTIALS_NOT_FOUND');
      assert.match(again.message, new RegExp(`EC2 instance metadata \\(${closedPort}\\): connection failed from ${closedPort}`));
      assert.match(again.message, /profile "ghost": not found in ~\/\.aws\/credentials or ~\/\.aws\/config/);
      assert.match(again.remediation ?? '', /aws sso login --profile ghost/);
    } finally {
      home.cleanup();
    }
  });

  test('a stalled credential_process hits CLAUDE_CODE_AWS_CHAIN_RESOLVE_TIMEOUT_MS and is reported after one retry', async () => {
    await withTempHome(async (home) => {
      const command = script(home, 'stall', 'setTimeout(() => {}, 1500);\n');
      home.write('home/.aws/config', `[default]\ncredential_process = ${command}\n`);
      const h = await harness(home, { settings: { CLAUDE_CODE_AWS_CHAIN_RESOLVE_TIMEOUT_MS: '1_50' } });
      const error = await rejectsWith(h.provider.getAuth(), 'TIMEOUT');
      assert.match(error.message, /AWS default-chain credential resolve timed out after 150 ms/);
      assert.match(error.remediation ?? '', /CLAUDE_CODE_AWS_CHAIN_RESOLVE_TIMEOUT_MS/);
    });
  });
});

describe('createAuthProvider: awsCredentialExport', () => {
  const envKeys = { AWS_ACCESS_KEY_ID: 'AKIAFALLBACKKEY00001', AWS_SECRET_ACCESS_KEY: 'fallback-secret' };

  for (const [shape, body] of [
    ['nested aws sts shape', { Credentials: { AccessKeyId: PLANTED.accessKeyId, SecretAccessKey: PLANTED.secretAccessKey, SessionToken: PLANTED.sessionToken, Expiration: '2099-01-01T00:00:00Z' } }],
    ['flat credential_process shape', { Version: 1, AccessKeyId: PLANTED.accessKeyId, SecretAccessKey: PLANTED.secretAccessKey, SessionToken: PLANTED.sessionToken }],
  ] as const) {
    test(`${shape} beats environment keys`, async () => {
      await withTempHome(async (home) => {
        const command = script(home, 'export', `console.log(${JSON.stringify(JSON.stringify(body))});\n`);
        const h = await harness(home, { shell: envKeys, exportCommand: command });
        const creds = sigv4(await h.provider.getAuth());
        assert.equal(creds.accessKeyId, PLANTED.accessKeyId);
        assert.equal(creds.secretAccessKey, PLANTED.secretAccessKey);
        assert.equal(creds.sessionToken, PLANTED.sessionToken);
        assert.deepEqual(h.warnings, []);
      });
    });
  }

  const failures: Array<[string, string, RegExp, Record<string, string>?]> = [
    [
      'exits non-zero',
      `console.log(${JSON.stringify(PLANTED.secretAccessKey)}); console.error(${JSON.stringify(PLANTED.sessionToken)}); process.exit(3);\n`,
      /exited with code 3/,
    ],
    ['prints something that is not JSON', `console.log('token: ' + ${JSON.stringify(PLANTED.sessionToken)});\n`, /not JSON/],
    ['prints JSON without keys', `console.log(JSON.stringify({ Credentials: { SecretAccessKey: ${JSON.stringify(PLANTED.secretAccessKey)} } }));\n`, /without string AccessKeyId/],
    ['prints expired credentials', `console.log(JSON.stringify({ AccessKeyId: 'AKIAEXPIRED000000001', SecretAccessKey: ${JSON.stringify(PLANTED.secretAccessKey)}, Expiration: '2001-01-01T00:00:00Z' }));\n`, /expired at 2001/],
    ['times out', `setTimeout(() => console.log('{}'), 5000);\n`, /did not finish within 300 ms/, { CLAUDE_CODE_AWS_CHAIN_RESOLVE_TIMEOUT_MS: '300' }],
  ];
  for (const [name, body, reason, extra] of failures) {
    test(`a command that ${name} warns once, shows no output, and falls back to the default chain`, async () => {
      await withTempHome(async (home) => {
        const command = script(home, 'export', body);
        const h = await harness(home, { shell: { ...envKeys, CLAUDE_CODE_SKIP_AWS_CRED_CACHE: '1', ...extra }, exportCommand: command });
        assert.equal(sigv4(await h.provider.getAuth()).accessKeyId, envKeys.AWS_ACCESS_KEY_ID);
        assert.equal(sigv4(await h.provider.getAuth()).accessKeyId, envKeys.AWS_ACCESS_KEY_ID);
        assert.equal(h.warnings.length, 1, h.warnings.join('\n'));
        assert.match(h.warnings[0] ?? '', /^awsCredentialExport \(~\/\.claude\/settings\.json\) /);
        assert.match(h.warnings[0] ?? '', reason);
        assert.match(h.warnings[0] ?? '', /default credential chain/);
        assertNoSecrets(h.allOutput(), 'warnings');
        assert.equal(h.stderrText(), '');
      });
    });
  }

  test('cached until five minutes before Expiration, one hour without it; reruns after a recovery', async () => {
    await withTempHome(async (home) => {
      const t0 = Date.parse('2030-01-01T00:00:00Z');
      let now = t0;
      const counter = `${home.root}/export-runs`;
      const withExpiry = script(
        home,
        'export-exp',
        `import { appendFileSync } from 'node:fs';\nappendFileSync(${JSON.stringify(counter)}, 'run\\n');\n` +
          `console.log(JSON.stringify({ Credentials: { AccessKeyId: 'AKIAEXPORTED00000001', SecretAccessKey: 's', SessionToken: 't', Expiration: '2030-01-01T01:00:00Z' } }));\n`,
      );
      const h = await harness(home, { exportCommand: withExpiry, clock: () => now });
      await h.provider.getAuth();
      now = t0 + 54 * 60_000;
      await h.provider.getAuth();
      assert.equal(countLines(counter), 1, 'still cached six minutes before expiry');
      now = t0 + 56 * 60_000;
      await h.provider.getAuth();
      assert.equal(countLines(counter), 2, 're-run inside the five-minute margin');

      const noExpiryCounter = `${home.root}/export-runs-2`;
      const noExpiry = script(
        home,
        'export-noexp',
        `import { appendFileSync } from 'node:fs';\nappendFileSync(${JSON.stringify(noExpiryCounter)}, 'run\\n');\n` +
          `console.log(JSON.stringify({ Version: 1, AccessKeyId: 'AKIAEXPORTED00000002', SecretAccessKey: 's' }));\n`,
      );
      now = t0;
      const h2 = await harness(home, { exportCommand: noExpiry, clock: () => now });
      await h2.provider.getAuth();
      now = t0 + 59 * 60_000;
      await h2.provider.getAuth();
      assert.equal(countLines(noExpiryCounter), 1);
      now = t0 + 61 * 60_000;
      await h2.provider.getAuth();
      assert.equal(countLines(noExpiryCounter), 2);

      // A credential error is a reload: the export runs again (spec §6.4). The same credentials
      // are sent once more (as Claude Code does); rejected again, the provider says so instead of
      // retrying forever.
      assert.equal(await h2.provider.recoverFromAuthFailure(EXPIRED_CAUSE), true);
      assert.equal(countLines(noExpiryCounter), 3);
      await h2.provider.getAuth();
      await rejectsWith(h2.provider.recoverFromAuthFailure(EXPIRED_CAUSE), 'CREDENTIALS_EXPIRED');
    });
  });
});

describe('createAuthProvider: expiry, awsAuthRefresh and the loop guard', () => {
  /** A refresh command that logs a device code, counts its runs and (optionally) rotates the profile keys. */
  function refreshScript(home: TempHome, counter: string, rotateTo?: string): string {
    const rotate = rotateTo
      ? `writeFileSync(${JSON.stringify(`${home.home}/.aws/credentials`)}, ${JSON.stringify(`[default]\n${STATIC(rotateTo)}`)});\n`
      : '';
    return script(
      home,
      'refresh',
      `import { appendFileSync, writeFileSync } from 'node:fs';\nappendFileSync(${JSON.stringify(counter)}, 'run\\n');\n${rotate}` +
        `console.log('Open https://device.sso.example/ and enter code WXYZ-1234');\nconsole.error('waiting for browser');\n`,
    );
  }

  test('an expired token runs awsAuthRefresh once, shows its output, and the retry gets new credentials', async () => {
    await withTempHome({ 'home/.aws/credentials': `[default]\n${STATIC('AKIAOLDKEY0000000001')}` }, async (home) => {
      const counter = `${home.root}/refresh-runs`;
      const h = await harness(home, { refreshCommand: refreshScript(home, counter, 'AKIANEWKEY0000000002') });
      assert.equal(sigv4(await h.provider.getAuth()).accessKeyId, 'AKIAOLDKEY0000000001');
      assert.equal(countLines(counter), 0, 'never at startup');
      assert.equal(await h.provider.recoverFromAuthFailure(EXPIRED_CAUSE), true);
      assert.equal(sigv4(await h.provider.getAuth()).accessKeyId, 'AKIANEWKEY0000000002');
      h.provider.markWorking();
      assert.equal(countLines(counter), 1);
      assert.match(h.stderrText(), /running awsAuthRefresh \(~\/\.claude\/settings\.json\)/);
      assert.match(h.stderrText(), /enter code WXYZ-1234/);
      assert.match(h.stderrText(), /waiting for browser/);
      assertNoSecrets(h.allOutput());

      // A new failure streak after a success may refresh again.
      assert.equal(await h.provider.recoverFromAuthFailure(EXPIRED_CAUSE), true);
      assert.equal(countLines(counter), 2);
    });
  });

  test('parallel failures share one refresh; a late failure from before the refresh only retries', async () => {
    await withTempHome({ 'home/.aws/credentials': `[default]\n${STATIC('AKIAOLDKEY0000000001')}` }, async (home) => {
      const counter = `${home.root}/refresh-runs`;
      const h = await harness(home, { refreshCommand: refreshScript(home, counter, 'AKIANEWKEY0000000002') });
      await h.provider.getAuth();
      await h.provider.getAuth();
      const results = await Promise.all([h.provider.recoverFromAuthFailure(EXPIRED_CAUSE), h.provider.recoverFromAuthFailure(EXPIRED_CAUSE)]);
      assert.deepEqual(results, [true, true]);
      assert.equal(await h.provider.recoverFromAuthFailure(EXPIRED_CAUSE), true);
      assert.equal(countLines(counter), 1);
      assert.equal(sigv4(await h.provider.getAuth()).accessKeyId, 'AKIANEWKEY0000000002');
    });
  });

  test('a refresh that does not help stops with AUTH_REFRESH_LOOP and is not run twice', async () => {
    await withTempHome({ 'home/.aws/credentials': `[default]\n${STATIC('AKIAOLDKEY0000000001')}` }, async (home) => {
      const counter = `${home.root}/refresh-runs`;
      const h = await harness(home, { refreshCommand: refreshScript(home, counter), settings: { AWS_PROFILE: 'default' } });
      await h.provider.getAuth();
      assert.equal(await h.provider.recoverFromAuthFailure(EXPIRED_CAUSE), true);
      await h.provider.getAuth();
      const error = await rejectsWith(h.provider.recoverFromAuthFailure(EXPIRED_CAUSE), 'AUTH_REFRESH_LOOP');
      assert.equal(countLines(counter), 1);
      assert.match(error.remediation ?? '', /TLS-inspecting corporate proxy/);
      assert.match(error.remediation ?? '', /remove `awsAuthRefresh` from ~\/\.claude\/settings\.json/);
      assert.match(error.remediation ?? '', /aws sso login --profile default/);
    });
  });

  test('without an expiry cause, STS decides: rejected credentials are refreshed, accepted ones are not', async () => {
    const sts = await startFakeSts(['AKIANEWKEY0000000002']);
    const home = createTempHome({ 'home/.aws/credentials': `[default]\n${STATIC('AKIAOLDKEY0000000001')}` });
    try {
      const counter = `${home.root}/refresh-runs`;
      const h = await harness(home, { refreshCommand: refreshScript(home, counter, 'AKIANEWKEY0000000002'), shell: { AWS_ENDPOINT_URL_STS: sts.url } });
      await h.provider.getAuth();
      const invalid = { name: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' };
      assert.equal(await h.provider.recoverFromAuthFailure(invalid), true);
      assert.deepEqual(sts.calls, ['AKIAOLDKEY0000000001']);
      assert.equal(countLines(counter), 1);
      assert.equal(sigv4(await h.provider.getAuth()).accessKeyId, 'AKIANEWKEY0000000002');
      h.provider.markWorking();

      // STS accepts the new key: the 403 is about permissions, so nothing is run.
      const denied = await rejectsWith(h.provider.recoverFromAuthFailure({ name: 'AccessDeniedException', message: 'not authorized' }), 'ACCESS_DENIED');
      assert.match(denied.remediation ?? '', /bedrock:InvokeModel/);
      assert.equal(countLines(counter), 1);
    } finally {
      await sts.close();
      home.cleanup();
    }
  });

  test('a failing awsAuthRefresh is AUTH_REFRESH_FAILED naming the setting', async () => {
    await withTempHome({ 'home/.aws/credentials': `[default]\n${STATIC('AKIAOLDKEY0000000001')}` }, async (home) => {
      const h = await harness(home, { refreshCommand: script(home, 'fail', 'process.exit(2);\n') });
      await h.provider.getAuth();
      const error = await rejectsWith(h.provider.recoverFromAuthFailure(EXPIRED_CAUSE), 'AUTH_REFRESH_FAILED');
      assert.match(error.message, /awsAuthRefresh \(~\/\.claude\/settings\.json\) exited with code 2/);
    });
  });

  test('without awsAuthRefresh: re-read once; rotated keys retry, the same keys retry once and then are CREDENTIALS_EXPIRED', async () => {
    await withTempHome({ 'home/.aws/credentials': `[default]\n${STATIC('AKIAOLDKEY0000000001')}` }, async (home) => {
      const h = await harness(home, {});
      await h.provider.getAuth();
      home.write('home/.aws/credentials', `[default]\n${STATIC('AKIANEWKEY0000000002')}`);
      assert.equal(await h.provider.recoverFromAuthFailure(EXPIRED_CAUSE), true);
      assert.equal(sigv4(await h.provider.getAuth()).accessKeyId, 'AKIANEWKEY0000000002');
      h.provider.markWorking();

      // Claude Code sends the unchanged keys once more (an ExpiredToken can pass); a second rejection ends the streak.
      assert.equal(await h.provider.recoverFromAuthFailure(EXPIRED_CAUSE), true);
      assert.equal(sigv4(await h.provider.getAuth()).accessKeyId, 'AKIANEWKEY0000000002');
      const error = await rejectsWith(h.provider.recoverFromAuthFailure(EXPIRED_CAUSE), 'CREDENTIALS_EXPIRED');
      assert.match(error.message, /profile "default"/);
      assert.match(error.remediation ?? '', /aws configure --profile default/);
      assert.match(error.remediation ?? '', /aws sts get-caller-identity/);
    });
  });

  test('an expired AWS_CREDENTIAL_EXPIRATION is found at resolve time and repaired by awsAuthRefresh', async () => {
    await withTempHome(async (home) => {
      const counter = `${home.root}/refresh-runs`;
      const h = await harness(home, {
        refreshCommand: refreshScript(home, counter),
        shell: { AWS_ACCESS_KEY_ID: PLANTED.accessKeyId, AWS_SECRET_ACCESS_KEY: PLANTED.secretAccessKey, AWS_CREDENTIAL_EXPIRATION: '2001-01-01T00:00:00Z' },
      });
      // The refresh cannot change the environment, so the guard stops the second attempt.
      const error = await rejectsWith(h.provider.getAuth(), 'AUTH_REFRESH_LOOP');
      assert.equal(countLines(counter), 1);
      assert.match(error.message, /already ran/);
    });
  });
});
