import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { flushOutputs } from './finish-output.js';

/** A stream whose queue the test empties by hand: what a pipe to a slow reader looks like. */
function queuedStream(bytes: number): Writable & { take(n: number): void } {
  let queued = bytes;
  const stream = new Writable({ write: (_chunk, _encoding, done) => done() });
  Object.defineProperty(stream, 'writableLength', { get: () => queued });
  return Object.assign(stream, { take: (n: number) => void (queued = Math.max(0, queued - n)) });
}

function sink(): Writable & { text(): string } {
  let text = '';
  const stream = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      text += chunk.toString();
      done();
    },
  });
  return Object.assign(stream, { text: () => text });
}

describe('flushOutputs', () => {
  test('a reader that keeps taking output is waited for past the deadline: it counts from the last progress', async () => {
    const stdout = queuedStream(10);
    const stderr = sink();
    // 10 bytes taken one every 30 ms: 300 ms in all, against a deadline of 120 ms without progress.
    const timer = setInterval(() => stdout.take(1), 30);
    try {
      const pending = await flushOutputs([{ name: 'stdout', stream: stdout }], 120, stderr);
      assert.deepEqual(pending, []);
    } finally {
      clearInterval(timer);
    }
  });

  test('a reader that takes nothing is given up on at the deadline, after saying what is awaited', async () => {
    const stdout = queuedStream(4096);
    const stderr = sink();
    const pending = await flushOutputs([{ name: 'stdout', stream: stdout }], 100, stderr);
    assert.deepEqual(pending.map((output) => output.name), ['stdout']);
    assert.match(stderr.text(), /waiting for the reader to take the last 4 KiB on stdout/);
  });
});
