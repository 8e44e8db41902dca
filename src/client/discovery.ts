/**
 * Availability discovery as Claude Code does it at startup (reference-behaviour "Request
 * sequence"): ListInferenceProfiles (SYSTEM_DEFINED, SigV4 service `bedrock`), then one 1-token
 * probe per unpinned tier in parallel; no probes with skip-auth; on Mantle no listing and (our
 * improvement) a probe of the model actually requested rather than always Opus 4.7.
 *
 * Improvement over Claude Code: results are cached on disk per endpoint, region and credential
 * identity, so a warm start sends the main call first. A denied probe of the default model falls
 * back to an earlier version of the same family, as observed, but says so and never picks a
 * retired model.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isCcBedrockError, type ErrorCode } from '../errors.js';
import type { AuthProvider } from '../aws/auth-types.js';
import { systemClock, type Clock } from '../internal/clock.js';
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
import { resolveModelName } from '../models/resolve-model.js';
import type { EndpointKind, EnvLookup, ResolvedModel, RoutePlan, RouteWarning } from '../routing/types.js';
import { getInferenceProfile, listSystemInferenceProfiles, type InferenceProfile } from './inference-profiles.js';
import { CallRunner, DEFAULT_TIMEOUT_MS, defaultSleep } from './runner.js';
import { BEDROCK_ANTHROPIC_VERSION, SdkClientPool, requestHeaders, withAllowedHeaders } from './transport.js';
import type { CallTarget, ClientLogger } from './types.js';

export type AvailabilityStatus = 'available' | 'denied' | 'not-found' | 'unknown';

export interface ModelAvailability {
  readonly modelId: string;
  readonly endpoint: EndpointKind;
  readonly region: string;
  /** `sonnet`, `opus`, `haiku`, or `main` for a probe of the requested model. */
  readonly probedAs: string;
  readonly status: AvailabilityStatus;
  /** The CcBedrockError code of a failed probe. */
  readonly code?: ErrorCode;
  /** Why it is not available (the mapped error's message, no secrets). */
  readonly reason?: string;
  /** Epoch ms of the probe. */
  readonly checkedAt: number;
}

export interface ModelFallback {
  readonly role: 'main';
  readonly from: string;
  readonly to: string;
  readonly endpoint: EndpointKind;
  readonly reason: string;
}

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

export interface DiscoveryOptions {
  readonly plan: RoutePlan;
  readonly auth: { readonly bedrock: AuthProvider; readonly mantle: AuthProvider };
  /** Effective variables (pins decide which tiers are probed). */
  readonly env?: EnvLookup;
  readonly fetch?: typeof fetch;
  readonly clock?: Clock;
  readonly logger?: ClientLogger;
  readonly timeoutMs?: number;
  /** Directory of the disk cache; `false` turns caching off. Default: discoveryCacheDir(env, homeDir). */
  readonly cacheDir?: string | false;
  /** Home directory for the default cache location; without it (and without cacheDir or CC_BEDROCK_CACHE_DIR) nothing is cached. */
  readonly homeDir?: string;
  /** Ignore cached results and ask upstream again (`--refresh`). */
  readonly refresh?: boolean;
  /** How long positive results stay valid. Default 6 hours. */
  readonly ttlMs?: number;
  /** How long denials and failures stay valid, so a new grant is noticed soon. Default 10 minutes. */
  readonly negativeTtlMs?: number;
  /** AWS account ID when known (from STS); part of the cache key. */
  readonly accountId?: string;
}

const DEFAULT_TTL_MS = 6 * 60 * 60_000;
const DEFAULT_NEGATIVE_TTL_MS = 10 * 60_000;
const CACHE_VERSION = 1;
const PROBE_TIERS = ['sonnet', 'opus', 'haiku'] as const;
/** At most this many earlier versions are tried when the default is denied. */
const MAX_FALLBACK_PROBES = 3;
const silentLogger: ClientLogger = { debug() {}, warn() {} };
const emptyEnv: EnvLookup = { get: () => undefined };

