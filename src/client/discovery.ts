/**
 * Availability discovery as Claude Code does it at startup (reference-behaviour "Request
 * sequence"): ListInferenceProfiles (SYSTEM_DEFINED, SigV4 service `bedrock`), then one 1-token
 * probe per unpinned tier in parallel; no probes with skip-auth; on Mantle no listing and (our
 * improvement) a probe of the model actually requested rather than always Opus 4.7.
 *
 * Improvement over Claude Code: results are cached on disk per endpoint, region and credential
 * identity, so a warm start sends the main call first; the cache (availability-cache.ts) is the one
 * `cc-bedrock models` reads and fills too. A denied probe of the default model falls
 * back to an earlier version of the same family, as observed, but says so and never picks a
 * retired model.
 */
import { rmSync } from 'node:fs';
import { isCcBedrockError } from '../core/errors.js';
import { failsEveryCall } from '../bedrock/network-failure-rules.js';
import type { AuthProvider } from '../core/auth-types.js';
import { systemClock, type Clock } from '../core/clock.js';
import {
  MODEL_CATALOG,
  BUILT_IN_DEFAULTS,
  findModelById,
  geoForRegion,
  hasProfileIn,
  parseBedrockArn,
  parseGeoPrefix,
  profileIdFor,
  requireModel,
  type CatalogModel,
} from '../models/model-catalog.js';
import { planNameContext, resolveModelName } from '../models/resolve-model.js';
import type { EndpointKind, EnvLookup, ResolvedModel, RoutePlan, RouteWarning } from '../core/route-plan.js';
import { AvailabilityCache, availabilityCacheKey, credentialIdentities, resolveCacheDir, type AvailabilityCacheOptions, type ModelAvailability } from './availability-cache.js';
import { getInferenceProfile, listSystemInferenceProfiles, type InferenceProfile } from './inference-profiles.js';
import { availabilityRecord, createProbeRunner, probeCallTarget, probeModel } from './probe.js';
import { endpointsForRegion } from './regional-endpoints.js';
import type { ClientLogger } from './types.js';
import type { CallTarget } from '../core/route-plan.js';

export { discoveryCacheDir } from './availability-cache.js';
export type { AvailabilityStatus, ModelAvailability } from './availability-cache.js';

export interface ModelFallback {
  readonly role: 'main';
  readonly from: string;
  readonly to: string;
  readonly endpoint: EndpointKind;
  readonly reason: string;
}

/** What `discoverAvailability` learned: the account's inference profiles, each model's availability, fallbacks and warnings. */
export interface DiscoveryResult {
  /** ListInferenceProfiles IDs for `resolveModels`; undefined when it was not called, denied or failed. */
  readonly discoveredProfileIds: readonly string[] | undefined;
  readonly availability: readonly ModelAvailability[];
  /** Set when the default model was denied and an earlier version of its family is used instead. */
  readonly fallback: ModelFallback | undefined;
  /**
   * GetInferenceProfile answers for the plan's application-inference-profile ARNs: the backing
   * model decides capabilities, 1M and the CountTokens base ID. Pass them to createClient.
   */
  readonly inferenceProfiles: readonly InferenceProfile[];
  readonly warnings: readonly RouteWarning[];
  /** Requests sent upstream by this discovery (0 on a fully warm cache). */
  readonly upstreamCalls: number;
  /** Everything came from the disk cache. */
  readonly fromCache: boolean;
  /** The cache file used, when caching is on. */
  readonly cacheFile: string | undefined;
}

/** The cache options (where, how long, `--refresh`, account) are the availability cache's own. */
export interface DiscoveryOptions extends AvailabilityCacheOptions {
  readonly plan: RoutePlan;
  readonly auth: { readonly bedrock: AuthProvider; readonly mantle: AuthProvider };
  /** Effective variables (pins decide which tiers are probed). */
  readonly env?: EnvLookup;
  readonly fetch?: typeof fetch;
  readonly clock?: Clock;
  readonly logger?: ClientLogger;
  readonly timeoutMs?: number;
}

const PROBE_TIERS = ['sonnet', 'opus', 'haiku'] as const;
/** At most this many earlier versions are tried when the default is denied. */
const MAX_FALLBACK_PROBES = 3;
const silentLogger: ClientLogger = { debug() {}, warn() {} };
const emptyEnv: EnvLookup = { get: () => undefined };

function targetFor(plan: RoutePlan, model: Pick<ResolvedModel, 'wireModelId' | 'requested' | 'endpoint' | 'region' | 'catalogKey'>): CallTarget {
  return probeCallTarget(endpointsForRegion(plan, model.region.value), {
    modelId: model.wireModelId,
    requested: model.requested,
    endpoint: model.endpoint,
    region: model.region.value,
    catalogKey: model.catalogKey,
  });
}

