import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SseUsageReader } from './sse-usage.js';

function read(chunks: readonly (string | Uint8Array)[]): { input?: number; output?: number } {
  const seen: { input?: number; output?: number } = {};
  const reader = new SseUsageReader((input, output) => {
    if (input !== undefined) seen.input = input;
    if (output !== undefined) seen.output = output;
  });
  for (const chunk of chunks) reader.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return seen;
}

const START = 'event: message_start\ndata: {"type":"message_start","message":{"id":"m","usage":{"input_tokens":12,"output_tokens":1}}}\n\n';
const DELTA = 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"héllo"}}\n\n';
const END = 'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":7}}\n\n';

describe('SSE usage reader', () => {
  test('input from message_start, output from the last message_delta', () => {
    assert.deepEqual(read([START + DELTA + END]), { input: 12, output: 7 });
  });

  test('events split anywhere across chunks, a multi-byte character included', () => {
    const bytes = Buffer.from(START + DELTA + END);
    for (const size of [1, 2, 3, 7, 64]) {
      const chunks: Uint8Array[] = [];
      for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
      assert.deepEqual(read(chunks), { input: 12, output: 7 }, `chunks of ${size} bytes`);
    }
  });

  test('CRLF line ends', () => {
    assert.deepEqual(read([(START + END).replace(/\n/g, '\r\n')]), { input: 12, output: 7 });
  });

  test('malformed data lines and text that merely mentions usage are ignored', () => {
    const text = 'data: {"usage": broken\n\ndata: {"type":"content_block_delta","delta":{"text":"\\"usage\\""}}\n\n';
    assert.deepEqual(read([text, END]), { output: 7 });
  });

  test('a line that never ends is dropped, and the next line is read again', () => {
    const reader: { input?: number; output?: number } = {};
    const usage = new SseUsageReader((input, output) => Object.assign(reader, input !== undefined ? { input } : {}, output !== undefined ? { output } : {}));
    const big = `data: ${'x'.repeat(600 * 1024)}`;
    usage.push(Buffer.from(big));
    usage.push(Buffer.from(big));
    usage.push(Buffer.from('\n'));
    usage.push(Buffer.from(END));
    assert.deepEqual(reader, { output: 7 });
  });
});
