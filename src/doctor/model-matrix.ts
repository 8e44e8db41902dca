/**
 * The availability matrix behind `cc-bedrock models`: every Claude model of the catalog in every
 * requested region, with its inference-profile IDs, base ID, 1M support and Mantle ID, and (unless
 * offline) the answer of a 1-token probe sent through the real client, all probes in parallel.
 *
 * Probe results are cached on disk next to the client's discovery cache (same directory, same
 * lifetimes: 6 hours for answers that say "available", 10 minutes for refusals), keyed by
 * endpoints and credential identity so another account never reads them. Transient failures
 * (throttling, network) are never cached.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuthProvider } from '../aws/auth-types.js';
import { CcBedrockError, type ErrorCode } from '../errors.js';
import type { Clock } from '../internal/clock.js';
import { systemClock } from '../internal/clock.js';
import {
  GEO_PREFIXES,
  MODEL_CATALOG,
  geoForRegion,
  geoServesRegion,
  hasProfileIn,
  profileIdFor,
  type CatalogModel,
  type Context1m,
  type GeoPrefix,
} from '../models/model-catalog.js';
import type { EndpointKind, EnvLookup, ResolvedModel, RoutePlan } from '../routing/types.js';
import type { ErrorFact } from './types.js';

export const MODELS_SCHEMA = 'cc-bedrock.models/1';

export type InvokeStatus = 'invokable' | 'not-granted' | 'not-in-region' | 'needs-profile' | 'retired' | 'error' | 'not-probed';
export type MantleStatus = 'served' | 'not-granted' | 'not-served' | 'error' | 'not-probed' | 'not-in-lineup';

export interface MatrixCell {
  readonly region: string;
  /** System inference-profile IDs the catalog knows for this model that can be called from this region. */
  readonly profileIds: readonly string[];
  /** The ID probed (or that would be): the region's preferred profile, else `global.`, else the base ID. */
  readonly probeId: string;
  readonly status: InvokeStatus;
  readonly code?: ErrorCode | undefined;
  readonly detail?: string | undefined;
  /** The answer came from the cache. */
  readonly cached?: boolean | undefined;
  readonly mantle: { readonly status: MantleStatus; readonly code?: ErrorCode | undefined; readonly detail?: string | undefined; readonly cached?: boolean | undefined };
}

export interface MatrixRow {
  readonly key: string;
  readonly displayName: string;
  readonly family: string;
  readonly lifecycle: CatalogModel['lifecycle']['status'];
  readonly baseId: string;
  /** The base ID can be invoked without an inference profile. */
  readonly onDemand: boolean;
  readonly context1m: Context1m;
  readonly mantleId: string | undefined;
  /** In the Mantle lineup according to the catalog. */
  readonly mantleLineup: boolean;
  readonly cells: readonly MatrixCell[];
}

export interface ModelMatrix {
  readonly schema: typeof MODELS_SCHEMA;
  readonly regions: readonly string[];
  /** Invoke API probes were sent (or read from the cache). */
  readonly probed: boolean;
  /** Mantle probes were sent (Mantle is enabled). */
  readonly mantleProbed: boolean;
  readonly cache: { readonly file: string; readonly hits: number; readonly probes: number } | undefined;
  readonly models: readonly MatrixRow[];
}

function probeIdFor(model: CatalogModel, region: string): { profileIds: string[]; probeId: string } {
  const bedrock = model.bedrock!;
  const serving = GEO_PREFIXES.filter((geo) => hasProfileIn(model, geo) && geoServesRegion(geo, region));
  const preferred = geoForRegion(region);
  const order: GeoPrefix[] = [
    ...serving.filter((geo) => geo === preferred),
    ...serving.filter((geo) => geo === 'global'),
    ...serving.filter((geo) => geo !== preferred && geo !== 'global'),
  ];
  const profileIds = order.map((geo) => profileIdFor(model, geo)!);
  return { profileIds, probeId: profileIds[0] ?? bedrock.baseId };
}