/** Earlier, not retired versions of a model's family on the same endpoint, newest first; for Opus then the endpoint's default Sonnet. */
export function fallbackCandidates(model: CatalogModel, endpoint: EndpointKind, region: string, originalId: string): string[] {
  const family = MODEL_CATALOG.filter((entry) => entry.family === model.family);
  const index = family.indexOf(model);
  const older = index >= 0 ? family.slice(index + 1) : [];
  const geo = parseGeoPrefix(originalId)?.geo ?? geoForRegion(region);
  const idOn = (entry: CatalogModel): string | undefined => {
    if (entry.lifecycle.status === 'retired') return undefined;
    if (endpoint === 'mantle') return entry.mantle?.served ? entry.mantle.id : undefined;
    return entry.bedrock && hasProfileIn(entry, geo) ? profileIdFor(entry, geo) : undefined;
  };
  const out = older.map(idOn).filter((id): id is string => id !== undefined);
  if (model.family === 'opus') {
    const sonnet = idOn(requireModel(BUILT_IN_DEFAULTS[endpoint].tiers.sonnet));
    if (sonnet) out.push(sonnet);
  }
  return out.slice(0, MAX_FALLBACK_PROBES);
}

/**
 * Runs discovery for a plan. Never throws for an upstream failure (a denied ListInferenceProfiles
 * or probe is an answer); throws only for local problems such as missing credentials.
 * Results are cached on disk under the home directory, so a second run sends the main call first.
 *
 * @example
 * ```ts
 * const discovery = await discoverAvailability({ plan, auth, env: envLookup, homeDir });
 * const livePlan = applyDiscovery(plan, discovery); // a denied default falls back, with a warning
 * ```
 */
