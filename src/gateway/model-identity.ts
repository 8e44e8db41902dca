/**
 * Model names in requests, resolved the way `--model` resolves them (aliases, first-party names,
 * pins, `modelOverrides`, `availableModels`, Mantle IDs), once per distinct name: the route plan
 * and the resolution are both fixed for the life of the gateway, so the hot path is a map lookup.
 *
 * Application-inference-profile ARNs are opaque: their backing model is read with
 * GetInferenceProfile (cached) so the beta policy, 1M checks and CountTokens see the real model
 * (anthropics/claude-code #27890, #51711).
 */
import { isCcBedrockError } from '../core/errors.js';
import { findModelById, getModel, parseBedrockArn, type CatalogModel } from '../models/model-catalog.js';
import { planNameContext, resolveModelName, type ModelNameContext } from '../models/resolve-model.js';
import { resolveEndpoints } from '../routing/endpoints.js';
import type { EnvLookup, ResolvedModel, RoutePlan } from '../core/route-plan.js';
import { toInferenceProfile } from '../client/inference-profiles.js';
import type { CallTarget } from '../core/route-plan.js';
import { bedrockPath } from './bedrock-paths.js';
import { Cancellation } from './cancellation.js';
import type { Upstream } from './upstream.js';

export type Surface = 'anthropic' | 'bedrock';

export interface ModelIdentity {
  /** The catalog model (for an application profile: its backing model), undefined when unknown. */
  readonly model: CatalogModel | undefined;
  /** Foundation model behind an application inference profile, when looked up. */
  readonly backingModelId: string | undefined;
}

/** Distinct names remembered per surface; names are client input, so the memory is bounded. */
const MAX_CACHED_NAMES = 512;
const MAX_CACHED_NAME_LENGTH = 2048;
const PROFILE_TTL_MS = 60 * 60_000;
const PROFILE_FAILURE_TTL_MS = 60_000;
const emptyEnv: EnvLookup = { get: () => undefined };

type Cached = { readonly model: ResolvedModel } | { readonly error: unknown };

/** Sets `key`, first dropping the oldest entry when the map is full (client input must not grow memory without bound). */
export function remember<K, V>(map: Map<K, V>, key: K, value: V): V {
  if (map.size >= MAX_CACHED_NAMES) map.delete(map.keys().next().value as K);
  map.set(key, value);
  return value;
}

export interface ModelResolverOptions {
  readonly plan: RoutePlan;
  readonly env?: EnvLookup;
  readonly discoveredProfileIds?: readonly string[];
  readonly upstream: Upstream;
  readonly clock: () => number;
}

export class ModelResolver {
  readonly #options: ModelResolverOptions;
  readonly #names: Record<Surface, Map<string, Cached>> = { anthropic: new Map(), bedrock: new Map() };
  readonly #profiles = new Map<string, { expires: number; pending: Promise<ModelIdentity> }>();

  constructor(options: ModelResolverOptions) {
    this.#options = options;
  }

  /**
   * The model a request names. On the Bedrock passthrough the Invoke API is the only endpoint,
   * so IDs never move to Mantle there. Throws the resolution's CcBedrockError (unknown model,
   * not allowed, no 1M, …).
   */
  resolve(name: string, surface: Surface): ResolvedModel {
    // A name longer than any real model ID or ARN is resolved (and refused) without being remembered.
    if (name.length > MAX_CACHED_NAME_LENGTH) return this.#resolveUncached(name, surface);
    const cache = this.#names[surface];
    let entry = cache.get(name);
    if (!entry) {
      try {
        entry = remember(cache, name, { model: this.#resolveUncached(name, surface) });
      } catch (error) {
        if (!isCcBedrockError(error)) throw error;
        entry = remember(cache, name, { error });
      }
    }
    if ('error' in entry) throw entry.error;
    return entry.model;
  }

  #resolveUncached(name: string, surface: Surface): ResolvedModel {
    const { plan } = this.#options;
    const providers = surface === 'bedrock' ? { bedrock: true, mantle: false } : { bedrock: plan.providers.bedrock, mantle: plan.providers.mantle };
    // One truth: names resolve through the plan's own context (managed overrides and allowlist
    // flags included), as status, doctor and sessions resolve them.
    const context: ModelNameContext = planNameContext(plan, this.#options.env ?? emptyEnv, {
      providers,
      discoveredProfileIds: this.#options.discoveredProfileIds,
      origin: surface === 'bedrock' ? 'the request path (Bedrock passthrough)' : 'the request body "model"',
    });
    return resolveModelName(name, context).model;
  }

