import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KNOWN_SETTINGS_KEYS, passesFastCheck, settingsSchemas, validateSettingsObject } from './settings-schema.js';

const samples: unknown[] = [
  'opus', '', 1, 0, true, false, null, [], ['a'], ['a', 1], [null], {}, { A: 'x' }, { A: 1 }, { A: null }, { A: ['x'] },
  Object.create(null) as unknown, [['a']], { nested: { A: 'x' } },
];

test('the plain type checks accept exactly what the zod schema accepts', () => {
  const shape = settingsSchemas().known.shape;
  for (const key of KNOWN_SETTINGS_KEYS) {
    for (const value of samples) {
      assert.equal(passesFastCheck(key, value), shape[key].unwrap().safeParse(value).success, `${key} = ${JSON.stringify(value)}`);
    }
  }
});

test('valid known keys pass through; unknown keys are kept and listed', () => {
  const raw = { model: 'opus', env: { A: 'x' }, fallbackModel: 'sonnet', permissions: { allow: [] }, theme: 'dark' };
  const result = validateSettingsObject(raw);
  assert.deepEqual(result.settings, raw);
  assert.deepEqual(result.unknownKeys, ['permissions', 'theme']);
  assert.deepEqual(result.issues, []);
});

test('a bad record entry drops only that entry; a bad list drops the key', () => {
  const result = validateSettingsObject({ env: { A: 'x', B: 2, C: 'y' }, availableModels: ['a', false] });
  assert.deepEqual(result.settings, { env: { A: 'x', C: 'y' } });
  assert.deepEqual(result.issues, [
    { path: 'env.B', expected: 'a string', found: 'number' },
    { path: 'availableModels[1]', expected: 'a string', found: 'boolean' },
  ]);
});

test('a __proto__ key cannot change the prototype of the result', () => {
  const raw = JSON.parse('{"__proto__": {"polluted": true}, "model": "x", "env": {"__proto__": "y"}}') as Record<string, unknown>;
  const result = validateSettingsObject(raw);
  assert.equal((result.settings as Record<string, unknown>).polluted, undefined);
  assert.equal(result.settings.model, 'x');
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});
