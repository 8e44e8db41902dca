/**
 * The gateway under upstream faults injected by the emulator: 503s, throttling, expired
 * credentials, timeouts, event streams cut or failed mid-way, clients that leave, and a shutdown
 * with streams open. Every client call must end in a success or a well-formed Anthropic error
 * (an SSE `error` event once a stream has started), never a hang, with no unhandled rejection.
 */
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic, { APIError, InternalServerError, RateLimitError } from '@anthropic-ai/sdk';
import type { RequestAuth } from '../../src/core/auth-types.js';
import { EMULATOR_KEYS, startGatewayHarness, type GatewayHarness, type GatewayHarnessOptions } from '../helpers/gateway-harness.js';

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
const noSleep = async (): Promise<void> => undefined;

/** Fails the test instead of hanging it: every call here must settle well within this. */
function settles<T>(promise: Promise<T>, ms = 15_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`did not settle within ${ms} ms`)), ms);
    }),
  ]);
}

async function outcome(promise: Promise<unknown>): Promise<{ ok: true } | { ok: false; error: APIError }> {
  try {
    await settles(promise);
    return { ok: true };
  } catch (error) {
    assert.ok(error instanceof APIError, `expected a well-formed API error, got ${String(error)}`);
    return { ok: false, error };
  }
}

