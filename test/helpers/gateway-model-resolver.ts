/**
 * The gateway's own request-name mapping (ModelResolver, as createGateway builds it) for a plan,
 * without a running gateway: tests compare what it maps a name to with what `--model`, `status`
 * and `doctor` resolve for the same configuration.
 */
import type { EnvLookup, RoutePlan } from '../../src/core/route-plan.js';
import { ModelResolver } from '../../src/gateway/model-identity.js';
import { Upstream } from '../../src/gateway/upstream.js';
import { fetchTransport } from '../../src/gateway/upstream-transport.js';
import { EMULATOR_KEYS, ScriptedAuthProvider } from './gateway-harness.js';

export function gatewayModelResolver(plan: RoutePlan, env?: EnvLookup): ModelResolver {
  const auth = new ScriptedAuthProvider([EMULATOR_KEYS]);
  const upstream = new Upstream({
    auth: { bedrock: auth, mantle: auth },
    // Never called: only application-profile ARNs are looked up upstream, after the name is mapped.
    transport: fetchTransport(() => Promise.reject(new Error('no upstream in this test'))),
    clock: Date.now,
    sleep: () => Promise.resolve(),
    random: Math.random,
    maxRetries: 0,
    timeoutMs: 1000,
  });
  return new ModelResolver({ plan, ...(env ? { env } : {}), upstream, clock: Date.now });
}
