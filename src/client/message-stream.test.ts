import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CcBedrockError } from '../core/errors.js';
import { BedrockMessageStream, accumulateEvent, messageToEvents } from './message-stream.js';
import type { CallTarget, Message, MessageStreamEvent } from './types.js';

const target: CallTarget = { modelId: 'm', requested: 'm', endpoint: 'bedrock', region: 'us-east-1', baseURL: 'http://x', betas: [], catalogKey: undefined };

const message = {
  id: 'msg_bdrk_1',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-4-5-20250929',
  content: [
    { type: 'thinking', thinking: 'let me think', signature: 'sig' },
    { type: 'text', text: 'Hello world' },
    { type: 'tool_use', id: 'toolu_bdrk_1', name: 'lookup', input: { q: 'x', n: 2 } },
  ],
  stop_reason: 'tool_use',
  stop_sequence: null,
  usage: { input_tokens: 10, output_tokens: 7, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
} as unknown as Message;

describe('messageToEvents / accumulateEvent', () => {
  test('replaying the synthesized events rebuilds the message', () => {
    const events = messageToEvents(message);
    assert.equal(events[0]?.type, 'message_start');
    assert.equal(events.at(-1)?.type, 'message_stop');
    let snapshot: Message | undefined;
    for (const event of events) snapshot = accumulateEvent(snapshot, event);
    assert.deepEqual(snapshot?.content, message.content);
    assert.equal(snapshot?.stop_reason, 'tool_use');
    assert.equal(snapshot?.usage.output_tokens, 7);
  });

  test('tool input is assembled from partial JSON', () => {
    let snapshot: Message | undefined = accumulateEvent(undefined, {
      type: 'message_start',
      message: { ...message, content: [], stop_reason: null },
    } as MessageStreamEvent);
    snapshot = accumulateEvent(snapshot, { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 't', name: 'n', input: {} } } as unknown as MessageStreamEvent);
    snapshot = accumulateEvent(snapshot, { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"a":' } } as MessageStreamEvent);
    snapshot = accumulateEvent(snapshot, { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '1}' } } as MessageStreamEvent);
    snapshot = accumulateEvent(snapshot, { type: 'content_block_stop', index: 0 } as MessageStreamEvent);
    assert.deepEqual((snapshot?.content[0] as { input: unknown }).input, { a: 1 });
  });
});

describe('BedrockMessageStream', () => {
  test('every iterator sees every event; listeners and finalMessage agree', async () => {
    const stream = new BedrockMessageStream(target);
    const texts: string[] = [];
    stream.on('text', (delta) => texts.push(delta));
    for (const event of messageToEvents(message)) stream._push(event);
    stream._end();
    const first: string[] = [];
    for await (const event of stream) first.push(event.type);
    const second: string[] = [];
    for await (const event of stream) second.push(event.type);
    assert.deepEqual(first, second);
    assert.deepEqual(texts, ['Hello world']);
    assert.equal(await stream.finalText(), 'Hello world');
    assert.deepEqual((await stream.finalMessage()).content, message.content);
  });

  test('a failure rejects iteration and finalMessage with the CcBedrockError', async () => {
    const stream = new BedrockMessageStream(target);
    const seen: string[] = [];
    stream.on('error', (error) => seen.push(error.code));
    const [start] = messageToEvents(message);
    stream._push(start!);
    stream._fail(new CcBedrockError('STREAM_INTERRUPTED', 'cut'));
    await assert.rejects(stream.finalMessage(), (error: unknown) => error instanceof CcBedrockError && error.code === 'STREAM_INTERRUPTED');
    const iterator = stream[Symbol.asyncIterator]();
    assert.equal((await iterator.next()).value?.type, 'message_start');
    await assert.rejects(iterator.next(), /cut/);
    assert.deepEqual(seen, ['STREAM_INTERRUPTED']);
  });
});