  /**
   * What model is really behind a resolved ID. Only application-inference-profile ARNs need an
   * upstream call; a failed lookup is remembered for a minute and the request goes on without
   * the identity (Bedrock still serves it; only policy decisions lose precision).
   */
  identity(resolved: ResolvedModel): Promise<ModelIdentity> | ModelIdentity {
    const arn = parseBedrockArn(resolved.wireModelId);
    if (arn?.resourceType !== 'application-inference-profile') {
      const model = resolved.catalogKey ? getModel(resolved.catalogKey) : findModelById(resolved.wireModelId);
      return { model, backingModelId: undefined };
    }
    const now = this.#options.clock();
    const cached = this.#profiles.get(resolved.wireModelId);
    if (cached && cached.expires > now) return cached.pending;
    // The plan's region for this model, never the ARN's: client text must not choose the host the
    // gateway signs a call for (an ARN of another region is not invokable there anyway).
    const pending = this.#lookup(resolved, resolved.region.value);
    const entry = { expires: now + PROFILE_TTL_MS, pending };
    remember(this.#profiles, resolved.wireModelId, entry);
    void pending.then((identity) => {
      if (identity.backingModelId === undefined) entry.expires = this.#options.clock() + PROFILE_FAILURE_TTL_MS;
    });
    return pending;
  }

  async #lookup(resolved: ResolvedModel, region: string): Promise<ModelIdentity> {
    const baseURL = this.controlPlaneFor(region);
    const target: CallTarget = {
      modelId: resolved.wireModelId,
      requested: resolved.requested,
      endpoint: 'bedrock',
      region,
      baseURL,
      betas: [],
      catalogKey: resolved.catalogKey,
    };
    try {
      const { response } = await this.#options.upstream.send({
        target,
        service: 'bedrock',
        method: 'GET',
        baseURL,
        path: bedrockPath({ kind: 'get-inference-profile', profileId: resolved.wireModelId }),
        headers: { accept: 'application/json' },
        operation: 'control-plane',
        // Not the request's cancellation: the lookup is shared by every request naming this ARN.
        cancel: Cancellation.after(30_000),
      });
      const profile = toInferenceProfile(JSON.parse(Buffer.from(await response.bytes()).toString('utf8')));
      if (!profile?.backingModelId) return { model: resolved.catalogKey ? getModel(resolved.catalogKey) : undefined, backingModelId: undefined };
      return { model: findModelById(profile.backingModelId), backingModelId: profile.backingModelId };
    } catch {
      // Never rejects: the cached promise must not poison later requests with an exception.
      return { model: resolved.catalogKey ? getModel(resolved.catalogKey) : undefined, backingModelId: undefined };
    }
  }

  /** The control-plane base for a region: a model's own region unless a base URL was set explicitly. */
  controlPlaneFor(region: string): string {
    const { plan } = this.#options;
    const configured = plan.endpoints.controlPlane.value;
    if (region === plan.region.value) return configured;
    const sessionDefault = resolveEndpoints(emptyEnv, plan.region).controlPlane.value;
    return configured === sessionDefault ? resolveEndpoints(emptyEnv, { value: region, source: 'model region' }).controlPlane.value : configured;
  }

  /** The Invoke or Mantle base for a resolved model (its own region unless a base URL was set). */
  baseUrlFor(resolved: ResolvedModel): string {
    const { plan } = this.#options;
    const kind = resolved.endpoint === 'mantle' ? 'mantle' : 'invoke';
    const configured = plan.endpoints[kind].value;
    const region = resolved.region.value;
    if (region === plan.region.value) return configured;
    const sessionDefault = resolveEndpoints(emptyEnv, plan.region)[kind].value;
    return configured === sessionDefault ? resolveEndpoints(emptyEnv, { value: region, source: 'model region' })[kind].value : configured;
  }
}
