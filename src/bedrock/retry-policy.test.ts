import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClassifiedFailure } from './classify-failure.js';
import { CcBedrockError } from '../core/errors.js';
import { RetryBudget, isFinal } from './retry-policy.js';

const failure = (action: ClassifiedFailure['action']): ClassifiedFailure => ({
  action,
  error: new CcBedrockError('UPSTREAM_UNAVAILABLE', 'Amazon Bedrock failed', { status: 503 }),
  failure: { status: 503, errorType: undefined, message: 'busy', retryAfterMs: undefined, requestId: undefined, phase: 'http' },
  rule: 'test',
});
const open = { canRecover: true, cancelled: false };

describe('RetryBudget', () => {
  test('retries transient failures within the budget, then marks the error final for the hop before', () => {
    const budget = new RetryBudget(2, 1);
    assert.equal(budget.step(failure('retry'), undefined, open), 'retry');
    assert.equal(budget.step(failure('retry'), undefined, open), 'retry');
    const last = failure('retry');
    assert.equal(budget.step(last, undefined, open), 'fail');
    assert.ok(isFinal(last.error));
    assert.match(budget.finish(last.error).message, /gave up after 3 attempts/);
  });

  test('with no budget of its own nothing is marked: the caller may still retry', () => {
    const only = failure('retry');
    assert.equal(new RetryBudget(0, 0).step(only, undefined, open), 'fail');
    assert.equal(isFinal(only.error), false);
  });

  test('x-should-retry: false from the hop behind ends the call at once', () => {
    const told = failure('retry');
    const cause = { headers: new Headers({ 'x-should-retry': 'false' }) };
    assert.equal(new RetryBudget(5, 0).step(told, cause, open), 'fail');
    assert.ok(isFinal(told.error));
  });

  test('credential recovery has its own count; a cancelled call never retries', () => {
    const budget = new RetryBudget(3, 1);
    assert.equal(budget.step(failure('recover-auth'), undefined, open), 'recover-auth');
    assert.equal(budget.step(failure('recover-auth'), undefined, open), 'fail');
    assert.equal(budget.step(failure('recover-auth'), undefined, { canRecover: false, cancelled: false }), 'fail');
    assert.equal(budget.step(failure('retry'), undefined, { canRecover: true, cancelled: true }), 'fail');
    assert.equal(budget.attempts, 2);
  });
});

test('take: one budget across several sends, final once spent', () => {
  const budget = new RetryBudget(1, 0);
  const error = new CcBedrockError('STREAM_INTERRUPTED', 'cut before output');
  assert.equal(budget.take(error, false), true);
  assert.equal(budget.take(error, false), false);
  assert.ok(isFinal(error));
  assert.equal(new RetryBudget(3, 0).take(error, true), false, 'a cancelled call takes nothing');
});
