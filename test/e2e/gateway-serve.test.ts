/**
 * `cc-bedrock serve` as a process: it reads the usual configuration (environment and settings
 * files), prints exactly one line once it accepts connections, writes one JSON log line per
 * request to stderr with no secret in it, refuses to bind beyond loopback without a gateway key,
 * and on SIGTERM lets an open stream finish before it exits 0.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { join } from 'node:path';
import Anthropic, { AuthenticationError, PermissionDeniedError } from '@anthropic-ai/sdk';
import { createEmulator, scenarioWith, type RunningEmulator } from '../../src/emulator/index.js';
import { PLANTED, assertNoSecrets } from '../helpers/secrets.js';
import { runServe } from '../helpers/serve-process.js';
import { createTempHome, type TempHome } from '../helpers/temp-home.js';

const EXPIRED_PROFILE = 'gateway-host-expired';
const EXPIRED_KEY_ID = 'ASIAEXPIREDKEY000002';

describe('cc-bedrock serve', () => {
  let emulator: RunningEmulator;
  let home: TempHome;
  let baseEnv: Record<string, string>;

  before(async () => {
    const emu = createEmulator({
      scenario: scenarioWith({
        credentials: [
          { accessKeyId: PLANTED.accessKeyId, secretAccessKey: PLANTED.secretAccessKey, sessionToken: PLANTED.sessionToken },
          // The gateway host's session that has run out: the emulator answers ExpiredTokenException.
          { accessKeyId: EXPIRED_KEY_ID, secretAccessKey: PLANTED.secretAccessKey, sessionToken: PLANTED.sessionToken, expiresAt: '2020-01-01T00:00:00Z' },
        ],
        latency: { firstByteMs: 0, perChunkMs: 40 },
      }),
    });
    emulator = await emu.listen({ host: '127.0.0.1', port: 0 });
    home = createTempHome({
      // The same settings every other command reads: availableModels is enforced by the gateway too.
      'home/.claude/settings.json': { availableModels: ['claude-sonnet-4-5', 'haiku'] },
      'home/.aws/credentials': `[${EXPIRED_PROFILE}]\naws_access_key_id = ${EXPIRED_KEY_ID}\naws_secret_access_key = ${PLANTED.secretAccessKey}\naws_session_token = ${PLANTED.sessionToken}\n`,
    });
    baseEnv = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home.home,
      CC_BEDROCK_MANAGED_SETTINGS_DIR: join(home.root, 'managed'),
      AWS_EC2_METADATA_DISABLED: 'true',
      CLAUDE_CODE_USE_BEDROCK: '1',
      ANTHROPIC_BEDROCK_BASE_URL: emulator.url,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: PLANTED.accessKeyId,
      AWS_SECRET_ACCESS_KEY: PLANTED.secretAccessKey,
      AWS_SESSION_TOKEN: PLANTED.sessionToken,
      CC_BEDROCK_TEST_GATEWAY_KEY: PLANTED.gatewayKey,
    };
  });

  after(async () => {
    await emulator.close();
    home.cleanup();
  });

  test('serves, logs one line per request without secrets, and drains on SIGTERM', async () => {
    const served = runServe(['--port', '0', '--api-key-env', 'CC_BEDROCK_TEST_GATEWAY_KEY'], baseEnv, home.cwd);
    try {
      const url = await served.listening;
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(served.stdout(), `cc-bedrock gateway listening on ${url}\n`, 'exactly one line on stdout');

      const sdk = new Anthropic({ baseURL: url, apiKey: PLANTED.gatewayKey, maxRetries: 0 });
      const message = await sdk.messages.create({ model: 'sonnet', max_tokens: 50, messages: [{ role: 'user', content: 'through the served gateway' }] });
      assert.deepEqual(message.content, [{ type: 'text', text: 'You said: through the served gateway' }]);
      await assert.rejects(new Anthropic({ baseURL: url, apiKey: 'wrong-key', maxRetries: 0 }).messages.create({ model: 'sonnet', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }), AuthenticationError);
      await assert.rejects(sdk.messages.create({ model: 'claude-opus-4-8', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }), PermissionDeniedError);
      const health = await fetch(`${url}/healthz`);
      assert.deepEqual(await health.json(), { status: 'ok' });
      const metrics = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${PLANTED.gatewayKey}` } })).text();
      assert.match(metrics, /cc_bedrock_gateway_requests_total\{route="messages",status="200"\} 1/);

      // A slow stream is open when SIGTERM arrives; it must still complete.
      const stream = sdk.messages.stream({ model: 'sonnet', max_tokens: 300, messages: [{ role: 'user', content: 'a reply that takes a while to stream out completely' }] });
      await new Promise<void>((resolve) => stream.once('streamEvent', () => resolve()));
      served.child.kill('SIGTERM');
      const final = await stream.finalMessage();
      assert.equal(final.stop_reason, 'end_turn');
      assert.equal(await served.exited, 0);

      const lines = served.stderr().trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
      const requests = lines.filter((line) => line['event'] === 'request');
      assert.equal(requests.length, 6, served.stderr());
      assert.ok(lines.some((line) => line['event'] === 'draining'));
      assert.ok(requests.every((line) => typeof line['id'] === 'string' && typeof line['durationMs'] === 'number'));
      assert.doesNotMatch(served.stderr(), /through the served gateway|takes a while/, 'no prompt text in the log');
    } finally {
      if (served.child.exitCode === null) served.child.kill('SIGKILL');
      assertNoSecrets(served.stdout(), 'serve stdout');
      assertNoSecrets(served.stderr(), 'serve stderr');
    }
  });

  test('SIGTERM: new connections are answered during the drain (503 /healthz, 529 + Connection: close), and a stream cut at the deadline ends with an error event', async () => {
    // A stream far longer than the drain timeout: about ten events, 700 ms apart.
    const slow = await createEmulator({
      scenario: scenarioWith({
        credentials: [{ accessKeyId: PLANTED.accessKeyId, secretAccessKey: PLANTED.secretAccessKey, sessionToken: PLANTED.sessionToken }],
        latency: { firstByteMs: 0, perChunkMs: 700 },
      }),
    }).listen({ host: '127.0.0.1', port: 0 });
    const served = runServe(['--port', '0', '--api-key-env', 'CC_BEDROCK_TEST_GATEWAY_KEY'], { ...baseEnv, ANTHROPIC_BEDROCK_BASE_URL: slow.url, CC_BEDROCK_GATEWAY_DRAIN_TIMEOUT_MS: '1500' }, home.cwd);
    try {
      const url = await served.listening;
      const prompt = 'a stream the drain deadline cuts';
      const stream = await fetch(`${url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': PLANTED.gatewayKey },
        body: JSON.stringify({ model: 'sonnet', max_tokens: 4000, stream: true, messages: [{ role: 'user', content: prompt }] }),
      });
      assert.equal(stream.status, 200);
      const reader = stream.body!.getReader();
      let text = new TextDecoder().decode((await reader.read()).value);
      served.child.kill('SIGTERM');
      const draining = Date.now();
      while (!/"event":"draining"/.test(served.stderr())) {
        assert.ok(Date.now() - draining < 20_000, 'no draining line');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // Each on a fresh connection: during the drain the listener must still accept and answer.
      const fresh = (method: string, path: string, body?: string) =>
        new Promise<{ status: number; connection: string | undefined; body: string }>((resolve, reject) => {
          const { hostname, port } = new URL(url);
          const request = http.request({ host: hostname, port, method, path, agent: false, headers: { 'x-api-key': PLANTED.gatewayKey, 'content-type': 'application/json' } }, (response) => {
            let text = '';
            response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
            response.on('end', () => resolve({ status: response.statusCode ?? 0, connection: response.headers.connection, body: text }));
          });
          request.on('error', reject);
          request.end(body);
        });
      const health = await fresh('GET', '/healthz');
      assert.equal(health.status, 503);
      assert.deepEqual(JSON.parse(health.body), { status: 'draining' });
      const late = await fresh('POST', '/v1/messages', JSON.stringify({ model: 'sonnet', max_tokens: 5, messages: [{ role: 'user', content: 'late' }] }));
      assert.equal(late.status, 529, late.body);
      assert.equal(late.connection, 'close');
      assert.equal((JSON.parse(late.body) as { error: { type: string } }).error.type, 'overloaded_error');

      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      assert.doesNotMatch(text, /event: message_stop/, 'the stream was cut, not finished');
      assert.match(text, /event: error\ndata: \{"type":"error","error":\{"type":"overloaded_error","message":"[^"]*shut down/, text.slice(-400));
      assert.equal(await served.exited, 0);
    } finally {
      if (served.child.exitCode === null) served.child.kill('SIGKILL');
      assertNoSecrets(served.stderr(), 'serve stderr');
      await slow.close();
    }
  });

  test('refuses to listen beyond loopback without a gateway key, naming --api-key-env', async () => {
    const served = runServe(['--host', '0.0.0.0', '--port', '0'], baseEnv, home.cwd);
    served.listening.catch(() => undefined);
    assert.equal(await served.exited, 2);
    assert.equal(served.stdout(), '');
    assert.match(served.stderr(), /refusing to listen on 0\.0\.0\.0 without a gateway key/);
    assert.match(served.stderr(), /--api-key-env/);
  });

  test('an --api-key-env naming an unset variable is a usage error', async () => {
    const served = runServe(['--port', '0', '--api-key-env', 'CC_BEDROCK_NOT_SET_ANYWHERE'], baseEnv, home.cwd);
    served.listening.catch(() => undefined);
    assert.equal(await served.exited, 2);
    assert.match(served.stderr(), /CC_BEDROCK_NOT_SET_ANYWHERE is not set/);
  });
  test("the gateway's own expired credentials: a non-retryable 500 naming no source, /healthz 503, and a log line with the fix", async () => {
    const env: Record<string, string> = { ...baseEnv, AWS_PROFILE: EXPIRED_PROFILE };
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'CC_BEDROCK_TEST_GATEWAY_KEY']) delete env[name];
    const served = runServe(['--port', '0'], env, home.cwd);
    try {
      const url = await served.listening;
      assert.deepEqual(await (await fetch(`${url}/healthz`)).json(), { status: 'ok' });
      const response = await fetch(`${url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
        body: JSON.stringify({ model: 'sonnet', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }),
      });
      const text = await response.text();
      assert.equal(response.status, 500, text);
      assert.equal(response.headers.get('x-should-retry'), 'false');
      const body = JSON.parse(text) as { error: { type: string; message: string } };
      assert.equal(body.error.type, 'api_error');
      assert.match(body.error.message, /gateway's own AWS credentials are expired/);
      for (const secretish of [EXPIRED_PROFILE, EXPIRED_KEY_ID, EXPIRED_KEY_ID.slice(-4), '.aws', home.home, 'AWS_PROFILE']) {
        assert.ok(!text.includes(secretish), `the client's error reveals ${secretish}: ${text}`);
      }
      const health = await fetch(`${url}/healthz`);
      assert.equal(health.status, 503);
      assert.deepEqual(await health.json(), { status: 'credentials' });
      served.child.kill('SIGTERM');
      assert.equal(await served.exited, 0);
      const lines = served.stderr().trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
      const operator = lines.find((line) => line['event'] === 'credentials');
      assert.ok(operator, served.stderr());
      assert.equal(operator['code'], 'CREDENTIALS_EXPIRED');
      assert.match(String(operator['fix']), new RegExp(EXPIRED_PROFILE));
      assertNoSecrets(served.stdout() + served.stderr(), 'serve output');
    } finally {
      served.child.kill('SIGKILL');
    }
  });
});
