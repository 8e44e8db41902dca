/**
 * `cc-bedrock serve` as a process: it reads the usual configuration (environment and settings
 * files), prints exactly one line once it accepts connections, writes one JSON log line per
 * request to stderr with no secret in it, refuses to bind beyond loopback without a gateway key,
 * and on SIGTERM lets an open stream finish before it exits 0.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Anthropic, { AuthenticationError, PermissionDeniedError } from '@anthropic-ai/sdk';
import { createEmulator, scenarioWith, type RunningEmulator } from '../../src/emulator/index.js';
import { PLANTED, assertNoSecrets } from '../helpers/secrets.js';
import { runServe } from '../helpers/serve-process.js';
import { createTempHome, type TempHome } from '../helpers/temp-home.js';

describe('cc-bedrock serve', () => {
  let emulator: RunningEmulator;
  let home: TempHome;
  let baseEnv: Record<string, string>;

  before(async () => {
    const emu = createEmulator({
      scenario: scenarioWith({
        credentials: [{ accessKeyId: PLANTED.accessKeyId, secretAccessKey: PLANTED.secretAccessKey, sessionToken: PLANTED.sessionToken }],
        latency: { firstByteMs: 0, perChunkMs: 40 },
      }),
    });
    emulator = await emu.listen({ host: '127.0.0.1', port: 0 });
    home = createTempHome({
      // The same settings every other command reads: availableModels is enforced by the gateway too.
      'home/.claude/settings.json': { availableModels: ['claude-sonnet-4-5', 'haiku'] },
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
});
