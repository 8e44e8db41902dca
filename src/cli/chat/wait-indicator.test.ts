import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { startWaitIndicator } from './wait-indicator.js';

/** A stream that keeps what was written, and timers the test fires by hand. */
function harness() {
  const stream = new PassThrough();
  let written = '';
  stream.on('data', (chunk: Buffer) => (written += chunk.toString('utf8')));
  let tick: (() => void) | undefined;
  let cleared = false;
  return {
    stream,
    written: () => written,
    timers: { setInterval: (fn: () => void) => ((tick = fn), 1), clearInterval: () => (cleared = true) },
    tick: () => tick?.(),
    cleared: () => cleared,
  };
}

test('nothing before the first second; then the waiting line, erased when the reply starts', async () => {
  const h = harness();
  const indicator = startWaitIndicator(h.stream, { live: true, ...h.timers });
  await new Promise((r) => setImmediate(r));
  assert.equal(h.written(), '', 'a reply that starts within a second shows nothing');
  h.tick();
  h.tick();
  indicator.stop();
  indicator.stop();
  await new Promise((r) => setImmediate(r));
  assert.equal(h.written(), '\r\x1b[2K(waiting for the reply… 1 s; Ctrl-C cancels)\r\x1b[2K(waiting for the reply… 2 s; Ctrl-C cancels)\r\x1b[2K');
  assert.ok(h.cleared());
});

test('a fast reply stops it before it shows: nothing written', async () => {
  const h = harness();
  startWaitIndicator(h.stream, { live: true, ...h.timers }).stop();
  await new Promise((r) => setImmediate(r));
  assert.equal(h.written(), '');
});

test('not a terminal: no indicator at all', async () => {
  const h = harness();
  startWaitIndicator(h.stream, { live: false, ...h.timers });
  h.tick();
  await new Promise((r) => setImmediate(r));
  assert.equal(h.written(), '');
});
