/**
 * The configuration as Claude Code would resolve it, but tolerant: where `resolveRoutePlan`
 * stops at the first problem, this records each problem and carries on with the rest, so doctor
 * can report a bad service tier, a malformed settings file and a wrong pin in one run. Nothing
 * here touches the network; it reads the settings and AWS config files only.
 */
import type { Env } from '../internal/read-env.js';
import { planCredentials, type AwsCredentialPlan } from '../aws/credential-plan.js';
import { resolveRegion, type RegionResolution } from '../aws/region.js';
import { resolveModelName, resolveModels, type ModelNameContext, type ModelResolution, type ModelResolutionInput } from '../models/resolve-model.js';
import { resolveEndpoints } from '../routing/endpoints.js';
import { parseCustomHeaders, resolveServiceTier, type CustomHeadersResolution } from '../routing/headers.js';
import { labelFor, resolveProviders } from '../routing/provider.js';
import type { EnvLookup, ProviderSelection, ResolvedModel, RoutePlan, RouteWarning, Sourced } from '../routing/types.js';
import { createEnvLookup, type EffectiveEnv } from '../settings/effective-env.js';
import { loadSettings, type LoadedSettings } from '../settings/load-settings.js';
import { attempt, attemptAsync, toErrorFact, type Attempt, type ErrorFact } from './types.js';

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
}

export type SelectionKind = 'main' | 'small-fast' | 'tier' | 'override' | 'subagent' | 'allowlist';

/**
 * One model the configuration can send requests to, and how it resolved. Doctor checks each;
 * `iam-policy --scope configured` grants exactly these.
 */
export interface Selection {
  /** `main`, `small-fast`, `tier:opus`, `override:claude-opus-4-7`, `subagent`, `allowlist:2`. */
  readonly id: string;
  readonly kind: SelectionKind;
  /** How users know it: `main model`, `opus alias`, `modelOverrides["claude-opus-4-7"]`. */
  readonly label: string;
  /** The name resolved: an alias, a first-party ID, the configured ID. */
  readonly name: string;
  /** The value exactly as configured and where, e.g. the pin; undefined for built-in defaults. */
  readonly configured: Sourced<string> | undefined;
  readonly resolved: ResolvedModel | undefined;
  readonly warnings: readonly RouteWarning[];
  readonly error: ErrorFact | undefined;
}

export interface ProviderFacts {
  /** What the switches select; when they select nothing cc-bedrock serves, Bedrock is assumed so the rest can be checked. */
  readonly value: ProviderSelection;
  readonly assumed: boolean;
  readonly warnings: readonly RouteWarning[];
  readonly error: ErrorFact | undefined;
}

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
   * A route plan assembled from the parts that resolved (an invalid tier left out, an invalid
   * header block left empty): what probes are sent with. Undefined when no model or credential
   * plan could be resolved at all.
   */
  readonly plan: RoutePlan | undefined;
}

const TIERS = ['opus', 'sonnet', 'haiku', 'fable'] as const;
const BASE_URL_VARIABLES = ['ANTHROPIC_BEDROCK_BASE_URL', 'ANTHROPIC_BEDROCK_MANTLE_BASE_URL'] as const;

function emptyLookupWithout(env: EnvLookup, hidden: ReadonlySet<string>): EnvLookup {
  return { get: (name) => (hidden.has(name) ? undefined : env.get(name)) };
}

/** Endpoints with every malformed base URL reported and replaced by the region default. */
function inspectEndpoints(env: EnvLookup, region: Sourced<string>): ConfigurationSnapshot['endpoints'] {
  const errors: ErrorFact[] = [];
  const broken = new Set<string>();
  for (const variable of BASE_URL_VARIABLES) {
    const only: EnvLookup = { get: (name) => (name === variable ? env.get(name) : undefined) };
    const tried = attempt(() => resolveEndpoints(only, region));
    if (!tried.ok) {
      errors.push(tried.error);
      broken.add(variable);
    }
  }
  return { value: resolveEndpoints(emptyLookupWithout(env, broken), region), errors };
}

