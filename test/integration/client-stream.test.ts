/**
 * Stream failure handling: a failure before any output is answered by exactly one
 * non-streaming invoke (as Claude Code does); a failure after output is never re-sent
 * (STREAM_INTERRUPTED); a guardrail intervention is an error, never a final message.
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createClient, type MessageStreamEvent } from '../../src/client/index.js';
import { CcBedrockError } from '../../src/core/errors.js';
import type { ScenarioInput } from '../../src/emulator/index.js';
import { EMULATOR_KEYS, ScriptedAuthProvider, testPlan, startEmulator, type Harness, type TestPlanInput } from './client-harness.js';

describe('stream recovery', () => {
  const harnesses: Harness[] = [];
  after(async () => Promise.all(harnesses.map((harness) => harness.close())));

  async function run(scenario: Partial<ScenarioInput>, plan: Partial<TestPlanInput> = {}, content = 'tell me a story') {
    const harness = await startEmulator(scenario);
    harnesses.push(harness);
    const auth = new ScriptedAuthProvider([EMULATOR_KEYS]);
    const client = createClient({ plan: testPlan({ url: harness.url, ...plan }), auth: { bedrock: auth, mantle: auth }, maxRetries: 0 });
    const stream = client.messages.stream({ max_tokens: 64, messages: [{ role: 'user', content }] });
    const events: MessageStreamEvent[] = [];
    let error: unknown;
    try {
      for await (const event of stream) events.push(event);
    } catch (caught) {
      error = caught;
    }
    return { harness, stream, events, error, log: harness.emulator.state.received };
  }

  test('an exception frame before any output is answered by one non-streaming invoke', async () => {
    const { stream, events, error, log } = await run({
      faults: [{ match: { operation: 'invoke-stream' }, streamException: { afterEvents: 2, type: 'internalServerException', message: 'An internal error occurred.' } }],
    });
    assert.equal(error, undefined);
    assert.deepEqual(log.map((entry) => entry.operation), ['invoke-stream', 'invoke']);
    assert.equal(stream.usedNonStreamingFallback, true);
    assert.equal(events[0]?.type, 'message_start');
    assert.equal(events.filter((event) => event.type === 'message_start').length, 1, 'the caller sees one message');
    assert.equal(events.at(-1)?.type, 'message_stop');
    const final = await stream.finalMessage();
    assert.ok(final.content.some((block) => block.type === 'text' && block.text.includes('tell me a story')));
  });

  test('a 404 on the streaming path is answered by one non-streaming invoke', async () => {
    const { stream, error, log } = await run({
      faults: [{ match: { operation: 'invoke-stream' }, error: { status: 404, name: 'ResourceNotFoundException', message: 'Not found.' } }],
    });
    assert.equal(error, undefined);
    assert.deepEqual(log.map((entry) => `${entry.operation}:${entry.status}`), ['invoke-stream:404', 'invoke:200']);
    assert.equal((await stream.finalMessage()).type, 'message');
  });

  test('a connection cut after output is STREAM_INTERRUPTED and the request is not sent again', async () => {
    // Spaced chunks, so the events before the cut are read before the connection drops (bytes
    // still queued when a connection resets are discarded by fetch and never reach anyone).
    const { events, error, log, stream } = await run({
      latency: { firstByteMs: 0, perChunkMs: 25 },
      faults: [{ match: { operation: 'invoke-stream' }, cutStream: { afterEvents: 4 } }],
    });
    assert.ok(error instanceof CcBedrockError);
    assert.equal(error.code, 'STREAM_INTERRUPTED');
    assert.equal(error.details['outputDelivered'], true);
    assert.match(error.message, /us\.anthropic\.claude-sonnet-4-5-20250929-v1:0/);
    assert.match(error.message, /us-east-1/);
    assert.ok(events.some((event) => event.type === 'content_block_delta'), 'partial output reached the caller');
    assert.equal(log.length, 1, 'never re-sent after output');
    await assert.rejects(stream.finalMessage(), (rejection: unknown) => rejection instanceof CcBedrockError && rejection.code === 'STREAM_INTERRUPTED');
  });

  test('an exception frame after output is STREAM_INTERRUPTED without a re-send', async () => {
    const { error, log } = await run({
      latency: { firstByteMs: 0, perChunkMs: 25 },
      faults: [{ match: { operation: 'invoke-stream' }, streamException: { afterEvents: 5, type: 'modelStreamErrorException', message: 'The model stream was interrupted.' } }],
    });
    assert.ok(error instanceof CcBedrockError);
    assert.equal(error.code, 'STREAM_INTERRUPTED');
    assert.match(error.message, /modelStreamErrorException/);
    assert.equal(log.length, 1);
  });

  test('a connection cut before any output falls back once', async () => {
    const { error, log, stream } = await run({ faults: [{ match: { operation: 'invoke-stream' }, cutStream: { afterEvents: 1 } }] });
    assert.equal(error, undefined);
    assert.deepEqual(log.map((entry) => entry.operation), ['invoke-stream', 'invoke']);
    assert.equal(stream.usedNonStreamingFallback, true);
  });

  test('the fallback is sent only once even if it fails too', async () => {
    const { error, log } = await run({
      faults: [
        { match: { operation: 'invoke-stream' }, streamException: { afterEvents: 0, type: 'internalServerException', message: 'An internal error occurred.' } },
        { match: { operation: 'invoke' }, error: { status: 400, name: 'ValidationException', message: 'Malformed input request.' } },
      ],
    });
    assert.ok(error instanceof CcBedrockError);
    assert.equal(error.code, 'REQUEST_INVALID');
    assert.deepEqual(log.map((entry) => entry.operation), ['invoke-stream', 'invoke']);
  });

  test('Mantle streams recover the same way', async () => {
    const { error, log, stream } = await run(
      { faults: [{ match: { operation: 'mantle-messages', nth: 1 }, error: { status: 404, name: 'not_found_error', message: 'Not found' } }] },
      { endpoint: 'mantle', mainModel: 'anthropic.claude-opus-4-7' },
    );
    assert.equal(error, undefined);
    assert.equal(stream.usedNonStreamingFallback, true);
    assert.deepEqual(
      log.map((entry) => `${entry.status}:${(entry.body as { stream?: boolean }).stream === true ? 'stream' : 'single'}`),
      ['404:stream', '200:single'],
    );
  });
});

describe('cancellation', () => {
  test('breaking out of the iteration aborts the request: no retry, no fallback, an abort error', async () => {
    const harness = await startEmulator({ latency: { firstByteMs: 0, perChunkMs: 30 } });
    try {
      const auth = new ScriptedAuthProvider([EMULATOR_KEYS]);
      const client = createClient({ plan: testPlan({ url: harness.url }), auth: { bedrock: auth, mantle: auth } });
      const stream = client.messages.stream({ max_tokens: 64, messages: [{ role: 'user', content: 'a long answer please' }] });
      const aborts: string[] = [];
      stream.on('abort', (error) => aborts.push(error.code));
      let seen = 0;
      for await (const event of stream) {
        if (event.type === 'content_block_delta' && ++seen === 1) break;
      }
      await assert.rejects(stream.done(), (error: unknown) => error instanceof CcBedrockError && error.details['aborted'] === true);
      assert.equal(stream.aborted, true);
      assert.deepEqual(aborts, ['STREAM_INTERRUPTED']);
      assert.deepEqual(harness.emulator.state.received.map((entry) => entry.operation), ['invoke-stream']);
    } finally {
      await harness.close();
    }
  });
});

describe('guardrail intervention', () => {
  const guardrailScenario: Partial<ScenarioInput> = {
    guardrails: [{ id: 'gr1example', versions: ['1'], blockedTerms: ['forbidden'], blockedInputMessaging: 'Sorry, the model cannot answer this question.' }],
  };
  const guardrailHeaders: TestPlanInput['customHeaders'] = [
    { name: 'X-Amzn-Bedrock-GuardrailIdentifier', value: 'gr1example', role: 'guardrail' },
    { name: 'X-Amzn-Bedrock-GuardrailVersion', value: '1', role: 'guardrail' },
    { name: 'X-Amzn-Bedrock-Trace', value: 'ENABLED', role: 'trace' },
  ];

  test('a blocked turn is GUARDRAIL_INTERVENED on create and on stream, and never becomes a final message', async () => {
    const harness = await startEmulator(guardrailScenario);
    try {
      const auth = new ScriptedAuthProvider([EMULATOR_KEYS]);
      const client = createClient({ plan: testPlan({ url: harness.url, customHeaders: guardrailHeaders }), auth: { bedrock: auth, mantle: auth } });
      const params = { max_tokens: 32, messages: [{ role: 'user' as const, content: 'say the forbidden word' }] };

      const created = await client.messages.create(params).then(
        () => undefined,
        (error: unknown) => error,
      );
      assert.ok(created instanceof CcBedrockError);
      assert.equal(created.code, 'GUARDRAIL_INTERVENED');
      assert.equal(created.details['blockedText'], 'Sorry, the model cannot answer this question.');
      assert.equal(created.details['guardrailIdentifier'], 'gr1example');
      assert.match(created.message, /gr1example/);
      assert.match(created.remediation!, /not an assistant message/);

      const stream = client.messages.stream(params);
      const events: string[] = [];
      let streamError: unknown;
      try {
        for await (const event of stream) events.push(event.type);
      } catch (error) {
        streamError = error;
      }
      assert.ok(streamError instanceof CcBedrockError);
      assert.equal(streamError.code, 'GUARDRAIL_INTERVENED');
      assert.equal(streamError.details['blockedText'], 'Sorry, the model cannot answer this question.');
      assert.ok(!events.includes('message_stop'), 'no message_stop reaches the caller');
      await assert.rejects(stream.finalMessage(), (error: unknown) => error instanceof CcBedrockError && error.code === 'GUARDRAIL_INTERVENED');

      const allowed = await client.messages.create({ ...params, messages: [{ role: 'user', content: 'a harmless question' }] });
      assert.equal(allowed.type, 'message');
    } finally {
      await harness.close();
    }
  });
});
