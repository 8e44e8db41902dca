/**
 * Availability discovery against the emulator: Claude Code's startup sequence, the disk cache
 * (a warm start sends only the main call), the default-model fallback, and application
 * inference profiles resolved through GetInferenceProfile.
 */
import { describe, test, after, before } from 'node:test';
import { createServer, type AddressInfo } from 'node:net';
import assert from 'node:assert/strict';
import { applyDiscovery, createClient, discoverAvailability, fallbackCandidates } from '../../src/client/index.js';
import { findModelById, requireModel } from '../../src/models/model-catalog.js';
import type { EnvLookup } from '../../src/core/route-plan.js';
import { CcBedrockError } from '../../src/core/errors.js';
import { resolveProxy } from '../../src/network/proxy.js';
import { createNetworkFetch } from '../../src/network/proxy-fetch.js';
import { createTempHome, type TempHome } from '../helpers/temp-home.js';
import { EMULATOR_KEYS, ScriptedAuthProvider, testPlan, startEmulator, type Harness } from './client-harness.js';

const SONNET = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const OPUS = 'us.anthropic.claude-opus-4-6-v1';
const HAIKU = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';
const PROBE_BODY = { max_tokens: 1, messages: [{ role: 'user', content: '.' }], anthropic_version: 'bedrock-2023-05-31' };

function envOf(values: Record<string, string>): EnvLookup {
  return { get: (name) => (values[name] !== undefined ? { value: values[name]!, source: 'test env' } : undefined) };
}

