import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readEnv, readSwitch } from './read-env.js';

test('readEnv treats missing, empty and blank values as unset', () => {
  assert.equal(readEnv({}, 'X'), undefined);
  assert.equal(readEnv({ X: '' }, 'X'), undefined);
  assert.equal(readEnv({ X: '   ' }, 'X'), undefined);
  assert.equal(readEnv({ X: ' eu-west-1 ' }, 'X'), 'eu-west-1');
});

test('readSwitch follows Claude Code on/off parsing', () => {
  for (const on of ['1', 'true', 'TRUE', 'True']) assert.equal(readSwitch({ S: on }, 'S'), 'on');
  for (const off of ['0', 'false', 'FALSE']) assert.equal(readSwitch({ S: off }, 'S'), 'off');
  assert.equal(readSwitch({ S: '' }, 'S'), 'unset');
  assert.equal(readSwitch({}, 'S'), 'unset');
  assert.equal(readSwitch({ S: 'yes' }, 'S'), 'invalid');
});