function inspectProviders(env: EnvLookup): ProviderFacts {
  try {
    const { providers, warnings } = resolveProviders(env);
    return { value: providers, assumed: false, warnings, error: undefined };
  } catch (error) {
    return {
      value: { bedrock: true, mantle: false, label: labelFor(true, false), source: 'assumed by doctor (no Bedrock switch is on)' },
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

function resolveSelection(
  base: Omit<Selection, 'resolved' | 'warnings' | 'error'>,
  context: ModelNameContext,
): Selection {
  try {
    const { model, warnings } = resolveModelName(base.name, context);
    return { ...base, resolved: model, warnings, error: undefined };
  } catch (error) {
    return { ...base, resolved: undefined, warnings: [], error: toErrorFact(error) };
  }
}

/** Which selection and origin text `resolveModels` uses for the main role (kept in step with it). */
function mainSelection(
  env: EnvLookup,
  modelFlag: string | undefined,
  settingsModel: Sourced<string> | undefined,
): { name: string; origin: string; configured: Sourced<string> | undefined } {
  const flag = modelFlag?.trim();
  if (flag) return { name: flag, origin: '--model flag', configured: { value: flag, source: '--model flag' } };
  const envModel = env.get('ANTHROPIC_MODEL');
  if (envModel) {
    return { name: envModel.value, origin: `ANTHROPIC_MODEL (${envModel.source})`, configured: { value: envModel.value, source: `ANTHROPIC_MODEL (${envModel.source})` } };
  }
  const setting = settingsModel?.value.trim();
  if (setting && settingsModel) {
    return { name: setting, origin: `model setting (${settingsModel.source})`, configured: { value: setting, source: `model setting (${settingsModel.source})` } };
  }
  return { name: 'default', origin: 'built-in default', configured: undefined };
}

function collectSelections(
  input: ModelResolutionInput,
  models: Attempt<ModelResolution>,
  main: ReturnType<typeof mainSelection>,
  settings: LoadedSettings | undefined,
): Selection[] {
  const { env } = input;
  const out: Selection[] = [];
  out.push(
    resolveSelection(
      { id: 'main', kind: 'main', label: 'main model', name: main.name, configured: main.configured },
      { ...input, origin: main.origin },
    ),
  );

  const haikuVariable = env.get('ANTHROPIC_DEFAULT_HAIKU_MODEL') ? 'ANTHROPIC_DEFAULT_HAIKU_MODEL' : 'ANTHROPIC_SMALL_FAST_MODEL';
  const haikuPin = env.get(haikuVariable);
  // With a Haiku pin the background model is that pin: the same configured value as the haiku
  // alias, so checks that report configured values report it once.
  const smallFastConfigured = haikuPin ? { value: haikuPin.value, source: `${haikuVariable} (${haikuPin.source})` } : undefined;
  if (models.ok) {
    out.push({
      id: 'small-fast',
      kind: 'small-fast',
      label: 'small/fast (background) model',
      name: models.value.smallFast.requested,
      configured: smallFastConfigured,
      resolved: models.value.smallFast,
      warnings: [],
      error: undefined,
    });
  } else if (haikuPin) {
    out.push(
      resolveSelection(
        { id: 'small-fast', kind: 'small-fast', label: 'small/fast (background) model', name: haikuPin.value, configured: smallFastConfigured },
        { ...input, role: 'smallFast', origin: `${haikuVariable} pin (${haikuPin.source})` },
      ),
    );
  }

  for (const tier of TIERS) {
    const variable = `ANTHROPIC_DEFAULT_${tier.toUpperCase()}_MODEL`;
    const pin = env.get(variable);
    // Fable is never a default; its unpinned built-in is only worth checking when someone pins it.
    if (tier === 'fable' && !pin) continue;
    out.push(
      resolveSelection(
        {
          id: `tier:${tier}`,
          kind: 'tier',
          label: `${tier} alias`,
          name: tier,
          configured: pin ? { value: pin.value, source: `${variable} (${pin.source})` } : undefined,
        },
        { ...input, origin: `${tier} alias` },
      ),
    );
  }

  for (const [key, value] of Object.entries(input.modelOverrides)) {
    out.push(
      resolveSelection(
        {
          id: `override:${key}`,
          kind: 'override',
          label: `modelOverrides["${key}"]`,
          name: key,
          configured: { value, source: `modelOverrides["${key}"] (${settings?.originOf(`modelOverrides.${key}`) ?? 'settings'})` },
        },
        { ...input, origin: `modelOverrides["${key}"]` },
      ),
    );
  }

  const subagent = env.get('CLAUDE_CODE_SUBAGENT_MODEL');
  if (subagent && subagent.value.toLowerCase() !== 'inherit') {
    out.push(
      resolveSelection(
        {
          id: 'subagent',
          kind: 'subagent',
          label: 'subagent model',
          name: subagent.value,
          configured: { value: subagent.value, source: `CLAUDE_CODE_SUBAGENT_MODEL (${subagent.source})` },
        },
        { ...input, origin: `CLAUDE_CODE_SUBAGENT_MODEL (${subagent.source})` },
      ),
    );
  }

  const list = input.availableModels;
  list?.value.forEach((entry, index) => {
    if (!entry.trim() || entry.trim().toLowerCase() === 'default') return;
    out.push(
      resolveSelection(
        {
          id: `allowlist:${index}`,
          kind: 'allowlist',
          label: `availableModels[${index}]`,
          name: entry.trim(),
          configured: { value: entry, source: `availableModels[${index}] (${list.source})` },
        },
        { ...input, origin: `availableModels[${index}] (${list.source})` },
      ),
    );
  });
  return out;
}

/** Resolves everything `resolveRoutePlan` resolves, recording each failure instead of stopping. */
export async function inspectConfiguration(options: InspectOptions): Promise<ConfigurationSnapshot> {
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
  } catch (error) {
    settingsError = toErrorFact(error);
  }
  const envLookup = createEnvLookup(options.env, settings);
  const providers = inspectProviders(envLookup);
  const region = await resolveRegion({ env: envLookup, homeDir: options.homeDir });
  const endpoints = inspectEndpoints(envLookup, region.region);
  const serviceTier = attempt(() => resolveServiceTier(envLookup));
  const customHeaders = attempt(() => parseCustomHeaders(envLookup));

  const merged = settings?.merged ?? {};
  const modelOverrides: Record<string, string> = { ...(merged.modelOverrides ?? {}) };
  const availableModels = sourcedSetting(settings, 'availableModels', merged.availableModels);
  const settingsModel = sourcedSetting(settings, 'model', merged.model);
  const input: ModelResolutionInput = {
    env: envLookup,
    modelFlag: options.modelFlag,
    settingsModel,
    modelOverrides,
    availableModels,
    availableModelsManaged: settings?.originScopeOf('availableModels') === 'managed',
    enforceAvailableModels: merged.enforceAvailableModels === true,
    providers: { bedrock: providers.value.bedrock, mantle: providers.value.mantle },
    region: region.region,
    mantleBaseUrlOverridden: envLookup.get('ANTHROPIC_BEDROCK_MANTLE_BASE_URL') !== undefined,
  };
  const models = attempt(() => resolveModels(input));
  const selections = collectSelections(input, models, mainSelection(envLookup, options.modelFlag, settingsModel), settings);

  const awsAuthRefresh = sourcedSetting(settings, 'awsAuthRefresh', merged.awsAuthRefresh);
  const awsCredentialExport = sourcedSetting(settings, 'awsCredentialExport', merged.awsCredentialExport);
  const credentialInput = { env: envLookup, homeDir: options.homeDir, awsAuthRefresh, awsCredentialExport };
  const [bedrock, mantle] = await Promise.all([
    attemptAsync(() => planCredentials({ ...credentialInput, endpoint: 'bedrock' })),
    attemptAsync(() => planCredentials({ ...credentialInput, endpoint: 'mantle' })),
  ]);

  let roles: { main: ResolvedModel; smallFast: ResolvedModel } | undefined = models.ok
    ? { main: models.value.main, smallFast: models.value.smallFast }
    : undefined;
  if (!roles) {
    // The configured main model does not resolve; probes of the other roles still need a plan.
    const fallback = attempt(() => resolveModelName('default', { ...input, origin: 'built-in default (doctor fallback)' }).model);
    if (fallback.ok) roles = { main: fallback.value, smallFast: { ...fallback.value, role: 'smallFast' } };
  }
  const plan: RoutePlan | undefined =
    roles && bedrock.ok && mantle.ok
      ? {
          providers: providers.value,
          region: region.region,
          endpoints: endpoints.value,
          models: roles,
          serviceTier: serviceTier.ok ? serviceTier.value : undefined,
          customHeaders: customHeaders.ok ? customHeaders.value.headers : [],
          credentials: { bedrock: bedrock.value, mantle: mantle.value },
          availableModels,
          modelOverrides,
          warnings: [],
        }
      : undefined;

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
  };
}
