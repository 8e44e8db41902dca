/**
 * `GET /v1/models` and `GET /v1/models/{id}` in the Models API shape, listing what the route
 * plan can actually serve: the system inference profiles Bedrock lists in the plan's region
 * (ListInferenceProfiles, as discovery does) and, with Mantle on, the catalog's Mantle lineup —
 * each kept only when a request naming it resolves, `availableModels` allows it, and the
 * startup probe (one token, as Claude Code and discovery send it) finds it usable: the account
 * may lack a grant, or Mantle may not serve a model the catalog expects there. Model IDs are
 * first-party names, which resolve back to the listed profile like `--model` does; `created_at`
 * is the catalog's release date.
 */
import { CcBedrockError, isCcBedrockError } from '../core/errors.js';
import { MODEL_CATALOG, findModelById, type CatalogModel } from '../models/model-catalog.js';
import type { CallTarget, ResolvedModel } from '../core/route-plan.js';
import { invalidRequest } from './anthropic-errors.js';
import { Cancellation } from './cancellation.js';
import { jsonResponse } from './exchange.js';
import type { GatewayContext, HandlerInput, HandlerResult } from './context.js';
import { parseJsonBytes } from './messages.js';

export interface ModelInfo {
  readonly type: 'model';
  readonly id: string;
  readonly display_name: string;
  readonly created_at: string;
  readonly capabilities: null;
  readonly deprecated_at: string | null;
  readonly lifecycle: 'active' | 'deprecated' | 'retired';
  readonly line: string | null;
  readonly max_input_tokens: number | null;
  readonly max_tokens: number | null;
  readonly retires_at: string | null;
}

const EPOCH = '1970-01-01T00:00:00Z';
const MAX_PAGES = 20;
const DEFAULT_LIMIT = 20;

interface Listed {
  readonly id: string;
  readonly name: string | undefined;
  readonly createdAt: string | undefined;
}

async function listSystemProfiles(context: GatewayContext, cancel: Cancellation): Promise<Listed[]> {
  const region = context.plan.region.value;
  const baseURL = context.models.controlPlaneFor(region);
  const target: CallTarget = { modelId: 'ListInferenceProfiles', requested: 'ListInferenceProfiles', endpoint: 'bedrock', region, baseURL, betas: [], catalogKey: undefined };
  const out: Listed[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const { response } = await context.upstream.send({
      target,
      service: 'bedrock',
      method: 'GET',
      baseURL,
      path: '/inference-profiles',
      query: { type: 'SYSTEM_DEFINED', maxResults: '1000', ...(nextToken ? { nextToken } : {}) },
      headers: { accept: 'application/json' },
      operation: 'control-plane',
      cancel,
    });
    const json = parseJsonBytes(await response.bytes()) as { inferenceProfileSummaries?: unknown; nextToken?: unknown } | undefined;
    const summaries = Array.isArray(json?.inferenceProfileSummaries) ? json.inferenceProfileSummaries : [];
    for (const summary of summaries as Record<string, unknown>[]) {
      if (typeof summary?.['inferenceProfileId'] !== 'string') continue;
      out.push({
        id: summary['inferenceProfileId'],
        name: typeof summary['inferenceProfileName'] === 'string' ? summary['inferenceProfileName'] : undefined,
        createdAt: typeof summary['createdAt'] === 'string' ? summary['createdAt'] : undefined,
      });
    }
    nextToken = typeof json?.nextToken === 'string' && json.nextToken ? json.nextToken : undefined;
    if (!nextToken) break;
  }
  return out;
}

function infoFor(model: CatalogModel): ModelInfo {
  const lifecycle = model.lifecycle.status === 'retired' ? 'retired' : model.lifecycle.status === 'deprecated' ? 'deprecated' : 'active';
  return {
    type: 'model',
    id: model.anthropicIds[0] ?? model.key,
    display_name: model.displayName,
    created_at: `${model.released.date}T00:00:00Z`,
    capabilities: null,
    deprecated_at: null,
    lifecycle,
    line: model.family,
    max_input_tokens: null,
    max_tokens: null,
    retires_at: null,
  };
}

/** A listed profile the catalog does not know: offered under its own ID, which resolves as-is. */
function uncataloguedInfo(listed: Listed): ModelInfo {
  return {
    type: 'model',
    id: listed.id,
    display_name: listed.name ?? listed.id,
    created_at: listed.createdAt ?? EPOCH,
    capabilities: null,
    deprecated_at: null,
    lifecycle: 'active',
    line: null,
    max_input_tokens: null,
    max_tokens: null,
    retires_at: null,
  };
}

/** What a request naming `id` would be sent as, or undefined when it would be refused before sending. */
function resolvedFor(context: GatewayContext, id: string): ResolvedModel | undefined {
  try {
    return context.models.resolve(id, 'anthropic');
  } catch (error) {
    if (isCcBedrockError(error)) return undefined;
    throw error;
  }
}

