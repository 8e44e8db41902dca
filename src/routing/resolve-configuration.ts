/**
 * The one resolver: settings + env → everything a session, `status`, `doctor`, `iam-policy`,
 * `models`, `setup` and the gateway need to know about the configuration. It records each part's
 * problem and carries on with the rest (so doctor can report a bad service tier, a malformed
 * settings file and a wrong pin in one run, and status can still show what did resolve);
 * `resolveRoutePlan` is this with the first problem thrown. Nothing here touches the network; it
 * reads the settings and AWS config files only.
 */
import type { Env } from '../core/read-env.js';
import { planCredentials, type AwsCredentialPlan } from '../aws/credential-plan.js';
import { resolveRegion, type RegionResolution } from '../aws/region.js';
import { resolveModelName, resolveModels, type ModelResolution, type ModelResolutionInput } from '../models/resolve-model.js';
import { collectSelections, mainSelection, type Selection } from './selections.js';

export type { Selection, SelectionKind } from './selections.js';
import { resolveEndpoints } from './endpoints.js';
import { parseCustomHeaders, resolveServiceTier, type CustomHeadersResolution } from './headers.js';
import { labelFor, resolveProviders } from './provider.js';
import type { CredentialPlan, EnvLookup, ProviderSelection, ResolvedModel, RoutePlan, RouteWarning, Sourced } from '../core/route-plan.js';
import { createEnvLookup, type EffectiveEnv } from '../settings/effective-env.js';
import { loadSettings, type LoadedSettings } from '../settings/load-settings.js';
import { isVarSet } from '../settings/read-var.js';
import { attempt, attemptAsync, toErrorFact, type Attempt, type ErrorFact } from '../core/attempt.js';

/** The inputs of `resolveConfiguration`; `mode` chooses between collecting every problem and throwing the first. */
export interface InspectOptions {
  /** The process environment; settings `env` blocks are layered over it. */
  readonly env: Env;
  readonly homeDir: string;
  readonly cwd: string;
  readonly platform: NodeJS.Platform;
  /** `--model`. */
  readonly modelFlag?: string | undefined;
  /** `--settings <file-or-json>`. */
  readonly settingsFlag?: string | undefined;
  /** System inference-profile IDs from ListInferenceProfiles, when discovery has run. */
  readonly discoveredProfileIds?: readonly string[] | undefined;
  /**
   * `collect` (the default): every part that fails is recorded in `problems` and the rest still
   * resolves (doctor, status, iam-policy, models). `first-error`: the first problem is thrown,
   * exactly as the part raised it (sessions, `-p`, chat, the gateway: `resolveRoutePlan`).
   */
  readonly mode?: 'collect' | 'first-error';
}

/** The parts of a route plan that can fail on their own, in the order a session meets them. */
export type PlanPart =
  | 'settings'
  | 'provider'
  | 'endpoints'
  | 'serviceTier'
  | 'customHeaders'
  | 'models.main'
  | 'models.smallFast'
  | 'credentials.bedrock'
  | 'credentials.mantle';

/** One part of the plan that did not resolve; the plan shows a stand-in for it. */
export interface PlanProblem {
  readonly part: PlanPart;
  readonly error: ErrorFact;
  /** The thrown value itself, so the first-error mode rethrows exactly what the part threw. */
  readonly cause: unknown;
}


export interface ProviderFacts {
  /** What the switches select; when they select nothing cc-bedrock serves, Bedrock is assumed so the rest can be checked. */
  readonly value: ProviderSelection;
  readonly assumed: boolean;
  readonly warnings: readonly RouteWarning[];
  readonly error: ErrorFact | undefined;
}

/** What `resolveConfiguration` returns: the plan as far as it resolves, the settings read, and every problem found. */
export interface ConfigurationSnapshot {
  /** Undefined only when the settings loader itself failed (a bug); then `settingsError` says why. */
  readonly settings: LoadedSettings | undefined;
  readonly settingsError: ErrorFact | undefined;
  readonly envLookup: EffectiveEnv;
  /** Settings env over the process env: what subprocesses (credential commands) see. */
  readonly effectiveEnv: Record<string, string>;
  readonly providers: ProviderFacts;
  readonly region: RegionResolution;
  readonly endpoints: { readonly value: RoutePlan['endpoints']; readonly errors: readonly ErrorFact[] };
  readonly serviceTier: Attempt<RoutePlan['serviceTier']>;
  readonly customHeaders: Attempt<CustomHeadersResolution>;
  readonly availableModels: Sourced<readonly string[]> | undefined;
  readonly modelOverrides: Readonly<Record<string, string>>;
  readonly models: Attempt<ModelResolution>;
  readonly selections: readonly Selection[];
  readonly credentials: { readonly bedrock: Attempt<AwsCredentialPlan>; readonly mantle: Attempt<AwsCredentialPlan> };
  /**
   * The route plan assembled from the parts that resolved; each part that did not is listed in
   * `problems` and stands in as: an invalid tier left out, an invalid header block left empty, a
   * model that does not resolve replaced by the built-in default (the small/fast role by the main
   * model), a credential plan that does not resolve by the default chain. Undefined only when not
   * even the built-in default model resolves.
   */
  readonly plan: RoutePlan | undefined;
  /** Every part that did not resolve, in session order: empty means a session starts with `plan`. */
  readonly problems: readonly PlanProblem[];
}