describe('discovery', () => {
  let harness: Harness;
  let home: TempHome;
  before(async () => {
    harness = await startEmulator();
    home = createTempHome();
  });
  after(async () => {
    await harness.close();
    home.cleanup();
  });

  const auth = () => {
    const provider = new ScriptedAuthProvider([EMULATOR_KEYS]);
    return { bedrock: provider, mantle: provider };
  };

  test('cold start: ListInferenceProfiles then one 1-token probe per unpinned tier; warm start sends only the main call', async () => {
    harness.emulator.state.reset();
    const cacheDir = `${home.root}/cache-a`;
    const plan = testPlan({
      url: harness.url,
      discoverable: true,
      serviceTier: 'flex',
      customHeaders: [{ name: 'X-Team', value: 'platform', role: 'custom' }],
    });
    const cold = await discoverAvailability({ plan, auth: auth(), cacheDir });
    assert.equal(cold.upstreamCalls, 4);
    assert.equal(cold.fromCache, false);
    assert.ok(cold.discoveredProfileIds?.includes(SONNET));
    assert.deepEqual(
      cold.availability.map((entry) => `${entry.probedAs}:${entry.modelId}:${entry.status}`).sort(),
      [`haiku:${HAIKU}:available`, `opus:${OPUS}:available`, `sonnet:${SONNET}:available`],
    );

    const log = harness.emulator.state.received;
    assert.equal(log[0]?.operation, 'list-inference-profiles');
    assert.equal(log[0]?.query, 'type=SYSTEM_DEFINED');
    assert.equal(log[0]?.auth?.['service'], 'bedrock');
    const probes = log.slice(1);
    assert.equal(probes.length, 3);
    for (const probe of probes) {
      assert.equal(probe.operation, 'invoke');
      assert.deepEqual(probe.body, PROBE_BODY);
      assert.equal(probe.headers['x-team'], 'platform', 'probes carry the custom headers');
      assert.equal(probe.headers['x-amzn-bedrock-service-tier'], undefined, 'probes carry no service tier');
    }
    assert.deepEqual(probes.map((probe) => probe.path).sort(), [OPUS, HAIKU, SONNET].map((id) => `/model/${id}/invoke`).sort());

    harness.emulator.state.reset();
    const warm = await discoverAvailability({ plan, auth: auth(), cacheDir });
    assert.equal(warm.upstreamCalls, 0);
    assert.equal(warm.fromCache, true);
    assert.deepEqual(warm.discoveredProfileIds, cold.discoveredProfileIds);
    const client = createClient({ plan: applyDiscovery(plan, warm), auth: auth(), discoveredProfileIds: warm.discoveredProfileIds ?? [] });
    const stream = client.messages.stream({ max_tokens: 16, messages: [{ role: 'user', content: 'first token please' }] });
    let firstEvent: string | undefined;
    for await (const event of stream) firstEvent ??= event.type;
    assert.equal(firstEvent, 'message_start');
    assert.deepEqual(
      harness.emulator.state.received.map((entry) => entry.operation),
      ['invoke-stream'],
      'a warm start sends the main call and nothing else',
    );

    harness.emulator.state.reset();
    const refreshed = await discoverAvailability({ plan, auth: auth(), cacheDir, refresh: true });
    assert.equal(refreshed.upstreamCalls, 4);
  });

  test('pinned tiers are not probed', async () => {
    harness.emulator.state.reset();
    const plan = testPlan({ url: harness.url, discoverable: false });
    const result = await discoverAvailability({
      plan,
      auth: auth(),
      cacheDir: false,
      env: envOf({ ANTHROPIC_DEFAULT_SONNET_MODEL: SONNET, ANTHROPIC_DEFAULT_HAIKU_MODEL: HAIKU }),
    });
    assert.deepEqual(result.availability.map((entry) => entry.modelId), [OPUS]);
    assert.deepEqual(harness.emulator.state.received.map((entry) => entry.operation), ['list-inference-profiles', 'invoke']);
  });

  test('skip-auth lists inference profiles unsigned and sends no probes', async () => {
    const unsigned = await startEmulator({ allowUnsigned: true });
    try {
      const base = testPlan({ url: unsigned.url, discoverable: true });
      const skip = { ...base.credentials.bedrock, kind: 'skip-auth' as const };
      const plan = { ...base, credentials: { bedrock: skip, mantle: skip } };
      const none = new ScriptedAuthProvider([{ kind: 'none' }]);
      const result = await discoverAvailability({ plan, auth: { bedrock: none, mantle: none }, cacheDir: false });
      assert.equal(result.availability.length, 0);
      const log = unsigned.emulator.state.received;
      assert.deepEqual(log.map((entry) => entry.operation), ['list-inference-profiles']);
      assert.equal(log[0]?.headers['authorization'], undefined);
    } finally {
      await unsigned.close();
    }
  });

  test('Mantle: no listing, one probe of the requested model', async () => {
    harness.emulator.state.reset();
    const plan = testPlan({ url: harness.url, endpoint: 'mantle', mainModel: 'anthropic.claude-haiku-4-5', discoverable: false });
    const result = await discoverAvailability({ plan, auth: auth(), cacheDir: false });
    assert.deepEqual(result.availability.map((entry) => `${entry.modelId}:${entry.status}`), ['anthropic.claude-haiku-4-5:available']);
    const log = harness.emulator.state.received;
    assert.equal(log.length, 1);
    assert.equal(log[0]?.path, '/anthropic/v1/messages');
    assert.equal(log[0]?.query, '');
    assert.deepEqual(log[0]?.body, { model: 'anthropic.claude-haiku-4-5', max_tokens: 1, messages: [{ role: 'user', content: '.' }] });
    assert.equal(log[0]?.auth?.['service'], 'bedrock-mantle');
  });

  test('a global-only listing moves the default to the global profile', async () => {
    const globalOnly = await startEmulator({
      models: [
        {
          id: 'anthropic.claude-sonnet-4-5-20250929-v1:0',
          name: 'Claude Sonnet 4.5',
          anthropicModel: 'claude-sonnet-4-5-20250929',
          regions: ['us-east-1'],
          profiles: ['global'],
        },
      ],
    });
    try {
      const plan = testPlan({ url: globalOnly.url, discoverable: true });
      const result = await discoverAvailability({ plan, auth: auth(), cacheDir: false });
      assert.deepEqual(result.discoveredProfileIds, ['global.anthropic.claude-sonnet-4-5-20250929-v1:0']);
      const sonnet = result.availability.find((entry) => entry.probedAs === 'sonnet');
      assert.equal(sonnet?.modelId, 'global.anthropic.claude-sonnet-4-5-20250929-v1:0');
      assert.equal(sonnet?.status, 'available');
    } finally {
      await globalOnly.close();
    }
  });

  test('a denied default Sonnet falls back to an earlier Sonnet, with a warning, never to a retired model', async () => {
    const denied = await startEmulator({ access: { denied: ['anthropic.claude-sonnet-4-5-20250929-v1:0'] } });
    try {
      const plan = testPlan({ url: denied.url, discoverable: true });
      const result = await discoverAvailability({ plan, auth: auth(), cacheDir: false });
      assert.equal(result.availability.find((entry) => entry.modelId === SONNET)?.status, 'denied');
      assert.equal(result.fallback?.to, 'us.anthropic.claude-sonnet-4-20250514-v1:0');
      const warning = result.warnings.find((entry) => entry.code === 'MODEL_FALLBACK');
      assert.ok(warning);
      assert.match(warning.message, /claude-sonnet-4-5-20250929/);
      assert.match(warning.message, /claude-sonnet-4-20250514/);
      const applied = applyDiscovery(plan, result);
      assert.equal(applied.models.main.wireModelId, 'us.anthropic.claude-sonnet-4-20250514-v1:0');
      assert.match(applied.models.main.rule, /fallback/);

      const candidates = fallbackCandidates(requireModel('claude-sonnet-4-5'), 'bedrock', 'us-east-1', SONNET);
      assert.ok(candidates.length > 0);
      for (const id of candidates) assert.notEqual(findModelById(id)?.lifecycle.status, 'retired', `${id} is retired`);
    } finally {
      await denied.close();
    }
  });
});