export async function discoverAvailability(options: DiscoveryOptions): Promise<DiscoveryResult> {
  const { plan } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const env = options.env ?? emptyEnv;
  const now = clock();
  const runner = createProbeRunner({ auth: options.auth, fetch: options.fetch, timeoutMs: options.timeoutMs, clock, logger });
  const warnings: RouteWarning[] = [];
  let upstreamCalls = 0;

  const bedrockOn = plan.providers.bedrock;
  const mantleMain = plan.models.main.endpoint === 'mantle';
  const bedrockSkip = plan.credentials.bedrock.kind === 'skip-auth';
  const mantleSkip = plan.credentials.mantle.kind === 'skip-auth';

  // Cache key: endpoints, region, account and credential identity; nothing secret.
  const cacheDir = resolveCacheDir({ ...options, env });
  const cache = new AvailabilityCache({
    dir: cacheDir,
    key: cacheDir === undefined ? '' : availabilityCacheKey(plan, await credentialIdentities(plan, options.auth), plan.region.value, options.accountId),
    refresh: options.refresh === true,
    ttlMs: options.ttlMs,
    negativeTtlMs: options.negativeTtlMs,
    logger,
  });

  // 1. ListInferenceProfiles (Bedrock only), unless cached.
  let discoveredProfileIds: string[] | undefined;
  if (bedrockOn) {
    const cached = cache.profiles(now);
    if (cached) {
      discoveredProfileIds = cached.ids;
    } else {
      try {
        const { profiles, calls } = await listSystemInferenceProfiles(runner, {
          region: plan.region.value,
          baseURL: plan.endpoints.controlPlane.value,
          maxRetries: 1,
        });
        upstreamCalls += calls;
        discoveredProfileIds = profiles.map((profile) => profile.inferenceProfileId);
        cache.recordProfiles(discoveredProfileIds, now);
      } catch (error) {
        // A proxy that is down fails the probes and the turn the same way: stop here (one attempt, not five).
        if (failsEveryCall(error)) throw error;
        // Claude Code falls back to the geo-prefixed built-in IDs when the listing is denied or fails.
        upstreamCalls += 1;
        logger.debug(`ListInferenceProfiles failed; built-in model IDs are used: ${(error as Error).message}`);
        cache.recordProfiles(undefined, now);
      }
    }
  }

  // 1b. GetInferenceProfile for application inference profile ARNs the plan sends (Claude Code asks before the main call).
  const inferenceProfiles: InferenceProfile[] = [];
  const arns = [...new Set([plan.models.main, plan.models.smallFast].filter((model) => model.endpoint === 'bedrock').map((model) => model.wireModelId))].filter(
    (id) => parseBedrockArn(id)?.resourceType === 'application-inference-profile',
  );
  for (const arn of arns) {
    const cached = cache.applicationProfile(arn, now);
    if (cached) {
      inferenceProfiles.push(cached);
      continue;
    }
    upstreamCalls += 1;
    try {
      const region = parseBedrockArn(arn)?.region || plan.region.value;
      const profile = await getInferenceProfile(runner, { arn, region, baseURL: plan.endpoints.controlPlane.value });
      inferenceProfiles.push(profile);
      cache.recordApplicationProfile(arn, profile, now);
    } catch (error) {
      if (!isCcBedrockError(error) || failsEveryCall(error)) throw error;
      warnings.push({
        code: 'INFERENCE_PROFILE_UNREADABLE',
        message: `GetInferenceProfile for ${arn} failed (${error.message}); its backing model, and with it the model's capabilities, is unknown`,
        fix: 'allow bedrock:GetInferenceProfile on the profile, or declare the capabilities with ANTHROPIC_DEFAULT_*_MODEL_SUPPORTED_CAPABILITIES',
      });
    }
  }

  // 2. What to probe: the built-in default of each unpinned tier, and on Mantle the requested model.
  const context = planNameContext(plan, env, { origin: 'availability discovery', discoveredProfileIds });

  const probes = new Map<string, { model: ResolvedModel; probedAs: string }>();
  if (bedrockOn && !bedrockSkip) {
    for (const tier of PROBE_TIERS) {
      try {
        const model = resolveModelName(tier, context).model;
        if (model.discoverable && model.endpoint === 'bedrock' && !probes.has(model.wireModelId)) probes.set(model.wireModelId, { model, probedAs: tier });
      } catch (error) {
        if (!isCcBedrockError(error)) throw error;
        // A tier availableModels forbids is not probed.
      }
    }
  }
  if (mantleMain && !mantleSkip && !probes.has(plan.models.main.wireModelId)) {
    probes.set(plan.models.main.wireModelId, { model: plan.models.main, probedAs: 'main' });
  }

  const probe = async (model: ResolvedModel, probedAs: string): Promise<ModelAvailability> => {
    const target = targetFor(plan, model);
    const cached = cache.availability(target.endpoint, target.modelId, target.region, now);
    if (cached) return { ...cached, probedAs };
    upstreamCalls += 1;
    // Throws the credential failure: a session without working credentials cannot start.
    const outcome = await probeModel(target, { runner, customHeaders: plan.customHeaders, maxRetries: 1 });
    // On Mantle the probe is the first call: a proxy that is down stops the session before the turn.
    if (failsEveryCall(outcome.error)) throw outcome.error;
    const result = availabilityRecord(target, probedAs, outcome, now);
    cache.recordAvailability(result);
    return result;
  };

  const availability = await Promise.all([...probes.values()].map(({ model, probedAs }) => probe(model, probedAs)));

  // 3. The default model denied: fall back like Claude Code, but say so.
  let fallback: ModelFallback | undefined;
  const main = plan.models.main;
  const mainResult = availability.find((entry) => entry.modelId === main.wireModelId);
  if (mainResult && mainResult.status === 'denied' && main.discoverable) {
    const catalog = findModelById(main.wireModelId);
    const candidates = catalog ? fallbackCandidates(catalog, main.endpoint, main.region.value, main.wireModelId) : [];
    for (const candidate of candidates) {
      const result = await probe({ ...main, wireModelId: candidate, requested: candidate, catalogKey: findModelById(candidate)?.key }, 'fallback');
      availability.push(result);
      if (result.status === 'available') {
        const lifecycle = findModelById(candidate)?.lifecycle.status;
        fallback = {
          role: 'main',
          from: main.wireModelId,
          to: candidate,
          endpoint: main.endpoint,
          reason: `${main.wireModelId} is not granted to this account in ${main.region.value} (${mainResult.reason ?? 'denied'})`,
        };
        warnings.push({
          code: 'MODEL_FALLBACK',
          message: `the default model ${main.wireModelId} is not available to this account in ${main.region.value}; this session uses ${candidate}${lifecycle && lifecycle !== 'active' ? ` (${lifecycle})` : ''} instead`,
          fix: `grant access to ${main.wireModelId} in ${main.region.value} (Bedrock console > Model access), or pin a model you have with ANTHROPIC_MODEL`,
        });
        break;
      }
    }
    if (!fallback) {
      warnings.push({
        code: 'MODEL_UNAVAILABLE',
        message: `the default model ${main.wireModelId} is not available to this account in ${main.region.value}${candidates.length ? `, nor are ${candidates.join(', ')}` : ''}`,
        fix: `grant access to ${main.wireModelId} in ${main.region.value} (Bedrock console > Model access), or pin a model you have with ANTHROPIC_MODEL`,
      });
    }
  }

  if (upstreamCalls > 0) cache.save();
  return {
    discoveredProfileIds,
    availability,
    fallback,
    inferenceProfiles,
    warnings,
    upstreamCalls,
    fromCache: cache.file !== undefined && upstreamCalls === 0,
    cacheFile: cache.file,
  };
}

/** Forgets cached discovery and probe results (all of them under `cacheDir`). */
export function clearDiscoveryCache(cacheDir: string): void {
  rmSync(cacheDir, { recursive: true, force: true });
}

/** The plan with a discovery fallback applied and its warnings added. */
export function applyDiscovery(plan: RoutePlan, result: DiscoveryResult): RoutePlan {
  const warnings = [...plan.warnings, ...result.warnings];
  if (!result.fallback) return { ...plan, warnings };
  const { fallback } = result;
  const swap = (model: ResolvedModel): ResolvedModel =>
    model.wireModelId === fallback.from && model.endpoint === fallback.endpoint
      ? {
          ...model,
          wireModelId: fallback.to,
          catalogKey: findModelById(fallback.to)?.key,
          rule: `session fallback: ${fallback.reason}; was ${model.rule}`,
          discoverable: false,
        }
      : model;
  return { ...plan, models: { main: swap(plan.models.main), smallFast: swap(plan.models.smallFast) }, warnings };
}
