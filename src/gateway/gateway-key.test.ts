import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createKeyCheck, presentedKey } from './gateway-key.js';

describe('gateway key', () => {
  const check = createKeyCheck('correct-horse-battery-staple');

  test('x-api-key and Authorization: Bearer are both accepted', () => {
    assert.equal(check(new Headers({ 'x-api-key': 'correct-horse-battery-staple' })), true);
    assert.equal(check(new Headers({ authorization: 'Bearer correct-horse-battery-staple' })), true);
    assert.equal(check(new Headers({ authorization: 'bearer   correct-horse-battery-staple ' })), true);
  });

  test('a wrong, shorter, longer, empty or missing key is refused', () => {
    for (const value of ['wrong', 'correct-horse-battery-stapl', 'correct-horse-battery-staple!', '']) {
      assert.equal(check(new Headers({ 'x-api-key': value })), false, JSON.stringify(value));
    }
    assert.equal(check(new Headers()), false);
    assert.equal(check(new Headers({ authorization: 'Basic Y29ycmVjdA==' })), false);
  });

  test('without a configured key every request passes', () => {
    assert.equal(createKeyCheck(undefined)(new Headers()), true);
  });

  test('x-api-key wins over Authorization', () => {
    assert.equal(presentedKey(new Headers({ 'x-api-key': 'a', authorization: 'Bearer b' })), 'a');
  });
});