/** `CC_BEDROCK_CACHE_DIR`, else `<home>/.cache/cc-bedrock`. */
export function discoveryCacheDir(env: EnvLookup, homeDir: string): string {
  return env.get('CC_BEDROCK_CACHE_DIR')?.value ?? join(homeDir, '.cache', 'cc-bedrock');
}

interface CacheFile {
  readonly version: number;
  readonly key: string;
  profiles?: { ids: string[] | null; checkedAt: number; ok: boolean };
  availability: Record<string, ModelAvailability>;
  applicationProfiles?: Record<string, { profile: InferenceProfile; checkedAt: number }>;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Who is asking, without a secret: the credential plan (kind, source, masked detail, profile),
 * plus a hash of the key ID or API key where the plan alone cannot tell two of them apart.
 */
async function credentialIdentity(plan: RoutePlan, auth: DiscoveryOptions['auth'], endpoint: EndpointKind): Promise<string> {
  const credential = plan.credentials[endpoint];
  const parts = [credential.kind, credential.source, credential.detail, credential.profile ?? ''];
  // Only long-lived secrets are hashed in: an exporter's temporary keys rotate every run and would defeat the cache.
  if (credential.kind === 'bearer-token' || credential.kind === 'env-keys' || credential.kind === 'profile-static') {
    const resolved = await auth[endpoint].getAuth();
    if (resolved.kind === 'bearer') parts.push(`bearer:${sha256(resolved.token)}`);
    if (resolved.kind === 'sigv4') parts.push(`akid:${sha256(resolved.credentials.accessKeyId)}`);
  }
  return parts.join('\u0000');
}

function readCache(path: string, key: string): CacheFile | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as CacheFile;
    if (parsed.version !== CACHE_VERSION || parsed.key !== key || typeof parsed.availability !== 'object') return undefined;
    return parsed;
  } catch {
    return undefined;
  }
}