async function discover(context: GatewayContext, cancel: Cancellation): Promise<ModelInfo[]> {
  const found = new Map<string, { model: CatalogModel | undefined; listed: Listed }>();
  if (context.plan.providers.bedrock || !context.plan.providers.mantle) {
    for (const listed of await listSystemProfiles(context, cancel)) {
      const model = findModelById(listed.id);
      const key = model?.key ?? listed.id;
      if (!found.has(key)) found.set(key, { model, listed });
    }
  }
  if (context.plan.providers.mantle) {
    for (const model of MODEL_CATALOG) {
      if (model.mantle?.served && !found.has(model.key)) found.set(model.key, { model, listed: { id: model.mantle.id, name: undefined, createdAt: undefined } });
    }
  }
  const order = new Map(MODEL_CATALOG.map((model, index) => [model.key, index]));
  const candidates: { info: ModelInfo; resolved: ResolvedModel }[] = [];
  const entries = [...found.values()].sort((a, b) => (order.get(a.model?.key ?? '') ?? 1e9) - (order.get(b.model?.key ?? '') ?? 1e9));
  for (const { model, listed } of entries) {
    if (model?.lifecycle.status === 'retired') continue;
    const info = model ? infoFor(model) : uncataloguedInfo(listed);
    const resolved = resolvedFor(context, info.id);
    if (resolved) candidates.push({ info, resolved });
  }
  const answers = await context.probe(
    candidates.map(({ info, resolved }) => ({
      modelId: resolved.wireModelId,
      endpoint: resolved.endpoint,
      region: resolved.region.value,
      catalogKey: resolved.catalogKey,
      probedAs: info.id,
    })),
  );
  // `unknown` (throttled, timed out) stays listed: only a denial or absence is known to fail.
  return candidates.filter((_, index) => answers[index]?.status !== 'denied' && answers[index]?.status !== 'not-found').map(({ info }) => info);
}

export class ModelsCatalog {
  #cached: { expires: number; pending: Promise<ModelInfo[]> } | undefined;

  constructor(private readonly context: GatewayContext) {}

  list(): Promise<ModelInfo[]> {
    const now = this.context.clock();
    if (this.#cached && this.#cached.expires > now) return this.#cached.pending;
    // The listing is shared by every client: it must not die with the request that started it.
    const pending = discover(this.context, Cancellation.after(60_000));
    const entry = { expires: now + this.context.modelsCacheMs, pending };
    this.#cached = entry;
    pending.catch(() => {
      if (this.#cached === entry) this.#cached = undefined;
    });
    return pending;
  }
}

function positiveInt(value: string | null, name: string, max: number): number | undefined {
  if (value === null) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw invalidRequest(`${name}: must be an integer from 1 to ${max}, not ${JSON.stringify(value)}`, `pass ${name} between 1 and ${max}, or leave it out`);
  return n;
}

/** `GET /v1/models` with the Models API's `limit`, `after_id` and `before_id` cursors. */
export async function handleListModels(input: HandlerInput, catalog: ModelsCatalog, query: URLSearchParams): Promise<HandlerResult> {
  const all = await catalog.list();
  const limit = positiveInt(query.get('limit'), 'limit', 1000) ?? DEFAULT_LIMIT;
  const after = query.get('after_id');
  const before = query.get('before_id');
  let start = 0;
  let end = all.length;
  if (after) start = all.findIndex((info) => info.id === after) + 1;
  if (before) end = Math.max(0, all.findIndex((info) => info.id === before));
  let page = all.slice(start, end);
  let hasMore: boolean;
  if (before && !after) {
    hasMore = page.length > limit;
    page = page.slice(-limit);
  } else {
    hasMore = page.length > limit;
    page = page.slice(0, limit);
  }
  const body = { data: page, has_more: hasMore, first_id: page[0]?.id ?? null, last_id: page.at(-1)?.id ?? null };
  return { response: jsonResponse(body, { 'request-id': input.scope.id }) };
}

/** `GET /v1/models/{id}`: a listed model, or 404 naming what is listed. */
export async function handleGetModel(input: HandlerInput, catalog: ModelsCatalog, id: string): Promise<HandlerResult> {
  const all = await catalog.list();
  const wanted = findModelById(id);
  const info = all.find((candidate) => candidate.id === id || (wanted !== undefined && findModelById(candidate.id)?.key === wanted.key));
  if (!info) {
    throw new CcBedrockError('MODEL_UNKNOWN', `model ${id} is not served by this gateway`, {
      remediation: `use one of: ${all.map((m) => m.id).join(', ') || '(none listed)'}`,
    });
  }
  return { response: jsonResponse(info, { 'request-id': input.scope.id }) };
}
