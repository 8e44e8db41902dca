/**
 * The 1-token availability probe, in one place: the request Claude Code sends at startup
 * (reference-behaviour "Request sequence": `POST /model/<id>/invoke` with
 * `{"max_tokens":1,"messages":[{"role":"user","content":"."}],"anthropic_version":"bedrock-2023-05-31"}`,
 * or `POST /anthropic/v1/messages` on Mantle), what its failure means for availability, and
 * batch probing through the disk cache session discovery uses.
 *
 * Session discovery, the setup wizard's verification, doctor and `cc-bedrock models` all probe
 * through here, over the client's own runner and SDK transport, so signing, headers and error
 * classification are those of a real session request.
 */
import type { AuthProvider } from '../core/auth-types.js';
import { isCcBedrockError, type CcBedrockError, type ErrorCode } from '../core/errors.js';
import { systemClock, type Clock } from '../core/clock.js';
import type { CustomHeader, EndpointKind, RoutePlan } from '../core/route-plan.js';
import {
  AvailabilityCache,
  availabilityCacheKey,
  credentialIdentities,
  resolveCacheDir,
  type AvailabilityCacheOptions,
  type AvailabilityStatus,
  type ModelAvailability,
} from './availability-cache.js';
import { endpointsForRegion } from './regional-endpoints.js';
import { CallRunner } from './runner.js';
import { DEFAULT_TIMEOUT_MS, defaultSleep } from '../bedrock/retry-policy.js';
import { BEDROCK_ANTHROPIC_VERSION, SdkClientPool, createBufferedFetch, requestHeaders, withAllowedHeaders } from './transport.js';
import type { CallTarget, ClientLogger } from './types.js';

export type { AvailabilityStatus, ModelAvailability } from './availability-cache.js';

const DENIED: ReadonlySet<ErrorCode> = new Set(['MODEL_NOT_GRANTED', 'ACCESS_DENIED', 'MANTLE_NOT_GRANTED']);
/** MODEL_UNKNOWN: a name that resolves to no provider ID is as absent as a model the region lacks. */
const MISSING: ReadonlySet<ErrorCode> = new Set(['MODEL_NOT_IN_REGION', 'ON_DEMAND_NOT_SUPPORTED', 'MANTLE_MODEL_NOT_SERVED', 'MODEL_UNKNOWN']);
/** Failures that are about the credentials, not the model: every probe would say the same. */
const CREDENTIAL_CODES: ReadonlySet<ErrorCode> = new Set([
  'CREDENTIALS_NOT_FOUND',
  'CREDENTIALS_INVALID',
  'CREDENTIALS_EXPIRED',
  'AUTH_REFRESH_LOOP',
  'AUTH_REFRESH_FAILED',
  'CREDENTIAL_EXPORT_FAILED',
]);
const silentLogger: ClientLogger = { debug() {}, warn() {} };

export function isCredentialFailure(error: unknown): error is CcBedrockError {
  return isCcBedrockError(error) && CREDENTIAL_CODES.has(error.code);
}

/** What a failed probe says about the model: denied (a grant is missing), not found, or unknown (anything else). */
export function availabilityOf(error: unknown): { status: Exclude<AvailabilityStatus, 'available'>; code?: ErrorCode; reason: string } {
  if (!isCcBedrockError(error)) return { status: 'unknown', reason: error instanceof Error ? error.message : String(error) };
  if (DENIED.has(error.code)) return { status: 'denied', code: error.code, reason: error.message };
  if (MISSING.has(error.code)) return { status: 'not-found', code: error.code, reason: error.message };
  return { status: 'unknown', code: error.code, reason: error.message };
}

export interface ProbeModelOptions {
  readonly runner: CallRunner;
  /** ANTHROPIC_CUSTOM_HEADERS: Claude Code sends them on its probes too. */
  readonly customHeaders: readonly CustomHeader[];
  /**
   * X-Amzn-Bedrock-Service-Tier, for a check that Bedrock accepts the tier. Discovery never sends
   * one (Claude Code's probes carry none); ignored on Mantle.
   */
  readonly serviceTier?: string | undefined;
  /** Retries of throttled or unavailable answers. Default 1, as discovery. */
  readonly maxRetries?: number;
  readonly signal?: AbortSignal;
}

export interface ProbeOutcome {
  readonly status: AvailabilityStatus;
  readonly code?: ErrorCode;
  /** Why it is not available (no secrets). */
  readonly reason?: string;
  /** The error of a failed probe (a CcBedrockError with the remediation, or whatever else failed). */
  readonly error?: unknown;
}

