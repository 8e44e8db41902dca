import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { EventStreamCorruptError, FrameSplitter, encodeExceptionFrame, usageOf } from './event-stream.js';

const codec = new EventStreamCodec(toUtf8, fromUtf8);
const str = (value: string) => ({ type: 'string' as const, value });

function chunk(event: unknown): Uint8Array {
  return codec.encode({
    headers: { ':event-type': str('chunk'), ':content-type': str('application/json'), ':message-type': str('event') },
    body: fromUtf8(JSON.stringify({ bytes: Buffer.from(JSON.stringify(event)).toString('base64') })),
  });
}

describe('event-stream frames', () => {
  const events = [
    { type: 'message_start', message: { usage: { input_tokens: 12, output_tokens: 1 } } },
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'héllo' } },
    { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 7 } },
  ];
  const bytes = Buffer.concat(events.map(chunk));

  test('frames split at every possible byte boundary come out whole and unchanged', () => {
    for (let cut = 1; cut < bytes.length; cut += 7) {
      const splitter = new FrameSplitter();
      const frames = [...splitter.push(bytes.subarray(0, cut)), ...splitter.push(bytes.subarray(cut))];
      assert.equal(frames.length, 3, `cut at ${cut}`);
      assert.deepEqual(Buffer.concat(frames.map((f) => f.bytes)), bytes);
      const decoded = frames.map((f) => (f.kind === 'event' ? JSON.parse(f.json) : undefined));
      assert.deepEqual(decoded, events);
      assert.equal(splitter.pendingBytes, 0);
    }
  });

  test('byte-by-byte delivery keeps at most one partial frame', () => {
    const splitter = new FrameSplitter();
    let count = 0;
    for (const byte of bytes) count += splitter.push(Uint8Array.of(byte)).length;
    assert.equal(count, 3);
  });

  test('exception frames carry their type and message', () => {
    const [frame] = new FrameSplitter().push(encodeExceptionFrame('throttlingException', 'Too many requests'));
    assert.equal(frame?.kind, 'exception');
    assert.equal(frame?.kind === 'exception' && frame.errorType, 'throttlingException');
    assert.equal(frame?.kind === 'exception' && frame.message, 'Too many requests');
  });

  test('a corrupt frame is an error, not a hang or a crash', () => {
    const corrupt = Buffer.from(chunk(events[0]));
    corrupt[corrupt.length - 6] = corrupt[corrupt.length - 6]! ^ 0xff;
    assert.throws(() => new FrameSplitter().push(corrupt), EventStreamCorruptError);
    assert.throws(() => new FrameSplitter().push(Buffer.from([0, 0, 0, 3, 1, 2, 3, 4])), EventStreamCorruptError);
  });

  test('usage is read from message_start and message_delta', () => {
    assert.deepEqual(usageOf(events[0] as Record<string, unknown>), { input: 12, output: 1 });
    assert.deepEqual(usageOf(events[2] as Record<string, unknown>), { output: 7 });
    assert.deepEqual(usageOf(events[1] as Record<string, unknown>), {});
  });
});