async function sseText(harness: GatewayHarness, body: Record<string, unknown>): Promise<string> {
  const response = await settles(
    fetch(`${harness.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'sonnet', max_tokens: 200, stream: true, ...body }) }),
  );
  assert.equal(response.status, 200);
  return settles(response.text());
}

describe('gateway under upstream faults', () => {
  const open: GatewayHarness[] = [];
  const start = async (options: GatewayHarnessOptions): Promise<GatewayHarness> => {
    const harness = await startGatewayHarness({ ...options, gateway: { sleep: noSleep, ...options.gateway } });
    open.push(harness);
    return harness;
  };
  const sdk = (harness: GatewayHarness) => new Anthropic({ baseURL: harness.url, apiKey: 'unused', maxRetries: 0 });
  const ask = (harness: GatewayHarness, content = 'hello') => sdk(harness).messages.create({ model: 'sonnet', max_tokens: 100, messages: [{ role: 'user', content }] });

  before(() => void process.on('unhandledRejection', onUnhandled));
  afterEach(async () => {
    for (const harness of open.splice(0)) await harness.close();
  });
  after(() => {
    process.off('unhandledRejection', onUnhandled);
    assert.deepEqual(unhandled, [], 'no unhandled rejection');
  });

  test('503s within the retry budget are absorbed; the caller sees one success', async () => {
    const harness = await start({
      scenario: { faults: [{ match: { operation: 'invoke', times: 2 }, error: { status: 503, name: 'ServiceUnavailableException', message: 'busy' } }] },
      gateway: { maxRetries: 2 },
    });
    const message = await settles(ask(harness));
    assert.equal(message.type, 'message');
    assert.deepEqual(harness.emulator.state.received.map((entry) => entry.status), [503, 503, 200]);
    assert.match(harness.gateway.metricsText(), /cc_bedrock_gateway_upstream_retries_total\{code="UPSTREAM_UNAVAILABLE"\} 2/);
  });

  test('persistent throttling ends as 429 rate_limit_error after the budget, naming the attempts', async () => {
    const harness = await start({
      scenario: { faults: [{ match: { operation: 'invoke' }, error: { status: 429, name: 'ThrottlingException', message: 'Too many requests, please wait before trying again.' } }] },
      gateway: { maxRetries: 2 },
    });
    const result = await outcome(ask(harness));
    assert.equal(result.ok, false);
    assert.ok(!result.ok && result.error instanceof RateLimitError);
    assert.match(!result.ok ? result.error.message : '', /gave up after 3 attempts/);
  });

  test('an expired token is refreshed once through the credential provider, then the call succeeds', async () => {
    const expired: RequestAuth = { kind: 'sigv4', credentials: { accessKeyId: 'AKIAEXPIREDKEY000001', secretAccessKey: 'expiredSecret/EXAMPLE/000000000000000', sessionToken: 'expired-session-token-0000000000' } };
    const harness = await start({
      scenario: {
        credentials: [
          { accessKeyId: 'AKIAEXPIREDKEY000001', secretAccessKey: 'expiredSecret/EXAMPLE/000000000000000', sessionToken: 'expired-session-token-0000000000', expiresAt: '2020-01-01T00:00:00Z' },
          { accessKeyId: 'AKIAEMULATOREXAMPLE1', secretAccessKey: 'emulatorSecretAccessKey/EXAMPLE/0000000000' },
        ],
      },
      auth: [expired, EMULATOR_KEYS],
    });
    await settles(ask(harness));
    assert.equal(harness.auth.recoveries, 1);
    assert.deepEqual(harness.emulator.state.received.map((entry) => entry.errorType ?? entry.status), ['ExpiredTokenException', 200]);
  });

  test('an upstream that does not answer in time is a 504 timeout_error, not a hang', async () => {
    const harness = await start({ scenario: { faults: [{ match: { operation: 'invoke' }, delayMs: 2_000 }] }, gateway: { timeoutMs: 200 } });
    const result = await outcome(ask(harness));
    assert.ok(!result.ok && result.error.status === 504);
  });

  test('a stream cut after output ends with an SSE error event; the SDK raises it', async () => {
    const scenario = { latency: { firstByteMs: 0, perChunkMs: 15 }, faults: [{ match: { operation: 'invoke-stream' }, cutStream: { afterEvents: 4 } }] };
    const harness = await start({ scenario });
    const text = await sseText(harness, { messages: [{ role: 'user', content: 'cut me off' }] });
    assert.match(text, /^event: message_start\n/);
    assert.match(text, /event: content_block_delta/);
    assert.match(text, /event: error\ndata: \{"type":"error","error":\{"type":"api_error","message":"[^"]*broke mid-stream/);
    assert.doesNotMatch(text, /message_stop/);
    const result = await outcome(sdk(harness).messages.stream({ model: 'sonnet', max_tokens: 100, messages: [{ role: 'user', content: 'again' }] }).finalMessage());
    assert.ok(!result.ok);
    assert.equal(harness.gateway.inFlight, 0);
  });

  test('an exception frame mid-stream becomes an SSE error event of the matching class', async () => {
    const harness = await start({
      scenario: { faults: [{ match: { operation: 'invoke-stream' }, streamException: { afterEvents: 3, type: 'throttlingException', message: 'Too many tokens, please wait before trying again.' } }] },
    });
    const text = await sseText(harness, { messages: [{ role: 'user', content: 'throttle me mid-way' }] });
    assert.match(text, /event: error\ndata: \{"type":"error","error":\{"type":"rate_limit_error","message":"[^"]*Too many tokens/);
  });

  test('a stream that goes silent is ended with a timeout_error event after the idle timeout', async () => {
    const harness = await start({ scenario: { latency: { firstByteMs: 0, perChunkMs: 2_000 } }, gateway: { streamIdleTimeoutMs: 150 } });
    const text = await sseText(harness, { messages: [{ role: 'user', content: 'then silence' }] });
    assert.match(text, /^event: message_start\n/);
    assert.match(text, /event: error\ndata: \{"type":"error","error":\{"type":"timeout_error","message":"[^"]*sent nothing for 150 ms/);
  });

  test('a stream that fails before any output is retried before the response is committed', async () => {
    const harness = await start({
      scenario: { faults: [{ match: { operation: 'invoke-stream', times: 1 }, streamException: { afterEvents: 0, type: 'serviceUnavailableException', message: 'busy' } }] },
      gateway: { maxRetries: 1 },
    });
    const final = await settles(sdk(harness).messages.stream({ model: 'sonnet', max_tokens: 100, messages: [{ role: 'user', content: 'retry quietly' }] }).finalMessage());
    assert.deepEqual(final.content, [{ type: 'text', text: 'You said: retry quietly' }]);
    assert.equal(harness.emulator.state.received.length, 2);
  });

  test('a stream that fails before output with no retries left is a plain HTTP error', async () => {
    const harness = await start({
      scenario: { faults: [{ match: { operation: 'invoke-stream' }, streamException: { afterEvents: 0, type: 'serviceUnavailableException', message: 'busy' } }] },
    });
    const result = await outcome(sdk(harness).messages.stream({ model: 'sonnet', max_tokens: 100, messages: [{ role: 'user', content: 'x' }] }).finalMessage());
    assert.ok(!result.ok && result.error instanceof InternalServerError);
    assert.equal(!result.ok && result.error.status, 529);
  });

  test('a client that leaves mid-stream releases the upstream stream', async () => {
    const harness = await start({ scenario: { latency: { firstByteMs: 0, perChunkMs: 50 }, limits: { maxBodyBytes: 1_000_000, deltasPerBlock: 40 } } });
    const controller = new AbortController();
    const response = await settles(
      fetch(`${harness.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'sonnet', max_tokens: 500, stream: true, messages: [{ role: 'user', content: 'a long story please '.repeat(10) }] }),
        signal: controller.signal,
      }),
    );
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    await reader.read().catch(() => undefined);
    for (let i = 0; i < 100 && harness.gateway.inFlight > 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(harness.gateway.inFlight, 0);
    const line = harness.logs.map((text) => JSON.parse(text) as { status?: number; event: string }).find((entry) => entry.event === 'request');
    assert.equal(line?.status, 499);
    const sent = harness.emulator.state.received[0]!;
    assert.ok((sent.streamEvents ?? 0) < 40, 'the upstream stream was not read to the end');
  });

  test('a mixed storm of faults: every call settles as a success or a well-formed error', async () => {
    const harness = await start({
      scenario: {
        latency: { firstByteMs: 0, perChunkMs: 1 },
        faults: [
          { match: { operation: 'invoke', nth: 3 }, error: { status: 503, name: 'ServiceUnavailableException', message: 'busy' } },
          { match: { operation: 'invoke', nth: 7 }, error: { status: 429, name: 'ThrottlingException', message: 'slow down' } },
          { match: { operation: 'invoke', nth: 11 }, error: { status: 500, name: 'InternalServerException', message: 'oops' } },
          { match: { operation: 'invoke-stream', nth: 2 }, cutStream: { afterEvents: 3 } },
          { match: { operation: 'invoke-stream', nth: 5 }, streamException: { afterEvents: 4, type: 'modelStreamErrorException', message: 'model broke' } },
          { match: { operation: 'invoke-stream', nth: 8 }, cutStream: { afterEvents: 0 } },
          { match: { operation: 'invoke-stream', nth: 9 }, error: { status: 503, name: 'ServiceUnavailableException', message: 'busy' } },
        ],
      },
      gateway: { maxRetries: 1 },
    });
    const calls = Array.from({ length: 40 }, (_, i) =>
      i % 2 === 0 ? outcome(ask(harness, `call ${i}`)) : outcome(sdk(harness).messages.stream({ model: 'sonnet', max_tokens: 100, messages: [{ role: 'user', content: `stream ${i}` }] }).finalMessage()),
    );
    const results = await Promise.all(calls);
    assert.ok(results.filter((r) => r.ok).length >= 30, 'most calls succeed');
    assert.ok(results.some((r) => !r.ok), 'some faults reach the client as errors');
    assert.equal(harness.gateway.inFlight, 0);
  });

  test('shutdown drains: open streams finish, new requests get 529, healthz says draining', async () => {
    const harness = await start({ scenario: { latency: { firstByteMs: 0, perChunkMs: 30 }, limits: { maxBodyBytes: 1_000_000, deltasPerBlock: 10 } } });
    const stream = sdk(harness).messages.stream({ model: 'sonnet', max_tokens: 500, messages: [{ role: 'user', content: 'finish me during shutdown' }] });
    await new Promise<void>((resolve) => stream.once('streamEvent', () => resolve()));
    const closing = harness.gateway.close();
    const refused = await outcome(ask(harness));
    assert.ok(!refused.ok && refused.error.status === 529);
    const health = await harness.gateway.fetch(new Request('http://gateway.test/healthz'));
    assert.equal(health.status, 503);
    const final = await settles(stream.finalMessage());
    assert.equal(final.stop_reason, 'end_turn');
    await settles(closing);
    assert.equal(harness.gateway.inFlight, 0);
  });

  test('a drain deadline cuts what is still open with an error event', async () => {
    const harness = await start({
      scenario: { latency: { firstByteMs: 0, perChunkMs: 200 }, limits: { maxBodyBytes: 1_000_000, deltasPerBlock: 50 } },
      gateway: { drainTimeoutMs: 100 },
    });
    const stream = sdk(harness).messages.stream({ model: 'sonnet', max_tokens: 500, messages: [{ role: 'user', content: 'too slow to finish' }] });
    await new Promise<void>((resolve) => stream.once('streamEvent', () => resolve()));
    await settles(harness.gateway.close());
    const result = await outcome(stream.finalMessage());
    assert.ok(!result.ok);
  });

  test('a corrupt event stream from upstream is an error event, not a crash', async () => {
    const corrupting: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (!response.headers.get('content-type')?.includes('eventstream')) return response;
      const bytes = new Uint8Array(await response.arrayBuffer());
      bytes[bytes.length - 20] = bytes[bytes.length - 20]! ^ 0xff;
      return new Response(bytes, { status: 200, headers: response.headers });
    };
    const harness = await start({ gateway: { fetch: corrupting } });
    const text = await sseText(harness, { messages: [{ role: 'user', content: 'corrupt' }] });
    assert.match(text, /event: error\ndata: .*corrupt event-stream frame/);
    assert.match(harness.gateway.metricsText(), /cc_bedrock_gateway_errors_total\{class="api_error"\} 1/);
    await settles(ask(harness, 'still serving'));
  });
});