const BASE_URL_VARIABLES = ['ANTHROPIC_BEDROCK_BASE_URL', 'ANTHROPIC_BEDROCK_MANTLE_BASE_URL'] as const;

function emptyLookupWithout(env: EnvLookup, hidden: ReadonlySet<string>): EnvLookup {
  return { get: (name) => (hidden.has(name) ? undefined : env.get(name)) };
}

/** Endpoints with every malformed base URL reported and replaced by the region default. */
function inspectEndpoints(env: EnvLookup, region: Sourced<string>, problems: PlanProblem[]): ConfigurationSnapshot['endpoints'] {
  const errors: ErrorFact[] = [];
  const broken = new Set<string>();
  for (const variable of BASE_URL_VARIABLES) {
    const only: EnvLookup = { get: (name) => (name === variable ? env.get(name) : undefined) };
    const tried = attempt(() => resolveEndpoints(only, region));
    if (!tried.ok) {
      errors.push(tried.error);
      problems.push({ part: 'endpoints', error: tried.error, cause: tried.cause });
      broken.add(variable);
    }
  }
  return { value: resolveEndpoints(emptyLookupWithout(env, broken), region), errors };
}

function inspectProviders(env: EnvLookup, problems: PlanProblem[]): ProviderFacts {
  try {
    const { providers, warnings } = resolveProviders(env);
    return { value: providers, assumed: false, warnings, error: undefined };
  } catch (error) {
    problems.push({ part: 'provider', error: toErrorFact(error), cause: error });
    return {
      value: { bedrock: true, mantle: false, label: labelFor(true, false), source: 'assumed (no Bedrock switch is on), so the rest can be checked' },
      assumed: true,
      warnings: [],
      error: toErrorFact(error),
    };
  }
}

function sourcedSetting<T>(settings: LoadedSettings | undefined, key: string, value: T | undefined): Sourced<T> | undefined {
  if (value === undefined) return undefined;
  return { value, source: settings?.originOf(key) ?? 'settings' };
}


/** The managed source's own `modelOverrides` (spec §3.3), undefined when no managed file has any. */
function managedOverridesOf(settings: LoadedSettings | undefined): Record<string, string> | undefined {
  const managed = (settings?.files ?? []).filter((file) => file.scope === 'managed' && file.settings?.modelOverrides);
  return managed.length ? (Object.assign({}, ...managed.map((file) => file.settings?.modelOverrides)) as Record<string, string>) : undefined;
}

/** Stands in for a credential plan that does not resolve, so the rest of the plan can be shown. */
function unresolvedCredentials(error: ErrorFact): CredentialPlan {
  return { kind: 'default-chain', source: `not resolved: ${error.message}`, detail: '', profile: undefined, authRefresh: undefined, credentialExport: undefined };
}

const CONTEXT_ROLES = new Set(['main', 'small-fast']);

/**
 * Resolves the whole configuration, recording each part that fails (`problems`) instead of
 * stopping. Every command resolves through here: sessions and the gateway via `resolveRoutePlan`
 * (the first problem thrown), doctor, status, `iam-policy` and `models` directly.
 */