/**
 * Sends one 1-token probe of `target` and says whether the model answered. Never throws for an
 * upstream refusal (that is the answer); throws the CcBedrockError of credentials that do not
 * work at all (missing, rejected, refresh failed), which no other model would answer differently.
 */
export async function probeModel(target: CallTarget, options: ProbeModelOptions): Promise<ProbeOutcome> {
  const body =
    target.endpoint === 'bedrock'
      ? { model: target.modelId, max_tokens: 1, messages: [{ role: 'user', content: '.' }], anthropic_version: BEDROCK_ANTHROPIC_VERSION }
      : { model: target.modelId, max_tokens: 1, messages: [{ role: 'user', content: '.' }] };
  // A `[1m]` selection is probed with its beta, so a refusal of the beta shows here and not in the session.
  const extra = target.betas.length > 0 ? { 'anthropic-beta': target.betas.join(',') } : undefined;
  try {
    await options.runner.run({
      target,
      operation: 'probe',
      maxRetries: options.maxRetries ?? 1,
      signal: options.signal,
      send: (sdk, auth) =>
        sdk.messages.create(body as never, {
          headers: withAllowedHeaders(
            requestHeaders({
              endpoint: target.endpoint,
              authKind: auth.kind,
              customHeaders: options.customHeaders,
              serviceTier: target.endpoint === 'bedrock' ? options.serviceTier : undefined,
              extra,
            }),
          ),
          ...(options.signal ? { signal: options.signal } : {}),
        }) as unknown as Promise<unknown>,
    });
    return { status: 'available' };
  } catch (error) {
    if (isCredentialFailure(error)) throw error;
    return { ...availabilityOf(error), error };
  }
}

let sharedProbeFetch: typeof fetch | undefined;

/**
 * One buffered fetch for every probe of the process (createBufferedFetch: a probe's answer is a
 * short JSON body), so that probe batches share keep-alive connections as the global fetch's do.
 */
export function defaultProbeFetch(): typeof fetch {
  return (sharedProbeFetch ??= createBufferedFetch());
}

export interface ProbeRunnerOptions {
  readonly auth: Readonly<Record<EndpointKind, AuthProvider>>;
  /** Default: defaultProbeFetch(). */
  readonly fetch?: typeof fetch | undefined;
  /** Per request. Default: the client's (10 minutes). */
  readonly timeoutMs?: number | undefined;
  readonly clock?: Clock | undefined;
  readonly logger?: ClientLogger | undefined;
}

/**
 * The runner probes go through: the client's own (credential recovery, error classification),
 * retries left to each probe's `maxRetries`, and no OpenTelemetry span per probe.
 */
export function createProbeRunner(options: ProbeRunnerOptions): CallRunner {
  return new CallRunner({
    pool: new SdkClientPool({ fetch: options.fetch ?? defaultProbeFetch(), timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS, traces: false }),
    auth: options.auth,
    clock: options.clock ?? systemClock,
    sleep: defaultSleep,
    random: Math.random,
    logger: options.logger ?? silentLogger,
    maxRetries: 0,
  });
}

/** Where the probe of `model` goes, given the endpoints of its region. */
export function probeCallTarget(
  endpoints: RoutePlan['endpoints'],
  model: { readonly modelId: string; readonly endpoint: EndpointKind; readonly region: string; readonly catalogKey?: string | undefined; readonly requested?: string },
): CallTarget {
  return {
    modelId: model.modelId,
    requested: model.requested ?? model.modelId,
    endpoint: model.endpoint,
    region: model.region,
    baseURL: model.endpoint === 'mantle' ? endpoints.mantle.value : endpoints.invoke.value,
    betas: [],
    catalogKey: model.catalogKey,
  };
}

/** The cache record of a probe's outcome. */
export function availabilityRecord(target: CallTarget, probedAs: string, outcome: ProbeOutcome, checkedAt: number): ModelAvailability {
  return {
    modelId: target.modelId,
    endpoint: target.endpoint,
    region: target.region,
    probedAs,
    status: outcome.status,
    ...(outcome.code ? { code: outcome.code } : {}),
    ...(outcome.reason !== undefined ? { reason: outcome.reason } : {}),
    checkedAt,
  };
}

/** A model to probe in a batch. */
export interface ProbeTarget {
  /** The exact ID on the wire: an inference-profile ID, base ID, ARN or Mantle ID. */
  readonly modelId: string;
  readonly endpoint: EndpointKind;
  /** Default: the plan's region. */
  readonly region?: string;
  readonly catalogKey?: string | undefined;
  /** Recorded as ModelAvailability.probedAs. Default `probe`. */
  readonly probedAs?: string;
}