/** The catalog part of the matrix: no network. */
export function catalogMatrix(regions: readonly string[]): ModelMatrix {
  const models: MatrixRow[] = MODEL_CATALOG.filter((model) => model.bedrock).map((model) => ({
    key: model.key,
    displayName: model.displayName,
    family: model.family,
    lifecycle: model.lifecycle.status,
    baseId: model.bedrock!.baseId,
    onDemand: model.bedrock!.onDemand,
    context1m: model.context1m,
    mantleId: model.mantle?.id,
    mantleLineup: model.mantle?.served === true,
    cells: regions.map((region) => {
      const { profileIds, probeId } = probeIdFor(model, region);
      return {
        region,
        profileIds,
        probeId,
        status: model.lifecycle.status === 'retired' ? 'retired' : 'not-probed',
        mantle: { status: model.mantle ? 'not-probed' : 'not-in-lineup' },
      };
    }),
  }));
  return { schema: MODELS_SCHEMA, regions: [...regions], probed: false, mantleProbed: false, cache: undefined, models };
}

// ---------------------------------------------------------------------------------------------
// Cache

const POSITIVE_TTL_MS = 6 * 60 * 60_000;
const NEGATIVE_TTL_MS = 10 * 60_000;
const CACHE_VERSION = 1;

interface CachedAnswer {
  readonly status: InvokeStatus | MantleStatus;
  readonly code?: ErrorCode | undefined;
  readonly detail?: string | undefined;
  readonly checkedAt: number;
}

interface CacheFile {
  readonly version: number;
  readonly key: string;
  readonly answers: Record<string, CachedAnswer>;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

const POSITIVE = new Set(['invokable', 'served']);
const DEFINITIVE = new Set(['invokable', 'served', 'not-granted', 'not-in-region', 'needs-profile', 'not-served']);

function readCache(path: string, key: string): CacheFile | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as CacheFile;
    return parsed.version === CACHE_VERSION && parsed.key === key && typeof parsed.answers === 'object' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function writeCache(dir: string, path: string, content: CacheFile): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const temp = `${path}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(content)}\n`, { mode: 0o600 });
    renameSync(temp, path);
  } catch {
    // The cache only saves time; a read-only home must not fail the command.
  }
}

/** Who is asking, without a secret: credential plan plus a hash of the key ID or API key. */
async function identityOf(plan: RoutePlan, auth: Record<EndpointKind, AuthProvider>, endpoint: EndpointKind): Promise<string> {
  const credential = plan.credentials[endpoint];
  const resolved = await auth[endpoint].getAuth();
  const secretless = resolved.kind === 'bearer' ? sha256(resolved.token) : resolved.kind === 'sigv4' ? sha256(resolved.credentials.accessKeyId) : 'none';
  return [credential.kind, credential.source, credential.profile ?? '', secretless].join('\u0000');
}

// ---------------------------------------------------------------------------------------------
// Probing

export interface ProbeMatrixOptions {
  readonly plan: RoutePlan;
  readonly auth: Record<EndpointKind, AuthProvider>;
  readonly env: EnvLookup;
  readonly homeDir: string;
  /** Probe the Mantle ID of each model too (Mantle is enabled). */
  readonly mantle: boolean;
  /** Ignore cached answers (still refreshes the cache). */
  readonly refresh?: boolean;
  /** Directory for the cache; `false` turns it off. Default: the client's discovery cache directory. */
  readonly cacheDir?: string | false;
  readonly fetch?: typeof fetch;
  readonly clock?: Clock;
}

const CREDENTIAL_CODES = new Set<ErrorCode>(['CREDENTIALS_NOT_FOUND', 'CREDENTIALS_INVALID', 'CREDENTIALS_EXPIRED', 'AUTH_REFRESH_LOOP', 'AUTH_REFRESH_FAILED', 'CREDENTIAL_EXPORT_FAILED']);

function invokeStatusOf(error: ErrorFact): InvokeStatus {
  if (error.code === 'MODEL_NOT_GRANTED' || error.code === 'ACCESS_DENIED') return 'not-granted';
  if (error.code === 'MODEL_NOT_IN_REGION') return 'not-in-region';
  if (error.code === 'ON_DEMAND_NOT_SUPPORTED') return 'needs-profile';
  return 'error';
}

function mantleStatusOf(error: ErrorFact): MantleStatus {
  if (error.code === 'MANTLE_NOT_GRANTED' || error.code === 'ACCESS_DENIED') return 'not-granted';
  if (error.code === 'MANTLE_MODEL_NOT_SERVED' || error.code === 'MODEL_NOT_IN_REGION') return 'not-served';
  return 'error';
}

