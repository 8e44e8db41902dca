import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DeadlineSweep, SilenceWatch, formatWait } from './deadlines.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('SilenceWatch', () => {
  test('reports the wait at each notice, then expires once at the limit', async () => {
    const notices: number[] = [];
    let expired = 0;
    const watch = new SilenceWatch({ limitMs: 200, noticeEveryMs: 60, onWaiting: (ms) => notices.push(ms), onExpire: () => (expired += 1) });
    watch.arm();
    await sleep(600);
    assert.equal(expired, 1);
    assert.ok(watch.expired);
    // About 60, 120, 180 ms; a loaded machine runs timers late, so fewer may fit before the limit.
    assert.ok(notices.length >= 1 && notices.length <= 3, `notices: ${notices.join(', ')}`);
    assert.ok(notices.every((ms, i) => ms < 200 && (i === 0 || ms > notices[i - 1]!)), `notices: ${notices.join(', ')}`);
  });

  test('a byte before the limit starts the silence again; stop ends it', async () => {
    let expired = false;
    const watch = new SilenceWatch({ limitMs: 400, onExpire: () => (expired = true) });
    watch.arm();
    for (let i = 0; i < 4; i++) {
      await sleep(50);
      watch.arm();
    }
    assert.equal(expired, false);
    watch.stop();
    await sleep(500);
    assert.equal(expired, false);
  });
});

describe('DeadlineSweep', () => {
  test('aborts what passed its deadline with the given reason, leaves the rest', async () => {
    const sweep = new DeadlineSweep(50);
    const reasons: unknown[] = [];
    sweep.add({ abort: (reason) => reasons.push(reason) }, 30, 'short');
    const long = sweep.add({ abort: (reason) => reasons.push(reason) }, 10_000, 'long');
    await sleep(120);
    sweep.delete(long);
    assert.deepEqual(reasons, ['short']);
  });
});

test('formatWait reads as a person would say it', () => {
  assert.deepEqual([250, 1_200, 10_000, 90_000].map(formatWait), ['250 ms', '1.2 s', '10 s', '90 s']);
});
