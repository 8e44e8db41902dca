/**
 * The one availability probe (src/client/probe.ts) against the emulator: the request it sends,
 * how its failures map to availability, and batch probing through the same disk cache session
 * discovery uses, with its lifetimes (6 hours for answers, 10 minutes for refusals, transient
 * failures never kept).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { discoverAvailability, type DiscoveryOptions } from '../../src/client/discovery.js';
import { probeAvailability, probeModel } from '../../src/client/probe.js';
import { CallRunner } from '../../src/client/runner.js';
import { defaultSleep } from '../../src/bedrock/retry-policy.js';
import { SdkClientPool } from '../../src/client/transport.js';
import type { CallTarget } from '../../src/client/types.js';
import { isCcBedrockError } from '../../src/core/errors.js';
import { createTempHome, type TempHome } from '../helpers/temp-home.js';
import { EMULATOR_KEYS, ScriptedAuthProvider, testPlan, sigv4, startEmulator, type Harness } from './client-harness.js';

const SONNET = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const OPUS = 'us.anthropic.claude-opus-4-6-v1';
const HAIKU = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';
const PROBE_BODY = { max_tokens: 1, messages: [{ role: 'user', content: '.' }], anthropic_version: 'bedrock-2023-05-31' };
const silent = { debug() {}, warn() {} };

const authOf = (keys = EMULATOR_KEYS) => {
  const provider = new ScriptedAuthProvider([keys]);
  return { bedrock: provider, mantle: provider };
};

function runnerFor(auth: DiscoveryOptions['auth']): CallRunner {
  return new CallRunner({
    pool: new SdkClientPool({ fetch: globalThis.fetch, timeoutMs: 10_000 }),
    auth,
    clock: Date.now,
    sleep: defaultSleep,
    random: Math.random,
    logger: silent,
    maxRetries: 0,
  });
}

function targetOf(harness: Harness, modelId: string, extra: Partial<CallTarget> = {}): CallTarget {
  return { modelId, requested: modelId, endpoint: 'bedrock', region: 'us-east-1', baseURL: harness.url.replace(/\/+$/, ''), betas: [], catalogKey: undefined, ...extra };
}

describe('probeModel', () => {
  let harness: Harness;
  before(async () => {
    harness = await startEmulator({ access: { denied: ['anthropic.claude-opus-4-6-v1'] } });
  });
  after(() => harness.close());

  test("sends Claude Code's startup probe, with the custom headers, and a tier or a beta only when asked", async () => {
    harness.emulator.state.reset();
    const runner = runnerFor(authOf());
    const customHeaders = [{ name: 'X-Team', value: 'platform', role: 'custom' as const }];
    assert.deepEqual(await probeModel(targetOf(harness, SONNET), { runner, customHeaders }), { status: 'available' });
    assert.equal((await probeModel(targetOf(harness, SONNET), { runner, customHeaders, serviceTier: 'flex' })).status, 'available');
    assert.equal((await probeModel(targetOf(harness, SONNET, { betas: ['context-1m-2025-08-07'] }), { runner, customHeaders })).status, 'available');

    const [plain, tiered, withBeta] = harness.emulator.state.received;
    assert.equal(plain?.path, `/model/${SONNET}/invoke`);
    assert.deepEqual(plain?.body, PROBE_BODY);
    assert.equal(plain?.headers['x-team'], 'platform');
    assert.equal(plain?.headers['x-amzn-bedrock-service-tier'], undefined);
    assert.equal(plain?.auth?.['service'], 'bedrock');
    assert.equal(tiered?.headers['x-amzn-bedrock-service-tier'], 'flex');
    assert.deepEqual(withBeta?.body, { ...PROBE_BODY, anthropic_beta: ['context-1m-2025-08-07'] });
  });

  test('a refusal is denied, a model that needs a profile is not found; both carry the code and why', async () => {
    const runner = runnerFor(authOf());
    const denied = await probeModel(targetOf(harness, OPUS), { runner, customHeaders: [] });
    assert.equal(denied.status, 'denied');
    assert.equal(denied.code, 'MODEL_NOT_GRANTED');
    assert.match(denied.reason ?? '', /claude-opus-4-6/);
    assert.ok(isCcBedrockError(denied.error) && denied.error.remediation, 'the error keeps its remediation for doctor');

    const base = await probeModel(targetOf(harness, 'anthropic.claude-sonnet-4-5-20250929-v1:0'), { runner, customHeaders: [] });
    assert.equal(base.status, 'not-found');
    assert.equal(base.code, 'ON_DEMAND_NOT_SUPPORTED');
  });

  test('credentials the account does not know are thrown, not reported as a model answer', async () => {
    const runner = runnerFor(authOf(sigv4('AKIAUNKNOWNKEY000001', 'unknownSecret/EXAMPLE/000000000000000')));
    await assert.rejects(probeModel(targetOf(harness, SONNET), { runner, customHeaders: [] }), (error: unknown) => isCcBedrockError(error) && error.code === 'CREDENTIALS_INVALID');
  });
});

describe('probeAvailability and the discovery cache', () => {
  let harness: Harness;
  let home: TempHome;
  before(async () => {
    harness = await startEmulator({
      access: { denied: ['anthropic.claude-opus-4-6-v1'] },
      faults: [{ match: { operation: 'invoke', model: HAIKU, times: 1 }, error: { name: 'ThrottlingException', message: 'Too many requests, please wait before trying again.' } }],
    });
    home = createTempHome();
  });
  after(async () => {
    await harness.close();
    home.cleanup();
  });

  test('batch probes and session discovery answer each other from one cache', async () => {
    const cacheDir = `${home.root}/shared`;
    const plan = testPlan({ url: harness.url, discoverable: true });
    const tiers = [SONNET, OPUS].map((modelId) => ({ modelId, endpoint: 'bedrock' as const, probedAs: 'models' }));

    harness.emulator.state.reset();
    const batch = await probeAvailability({ plan, auth: authOf(), cacheDir, maxRetries: 0 }, tiers);
    assert.equal(batch.upstreamCalls, 2);
    assert.deepEqual(batch.availability.map((entry) => `${entry.modelId}:${entry.status}:${entry.cached}:${entry.probedAs}`), [
      `${SONNET}:available:false:models`,
      `${OPUS}:denied:false:models`,
    ]);
    assert.deepEqual(Object.keys(batch.cacheFiles), ['us-east-1']);
    assert.deepEqual(readdirSync(cacheDir), [batch.cacheFiles['us-east-1']!.split('/').pop()]);

    // A session start probes the three tiers: two are known, only Haiku is asked (and throttled once).
    harness.emulator.state.reset();
    const session = await discoverAvailability({ plan, auth: authOf(), cacheDir });
    assert.equal(session.cacheFile, batch.cacheFiles['us-east-1']);
    assert.deepEqual(
      harness.emulator.state.received.map((entry) => `${entry.operation}:${entry.modelId ?? ''}`),
      ['list-inference-profiles:', `invoke:${HAIKU}`, `invoke:${HAIKU}`],
    );
    assert.deepEqual(session.availability.map((entry) => `${entry.probedAs}:${entry.status}`).sort(), ['haiku:available', 'opus:denied', 'sonnet:available']);

    // And the session's answer for Haiku serves the next batch.
    harness.emulator.state.reset();
    const again = await probeAvailability({ plan, auth: authOf(), cacheDir }, [...tiers, { modelId: HAIKU, endpoint: 'bedrock' }]);
    assert.equal(again.upstreamCalls, 0);
    assert.equal(again.cacheHits, 3);
    assert.ok(again.availability.every((entry) => entry.cached));
    assert.equal(harness.emulator.state.received.length, 0);
  });

  test('refusals are asked again after 10 minutes, answers after 6 hours', async () => {
    const cacheDir = `${home.root}/lifetimes`;
    const plan = testPlan({ url: harness.url });
    const targets = [SONNET, OPUS].map((modelId) => ({ modelId, endpoint: 'bedrock' as const }));
    const start = Date.parse('2026-01-05T10:00:00Z');
    const at = (minutes: number) => probeAvailability({ plan, auth: authOf(), cacheDir, maxRetries: 0, clock: () => start + minutes * 60_000 }, targets);

    const first = await at(0);
    assert.deepEqual(first.availability.map((entry) => entry.status), ['available', 'denied']);
    assert.equal(first.upstreamCalls, 2);
    assert.equal((await at(9)).upstreamCalls, 0);
    const afterRefusal = await at(11);
    assert.equal(afterRefusal.upstreamCalls, 1);
    assert.equal(afterRefusal.availability.find((entry) => !entry.cached)?.modelId, OPUS);
    assert.equal((await at(6 * 60 + 1)).upstreamCalls, 2);
  });

  test('a throttled probe is reported as unknown and never written', async () => {
    const throttled = await startEmulator({
      faults: [{ match: { operation: 'invoke', model: HAIKU, times: 1 }, error: { name: 'ThrottlingException', message: 'Too many requests, please wait before trying again.' } }],
    });
    try {
      const cacheDir = `${home.root}/transient`;
      const plan = testPlan({ url: throttled.url });
      const targets = [{ modelId: HAIKU, endpoint: 'bedrock' as const }];
      const first = await probeAvailability({ plan, auth: authOf(), cacheDir, maxRetries: 0 }, targets);
      assert.equal(first.availability[0]?.status, 'unknown');
      assert.equal(first.availability[0]?.code, 'THROTTLED');
      assert.equal(existsSync(cacheDir), false, 'nothing definitive, nothing written');
      const second = await probeAvailability({ plan, auth: authOf(), cacheDir, maxRetries: 0 }, targets);
      assert.equal(second.upstreamCalls, 1);
      assert.equal(second.availability[0]?.status, 'available');
    } finally {
      await throttled.close();
    }
  });

  test('each region has its own cache file and signing region; unusable credentials are one error', async () => {
    const cacheDir = `${home.root}/regions`;
    const plan = testPlan({ url: harness.url });
    harness.emulator.state.reset();
    const result = await probeAvailability({ plan, auth: authOf(), cacheDir }, [
      { modelId: SONNET, endpoint: 'bedrock', region: 'us-east-1' },
      { modelId: 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0', endpoint: 'bedrock', region: 'eu-west-1' },
    ]);
    assert.deepEqual(result.availability.map((entry) => `${entry.region}:${entry.status}`), ['us-east-1:available', 'eu-west-1:available']);
    assert.notEqual(result.cacheFiles['us-east-1'], result.cacheFiles['eu-west-1']);
    assert.deepEqual(harness.emulator.state.received.map((entry) => entry.auth?.['region']).sort(), ['eu-west-1', 'us-east-1']);

    const unknownKey = authOf(sigv4('AKIAUNKNOWNKEY000001', 'unknownSecret/EXAMPLE/000000000000000'));
    await assert.rejects(
      probeAvailability({ plan, auth: unknownKey, cacheDir: false }, [{ modelId: SONNET, endpoint: 'bedrock' }, { modelId: HAIKU, endpoint: 'bedrock' }]),
      (error: unknown) => isCcBedrockError(error) && error.code === 'CREDENTIALS_INVALID',
    );
  });
});
