import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isCcBedrockError } from '../core/errors.js';
import { GEO_PREFIXES, MODEL_CATALOG, geoServesRegion } from '../models/model-catalog.js';
import { resolveForInvoke, resolveMantleModel, systemProfilesInRegion } from './account.js';
import { servableCatalogModels } from './lineup.js';
import { defaultScenario, parseScenario, scenarioWith } from './scenario.js';

describe('the emulator lineup is the catalog', () => {
  const scenario = defaultScenario();

  for (const region of scenario.regions) {
    test(`${region}: every catalog profile is served by the default scenario, and nothing else is`, () => {
      const fromCatalog = servableCatalogModels().flatMap((model) =>
        GEO_PREFIXES.filter((geo) => model.bedrock!.profiles[geo] !== undefined && geoServesRegion(geo, region)).map((geo) => `${geo}.${model.bedrock!.baseId}`),
      );
      const served = systemProfilesInRegion(scenario, region).map((profile) => profile.id);
      assert.deepEqual([...served].sort(), [...fromCatalog].sort());
      for (const id of fromCatalog) assert.doesNotThrow(() => resolveForInvoke(scenario, region, id), id);
    });

    test(`${region}: the Mantle lineup is the catalog's served Mantle IDs`, () => {
      const fromCatalog = MODEL_CATALOG.filter((model) => model.mantle?.served).map((model) => model.mantle!.id);
      for (const id of fromCatalog) assert.equal(resolveMantleModel(scenario, region, id).mantle?.id, id);
      const served = scenario.models.flatMap((model) => (model.mantle ? [model.mantle.id] : []));
      assert.deepEqual([...served].sort(), [...fromCatalog].sort());
    });
  }

  test('retired catalog models are not served; every served model carries the catalog facts', () => {
    const retired = MODEL_CATALOG.filter((model) => model.lifecycle.status === 'retired').map((model) => model.bedrock?.baseId);
    assert.ok(retired.length > 0);
    for (const model of scenario.models) {
      assert.ok(!retired.includes(model.id), model.id);
      const entry = MODEL_CATALOG.find((m) => m.bedrock?.baseId === model.id)!;
      assert.equal(model.name, entry.displayName);
      assert.equal(model.releasedAt, `${entry.released.date}T00:00:00Z`);
    }
  });

  test('a scenario may narrow a model but not invent one', () => {
    const narrowed = scenarioWith({ models: [{ id: 'anthropic.claude-opus-4-8', profiles: ['us'], mantle: false }] });
    assert.deepEqual(narrowed.models.map((m) => [m.id, m.profiles, m.mantle]), [['anthropic.claude-opus-4-8', ['us'], undefined]]);
    const invalid = (input: unknown, pattern: RegExp): void =>
      assert.throws(() => parseScenario(input, 'scenario x.json'), (error: unknown) => isCcBedrockError(error) && pattern.test(error.message));
    invalid({ models: [{ id: 'anthropic.claude-opus-9' }] }, /models\.0\.id: anthropic\.claude-opus-9 is not a model the catalog serves/);
    invalid({ models: [{ id: 'anthropic.claude-opus-4-8', profiles: ['us', 'au'] }] }, /models\.0\.profiles: au is not a profile the catalog knows/);
    invalid({ models: [{ id: 'anthropic.claude-opus-4-6-v1', mantle: { id: 'anthropic.claude-opus-4-6' } }] }, /models\.0\.mantle\.id: Claude Opus 4\.6 is not in the catalog's Mantle lineup/);
    invalid({ models: [{ id: 'anthropic.claude-opus-4-8', name: 'Claude Opus 4.9' }] }, /models\.0\.name: .*the catalog says "Claude Opus 4\.8"/);
    invalid({ models: [{ id: 'anthropic.claude-3-opus-20240229-v1:0' }] }, /models\.0\.id/);
  });
});
