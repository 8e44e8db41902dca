/**
 * The availability matrix behind `cc-bedrock models`: every Claude model of the catalog in every
 * requested region, with its inference-profile IDs, base ID, 1M support and Mantle ID, and (unless
 * offline) the answer of a 1-token probe sent through the real client, all probes in parallel.
 *
 * Probes and their cache are the client's (src/client/probe.ts probeAvailability): answers live
 * in the discovery cache a session in that region reads (6 hours for "available", 10 minutes for
 * refusals, transient failures never), keyed by endpoints, region and credential identity so
 * another account never reads them. So `models` warms the next session's start, and a session's
 * own probes show up here.
 */
import type { AuthProvider } from '../core/auth-types.js';
import type { ProbeTarget } from '../client/probe.js';
import type { ErrorCode } from '../core/errors.js';
import type { Clock } from '../core/clock.js';
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
import type { EndpointKind, EnvLookup, RoutePlan } from '../core/route-plan.js';

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
  // A Set: where the region's own geography is `global` (ca-central-1), it is listed once.
  const order: GeoPrefix[] = [
    ...new Set([
      ...serving.filter((geo) => geo === preferred),
      ...serving.filter((geo) => geo === 'global'),
      ...serving.filter((geo) => geo !== preferred && geo !== 'global'),
    ]),
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

interface Answer {
  readonly status: string;
  readonly code?: ErrorCode | undefined;
  readonly reason?: string | undefined;
  readonly cached: boolean;
}

function invokeStatusOf(answer: Answer): InvokeStatus {
  if (answer.status === 'available') return 'invokable';
  if (answer.code === 'MODEL_NOT_GRANTED' || answer.code === 'ACCESS_DENIED') return 'not-granted';
  if (answer.code === 'MODEL_NOT_IN_REGION') return 'not-in-region';
  if (answer.code === 'ON_DEMAND_NOT_SUPPORTED') return 'needs-profile';
  return 'error';
}

function mantleStatusOf(answer: Answer): MantleStatus {
  if (answer.status === 'available') return 'served';
  if (answer.code === 'MANTLE_NOT_GRANTED' || answer.code === 'ACCESS_DENIED') return 'not-granted';
  if (answer.code === 'MANTLE_MODEL_NOT_SERVED' || answer.code === 'MODEL_NOT_IN_REGION') return 'not-served';
  return 'error';
}

const jobKey = (endpoint: EndpointKind, region: string, modelId: string): string => `${endpoint}|${region}|${modelId}`;

/**
 * Sends every probe of the matrix at once (no retries), reusing cached answers. Throws the
 * credential error when credentials do not work at all: every cell would say the same.
 */
export async function probeMatrix(matrix: ModelMatrix, options: ProbeMatrixOptions): Promise<ModelMatrix> {
  // The client (and the SDKs behind it) is loaded only when probes are sent: --offline stays fast.
  const [{ probeAvailability }, { PROBE_TIMEOUT_MS }] = await Promise.all([import('../client/probe.js'), import('./probes.js')]);
  const targets = new Map<string, ProbeTarget>();
  const addTarget = (endpoint: EndpointKind, region: string, modelId: string, catalogKey: string): void => {
    const key = jobKey(endpoint, region, modelId);
    if (!targets.has(key)) targets.set(key, { modelId, endpoint, region, catalogKey, probedAs: 'cc-bedrock models' });
  };
  for (const row of matrix.models) {
    for (const cell of row.cells) {
      if (cell.status !== 'retired') addTarget('bedrock', cell.region, cell.probeId, row.key);
      if (options.mantle && row.mantleId && row.lifecycle !== 'retired') addTarget('mantle', cell.region, row.mantleId, row.key);
    }
  }

  const result = await probeAvailability(
    {
      // Probes carry the custom headers but never the service tier, as Claude Code's.
      plan: options.plan,
      auth: options.auth,
      env: options.env,
      homeDir: options.homeDir,
      refresh: options.refresh === true,
      maxRetries: 0,
      timeoutMs: PROBE_TIMEOUT_MS,
      ...(options.cacheDir !== undefined ? { cacheDir: options.cacheDir } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
    },
    [...targets.values()],
  );
  const answers = new Map<string, Answer>();
  [...targets.keys()].forEach((key, index) => answers.set(key, result.availability[index]!));

  const models = matrix.models.map((row) => ({
    ...row,
    cells: row.cells.map((cell): MatrixCell => {
      const invoke = cell.status === 'retired' ? undefined : answers.get(jobKey('bedrock', cell.region, cell.probeId));
      const mantle = options.mantle && row.mantleId && row.lifecycle !== 'retired' ? answers.get(jobKey('mantle', cell.region, row.mantleId)) : undefined;
      return {
        ...cell,
        ...(invoke ? { status: invokeStatusOf(invoke), code: invoke.code, detail: invoke.reason, cached: invoke.cached } : {}),
        mantle: mantle ? { status: mantleStatusOf(mantle), code: mantle.code, detail: mantle.reason, cached: mantle.cached } : cell.mantle,
      };
    }),
  }));
  // The file of the first region; every region has its own, as a session there would read it.
  const file = matrix.regions.map((region) => result.cacheFiles[region]).find((path) => path !== undefined);
  return {
    ...matrix,
    probed: true,
    mantleProbed: options.mantle,
    cache: file !== undefined ? { file, hits: result.cacheHits, probes: result.upstreamCalls } : undefined,
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
