/**
 * One-token probes through the real Messages client (src/client), so a probe travels exactly the
 * path a session request would: same signing, headers, error classification and remediation.
 * Shared by `doctor` (access checks) and `models` (the availability matrix).
 */
import type { Writable } from 'node:stream';
import { createAuthProvider } from '../aws/credentials.js';
import type { AuthProvider } from '../aws/auth-types.js';
import type { Env } from '../internal/read-env.js';
import { createClient, type BedrockClient } from '../client/index.js';
import type { ModelNameResolver } from '../client/types.js';
import type { CredentialPlan, EndpointKind, EnvLookup, RoutePlan } from '../routing/types.js';
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

/** A client that never retries: a probe's first answer is the availability. */
export function createProbeClient(options: ProbeClientOptions): BedrockClient {
  return createClient({
    plan: options.plan,
    auth: options.auth,
    maxRetries: 0,
    timeoutMs: PROBE_TIMEOUT_MS,
    env: options.env,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.discoveredProfileIds ? { discoveredProfileIds: options.discoveredProfileIds } : {}),
    ...(options.resolveModelName ? { resolveModelName: options.resolveModelName } : {}),
  });
}

/** A 1-token request for `model` (a name the client resolves); resolves when Bedrock answered 200. */
export function probe(client: BedrockClient, model: string): Promise<Attempt<true>> {
  return attemptAsync(async () => {
    await client.messages.create({ model, max_tokens: 1, messages: [{ role: 'user', content: '.' }] });
    return true as const;
  });
}