export async function resolveConfiguration(options: InspectOptions): Promise<ConfigurationSnapshot> {
  const problems: PlanProblem[] = [];
  let settings: LoadedSettings | undefined;
  let settingsError: ErrorFact | undefined;
  try {
    settings = loadSettings({
      homeDir: options.homeDir,
      cwd: options.cwd,
      platform: options.platform,
      env: options.env,
      settingsFlag: options.settingsFlag,
      collectErrors: true,
    });
    for (const file of settings.files) for (const error of file.errors) problems.push({ part: 'settings', error: toErrorFact(error), cause: error });
  } catch (error) {
    settingsError = toErrorFact(error);
    problems.push({ part: 'settings', error: settingsError, cause: error });
  }
  const envLookup = createEnvLookup(options.env, settings);
  const providers = inspectProviders(envLookup, problems);
  const region = await resolveRegion({ env: envLookup, homeDir: options.homeDir });
  const endpoints = inspectEndpoints(envLookup, region.region, problems);
  const serviceTier = attempt(() => resolveServiceTier(envLookup));
  if (!serviceTier.ok) problems.push({ part: 'serviceTier', error: serviceTier.error, cause: serviceTier.cause });
  const customHeaders = attempt(() => parseCustomHeaders(envLookup));
  if (!customHeaders.ok) problems.push({ part: 'customHeaders', error: customHeaders.error, cause: customHeaders.cause });

  const merged = settings?.merged ?? {};
  const modelOverrides: Record<string, string> = { ...(merged.modelOverrides ?? {}) };
  const availableModels = sourcedSetting(settings, 'availableModels', merged.availableModels);
  const settingsModel = sourcedSetting(settings, 'model', merged.model);
  const managedModelOverrides = managedOverridesOf(settings);
  const availableModelsManaged = settings?.originScopeOf('availableModels') === 'managed';
  const enforceAvailableModels = merged.enforceAvailableModels === true;
  const input: ModelResolutionInput = {
    env: envLookup,
    modelFlag: options.modelFlag,
    settingsModel,
    modelOverrides,
    ...(managedModelOverrides ? { managedModelOverrides } : {}),
    availableModels,
    availableModelsManaged,
    enforceAvailableModels,
    providers: { bedrock: providers.value.bedrock, mantle: providers.value.mantle },
    region: region.region,
    mantleBaseUrlOverridden: isVarSet(envLookup, 'ANTHROPIC_BEDROCK_MANTLE_BASE_URL'),
    ...(options.discoveredProfileIds ? { discoveredProfileIds: options.discoveredProfileIds } : {}),
  };
  const models = attempt(() => resolveModels(input));
  const selections = collectSelections(input, models, mainSelection(envLookup, options.modelFlag, settingsModel), settings);

  const mainSelected = selections.find((selection) => selection.id === 'main');
  let roles: { main: ResolvedModel; smallFast: ResolvedModel } | undefined;
  if (models.ok) {
    roles = { main: models.value.main, smallFast: models.value.smallFast };
  } else {
    problems.push({ part: mainSelected?.error ? 'models.main' : 'models.smallFast', error: models.error, cause: models.cause });
    const fallback = attempt(() => resolveModelName('default', { ...input, origin: 'built-in default (the configured model does not resolve)' }).model);
    const main = mainSelected?.resolved ?? (fallback.ok ? fallback.value : undefined);
    const smallFast = selections.find((selection) => selection.id === 'small-fast')?.resolved;
    if (main) roles = { main, smallFast: smallFast && !mainSelected?.error ? smallFast : { ...main, role: 'smallFast' } };
  }

  const awsAuthRefresh = sourcedSetting(settings, 'awsAuthRefresh', merged.awsAuthRefresh);
  const awsCredentialExport = sourcedSetting(settings, 'awsCredentialExport', merged.awsCredentialExport);
  const credentialInput = { env: envLookup, homeDir: options.homeDir, awsAuthRefresh, awsCredentialExport };
  const [bedrock, mantle] = await Promise.all([
    attemptAsync(() => planCredentials({ ...credentialInput, endpoint: 'bedrock' })),
    attemptAsync(() => planCredentials({ ...credentialInput, endpoint: 'mantle' })),
  ]);
  if (!bedrock.ok) problems.push({ part: 'credentials.bedrock', error: bedrock.error, cause: bedrock.cause });
  if (!mantle.ok) problems.push({ part: 'credentials.mantle', error: mantle.error, cause: mantle.cause });

  const tier = serviceTier.ok ? serviceTier.value : undefined;
  const warnings: RouteWarning[] = [
    ...(settings?.warnings ?? []),
    ...providers.warnings,
    ...region.warnings,
    ...(customHeaders.ok ? customHeaders.value.warnings : []),
  ];
  if (tier && !providers.value.bedrock) {
    warnings.push({
      code: 'service-tier-mantle',
      message: `${tier.source} is set but only Mantle is enabled; Mantle takes no service tier, so the header is not sent`,
      fix: 'unset ANTHROPIC_BEDROCK_SERVICE_TIER, or enable the Invoke API with CLAUDE_CODE_USE_BEDROCK=1',
    });
  }
  warnings.push(...(models.ok ? models.value.warnings : selections.filter((selection) => CONTEXT_ROLES.has(selection.id)).flatMap((selection) => selection.warnings)));

  const plan: RoutePlan | undefined = roles
    ? {
        providers: providers.value,
        region: region.region,
        endpoints: endpoints.value,
        models: roles,
        serviceTier: tier,
        customHeaders: customHeaders.ok ? customHeaders.value.headers : [],
        credentials: {
          bedrock: bedrock.ok ? bedrock.value : unresolvedCredentials(bedrock.error),
          mantle: mantle.ok ? mantle.value : unresolvedCredentials(mantle.error),
        },
        availableModels,
        modelOverrides,
        ...(managedModelOverrides ? { managedModelOverrides } : {}),
        availableModelsManaged,
        enforceAvailableModels,
        warnings,
      }
    : undefined;

  const first = problems[0];
  if (options.mode === 'first-error' && first) throw first.cause;
  return {
    settings,
    settingsError,
    envLookup,
    effectiveEnv: envLookup.effectiveEnv(),
    providers,
    region,
    endpoints,
    serviceTier,
    customHeaders,
    availableModels,
    modelOverrides,
    models,
    selections,
    credentials: { bedrock, mantle },
    plan,
    problems,
  };
}
