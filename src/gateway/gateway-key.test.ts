import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createKeyCheck, presentedKey, type HeaderLookup } from './gateway-key.js';

function headers(init: Record<string, string> = {}): HeaderLookup {
  const all = new Headers(init);
  return (name) => all.get(name);
}

describe('gateway key', () => {
  const check = createKeyCheck('correct-horse-battery-staple');

  test('x-api-key and Authorization: Bearer are both accepted', () => {
    assert.equal(check(headers({ 'x-api-key': 'correct-horse-battery-staple' })), true);
    assert.equal(check(headers({ authorization: 'Bearer correct-horse-battery-staple' })), true);
    assert.equal(check(headers({ authorization: 'bearer   correct-horse-battery-staple ' })), true);
  });

  test('a wrong, shorter, longer, empty or missing key is refused', () => {
    for (const value of ['wrong', 'correct-horse-battery-stapl', 'correct-horse-battery-staple!', '']) {
      assert.equal(check(headers({ 'x-api-key': value })), false, JSON.stringify(value));
    }
    assert.equal(check(headers()), false);
    assert.equal(check(headers({ authorization: 'Basic Y29ycmVjdA==' })), false);
  });

  test('without a configured key every request passes', () => {
    assert.equal(createKeyCheck(undefined)(headers()), true);
  });

  test('x-api-key wins over Authorization', () => {
    assert.equal(presentedKey(headers({ 'x-api-key': 'a', authorization: 'Bearer b' })), 'a');
  });
});
