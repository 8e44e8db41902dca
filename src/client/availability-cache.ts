/**
 * The disk cache of availability answers, shared by session discovery (discovery.ts) and batch
 * probes (`cc-bedrock models`, probe.ts), so the answers of one serve the other: `models` warms
 * the next session's start, and a session's probes show up in `models`.
 *
 * One file per endpoints, region, account, credential identity and custom headers (nothing
 * secret: hashes only). Answers saying "available" stay valid for 6 hours, refusals for 10
 * minutes so a new grant is noticed soon; transient failures (throttling, network, timeouts) are
 * never written, so the next run asks again.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuthProvider } from '../core/auth-types.js';
import type { ErrorCode } from '../core/errors.js';
import type { EndpointKind, EnvLookup, RoutePlan } from '../core/route-plan.js';
import type { InferenceProfile } from './inference-profiles.js';
import { endpointsForRegion } from './regional-endpoints.js';
import type { ClientLogger } from './types.js';

export type AvailabilityStatus = 'available' | 'denied' | 'not-found' | 'unknown';

export interface ModelAvailability {
  readonly modelId: string;
  readonly endpoint: EndpointKind;
  readonly region: string;
  /** `sonnet`, `opus`, `haiku`, `main` or `fallback` in discovery; what the caller named it in a batch probe. */
  readonly probedAs: string;
  readonly status: AvailabilityStatus;
  /** The CcBedrockError code of a failed probe. */
  readonly code?: ErrorCode;
  /** Why it is not available (the mapped error's message, no secrets). */
  readonly reason?: string;
  /** Epoch ms of the probe. */
  readonly checkedAt: number;
}

/** Where and how long answers are kept; the same options for discovery and batch probes. */
export interface AvailabilityCacheOptions {
  /** Effective variables (CC_BEDROCK_CACHE_DIR). */
  readonly env?: EnvLookup;
  /** Directory of the disk cache; `false` turns caching off. Default: discoveryCacheDir(env, homeDir). */
  readonly cacheDir?: string | false;
  /** Home directory for the default cache location; without it (and without cacheDir or CC_BEDROCK_CACHE_DIR) nothing is cached. */
  readonly homeDir?: string;
  /** Ignore cached results and ask upstream again (`--refresh`); the answers are still written. */
  readonly refresh?: boolean;
  /** How long positive results stay valid. Default 6 hours. */
  readonly ttlMs?: number;
  /** How long denials stay valid, so a new grant is noticed soon. Default 10 minutes. */
  readonly negativeTtlMs?: number;
  /** AWS account ID when known (from STS); part of the cache key. */
  readonly accountId?: string;
}

export const POSITIVE_TTL_MS = 6 * 60 * 60_000;
export const NEGATIVE_TTL_MS = 10 * 60_000;
/** 2: availability keyed by endpoint and model ID (a Mantle ID can equal a Bedrock base ID). */
const CACHE_VERSION = 2;

/** `CC_BEDROCK_CACHE_DIR`, else `<home>/.cache/cc-bedrock`. */
export function discoveryCacheDir(env: EnvLookup, homeDir: string): string {
  return env.get('CC_BEDROCK_CACHE_DIR')?.value ?? join(homeDir, '.cache', 'cc-bedrock');
}

/**
 * Writes one file of the cache directory atomically (a reader sees the old or the new content,
 * never half of it), readable by the owner only. Throws what the file system throws.
 */
export function writeCacheFile(dir: string, file: string, content: unknown): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, file);
}

export function resolveCacheDir(options: AvailabilityCacheOptions): string | undefined {
  if (options.cacheDir === false) return undefined;
  if (options.cacheDir !== undefined) return options.cacheDir;
  const fromEnv = options.env?.get('CC_BEDROCK_CACHE_DIR')?.value;
  if (fromEnv !== undefined) return fromEnv;
  return options.homeDir !== undefined ? join(options.homeDir, '.cache', 'cc-bedrock') : undefined;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Who is asking, without a secret: the credential plan (kind, source, masked detail, profile) per
 * enabled endpoint, plus a hash of the key ID or API key where the plan alone cannot tell two of
 * them apart.
 */
export async function credentialIdentities(plan: RoutePlan, auth: Readonly<Record<EndpointKind, AuthProvider>>): Promise<readonly string[]> {
  const identity = async (endpoint: EndpointKind): Promise<string> => {
    const credential = plan.credentials[endpoint];
    const parts = [credential.kind, credential.source, credential.detail, credential.profile ?? ''];
    // Only long-lived secrets are hashed in: an exporter's temporary keys rotate every run and would defeat the cache.
    if (credential.kind === 'bearer-token' || credential.kind === 'env-keys' || credential.kind === 'profile-static') {
      const resolved = await auth[endpoint].getAuth();
      if (resolved.kind === 'bearer') parts.push(`bearer:${sha256(resolved.token)}`);
      if (resolved.kind === 'sigv4') parts.push(`akid:${sha256(resolved.credentials.accessKeyId)}`);
    }
    return parts.join('\u0000');
  };
  return [plan.providers.bedrock ? await identity('bedrock') : '', plan.providers.mantle ? await identity('mantle') : ''];
}

/** The cache key of `region`: the endpoints a session there would use, account, identities and custom headers. */
export function availabilityCacheKey(plan: RoutePlan, identities: readonly string[], region: string, accountId: string | undefined): string {
  const endpoints = endpointsForRegion(plan, region);
  return sha256(
    JSON.stringify({
      invoke: endpoints.invoke.value,
      controlPlane: endpoints.controlPlane.value,
      mantle: endpoints.mantle.value,
      region,
      account: accountId ?? '',
      identities: identities.map(sha256),
      headers: plan.customHeaders.map((header) => `${header.name.toLowerCase()}:${sha256(header.value)}`),
    }),
  );
}

interface ProfileListing {
  readonly ids: string[] | null;
  readonly checkedAt: number;
  readonly ok: boolean;
}

interface CacheContent {
  readonly version: number;
  readonly key: string;
  profiles?: ProfileListing;
  availability: Record<string, ModelAvailability>;
  applicationProfiles: Record<string, { profile: InferenceProfile; checkedAt: number }>;
}

function readContent(path: string, key: string): CacheContent | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as CacheContent;
    if (parsed.version !== CACHE_VERSION || parsed.key !== key || typeof parsed.availability !== 'object' || parsed.availability === null) return undefined;
    return { ...parsed, applicationProfiles: parsed.applicationProfiles ?? {} };
  } catch {
    return undefined;
  }
}

