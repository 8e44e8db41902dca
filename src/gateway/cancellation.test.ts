import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Cancellation } from './cancellation.js';

describe('Cancellation', () => {
  test('listeners run once, in order, with the reason; later aborts are ignored', () => {
    const cancellation = new Cancellation();
    const seen: string[] = [];
    cancellation.onAbort((reason) => seen.push(`a:${String(reason)}`));
    cancellation.onAbort((reason) => seen.push(`b:${String(reason)}`));
    cancellation.abort('first');
    cancellation.abort('second');
    assert.deepEqual(seen, ['a:first', 'b:first']);
    assert.equal(cancellation.aborted, true);
    assert.equal(cancellation.reason, 'first');
  });

  test('a listener removed before the abort does not run; one added after runs at once', () => {
    const cancellation = new Cancellation();
    let removed = 0;
    const listener = (): void => {
      removed += 1;
    };
    cancellation.onAbort(listener);
    cancellation.offAbort(listener);
    cancellation.abort(new Error('gone'));
    assert.equal(removed, 0);
    let late: unknown;
    cancellation.onAbort((reason) => {
      late = reason;
    });
    assert.equal((late as Error).message, 'gone');
  });

  test('a throwing listener does not keep the others from running', () => {
    const cancellation = new Cancellation();
    let ran = false;
    cancellation.onAbort(() => {
      throw new Error('listener bug');
    });
    cancellation.onAbort(() => {
      ran = true;
    });
    cancellation.abort('x');
    assert.equal(ran, true);
  });

  test('the AbortSignal follows, whether made before or after the abort', () => {
    const early = new Cancellation();
    const signal = early.signal;
    assert.equal(signal.aborted, false);
    early.abort('why');
    assert.equal(signal.aborted, true);
    assert.equal(signal.reason, 'why');

    const late = new Cancellation();
    late.abort('already');
    assert.equal(late.signal.aborted, true);
    assert.equal(late.signal.reason, 'already');
    assert.equal(late.signal, late.signal, 'one signal per cancellation');
  });

  test('after(ms) aborts by itself with the given reason', async () => {
    const cancellation = Cancellation.after(5, () => 'deadline');
    assert.equal(cancellation.aborted, false);
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(cancellation.aborted, true);
    assert.equal(cancellation.reason, 'deadline');
  });
});