describe('application inference profiles', () => {
  test('the ARN goes on the path with only / encoded; GetInferenceProfile is asked once for CountTokens', async () => {
    const harness = await startEmulator({
      applicationProfiles: [{ id: 'abc123xyz456', name: 'team-profile', region: 'us-east-1', source: SONNET }],
    });
    try {
      const arn = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123xyz456';
      const provider = new ScriptedAuthProvider([EMULATOR_KEYS]);
      const client = createClient({ plan: testPlan({ url: harness.url, mainModel: arn }), auth: { bedrock: provider, mantle: provider } });
      await client.messages.create({ max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });
      const profile = await client.inferenceProfile(arn);
      assert.equal(profile.backingModelId, 'anthropic.claude-sonnet-4-5-20250929-v1:0');
      assert.equal(profile.catalogKey, 'claude-sonnet-4-5');
      const first = await client.messages.countTokens({ messages: [{ role: 'user', content: 'count me' }] });
      const second = await client.messages.countTokens({ messages: [{ role: 'user', content: 'count me too' }] });
      assert.ok(first.input_tokens > 0 && second.input_tokens > 0);
      const log = harness.emulator.state.received;
      assert.equal(log[0]?.path, '/model/arn:aws:bedrock:us-east-1:123456789012:application-inference-profile%2Fabc123xyz456/invoke');
      assert.deepEqual(
        log.map((entry) => entry.operation),
        ['invoke', 'get-inference-profile', 'count-tokens', 'count-tokens'],
      );
      assert.equal(log[1]?.path, `/inference-profiles/${encodeURIComponent(arn)}`);
      assert.equal(log[2]?.path, '/model/anthropic.claude-sonnet-4-5-20250929-v1:0/count-tokens');
    } finally {
      await harness.close();
    }
  });

  test('discovery reads the profile before the main call, caches it, and hands it to the client', async () => {
    const harness = await startEmulator({
      applicationProfiles: [{ id: 'abc123xyz456', name: 'team-profile', region: 'us-east-1', source: SONNET }],
    });
    const home = createTempHome();
    try {
      const arn = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123xyz456';
      const provider = new ScriptedAuthProvider([EMULATOR_KEYS]);
      const auth = { bedrock: provider, mantle: provider };
      const plan = testPlan({ url: harness.url, mainModel: arn, smallFastModel: arn });
      const env = envOf({ ANTHROPIC_DEFAULT_SONNET_MODEL: SONNET, ANTHROPIC_DEFAULT_OPUS_MODEL: OPUS, ANTHROPIC_DEFAULT_HAIKU_MODEL: HAIKU });
      const cold = await discoverAvailability({ plan, auth, env, cacheDir: home.root });
      assert.deepEqual(harness.emulator.state.received.map((entry) => entry.operation), ['list-inference-profiles', 'get-inference-profile']);
      assert.equal(cold.inferenceProfiles[0]?.backingModelId, 'anthropic.claude-sonnet-4-5-20250929-v1:0');

      harness.emulator.state.reset();
      const warm = await discoverAvailability({ plan, auth, env, cacheDir: home.root });
      assert.equal(warm.upstreamCalls, 0);
      assert.deepEqual(warm.inferenceProfiles, cold.inferenceProfiles);
      const client = createClient({ plan, auth, inferenceProfiles: warm.inferenceProfiles });
      await client.messages.countTokens({ messages: [{ role: 'user', content: 'count' }] });
      assert.deepEqual(harness.emulator.state.received.map((entry) => entry.operation), ['count-tokens']);
    } finally {
      home.cleanup();
      await harness.close();
    }
  });

  test('a proxy that is down stops discovery at the first call: one attempt, not one per call', async () => {
    const upstream = await startEmulator();
    // A loopback port with nothing listening: the proxy is down (ECONNREFUSED).
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const proxied = createNetworkFetch(resolveProxy(envOf({ HTTPS_PROXY: `http://127.0.0.1:${port}`, HTTP_PROXY: `http://127.0.0.1:${port}` })));
    let attempts = 0;
    const counting: typeof fetch = (input, init) => {
      attempts += 1;
      return proxied(input, init);
    };
    const plan = testPlan({ url: upstream.url, discoverable: true });
    const provider = new ScriptedAuthProvider([EMULATOR_KEYS]);
    await assert.rejects(discoverAvailability({ plan, auth: { bedrock: provider, mantle: provider }, fetch: counting }), (error: unknown) => {
      assert.ok(error instanceof CcBedrockError);
      assert.equal(error.code, 'NETWORK');
      assert.equal(error.details['failureRule'], 'proxy-down');
      assert.match(error.message, new RegExp(`the proxy http://127\\.0\\.0\\.1:${port} is not reachable \\(ECONNREFUSED\\)`));
      return true;
    });
    assert.equal(attempts, 1, 'ListInferenceProfiles only: no probe is sent through a proxy that is down');
    assert.equal(upstream.emulator.state.received.length, 0);
    await upstream.close();
  });
});
