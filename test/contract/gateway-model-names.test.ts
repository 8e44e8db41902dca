/**
 * The model names Claude Code sends in first-party mode (ANTHROPIC_BASE_URL = the gateway):
 * the gateway maps each exactly as `--model` maps the same name (one resolver), every name that
 * maps is served by the default emulator (whose lineup is the catalog), and `/v1/models` lists
 * only models that then answer, with the catalog's release dates.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isCcBedrockError } from '../../src/core/errors.js';
import { MODEL_CATALOG, findModelById } from '../../src/models/model-catalog.js';
import { resolveModels } from '../../src/models/resolve-model.js';
import type { EndpointKind, ResolvedModel, RoutePlan } from '../../src/core/route-plan.js';
import { settingsOverShellLookup } from '../helpers/env-lookup.js';
import { startGatewayHarness, testPlan, type GatewayHarness } from '../helpers/gateway-harness.js';
import { gatewayModelResolver } from '../helpers/gateway-model-resolver.js';

const ALIASES = ['default', 'opus', 'sonnet', 'haiku', 'fable', 'opusplan', 'best'];
/**
 * Names in Claude Code's own model table that are not catalog IDs or keys (strings of the 2.1.197
 * binary, and the spec's model list for later releases): they must map the same way too.
 */
const CLAUDE_CODE_EXTRA = ['claude-opus-5', 'claude-sonnet-5', 'claude-fable-5', 'claude-mythos-5', 'claude-opus-4-6-fast', 'claude-opus-4-7-fast', 'claude-3-5-sonnet-v2', 'claude-sonnet-3-7', 'claude-haiku-3-5'];
const BASE_NAMES = [...new Set([...ALIASES, ...MODEL_CATALOG.flatMap((model) => [model.key, ...model.anthropicIds]), ...CLAUDE_CODE_EXTRA])];
/** Each with and without the `[1m]` suffix Claude Code appends to 1M selections. */
const NAMES = BASE_NAMES.flatMap((name) => [name, `${name}[1m]`]);

type Outcome = Pick<ResolvedModel, 'wireModelId' | 'endpoint' | 'catalogKey' | 'betas'> & { region: string } | { error: string };

function outcome(resolve: () => ResolvedModel): Outcome {
  try {
    const model = resolve();
    return { wireModelId: model.wireModelId, endpoint: model.endpoint, catalogKey: model.catalogKey, betas: model.betas, region: model.region.value };
  } catch (error) {
    if (!isCcBedrockError(error)) throw error;
    return { error: error.code };
  }
}

const gatewayResolver = (plan: RoutePlan) => gatewayModelResolver(plan);

describe('every first-party name maps in the gateway exactly as --model maps it', () => {
  const modes: { endpoint: EndpointKind; both?: boolean; region: string }[] = [
    { endpoint: 'bedrock', region: 'us-east-1' },
    { endpoint: 'bedrock', region: 'eu-west-1' },
    { endpoint: 'bedrock', region: 'ap-northeast-1' },
    { endpoint: 'mantle', region: 'us-east-1' },
    { endpoint: 'bedrock', both: true, region: 'us-east-1' },
  ];
  for (const mode of modes) {
    test(`${mode.both ? 'both endpoints' : mode.endpoint}, ${mode.region}: ${NAMES.length} names`, () => {
      const plan = testPlan({ url: 'http://127.0.0.1:9', endpoint: mode.endpoint, region: mode.region, ...(mode.both ? { both: true } : {}) });
      const resolver = gatewayResolver(plan);
      const env = settingsOverShellLookup({});
      let mapped = 0;
      for (const name of NAMES) {
        const viaFlag = outcome(
          () =>
            resolveModels({
              env,
              modelFlag: name,
              modelOverrides: plan.modelOverrides,
              providers: { bedrock: plan.providers.bedrock, mantle: plan.providers.mantle },
              region: plan.region,
              mantleBaseUrlOverridden: plan.endpoints.mantle.source.includes('ANTHROPIC_BEDROCK_MANTLE_BASE_URL'),
            }).main,
        );
        const viaGateway = outcome(() => resolver.resolve(name, 'anthropic'));
        assert.deepEqual(viaGateway, viaFlag, name);
        if (!('error' in viaGateway)) mapped += 1;
      }
      assert.ok(mapped > NAMES.length / 3, `${mapped} of ${NAMES.length} names map`);
    });
  }
});

