import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isCcBedrockError } from '../core/errors.js';
import { defaultScenario, parseScenario, scenarioWith } from './scenario.js';

test('the bundled default scenario is valid and has usable credentials', () => {
  const scenario = defaultScenario();
  assert.equal(scenario.name, 'default');
  assert.ok(scenario.credentials.length > 0);
  assert.ok(scenario.apiKeys[0]?.token.startsWith('ABSK'));
  assert.ok(scenario.models.some((m) => m.mantle?.id === 'anthropic.claude-opus-4-7'));
  assert.equal(new Set(scenario.models.map((m) => m.id)).size, scenario.models.length, 'model IDs are unique');
});

test('an invalid scenario names the key path', () => {
  assert.throws(
    () => parseScenario({ account: { id: '12' } }, 'scenario x.json'),
    (error: unknown) => isCcBedrockError(error) && /scenario x\.json/.test(error.message) && /account\.id/.test(error.message),
  );
});

test('scenarioWith keeps the default and replaces only what is given', () => {
  const scenario = scenarioWith({ allowUnsigned: true });
  assert.equal(scenario.allowUnsigned, true);
  assert.deepEqual(scenario.models, defaultScenario().models);
});
