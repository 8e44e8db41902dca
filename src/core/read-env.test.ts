import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNumberWord, parseSwitchWord, readEnv } from './read-env.js';

test('readEnv treats missing, empty and blank values as unset', () => {
  assert.equal(readEnv({}, 'X'), undefined);
  assert.equal(readEnv({ X: '' }, 'X'), undefined);
  assert.equal(readEnv({ X: '   ' }, 'X'), undefined);
  assert.equal(readEnv({ X: ' eu-west-1 ' }, 'X'), 'eu-west-1');
});

test('parseSwitchWord follows Claude Code on/off parsing', () => {
  for (const on of ['1', 'true', 'TRUE', 'True', ' 1 ']) assert.equal(parseSwitchWord(on), 'on');
  for (const off of ['0', 'false', 'FALSE']) assert.equal(parseSwitchWord(off), 'off');
  for (const other of ['', 'yes', 'on', '2']) assert.equal(parseSwitchWord(other), undefined, other);
});

test('parseNumberWord: digit separators and scientific notation; junk is undefined', () => {
  assert.equal(parseNumberWord('60_000'), 60000);
  assert.equal(parseNumberWord('2e3'), 2000);
  assert.equal(parseNumberWord(' 15 '), 15);
  assert.equal(parseNumberWord('-5'), -5);
  for (const junk of ['', ' ', 'soon', '10s', 'Infinity', 'NaN', '1,000']) assert.equal(parseNumberWord(junk), undefined, junk);
});