export interface ProbeAvailabilityOptions extends AvailabilityCacheOptions {
  readonly plan: RoutePlan;
  readonly auth: Readonly<Record<EndpointKind, AuthProvider>>;
  readonly fetch?: typeof fetch;
  readonly clock?: Clock;
  readonly logger?: ClientLogger;
  /** Per probe. Default: the client's (10 minutes). */
  readonly timeoutMs?: number;
  /** Retries of a throttled or unavailable probe. Default 1, as discovery. */
  readonly maxRetries?: number;
}

export interface ProbedAvailability extends ModelAvailability {
  /** The answer came from the cache. */
  readonly cached: boolean;
}

export interface ProbeAvailabilityResult {
  /** One answer per target, in the order of the targets. */
  readonly availability: readonly ProbedAvailability[];
  /** Probes sent (0 when every answer came from the cache). */
  readonly upstreamCalls: number;
  readonly cacheHits: number;
  /** The cache file of each region probed, when caching is on. */
  readonly cacheFiles: Readonly<Record<string, string>>;
}

/**
 * Probes every target in parallel, answering from the discovery cache what it still knows (per
 * region: the cache a session in that region reads) and writing the new answers back. A
 * credential failure is thrown when no probe got an answer at all (the credentials do not work,
 * and every cell would say the same); otherwise its probes are reported as `unknown`.
 */
export async function probeAvailability(options: ProbeAvailabilityOptions, targets: readonly ProbeTarget[]): Promise<ProbeAvailabilityResult> {
  const { plan } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const now = clock();
  const dir = resolveCacheDir(options);
  const identities = dir === undefined ? [] : await credentialIdentities(plan, options.auth);
  const caches = new Map<string, AvailabilityCache>();
  const cacheFor = (region: string): AvailabilityCache => {
    let cache = caches.get(region);
    if (!cache) {
      cache = new AvailabilityCache({
        dir,
        key: dir === undefined ? '' : availabilityCacheKey(plan, identities, region, options.accountId),
        refresh: options.refresh === true,
        ttlMs: options.ttlMs,
        negativeTtlMs: options.negativeTtlMs,
        logger,
      });
      caches.set(region, cache);
    }
    return cache;
  };

  const answers = new Array<ProbedAvailability | undefined>(targets.length);
  // One probe per distinct endpoint, region and ID, however often it is asked for.
  const pending = new Map<string, { target: CallTarget; indexes: number[] }>();
  let cacheHits = 0;
  targets.forEach((target, index) => {
    const region = target.region ?? plan.region.value;
    const probedAs = target.probedAs ?? 'probe';
    const cached = cacheFor(region).availability(target.endpoint, target.modelId, region, now);
    if (cached) {
      answers[index] = { ...cached, probedAs, cached: true };
      cacheHits += 1;
      return;
    }
    const key = `${target.endpoint}\u0000${region}\u0000${target.modelId}`;
    const entry = pending.get(key);
    if (entry) entry.indexes.push(index);
    else pending.set(key, { target: probeCallTarget(endpointsForRegion(plan, region), { ...target, region }), indexes: [index] });
  });

  const runner = createProbeRunner({ auth: options.auth, fetch: options.fetch, timeoutMs: options.timeoutMs, clock, logger });
  const probes = [...pending.values()];
  const outcomes = await Promise.all(
    probes.map(async ({ target }) => {
      try {
        return await probeModel(target, { runner, customHeaders: plan.customHeaders, maxRetries: options.maxRetries ?? 1 });
      } catch (error) {
        return { ...availabilityOf(error), error, credentialFailure: true };
      }
    }),
  );
  const credentialFailure = outcomes.find((outcome) => 'credentialFailure' in outcome);
  if (credentialFailure && !outcomes.some((outcome) => outcome.status !== 'unknown')) throw credentialFailure.error;

  probes.forEach(({ target, indexes }, position) => {
    const result = availabilityRecord(target, 'probe', outcomes[position]!, now);
    cacheFor(target.region).recordAvailability(result);
    for (const index of indexes) answers[index] = { ...result, probedAs: targets[index]!.probedAs ?? 'probe', cached: false };
  });
  for (const cache of caches.values()) cache.save();

  const cacheFiles: Record<string, string> = {};
  for (const [region, cache] of caches) if (cache.file) cacheFiles[region] = cache.file;
  return { availability: answers as ProbedAvailability[], upstreamCalls: probes.length, cacheHits, cacheFiles };
}