const entryKey = (endpoint: EndpointKind, modelId: string): string => `${endpoint}:${modelId}`;
const newer = <T extends { checkedAt: number }>(a: T | undefined, b: T): T => (a && a.checkedAt > b.checkedAt ? a : b);

export interface OpenCacheOptions {
  /** Undefined: answers are kept in memory for this run only. */
  readonly dir: string | undefined;
  readonly key: string;
  readonly refresh: boolean;
  readonly ttlMs?: number | undefined;
  readonly negativeTtlMs?: number | undefined;
  readonly logger: ClientLogger;
}

/**
 * The answers of one cache key: read once when opened, consulted and added to during the run,
 * written back by `save()`. Within a run every answer is remembered (so a fallback probe of a
 * model already probed is not sent twice); only definitive ones reach the disk.
 */
export class AvailabilityCache {
  readonly file: string | undefined;
  readonly #dir: string | undefined;
  readonly #key: string;
  readonly #ttl: number;
  readonly #negativeTtl: number;
  readonly #logger: ClientLogger;
  readonly #content: CacheContent;
  #dirty = false;

  constructor(options: OpenCacheOptions) {
    this.#dir = options.dir;
    this.#key = options.key;
    this.#ttl = options.ttlMs ?? POSITIVE_TTL_MS;
    this.#negativeTtl = options.negativeTtlMs ?? NEGATIVE_TTL_MS;
    this.#logger = options.logger;
    this.file = options.dir === undefined ? undefined : join(options.dir, `discovery-${options.key.slice(0, 32)}.json`);
    const stored = this.file && !options.refresh ? readContent(this.file, options.key) : undefined;
    this.#content = {
      version: CACHE_VERSION,
      key: options.key,
      ...(stored?.profiles ? { profiles: stored.profiles } : {}),
      availability: { ...(stored?.availability ?? {}) },
      applicationProfiles: { ...(stored?.applicationProfiles ?? {}) },
    };
  }

  #fresh(checkedAt: number, ok: boolean, now: number): boolean {
    return now - checkedAt < (ok ? this.#ttl : this.#negativeTtl);
  }

  /** The ListInferenceProfiles answer, when still valid; `ids` is undefined when the listing failed. */
  profiles(now: number): { ids: string[] | undefined } | undefined {
    const cached = this.#content.profiles;
    return cached && this.#fresh(cached.checkedAt, cached.ok, now) ? { ids: cached.ids ?? undefined } : undefined;
  }

  recordProfiles(ids: string[] | undefined, now: number): void {
    this.#content.profiles = { ids: ids ?? null, checkedAt: now, ok: ids !== undefined };
    this.#dirty = true;
  }

  applicationProfile(arn: string, now: number): InferenceProfile | undefined {
    const cached = this.#content.applicationProfiles[arn];
    return cached && this.#fresh(cached.checkedAt, true, now) ? cached.profile : undefined;
  }

  recordApplicationProfile(arn: string, profile: InferenceProfile, now: number): void {
    this.#content.applicationProfiles[arn] = { profile, checkedAt: now };
    this.#dirty = true;
  }

  availability(endpoint: EndpointKind, modelId: string, region: string, now: number): ModelAvailability | undefined {
    const cached = this.#content.availability[entryKey(endpoint, modelId)];
    if (!cached || cached.region !== region) return undefined;
    return this.#fresh(cached.checkedAt, cached.status === 'available', now) ? cached : undefined;
  }

  recordAvailability(result: ModelAvailability): void {
    this.#content.availability[entryKey(result.endpoint, result.modelId)] = result;
    if (result.status !== 'unknown') this.#dirty = true;
  }

  /**
   * Writes the answers back, merged with what another process may have written meanwhile (the
   * newer answer wins), atomically and readable by the owner only.
   */
  save(): void {
    if (!this.file || !this.#dir || !this.#dirty) return;
    const onDisk = readContent(this.file, this.#key);
    const availability: Record<string, ModelAvailability> = { ...(onDisk?.availability ?? {}) };
    for (const [key, entry] of Object.entries(this.#content.availability)) {
      if (entry.status !== 'unknown') availability[key] = newer(availability[key], entry);
    }
    const applicationProfiles = { ...(onDisk?.applicationProfiles ?? {}) };
    for (const [arn, entry] of Object.entries(this.#content.applicationProfiles)) applicationProfiles[arn] = newer(applicationProfiles[arn], entry);
    const profiles = this.#content.profiles ? newer(onDisk?.profiles, this.#content.profiles) : onDisk?.profiles;
    const content: CacheContent = { version: CACHE_VERSION, key: this.#key, ...(profiles ? { profiles } : {}), availability, applicationProfiles };
    try {
      writeCacheFile(this.#dir, this.file, content);
      this.#dirty = false;
    } catch (error) {
      // The cache is an optimisation: a read-only home must not break a session.
      this.#logger.warn(`could not write the discovery cache ${this.file}: ${(error as Error).message}`);
    }
  }
}