async function post(harness: GatewayHarness, model: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${harness.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({ model, max_tokens: 16, messages: [{ role: 'user', content: 'which model?' }] }),
  });
  return { status: response.status, text: await response.text() };
}

async function listed(harness: GatewayHarness): Promise<{ id: string; created_at: string }[]> {
  const response = await fetch(`${harness.url}/v1/models?limit=1000`);
  assert.equal(response.status, 200);
  return ((await response.json()) as { data: { id: string; created_at: string }[] }).data;
}

for (const endpoint of ['bedrock', 'mantle', 'both'] as const) {
  describe(`against the default emulator, ${endpoint}`, () => {
    let harness: GatewayHarness;
    before(async () => {
      harness = await startGatewayHarness({ plan: endpoint === 'both' ? { both: true } : { endpoint } });
    });
    after(() => harness.close());

    test('every name the gateway maps to a current catalog model is served (claude-sonnet-5, claude-opus-5, claude-fable-5 included)', async () => {
      const resolver = gatewayResolver(harness.plan);
      const failures: string[] = [];
      for (const name of NAMES) {
        const mapped = outcome(() => resolver.resolve(name, 'anthropic'));
        // Refused names, names sent on as they are (unknown to the catalog: Bedrock decides), and retired models are not expected to answer.
        if ('error' in mapped || mapped.catalogKey === undefined || mapped.wireModelId === name.replace(/\[1m\]$/, '')) continue;
        if (findModelById(mapped.catalogKey)?.lifecycle.status === 'retired') continue;
        const { status, text } = await post(harness, name);
        if (status !== 200) failures.push(`${name}: ${status} ${text.slice(0, 200)}`);
      }
      assert.deepEqual(failures, []);
      for (const name of ['claude-sonnet-5', 'claude-opus-5', 'claude-fable-5', 'sonnet', 'opus']) assert.equal((await post(harness, name)).status, 200, name);
    });

    test('/v1/models lists only models that then answer, created on the catalog release date (never 1970)', async () => {
      const data = await listed(harness);
      assert.ok(data.length >= 5, data.map((m) => m.id).join(', '));
      for (const info of data) {
        const model = findModelById(info.id);
        assert.ok(model, info.id);
        assert.equal(info.created_at, `${model.released.date}T00:00:00Z`, info.id);
        assert.ok(!info.created_at.startsWith('1970'), info.id);
        assert.equal((await post(harness, info.id)).status, 200, info.id);
      }
      if (endpoint !== 'bedrock') for (const id of ['claude-opus-5', 'claude-sonnet-5', 'claude-fable-5']) assert.ok(data.some((m) => m.id === id), id);
    });
  });
}

describe('a model the account cannot use', () => {
  for (const endpoint of ['bedrock', 'mantle'] as const) {
    test(`${endpoint}: not listed, and a request names the pin variable and the modelOverrides entry to set`, async () => {
      const harness = await startGatewayHarness({
        plan: { endpoint },
        scenario: { access: { granted: ['*'], denied: ['anthropic.claude-sonnet-5'], marketplaceDenied: [], mantleDenied: ['anthropic.claude-sonnet-5'], reservedTier: false } },
      });
      try {
        const data = await listed(harness);
        assert.ok(!data.some((m) => m.id === 'claude-sonnet-5'), data.map((m) => m.id).join(', '));
        assert.ok(data.some((m) => m.id === 'claude-sonnet-4-6'));
        const { status, text } = await post(harness, 'claude-sonnet-5');
        assert.equal(status, 403, text);
        assert.match(text, /ANTHROPIC_DEFAULT_SONNET_MODEL/);
        assert.match(text, /modelOverrides.*claude-sonnet-5/);
      } finally {
        await harness.close();
      }
    });
  }
});