function writeCache(path: string, dir: string, content: CacheFile, logger: ClientLogger): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const temp = `${path}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
    renameSync(temp, path);
  } catch (error) {
    // The cache is an optimisation: a read-only home must not break a session.
    logger.warn(`could not write the discovery cache ${path}: ${(error as Error).message}`);
  }
}

function fresh(checkedAt: number, ok: boolean, now: number, ttl: number, negativeTtl: number): boolean {
  return now - checkedAt < (ok ? ttl : negativeTtl);
}

function targetFor(plan: RoutePlan, model: Pick<ResolvedModel, 'wireModelId' | 'requested' | 'endpoint' | 'region' | 'catalogKey'>): CallTarget {
  return {
    modelId: model.wireModelId,
    requested: model.requested,
    endpoint: model.endpoint,
    region: model.region.value,
    baseURL: model.endpoint === 'mantle' ? plan.endpoints.mantle.value : plan.endpoints.invoke.value,
    betas: [],
    catalogKey: model.catalogKey,
  };
}

function statusOf(error: unknown): { status: AvailabilityStatus; code?: ErrorCode; reason?: string } {
  if (!isCcBedrockError(error)) return { status: 'unknown', reason: (error as Error)?.message ?? String(error) };
  const denied: ErrorCode[] = ['MODEL_NOT_GRANTED', 'ACCESS_DENIED', 'MANTLE_NOT_GRANTED'];
  const missing: ErrorCode[] = ['MODEL_NOT_IN_REGION', 'ON_DEMAND_NOT_SUPPORTED', 'MANTLE_MODEL_NOT_SERVED'];
  if (denied.includes(error.code)) return { status: 'denied', code: error.code, reason: error.message };
  if (missing.includes(error.code)) return { status: 'not-found', code: error.code, reason: error.message };
  return { status: 'unknown', code: error.code, reason: error.message };
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
 */
export async function discoverAvailability(options: DiscoveryOptions): Promise<DiscoveryResult> {
  const { plan } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const env = options.env ?? emptyEnv;
  const now = clock();
  const ttl = options.ttlMs ?? DEFAULT_TTL_MS;
  const negativeTtl = options.negativeTtlMs ?? DEFAULT_NEGATIVE_TTL_MS;
  const pool = new SdkClientPool({ fetch: options.fetch ?? globalThis.fetch, timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS });
  const runner = new CallRunner({ pool, auth: options.auth, clock, sleep: defaultSleep, random: Math.random, logger, maxRetries: 0 });
  const warnings: RouteWarning[] = [];
  let upstreamCalls = 0;

  const bedrockOn = plan.providers.bedrock;
  const mantleMain = plan.models.main.endpoint === 'mantle';
  const bedrockSkip = plan.credentials.bedrock.kind === 'skip-auth';
  const mantleSkip = plan.credentials.mantle.kind === 'skip-auth';

  // Cache key: endpoints, region, account and credential identity; nothing secret.
  let cachePath: string | undefined;
  let cache: CacheFile | undefined;
  let key = '';
  const cacheDir =
    options.cacheDir === false
      ? undefined
      : (options.cacheDir ?? (options.homeDir !== undefined ? discoveryCacheDir(env, options.homeDir) : env.get('CC_BEDROCK_CACHE_DIR')?.value));
  if (cacheDir !== undefined) {
    const identities = [
      bedrockOn ? await credentialIdentity(plan, options.auth, 'bedrock') : '',
      plan.providers.mantle ? await credentialIdentity(plan, options.auth, 'mantle') : '',
    ];
    key = sha256(
      JSON.stringify({
        invoke: plan.endpoints.invoke.value,
        controlPlane: plan.endpoints.controlPlane.value,
        mantle: plan.endpoints.mantle.value,
        region: plan.region.value,
        account: options.accountId ?? '',
        identities: identities.map(sha256),
        headers: plan.customHeaders.map((header) => `${header.name.toLowerCase()}:${sha256(header.value)}`),
      }),
    );
    cachePath = join(cacheDir, `discovery-${key.slice(0, 32)}.json`);
    cache = options.refresh ? undefined : readCache(cachePath, key);
  }
  const next: CacheFile = {
    version: CACHE_VERSION,
    key,
    availability: { ...(cache?.availability ?? {}) },
    applicationProfiles: { ...(cache?.applicationProfiles ?? {}) },
  };
  if (cache?.profiles) next.profiles = cache.profiles;

  // 1. ListInferenceProfiles (Bedrock only), unless cached.
  let discoveredProfileIds: string[] | undefined;
  if (bedrockOn) {
    const cached = cache?.profiles;
    if (cached && fresh(cached.checkedAt, cached.ok, now, ttl, negativeTtl)) {
      discoveredProfileIds = cached.ids ?? undefined;
    } else {
      try {
        const { profiles, calls } = await listSystemInferenceProfiles(runner, {
          region: plan.region.value,
          baseURL: plan.endpoints.controlPlane.value,
          maxRetries: 1,
        });
        upstreamCalls += calls;
        discoveredProfileIds = profiles.map((profile) => profile.inferenceProfileId);
        next.profiles = { ids: discoveredProfileIds, checkedAt: now, ok: true };
      } catch (error) {
        // Claude Code falls back to the geo-prefixed built-in IDs when the listing is denied or fails.
        upstreamCalls += 1;
        logger.debug(`ListInferenceProfiles failed; built-in model IDs are used: ${(error as Error).message}`);
        next.profiles = { ids: null, checkedAt: now, ok: false };
      }
    }
  }

  // 1b. GetInferenceProfile for application inference profile ARNs the plan sends (Claude Code asks before the main call).
  const inferenceProfiles: InferenceProfile[] = [];
  const arns = [...new Set([plan.models.main, plan.models.smallFast].filter((model) => model.endpoint === 'bedrock').map((model) => model.wireModelId))].filter(
    (id) => parseBedrockArn(id)?.resourceType === 'application-inference-profile',
  );
  for (const arn of arns) {
    const cached = next.applicationProfiles?.[arn];
    if (cached && fresh(cached.checkedAt, true, now, ttl, negativeTtl)) {
      inferenceProfiles.push(cached.profile);
      continue;
    }
    upstreamCalls += 1;
    try {
      const region = parseBedrockArn(arn)?.region || plan.region.value;
      const profile = await getInferenceProfile(runner, { arn, region, baseURL: plan.endpoints.controlPlane.value });
      inferenceProfiles.push(profile);
      next.applicationProfiles![arn] = { profile, checkedAt: now };
    } catch (error) {
      if (!isCcBedrockError(error)) throw error;
      warnings.push({
        code: 'INFERENCE_PROFILE_UNREADABLE',
        message: `GetInferenceProfile for ${arn} failed (${error.message}); its backing model, and with it the model's capabilities, is unknown`,
        fix: 'allow bedrock:GetInferenceProfile on the profile, or declare the capabilities with ANTHROPIC_DEFAULT_*_MODEL_SUPPORTED_CAPABILITIES',
      });
    }
  }

  // 2. What to probe: the built-in default of each unpinned tier, and on Mantle the requested model.
  const context = {
    env,
    modelOverrides: plan.modelOverrides,
    ...(plan.availableModels ? { availableModels: plan.availableModels } : {}),
    providers: { bedrock: plan.providers.bedrock, mantle: plan.providers.mantle },
    region: plan.region,
    mantleBaseUrlOverridden: plan.endpoints.mantle.source.includes('ANTHROPIC_BEDROCK_MANTLE_BASE_URL'),
    ...(discoveredProfileIds ? { discoveredProfileIds } : {}),
    origin: 'availability discovery',
  };
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
    const cached = next.availability[model.wireModelId];
    if (cached && cached.endpoint === model.endpoint && fresh(cached.checkedAt, cached.status === 'available', now, ttl, negativeTtl)) {
      return { ...cached, probedAs };
    }
    const target = targetFor(plan, model);
    upstreamCalls += 1;
    let result: ModelAvailability;
    try {
      await runner.run({
        target,
        operation: 'probe',
        maxRetries: 1,
        send: (sdk, auth) =>
          sdk.messages.create(
            (model.endpoint === 'bedrock'
              ? { model: model.wireModelId, max_tokens: 1, messages: [{ role: 'user', content: '.' }], anthropic_version: BEDROCK_ANTHROPIC_VERSION }
              : { model: model.wireModelId, max_tokens: 1, messages: [{ role: 'user', content: '.' }] }) as never,
            {
              // Probes carry the custom headers (observed) but never a service tier.
              headers: withAllowedHeaders(requestHeaders({ endpoint: model.endpoint, authKind: auth.kind, customHeaders: plan.customHeaders })),
            },
          ) as unknown as Promise<unknown>,
      });
      result = { modelId: model.wireModelId, endpoint: model.endpoint, region: target.region, probedAs, status: 'available', checkedAt: now };
    } catch (error) {
      if (isCcBedrockError(error) && ['CREDENTIALS_NOT_FOUND', 'CREDENTIALS_INVALID', 'CREDENTIALS_EXPIRED', 'AUTH_REFRESH_LOOP', 'AUTH_REFRESH_FAILED', 'CREDENTIAL_EXPORT_FAILED'].includes(error.code)) {
        throw error;
      }
      result = { modelId: model.wireModelId, endpoint: model.endpoint, region: target.region, probedAs, checkedAt: now, ...statusOf(error) };
    }
    next.availability[model.wireModelId] = result;
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

  if (cachePath && cacheDir && upstreamCalls > 0) writeCache(cachePath, cacheDir, next, logger);
  return {
    discoveredProfileIds,
    availability,
    fallback,
    inferenceProfiles,
    warnings,
    upstreamCalls,
    fromCache: cachePath !== undefined && upstreamCalls === 0,
    cacheFile: cachePath,
  };
}

/** Forgets cached discovery results (all of them under `cacheDir`). */
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
