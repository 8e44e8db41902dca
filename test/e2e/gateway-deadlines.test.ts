/**
 * `cc-bedrock serve` between the official Anthropic SDK and an emulator that fails: one retry
 * budget for the whole call (the gateway's, announced with `x-should-retry: false`, so the SDK
 * does not start a round of its own), and the wire layer's deadlines read from the cc-bedrock
 * variables: a stall before or after the first byte ends the call cleanly within seconds.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Anthropic, { APIError, InternalServerError } from '@anthropic-ai/sdk';
import { createEmulator, scenarioWith, type ReceivedRequest, type ScenarioInput } from '../../src/emulator/index.js';
import { PLANTED } from '../helpers/secrets.js';
import { runServe } from '../helpers/serve-process.js';
import { createTempHome, type TempHome } from '../helpers/temp-home.js';

/** A generous bound on "this ends, it does not hang". */
const ENDS_WITHIN_MS = 20_000;

/** Model calls, not discovery probes (1-token invokes). */
const modelCalls = (log: readonly ReceivedRequest[]) =>
  log.filter((entry) => entry.operation.startsWith('invoke') && (entry.body as { max_tokens?: number } | undefined)?.max_tokens !== 1);

describe('cc-bedrock serve: one retry budget, and deadlines instead of silent waits', { concurrency: true }, () => {
  let home: TempHome;
  before(() => {
    home = createTempHome({});
  });
  after(() => home.cleanup());

  /** An emulator of `scenario` and `serve` in front of it with `env`; closed after `body`. */
  async function through(scenario: Partial<ScenarioInput>, env: Record<string, string>, body: (url: string, log: () => readonly ReceivedRequest[]) => Promise<void>): Promise<void> {
    const emulator = createEmulator({
      scenario: scenarioWith({ credentials: [{ accessKeyId: PLANTED.accessKeyId, secretAccessKey: PLANTED.secretAccessKey, sessionToken: PLANTED.sessionToken }], ...scenario }),
    });
    const upstream = await emulator.listen({ host: '127.0.0.1', port: 0 });
    const served = runServe(['--port', '0'], {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home.home,
      CC_BEDROCK_MANAGED_SETTINGS_DIR: join(home.root, 'managed'),
      AWS_EC2_METADATA_DISABLED: 'true',
      CLAUDE_CODE_USE_BEDROCK: '1',
      ANTHROPIC_BEDROCK_BASE_URL: upstream.url,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: PLANTED.accessKeyId,
      AWS_SECRET_ACCESS_KEY: PLANTED.secretAccessKey,
      AWS_SESSION_TOKEN: PLANTED.sessionToken,
      ...env,
    }, home.cwd);
    try {
      await body(await served.listening, () => emulator.state.received);
    } finally {
      served.child.kill('SIGKILL');
      await served.exited;
      await upstream.close();
    }
  }

  test('an upstream that always 500s is sent the gateway budget (3), not 9; the SDK is told x-should-retry: false', async () => {
    const scenario = { faults: [{ match: { operation: 'invoke' }, error: { status: 500, name: 'InternalServerException', message: 'boom' } }] };
    await through(scenario, {}, async (url, log) => {
      // The SDK's defaults: 2 retries of its own on a 5xx unless told otherwise.
      const sdk = new Anthropic({ baseURL: url, apiKey: 'unused' });
      const started = Date.now();
      const error = await sdk.messages.create({ model: 'sonnet', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] }).then(
        () => assert.fail('expected a failure'),
        (thrown: unknown) => thrown,
      );
      assert.ok(error instanceof InternalServerError, String(error));
      assert.equal(error.status, 500);
      assert.equal((error.error as { error?: { type?: string } }).error?.type, 'api_error', 'an InternalServerException is not an overload');
      assert.equal(error.headers?.get('x-should-retry'), 'false');
      assert.match(error.message, /gave up after 3 attempts/);
      assert.equal(modelCalls(log()).length, 3, 'the gateway budget (1 + CC_BEDROCK_GATEWAY_MAX_RETRIES=2), once');
      assert.ok(Date.now() - started < ENDS_WITHIN_MS);
    });
  });

  test('a stream that stalls after its first bytes ends with an SSE error event at CC_BEDROCK_STREAM_IDLE_TIMEOUT_MS', async () => {
    const scenario = { faults: [{ match: { operation: 'invoke-stream' }, stallStream: { afterEvents: 2, ms: 8_000 } }] };
    await through(scenario, { CC_BEDROCK_STREAM_IDLE_TIMEOUT_MS: '700' }, async (url) => {
      const started = Date.now();
      const response = await fetch(`${url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'sonnet', max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'stall after a while' }] }),
      });
      assert.equal(response.status, 200);
      const text = await response.text();
      assert.match(text, /^event: message_start\n/);
      assert.match(text, /event: error\ndata: \{"type":"error","error":\{"type":"timeout_error","message":"[^"]*sent nothing for 700 ms/);
      assert.doesNotMatch(text, /message_stop/);
      assert.ok(Date.now() - started < ENDS_WITHIN_MS);
      // The official SDK raises it as an API error.
      const sdk = new Anthropic({ baseURL: url, apiKey: 'unused', maxRetries: 0 });
      await assert.rejects(sdk.messages.stream({ model: 'sonnet', max_tokens: 100, messages: [{ role: 'user', content: 'again' }] }).finalMessage(), APIError);
    });
  });

  test('an upstream that accepts the stream and never answers: 504 at CC_BEDROCK_FIRST_BYTE_TIMEOUT_MS, sent once, not retried by anyone', async () => {
    const scenario = { faults: [{ match: { operation: 'invoke-stream' }, delayMs: 8_000 }] };
    await through(scenario, { CC_BEDROCK_FIRST_BYTE_TIMEOUT_MS: '700' }, async (url, log) => {
      const sdk = new Anthropic({ baseURL: url, apiKey: 'unused' });
      const started = Date.now();
      const error = await sdk.messages.stream({ model: 'sonnet', max_tokens: 100, messages: [{ role: 'user', content: 'hello?' }] }).finalMessage().then(
        () => assert.fail('expected a failure'),
        (thrown: unknown) => thrown,
      );
      assert.ok(error instanceof APIError && error.status === 504, String(error));
      assert.equal(error.headers?.get('x-should-retry'), 'false');
      assert.equal(modelCalls(log()).length, 1);
      assert.ok(Date.now() - started < ENDS_WITHIN_MS);
    });
  });
});
