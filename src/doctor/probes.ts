/**
 * Doctor's one-token probes: the model names resolved by the real Messages client (src/client),
 * as a session would resolve them, and each probe sent by the client's own probe
 * (src/client/probe.ts, the request session discovery sends), with the plan's custom headers and
 * service tier, so signing, headers, error classification and remediation are a session's.
 * `createProbeAuth` is shared with `models`.
 */
import type { Writable } from 'node:stream';
import { createAuthProvider } from '../aws/credentials.js';
import type { AuthProvider } from '../core/auth-types.js';
import type { Env } from '../core/read-env.js';
import { createClient, type BedrockClient } from '../client/create-client.js';
import { createProbeRunner, probeModel, type ProbeOutcome } from '../client/probe.js';
import type { ModelNameResolver } from '../client/types.js';
import type { CredentialPlan, EndpointKind, EnvLookup, RoutePlan } from '../core/route-plan.js';
import { attemptAsync, type Attempt } from './types.js';

/** Per probe; a probe that takes longer has its answer reported as a timeout. */
export const PROBE_TIMEOUT_MS = 20_000;

export interface ProbeAuthOptions {
  readonly plan: RoutePlan;
  readonly env: EnvLookup;
  readonly subprocessEnv: Env;
  readonly homeDir: string;
  readonly stderr: Writable;
  readonly fetch?: typeof fetch | undefined;
  /**
   * Run `awsAuthRefresh` when credentials turn out expired. Doctor passes false: it diagnoses
   * and must not open a browser; `models` passes true, like a session.
   */
  readonly allowAuthRefresh: boolean;
  /** Collects one-line credential warnings (a failing awsCredentialExport). */
  readonly warn: (message: string) => void;
}

export function createProbeAuth(options: ProbeAuthOptions): Record<EndpointKind, AuthProvider> {
  const make = (credentialPlan: CredentialPlan): AuthProvider =>
    createAuthProvider({
      plan: options.allowAuthRefresh ? credentialPlan : { ...credentialPlan, authRefresh: undefined },
      env: options.env,
      subprocessEnv: options.subprocessEnv,
      homeDir: options.homeDir,
      region: options.plan.region.value,
      stderr: options.stderr,
      warn: options.warn,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  const bedrock = make(options.plan.credentials.bedrock);
  const sameCredentials =
    options.plan.credentials.bedrock.kind === options.plan.credentials.mantle.kind &&
    options.plan.credentials.bedrock.source === options.plan.credentials.mantle.source;
  return { bedrock, mantle: sameCredentials ? bedrock : make(options.plan.credentials.mantle) };
}

export interface ProbeClientOptions {
  readonly plan: RoutePlan;
  readonly auth: Record<EndpointKind, AuthProvider>;
  readonly env: EnvLookup;
  readonly fetch?: typeof fetch | undefined;
  readonly discoveredProfileIds?: readonly string[] | undefined;
  readonly resolveModelName?: ModelNameResolver;
}

export interface ProbeClient extends BedrockClient {
  /** A 1-token probe of `model` (a name the client resolves), with the plan's service tier on Bedrock. */
  probeModel(model: string): Promise<ProbeOutcome>;
}

/** A client that never retries: a probe's first answer is the availability. */
export function createProbeClient(options: ProbeClientOptions): ProbeClient {
  const { plan } = options;
  const fetchFn = options.fetch ?? globalThis.fetch;
  const client = createClient({
    plan,
    auth: options.auth,
    maxRetries: 0,
    timeoutMs: PROBE_TIMEOUT_MS,
    env: options.env,
    fetch: fetchFn,
    ...(options.discoveredProfileIds ? { discoveredProfileIds: options.discoveredProfileIds } : {}),
    ...(options.resolveModelName ? { resolveModelName: options.resolveModelName } : {}),
  });
  const runner = createProbeRunner({ auth: options.auth, fetch: options.fetch, timeoutMs: PROBE_TIMEOUT_MS });
  return {
    ...client,
    probeModel: async (model) =>
      probeModel(client.resolveTarget(model), { runner, customHeaders: plan.customHeaders, serviceTier: plan.serviceTier?.value, maxRetries: 0 }),
  };
}

/** A 1-token request for `model` (a name the client resolves); resolves when Bedrock answered 200. */
export function probe(client: ProbeClient, model: string): Promise<Attempt<true>> {
  return attemptAsync(async () => {
    const outcome = await client.probeModel(model);
    if (outcome.status !== 'available') throw outcome.error;
    return true as const;
  });
}
