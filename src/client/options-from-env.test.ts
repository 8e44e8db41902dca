import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EnvLookup, RouteWarning } from '../core/route-plan.js';
import { clientOptionsFromEnv } from './options-from-env.js';
import { backoffDelay } from '../bedrock/retry-policy.js';
import { requestHeaders } from './transport.js';

const env = (values: Record<string, string>): EnvLookup => ({ get: (name) => (values[name] !== undefined ? { value: values[name]!, source: 'shell env' } : undefined) });

test('CLAUDE_CODE_MAX_RETRIES and API_TIMEOUT_MS follow Claude Code', () => {
  assert.deepEqual(clientOptionsFromEnv(env({})), { maxRetries: 10, timeoutMs: 600_000 });

test('CLAUDE_CODE_RETRY_WATCHDOG=yes: off, as Claude Code counts it, and the caller hears why', () => {
  const warnings: RouteWarning[] = [];
  assert.equal(clientOptionsFromEnv(env({ CLAUDE_CODE_MAX_RETRIES: '40', CLAUDE_CODE_RETRY_WATCHDOG: 'yes' }), { warn: (w) => warnings.push(w) }).maxRetries, 15);
  assert.deepEqual(warnings.map((w) => w.code), ['switch-value-unrecognised']);
  assert.match(warnings[0]?.message ?? '', /^CLAUDE_CODE_RETRY_WATCHDOG \(shell env\) is "yes"/);
});
  assert.deepEqual(clientOptionsFromEnv(env({ CLAUDE_CODE_MAX_RETRIES: '40', API_TIMEOUT_MS: '30_000' })), { maxRetries: 15, timeoutMs: 30_000 });
  assert.equal(clientOptionsFromEnv(env({ CLAUDE_CODE_MAX_RETRIES: '40', CLAUDE_CODE_RETRY_WATCHDOG: '1' })).maxRetries, 40);
  assert.throws(() => clientOptionsFromEnv(env({ CLAUDE_CODE_MAX_RETRIES: 'many' })), /CLAUDE_CODE_MAX_RETRIES \(shell env\)/);
});

test('backoff doubles from 0.5 s to 32 s and honours Retry-After up to a minute', () => {
  assert.deepEqual([1, 2, 3, 7, 12].map((n) => backoffDelay(n, undefined, () => 0)), [500, 1000, 2000, 32_000, 32_000]);
  assert.equal(backoffDelay(1, undefined, () => 1), 625);
  assert.equal(backoffDelay(1, 2500, () => 0), 2500);
  assert.equal(backoffDelay(1, 3_600_000, () => 0), 60_000);
});

test('request headers: tier only on Bedrock, Authorization only with skip-auth, Mantle API version', () => {
  const custom = [
    { name: 'Authorization', value: 'Basic abc', role: 'custom' as const },
    { name: 'X-Amzn-Bedrock-GuardrailIdentifier', value: 'gr', role: 'guardrail' as const },
  ];
  assert.deepEqual(requestHeaders({ endpoint: 'bedrock', authKind: 'sigv4', customHeaders: custom, serviceTier: 'flex' }), {
    'X-Amzn-Bedrock-GuardrailIdentifier': 'gr',
    'X-Amzn-Bedrock-Service-Tier': 'flex',
  });
  assert.deepEqual(requestHeaders({ endpoint: 'mantle', authKind: 'none', customHeaders: custom, serviceTier: 'flex' }), {
    Authorization: 'Basic abc',
    'X-Amzn-Bedrock-GuardrailIdentifier': 'gr',
    'anthropic-version': '2023-06-01',
  });
});

test('a plan with neither Bedrock switch on is refused before anything is sent', async () => {
  const { createClient } = await import('./create-client.js');
  const { CcBedrockError } = await import('../core/errors.js');
  const auth = { getAuth: async () => ({ kind: 'none' as const }), recoverFromAuthFailure: async () => false, markWorking: () => {} };
  const model = { role: 'main' as const, requested: 'x', wireModelId: 'x', endpoint: 'bedrock' as const, rule: '', catalogKey: undefined, betas: [], region: { value: 'us-east-1', source: 't' }, discoverable: false };
  const credentials = { kind: 'skip-auth' as const, source: 't', detail: '', profile: undefined, authRefresh: undefined, credentialExport: undefined };
  const client = createClient({
    plan: {
      providers: { bedrock: false, mantle: false, label: 'Anthropic API', source: 'no CLAUDE_CODE_USE_BEDROCK' },
      region: { value: 'us-east-1', source: 't' },
      endpoints: { invoke: { value: 'http://127.0.0.1:9', source: 't' }, controlPlane: { value: 'http://127.0.0.1:9', source: 't' }, mantle: { value: 'http://127.0.0.1:9', source: 't' } },
      models: { main: model, smallFast: { ...model, role: 'smallFast' } },
      serviceTier: undefined,
      customHeaders: [],
      credentials: { bedrock: credentials, mantle: credentials },
      availableModels: undefined,
      modelOverrides: {},
      warnings: [],
    },
    auth: { bedrock: auth, mantle: auth },
    fetch: () => assert.fail('nothing may be sent'),
  });
  assert.throws(() => client.resolveTarget(), (error: unknown) => error instanceof CcBedrockError && error.code === 'PROVIDER_NOT_CONFIGURED');
});