interface Job {
  readonly name: string;
  readonly cacheKey: string;
  readonly target: ResolvedModel;
  answer?: CachedAnswer & { cached: boolean };
}

/**
 * Sends every probe of the matrix at once (one client, no retries), reusing cached answers.
 * Throws the credential error when credentials do not work at all: every cell would say the same.
 */
export async function probeMatrix(matrix: ModelMatrix, options: ProbeMatrixOptions): Promise<ModelMatrix> {
  // The client (and the SDKs behind it) is loaded only when probes are sent: --offline stays fast.
  const [{ createProbeClient, probe }, { discoveryCacheDir }] = await Promise.all([import('./probes.js'), import('../client/discovery.js')]);
  const clock = options.clock ?? systemClock;
  const now = clock();
  const { plan } = options;
  const jobs = new Map<string, Job>();
  const addJob = (endpoint: EndpointKind, region: string, modelId: string, catalogKey: string): string => {
    const cacheKey = `${endpoint}|${region}|${modelId}`;
    if (!jobs.has(cacheKey)) {
      jobs.set(cacheKey, {
        name: `cc-bedrock-models-probe-${jobs.size}`,
        cacheKey,
        target: {
          role: 'main',
          requested: modelId,
          wireModelId: modelId,
          endpoint,
          rule: `cc-bedrock models probe of ${modelId} in ${region}`,
          catalogKey,
          betas: [],
          region: { value: region, source: 'cc-bedrock models --region' },
          discoverable: false,
        },
      });
    }
    return cacheKey;
  };
  for (const row of matrix.models) {
    for (const cell of row.cells) {
      if (cell.status !== 'retired') addJob('bedrock', cell.region, cell.probeId, row.key);
      if (options.mantle && row.mantleId && row.lifecycle !== 'retired') addJob('mantle', cell.region, row.mantleId, row.key);
    }
  }

  // Credentials first: a missing or rejected credential is one error, not one per cell.
  const endpoints: EndpointKind[] = options.mantle ? ['bedrock', 'mantle'] : ['bedrock'];
  const identities = await Promise.all(endpoints.map((endpoint) => identityOf(plan, options.auth, endpoint)));
  const cacheDir = options.cacheDir === false ? undefined : (options.cacheDir ?? discoveryCacheDir(options.env, options.homeDir));
  const key = sha256(JSON.stringify({ invoke: plan.endpoints.invoke.value, mantle: plan.endpoints.mantle.value, identities: identities.map(sha256) }));
  const cachePath = cacheDir === undefined ? undefined : join(cacheDir, `models-${key.slice(0, 32)}.json`);
  const cache = cachePath && !options.refresh ? readCache(cachePath, key) : undefined;
  let hits = 0;
  for (const job of jobs.values()) {
    const cached = cache?.answers[job.cacheKey];
    if (cached && now - cached.checkedAt < (POSITIVE.has(cached.status) ? POSITIVE_TTL_MS : NEGATIVE_TTL_MS)) {
      job.answer = { ...cached, cached: true };
      hits += 1;
    }
  }

  const byName = new Map([...jobs.values()].map((job) => [job.name, job.target]));
  const client = createProbeClient({
    plan: { ...plan, serviceTier: undefined },
    auth: options.auth,
    env: options.env,
    fetch: options.fetch,
    resolveModelName: (name) => {
      const target = byName.get(name);
      if (!target) throw new CcBedrockError('INTERNAL', `no probe target named ${name}`);
      return target;
    },
  });
  const pending = [...jobs.values()].filter((job) => !job.answer);
  const results = await Promise.all(pending.map(async (job) => ({ job, result: await probe(client, job.name) })));
  const credentialFailure = results.find(({ result }) => !result.ok && CREDENTIAL_CODES.has(result.error.code));
  if (credentialFailure && !credentialFailure.result.ok && results.every(({ result }) => !result.ok)) {
    const error = credentialFailure.result.error;
    throw new CcBedrockError(error.code, error.message, { ...(error.remediation ? { remediation: error.remediation } : {}) });
  }
  for (const { job, result } of results) {
    const mantle = job.target.endpoint === 'mantle';
    job.answer = result.ok
      ? { status: mantle ? 'served' : 'invokable', checkedAt: now, cached: false }
      : {
          status: mantle ? mantleStatusOf(result.error) : invokeStatusOf(result.error),
          code: result.error.code,
          detail: result.error.message,
          checkedAt: now,
          cached: false,
        };
  }

  if (cachePath && cacheDir && pending.length > 0) {
    const answers: Record<string, CachedAnswer> = { ...(cache?.answers ?? readCache(cachePath, key)?.answers ?? {}) };
    for (const job of pending) {
      const answer = job.answer!;
      if (DEFINITIVE.has(answer.status)) answers[job.cacheKey] = { status: answer.status, code: answer.code, detail: answer.detail, checkedAt: answer.checkedAt };
    }
    writeCache(cacheDir, cachePath, { version: CACHE_VERSION, key, answers });
  }

  const models = matrix.models.map((row) => ({
    ...row,
    cells: row.cells.map((cell): MatrixCell => {
      const invoke = cell.status === 'retired' ? undefined : jobs.get(`bedrock|${cell.region}|${cell.probeId}`)?.answer;
      const mantle = options.mantle && row.mantleId ? jobs.get(`mantle|${cell.region}|${row.mantleId}`)?.answer : undefined;
      return {
        ...cell,
        ...(invoke ? { status: invoke.status as InvokeStatus, code: invoke.code, detail: invoke.detail, cached: invoke.cached } : {}),
        mantle: mantle ? { status: mantle.status as MantleStatus, code: mantle.code, detail: mantle.detail, cached: mantle.cached } : cell.mantle,
      };
    }),
  }));
  return {
    ...matrix,
    probed: true,
    mantleProbed: options.mantle,
    cache: cachePath ? { file: cachePath, hits, probes: pending.length } : undefined,
    models,
  };
}

