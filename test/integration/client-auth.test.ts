/**
 * The client with the real credential provider (src/aws createAuthProvider): an expired token
 * is healed by re-running awsCredentialExport and the request is sent once more; credentials
 * that stay expired fail fast with the provider's remediation. Planted secrets never leak.
 */
import { describe, test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createClient, type ClientLogger } from '../../src/client/index.js';
import { createAuthProvider } from '../../src/aws/credentials.js';
import { CcBedrockError } from '../../src/core/errors.js';
import type { CredentialPlan, EnvLookup } from '../../src/core/route-plan.js';
import { PLANTED, assertNoSecrets } from '../helpers/secrets.js';
import { createTempHome, type TempHome } from '../helpers/temp-home.js';
import { testPlan, startEmulator, type Harness } from './client-harness.js';

const EXPIRED = { accessKeyId: 'AKIAEXPIREDEXAMPLE01', secretAccessKey: PLANTED.secretAccessKey, sessionToken: PLANTED.sessionToken, expiresAt: '2020-01-01T00:00:00Z' };
const FRESH = { accessKeyId: 'AKIAFRESHEXAMPLE0001', secretAccessKey: 'freshSecretKey/EXAMPLE/00000000000000000', sessionToken: 'freshSessionTokenExample0000' };

function lookup(values: Record<string, string>): EnvLookup {
  return { get: (name) => (values[name] !== undefined ? { value: values[name]!, source: 'test env' } : undefined) };
}

function sink(): Writable & { text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(String(chunk));
      callback();
    },
  });
  return Object.assign(stream, { text: () => chunks.join('') });
}

describe('client with the real credential provider', () => {
  let harness: Harness;
  let home: TempHome;
  before(async () => {
    harness = await startEmulator({ credentials: [EXPIRED, FRESH] });
    home = createTempHome();
  });
  after(async () => {
    await harness.close();
    home.cleanup();
  });

  test('expired token -> awsCredentialExport re-run -> the same request succeeds', async () => {
    harness.emulator.state.reset();
    // Prints the expired key pair the first time and fresh ones afterwards (the exporter's own clock says both are valid).
    const counter = home.write('export-count', '0');
    const script = home.write(
      'export.mjs',
      `import { readFileSync, writeFileSync } from 'node:fs';
const n = Number(readFileSync(${JSON.stringify(counter)}, 'utf8'));
writeFileSync(${JSON.stringify(counter)}, String(n + 1));
const c = n === 0 ? ${JSON.stringify(EXPIRED)} : ${JSON.stringify(FRESH)};
console.log(JSON.stringify({ Credentials: { AccessKeyId: c.accessKeyId, SecretAccessKey: c.secretAccessKey, SessionToken: c.sessionToken, Expiration: new Date(Date.now() + 3600e3).toISOString() } }));
`,
    );
    const credentialPlan: CredentialPlan = {
      kind: 'credential-export',
      source: 'awsCredentialExport (test settings)',
      detail: 'node export.mjs',
      profile: undefined,
      authRefresh: undefined,
      credentialExport: { value: `"${process.execPath}" "${script}"`, source: 'test settings' },
    };
    const warnings: string[] = [];
    const stderr = sink();
    const provider = createAuthProvider({
      plan: credentialPlan,
      env: lookup({}),
      subprocessEnv: { PATH: process.env['PATH'] ?? '' },
      homeDir: home.home,
      region: 'us-east-1',
      stderr,
      warn: (message) => void warnings.push(message),
    });
    const lines: string[] = [];
    const logger: ClientLogger = { debug: (m, f) => void lines.push(`${m} ${JSON.stringify(f)}`), warn: (m, f) => void lines.push(`${m} ${JSON.stringify(f)}`) };
    const plan = { ...testPlan({ url: harness.url }), credentials: { bedrock: credentialPlan, mantle: credentialPlan } };
    const client = createClient({ plan, auth: { bedrock: provider, mantle: provider }, logger });

    const final = await client.messages.stream({ max_tokens: 16, messages: [{ role: 'user', content: 'heal me' }] }).finalMessage();
    assert.equal(final.type, 'message');
    const log = harness.emulator.state.received;
    assert.deepEqual(log.map((entry) => entry.errorType ?? entry.status), ['ExpiredTokenException', 200]);
    assert.equal(log[1]?.auth?.['accessKeyId'], 'AKIA…0001');
    assert.deepEqual(warnings, []);
    assertNoSecrets([lines.join('\n'), stderr.text(), JSON.stringify(log)].join('\n'));
  });

  test('keys that stay expired fail after one resend with the provider’s remediation', async () => {
    harness.emulator.state.reset();
    const credentialPlan: CredentialPlan = {
      kind: 'env-keys',
      source: 'AWS_ACCESS_KEY_ID (test env)',
      detail: 'AKIA…EX01',
      profile: undefined,
      authRefresh: undefined,
      credentialExport: undefined,
    };
    const env = lookup({ AWS_ACCESS_KEY_ID: EXPIRED.accessKeyId, AWS_SECRET_ACCESS_KEY: EXPIRED.secretAccessKey, AWS_SESSION_TOKEN: EXPIRED.sessionToken });
    const provider = createAuthProvider({
      plan: credentialPlan,
      env,
      subprocessEnv: {},
      homeDir: home.home,
      region: 'us-east-1',
      stderr: sink(),
      warn: () => {},
    });
    const plan = { ...testPlan({ url: harness.url }), credentials: { bedrock: credentialPlan, mantle: credentialPlan } };
    const client = createClient({ plan, auth: { bedrock: provider, mantle: provider } });
    const error = await client.messages.create({ max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof CcBedrockError);
    assert.equal(error.code, 'CREDENTIALS_EXPIRED');
    assert.match(error.remediation ?? '', /AWS_ACCESS_KEY_ID|aws sts get-caller-identity/);
    // One resend with the unchanged keys (Claude Code's), then no more.
    assert.equal(harness.emulator.state.received.length, 2, 'a recovery that did not help is not repeated');
    assertNoSecrets(JSON.stringify(error.toJSON()));
    assertNoSecrets(error.describe());
  });
});
