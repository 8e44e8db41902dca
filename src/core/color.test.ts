import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { colorEnabled, painter } from './color.js';

const terminal = Object.assign(new PassThrough(), { isTTY: true });
const pipe = new PassThrough();

test('a terminal gets colour, a pipe does not', () => {
  assert.equal(colorEnabled({}, terminal), true);
  assert.equal(colorEnabled({}, pipe), false);
  assert.equal(colorEnabled({ TERM: 'dumb' }, terminal), false);
});

test('NO_COLOR turns it off on a terminal; FORCE_COLOR turns it on in a pipe and wins over NO_COLOR', () => {
  assert.equal(colorEnabled({ NO_COLOR: '1' }, terminal), false);
  assert.equal(colorEnabled({ FORCE_COLOR: '1' }, pipe), true);
  assert.equal(colorEnabled({ FORCE_COLOR: '1', NO_COLOR: '1' }, pipe), true);
  assert.equal(colorEnabled({ FORCE_COLOR: '0' }, terminal), false);
  assert.equal(colorEnabled({ NO_COLOR: '' }, terminal), true, 'an empty NO_COLOR is unset');
});

test('the painter wraps in ANSI codes only when colour is on', () => {
  assert.equal(painter({}, pipe)('red', 'FAIL'), 'FAIL');
  assert.equal(painter({ FORCE_COLOR: '1' }, pipe)('red', 'FAIL'), '\u001b[31mFAIL\u001b[39m');
});