// ---------------------------------------------------------------------------------------------
// Text

const STATUS_TEXT: Readonly<Record<InvokeStatus, string>> = {
  invokable: 'invokable',
  'not-granted': 'not granted',
  'not-in-region': 'not in region',
  'needs-profile': 'needs profile',
  retired: 'retired',
  error: 'error',
  'not-probed': '-',
};

const MANTLE_TEXT: Readonly<Record<MantleStatus, string>> = {
  served: 'served',
  'not-granted': 'not granted',
  'not-served': 'not served',
  error: 'error',
  'not-probed': '-',
  'not-in-lineup': 'no Mantle ID',
};

const ONE_M_TEXT: Readonly<Record<Context1m, string>> = { none: 'no', beta: 'yes ([1m])', native: 'always' };

export function renderMatrixText(matrix: ModelMatrix): string {
  const lines: string[] = [];
  const how = matrix.probed
    ? `each cell probed with a 1-token request${matrix.cache ? `; ${matrix.cache.hits} answers from the cache (*), --refresh to probe again` : ''}`
    : 'catalog only (--offline): nothing was probed';
  lines.push(`Claude models on Amazon Bedrock in ${matrix.regions.join(', ')} (${how})`, '');
  for (const row of matrix.models) {
    const mantle = row.mantleId ? `${row.mantleId}${row.mantleLineup ? '' : ' (not in the lineup)'}` : 'none';
    lines.push(`${row.displayName} (${row.key})${row.lifecycle === 'active' ? '' : ` [${row.lifecycle}]`}`);
    lines.push(`  base ID: ${row.baseId}${row.onDemand ? ' (on demand)' : ' (needs an inference profile)'} · 1M: ${ONE_M_TEXT[row.context1m]} · Mantle: ${mantle}`);
    const width = Math.max(...row.cells.map((cell) => cell.region.length));
    for (const cell of row.cells) {
      const status = `${STATUS_TEXT[cell.status]}${cell.cached ? '*' : ''}`;
      const profiles = cell.profileIds.length ? cell.profileIds.join(', ') : 'no inference profile for this region';
      const mantleText = matrix.mantleProbed && row.mantleId ? ` · Mantle: ${MANTLE_TEXT[cell.mantle.status]}${cell.mantle.cached ? '*' : ''}` : '';
      lines.push(`  ${cell.region.padEnd(width)}  ${status.padEnd(14)} ${profiles}${mantleText}`);
      if (cell.status === 'error' && cell.detail) lines.push(`  ${' '.repeat(width)}  ${cell.detail}`);
    }
    lines.push('');
  }
  return `${lines.join('\n')}`;
}
