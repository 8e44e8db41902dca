/**
 * Model resolution: which model ID each role (main, small/fast) sends, to which endpoint, and
 * why. Pure: everything comes in through `ModelResolutionInput`; all model facts come from the
 * catalog. Follows Claude Code as of the seed (reference-behaviour.md "Resolution"), with the
 * documented improvements: first-party names resolve through `modelOverrides` or the catalog,
 * `[1m]` is refused on models without 1M, `availableModels` is enforced everywhere.
 */
import { CcBedrockError } from '../core/errors.js';
import type { EndpointKind, EnvLookup, ModelRole, ResolvedModel, RoutePlan, RouteWarning, Sourced } from '../core/route-plan.js';
import { readRegionVar, readSwitchReading } from '../settings/read-var.js';
import {
  BUILT_IN_DEFAULTS,
  CONTEXT_1M_BETA,
  MODEL_CATALOG,
  GEO_INFO,
  GEO_PREFIXES,
  MODEL_FAMILIES,
  findModelById,
  geoForRegion,
  geoServesRegion,
  familyOfId,
  hasProfileIn,
  isMantleFormat,
  modelsWith1m,
  parseBedrockArn,
  parseGeoPrefix,
  requireModel,
  strip1m,
  versionPrefixMatches,
  type CatalogModel,
  type GeoPrefix,
  type ModelFamily,
  type ModelTier,
} from './model-catalog.js';

export { isMantleFormat } from './model-catalog.js';

/** The inputs of `resolveModels` and `planNameContext`: the effective environment, and where warnings are collected. */
export interface ModelResolutionInput {
  /** Effective variables (settings `env` over the process environment). */
  readonly env: EnvLookup;
  /** `--model`. */
  readonly modelFlag?: string;
  /** The merged `model` setting and the file it came from. */
  readonly settingsModel?: Sourced<string>;
  /** Merged `modelOverrides`: Anthropic model ID → provider ID, sent as-is. */
  readonly modelOverrides: Readonly<Record<string, string>>;
  /** Where `modelOverrides` came from, for rule text: `~/.claude/settings.json`. */
  readonly modelOverridesOrigin?: string;
  /**
   * The `modelOverrides` of the managed source alone. When `availableModels` is managed and this
   * is given, first-party IDs passed directly (`--model`, `ANTHROPIC_MODEL`, `model`, pins) and the
   * enforced default resolve through these only (spec §3.3), so users cannot re-point an
   * allowed version at an arbitrary provider ID.
   */
  readonly managedModelOverrides?: Readonly<Record<string, string>>;
  readonly availableModels?: Sourced<readonly string[]>;
  readonly availableModelsManaged?: boolean;
  readonly enforceAvailableModels?: boolean;
  /** Which endpoints are on. Neither on is treated as Bedrock (the plan is still explained). */
  readonly providers: { readonly bedrock: boolean; readonly mantle: boolean };
  /** The resolved session region. */
  readonly region: Sourced<string>;
  /**
   * Region for the small/fast role, when the caller has computed it. When omitted it is read from
   * `ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION`. Either way it applies only when a Haiku pin
   * (`ANTHROPIC_DEFAULT_HAIKU_MODEL`, deprecated `ANTHROPIC_SMALL_FAST_MODEL`) is set.
   */
  readonly smallFastRegion?: Sourced<string>;
  /** `ANTHROPIC_BEDROCK_MANTLE_BASE_URL` is set: a gateway may accept IDs Mantle itself doesn't. */
  readonly mantleBaseUrlOverridden: boolean;
  /** System inference-profile IDs from ListInferenceProfiles in `region`, when discovery has run. */
  readonly discoveredProfileIds?: readonly string[];
}

export interface ModelResolution {
  readonly main: ResolvedModel;
  readonly smallFast: ResolvedModel;
  readonly warnings: RouteWarning[];
}

/** The inputs of `resolveModelName`, usually built from a plan by `planNameContext`. */
export interface ModelNameContext extends ModelResolutionInput {
  /** Where the name came from, for rules and errors: `/model`, `gateway request body`. Default `requested name`. */
  readonly origin?: string;
  /** Default `main`. `smallFast` resolves in the small/fast region. */
  readonly role?: ModelRole;
}

export interface ModelNameResolution {
  readonly model: ResolvedModel;
  readonly warnings: RouteWarning[];
}

const TIERS: readonly ModelTier[] = ['opus', 'sonnet', 'haiku', 'fable'];
const HAIKU_PIN = 'ANTHROPIC_DEFAULT_HAIKU_MODEL';
const DEPRECATED_HAIKU_PIN = 'ANTHROPIC_SMALL_FAST_MODEL';
const SMALL_FAST_REGION = 'ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION';
const REGION_PREFIX = 'ANTHROPIC_BEDROCK_REGION_PREFIX';
const VALID_REGION_PREFIXES: readonly GeoPrefix[] = ['us', 'eu', 'apac', 'jp', 'au', 'global'];

interface Scope {
  readonly input: ModelResolutionInput;
  readonly role: ModelRole;
  readonly region: Sourced<string>;
  readonly geo: GeoPrefix;
  /** Why this geo: `region eu-west-1 (AWS_REGION from shell env)`. */
  readonly geoReason: string;
  /** Discovery applies only to the region it ran in. */
  readonly discovery: readonly string[] | undefined;
  readonly mantleOnly: boolean;
  readonly mantleOn: boolean;
  /** Use only the managed overrides for every lookup (the enforced default under a managed allowlist). */
  readonly managedOverridesOnly: boolean;
  readonly warnings: RouteWarning[];
}

/** A resolution before `[1m]`, lifecycle and allowlist are applied. */
interface Draft {
  wireModelId: string;
  endpoint: EndpointKind;
  model: CatalogModel | undefined;
  /** The family of the alias that led here, for allowlist matching of opaque pins. */
  aliasFamily: ModelFamily | undefined;
  rule: string;
  discoverable: boolean;
  want1m: boolean;
  /** Which setting asked for `[1m]` (`ANTHROPIC_DEFAULT_HAIKU_MODEL pin (shell env)`), for errors naming it. */
  want1mFrom?: string;
}

// ---------------------------------------------------------------------------------------------
// Public API

/** Resolves the main and small/fast models of a session. Throws CcBedrockError for hard errors. */
export function resolveModels(input: ModelResolutionInput): ModelResolution {
  const warnings: RouteWarning[] = [];
  const mainScope = createScope(input, 'main', input.region, warnings);
  const main = resolveMain(mainScope);
  const smallFast = resolveSmallFast(input, main, warnings);
  return { main, smallFast, warnings: dedupe(warnings) };
}

/**
 * Resolves one requested name (alias, first-party ID, provider ID, ARN, `default`) exactly as
 * a `--model` selection would be: what the gateway and `/model` use. `availableModels` applies.
 */
export function resolveModelName(name: string, context: ModelNameContext): ModelNameResolution {
  const warnings: RouteWarning[] = [];
  const role = context.role ?? 'main';
  const region = role === 'smallFast' ? smallFastRegionFor(context, true, warnings) : context.region;
  const scope = createScope(context, role, region, warnings);
  const origin = context.origin ?? 'requested name';
  const bare = strip1m(name).id.toLowerCase();
  const model = bare === 'default' ? resolveDefaultSelection(scope, origin, name) : resolveSelected(name, origin, scope);
  return { model, warnings: dedupe(warnings) };
}

/**
 * The context that resolves a name exactly as `plan` resolved its roles: `/model`, the client,
 * discovery and the gateway all build it here, so none of them forgets the managed overrides or
 * the allowlist flags.
 */
export function planNameContext(
  plan: RoutePlan,
  env: EnvLookup,
  extra: { readonly origin: string; readonly discoveredProfileIds?: readonly string[] | undefined; readonly providers?: ModelResolutionInput['providers'] },
): ModelNameContext {
  return {
    env,
    modelOverrides: plan.modelOverrides,
    ...(plan.managedModelOverrides ? { managedModelOverrides: plan.managedModelOverrides } : {}),
    ...(plan.availableModels ? { availableModels: plan.availableModels } : {}),
    ...(plan.availableModelsManaged ? { availableModelsManaged: true } : {}),
    ...(plan.enforceAvailableModels ? { enforceAvailableModels: true } : {}),
    providers: extra.providers ?? { bedrock: plan.providers.bedrock, mantle: plan.providers.mantle },
    region: plan.region,
    mantleBaseUrlOverridden: plan.endpoints.mantle.source.includes('ANTHROPIC_BEDROCK_MANTLE_BASE_URL'),
    ...(extra.discoveredProfileIds ? { discoveredProfileIds: extra.discoveredProfileIds } : {}),
    origin: extra.origin,
  };
}

/**
 * The settings that decide what a first-party name or alias is sent as, for errors about a model
 * the account cannot use: the alias's pin variable (`ANTHROPIC_DEFAULT_SONNET_MODEL`) and, for a
 * first-party model ID, the `modelOverrides` key. Undefined for provider IDs and ARNs, which
 * are pins already.
 */
export function pinSettingsFor(name: string): { variable: string; overrideKey: string | undefined } | undefined {
  const bare = strip1m(name).id.toLowerCase();
  if (isTierName(bare)) return { variable: `ANTHROPIC_DEFAULT_${bare.toUpperCase()}_MODEL`, overrideKey: undefined };
  const model = findModelById(bare);
  if (!model || (model.key !== bare && !model.anthropicIds.includes(bare))) return undefined;
  return { variable: `ANTHROPIC_DEFAULT_${model.family.toUpperCase()}_MODEL`, overrideKey: bare };
}

// ---------------------------------------------------------------------------------------------
// Roles

function resolveMain(scope: Scope): ResolvedModel {
  const { input } = scope;
  const selection = pickSelection(input);
  if (selection && strip1m(selection.name).id.toLowerCase() !== 'default') {
    return resolveSelected(selection.name, selection.origin, scope);
  }
  return resolveDefaultSelection(scope, selection?.origin ?? 'built-in default', selection?.name ?? 'default');
}

function pickSelection(input: ModelResolutionInput): { name: string; origin: string } | undefined {
  const flag = input.modelFlag?.trim();
  if (flag) return { name: flag, origin: '--model flag' };
  const envModel = input.env.get('ANTHROPIC_MODEL');
  if (envModel) return { name: envModel.value, origin: `ANTHROPIC_MODEL (${envModel.source})` };
  const setting = input.settingsModel;
  if (setting && setting.value.trim()) return { name: setting.value.trim(), origin: `model setting (${setting.source})` };
  return undefined;
}

/** A named selection: resolved, then checked against `availableModels`. */
function resolveSelected(name: string, origin: string, scope: Scope): ResolvedModel {
  const draft = resolveName(name, origin, scope);
  assertAllowed(name, origin, draft, scope);
  return finish(name, draft, scope);
}

/** The default: never blocked by `availableModels`; with `enforceAvailableModels`, its first usable entry. */
function resolveDefaultSelection(scope: Scope, origin: string, requested: string): ResolvedModel {
  const { input } = scope;
  const list = input.availableModels;
  if (input.enforceAvailableModels && list) {
    const enforcedScope: Scope = {
      ...scope,
      managedOverridesOnly: input.availableModelsManaged === true && input.managedModelOverrides !== undefined,
    };
    const skipped: string[] = [];
    for (const [index, entry] of list.value.entries()) {
      if (strip1m(entry).id.toLowerCase() === 'default' || !entry.trim()) continue;
      const entryOrigin = `availableModels[${index}] "${entry}" (enforceAvailableModels, ${list.source})`;
      const trial: RouteWarning[] = [];
      try {
        const trialScope = { ...enforcedScope, warnings: trial };
        const draft = resolveName(entry, entryOrigin, trialScope);
        if (!isAllowed(list.value, entry, draft)) {
          skipped.push(`"${entry}" (its model is excluded by a more specific entry)`);
          continue;
        }
        const resolved = finish(entry, draft, trialScope);
        scope.warnings.push(...trial);
        return resolved;
      } catch (error) {
        if (!(error instanceof CcBedrockError)) throw error;
        skipped.push(`"${entry}" (${error.message})`);
      }
    }
    scope.warnings.push({
      code: 'MODEL_ENFORCED_DEFAULT_UNRESOLVED',
      message:
        list.value.length === 0
          ? `enforceAvailableModels is on but availableModels (${list.source}) is empty, so the built-in default is used`
          : `enforceAvailableModels is on but no availableModels entry (${list.source}) resolves: ${skipped.join('; ')}; the built-in default is used`,
      fix: 'list at least one model the provider serves in availableModels, e.g. an alias such as "sonnet"',
    });
  }
  const draft = resolveName('default', origin, scope);
  return finish(requested, draft, scope);
}

function resolveSmallFast(input: ModelResolutionInput, main: ResolvedModel, warnings: RouteWarning[]): ResolvedModel {
  const pin = haikuPin(input.env, warnings);
  const region = smallFastRegionFor(input, pin !== undefined, warnings);
  if (!pin) {
    return {
      ...main,
      role: 'smallFast',
      rule: `same as the main model (no ${HAIKU_PIN} pin, so background tasks never need a Haiku the account may not have): ${main.rule}`,
    };
  }
  const scope = createScope(input, 'smallFast', region, warnings);
  const label = `${pin.name} pin (${pin.source})`;
  const { id, has1m } = strip1m(pin.value);
  const draft = isTierName(id)
    ? resolveTier(id.toLowerCase() as ModelTier, `${label}: ${id}`, scope, true)
    : resolveExplicit(id, label, scope);
  mark1m(draft, has1m, label);
  draft.aliasFamily = 'haiku';
  draft.discoverable = false;
  draft.rule = `small/fast role: ${draft.rule}`;
  const list = input.availableModels;
  if (list && !isAllowed(list.value, id, draft)) {
    warnings.push({
      code: 'MODEL_SMALL_FAST_NOT_ALLOWED',
      message: `${label} selects ${draft.wireModelId}, which availableModels (${list.source}) does not allow; background tasks use the main model instead`,
      fix: `add "${id}" (or "haiku") to availableModels, or unset ${pin.name}`,
    });
    return { ...main, role: 'smallFast', rule: `same as the main model (${pin.name} is not allowed by availableModels): ${main.rule}` };
  }
  return finish(pin.value, draft, scope);
}

function haikuPin(env: EnvLookup, warnings: RouteWarning[]): { name: string; value: string; source: string } | undefined {
  const current = env.get(HAIKU_PIN);
  const deprecated = env.get(DEPRECATED_HAIKU_PIN);
  if (deprecated) {
    warnings.push({
      code: 'MODEL_ENV_DEPRECATED',
      message: current
        ? `${DEPRECATED_HAIKU_PIN} (${deprecated.source}) is deprecated and ignored because ${HAIKU_PIN} is set`
        : `${DEPRECATED_HAIKU_PIN} (${deprecated.source}) is deprecated; it still selects the small/fast model`,
      fix: `rename it to ${HAIKU_PIN}`,
    });
  }
  if (current) return { name: HAIKU_PIN, value: current.value, source: current.source };
  if (deprecated) return { name: DEPRECATED_HAIKU_PIN, value: deprecated.value, source: deprecated.source };
  return undefined;
}

/**
 * `ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION` moves only the small/fast role, and only when a Haiku pin
 * is set: without one, background tasks run on the main model in the session region.
 */
function smallFastRegionFor(input: ModelResolutionInput, pinned: boolean, warnings: RouteWarning[]): Sourced<string> {
  let candidate = input.smallFastRegion;
  if (!candidate) {
    // The table's region parser: a malformed value is ignored with a MODEL_SMALL_FAST_REGION_INVALID warning.
    const fromEnv = readRegionVar(input.env, SMALL_FAST_REGION, { warn: (warning) => warnings.push(warning) });
    if (fromEnv) candidate = { value: fromEnv.value, source: `${SMALL_FAST_REGION} (${fromEnv.source})` };
  }
  if (!candidate || candidate.value === input.region.value) return input.region;
  if (!pinned) {
    warnings.push({
      code: 'MODEL_SMALL_FAST_REGION_IGNORED',
      message: `${candidate.source} sets ${candidate.value} for the small/fast model, but without ${HAIKU_PIN} background tasks run on the main model in ${input.region.value}`,
      fix: `set ${HAIKU_PIN} to a Haiku ID available in ${candidate.value}, or unset ${SMALL_FAST_REGION}`,
    });
    return input.region;
  }
  return candidate;
}

// ---------------------------------------------------------------------------------------------
// Scope: region → geo

function createScope(input: ModelResolutionInput, role: ModelRole, region: Sourced<string>, warnings: RouteWarning[]): Scope {
  const { geo, reason } = preferredGeo(input.env, region, warnings);
  return {
    input,
    role,
    region,
    geo,
    geoReason: reason,
    discovery: region.value === input.region.value ? input.discoveredProfileIds : undefined,
    mantleOnly: input.providers.mantle && !input.providers.bedrock,
    mantleOn: input.providers.mantle,
    managedOverridesOnly: false,
    warnings,
  };
}

function preferredGeo(env: EnvLookup, region: Sourced<string>, warnings: RouteWarning[]): { geo: GeoPrefix; reason: string } {
  const derived = geoForRegion(region.value);
  const derivedReason = `region ${region.value} (${region.source})`;
  const prefix = env.get(REGION_PREFIX);
  if (!prefix) return { geo: derived, reason: derivedReason };
  if (derived === 'us-gov') {
    warnings.push({
      code: 'MODEL_REGION_PREFIX_IGNORED',
      message: `${REGION_PREFIX}=${prefix.value} (${prefix.source}) is ignored in GovCloud; built-in models use us-gov. profiles`,
      fix: `unset ${REGION_PREFIX}`,
    });
    return { geo: derived, reason: derivedReason };
  }
  const wanted = prefix.value.toLowerCase().replace(/\.$/, '') as GeoPrefix;
  if (!VALID_REGION_PREFIXES.includes(wanted)) {
    warnings.push({
      code: 'MODEL_REGION_PREFIX_INVALID',
      message: `${REGION_PREFIX} (${prefix.source}) is "${prefix.value}"; valid values are ${VALID_REGION_PREFIXES.join(', ')}, so the prefix is derived from ${derivedReason}`,
      fix: `set ${REGION_PREFIX} to one of ${VALID_REGION_PREFIXES.join(', ')}, or unset it`,
    });
    return { geo: derived, reason: derivedReason };
  }
  return { geo: wanted, reason: `${REGION_PREFIX} (${prefix.source})` };
}

// ---------------------------------------------------------------------------------------------
// Names → drafts

/** Records that `[1m]` was asked for, keeping the innermost setting that asked (a pin over the alias naming it). */
function mark1m(draft: Draft, has1m: boolean, from: string): void {
  if (!has1m) return;
  draft.want1m = true;
  draft.want1mFrom ??= from;
}

function isTierName(name: string): boolean {
  return (TIERS as readonly string[]).includes(name.toLowerCase());
}

function resolveName(raw: string, origin: string, scope: Scope): Draft {
  const { id, has1m } = strip1m(raw);
  if (!id) {
    throw new CcBedrockError('MODEL_UNKNOWN', `The model name from ${origin} is empty`, {
      remediation: 'give an alias (sonnet, opus, haiku) or a Bedrock model ID, or remove the empty value',
      details: { origin },
    });
  }
  const lower = id.toLowerCase();
  let draft: Draft;
  if (lower === 'default') {
    const mode = scope.mantleOnly ? BUILT_IN_DEFAULTS.mantle : BUILT_IN_DEFAULTS.bedrock;
    draft = resolveTier(mode.defaultTier, `${origin}: default (${mode.defaultTier} tier)`, scope, false);
  } else if (lower === 'opusplan') {
    draft = resolveTier('sonnet', `${origin}: opusplan (cc-bedrock has no plan mode, so it resolves like sonnet)`, scope, false);
  } else if (isTierName(lower)) {
    draft = resolveTier(lower as ModelTier, `${origin}: ${lower}`, scope, false);
  } else {
    draft = resolveExplicit(id, origin, scope);
  }
  mark1m(draft, has1m, origin);
  return draft;
}

/** An alias: its pin, else the built-in model (through `modelOverrides`, discovery, geo prefix). */
function resolveTier(tier: ModelTier, ruleHead: string, scope: Scope, ignorePin: boolean): Draft {
  const pinName = `ANTHROPIC_DEFAULT_${tier.toUpperCase()}_MODEL`;
  const pin = ignorePin ? undefined : scope.input.env.get(pinName);
  if (pin) {
    const label = `${pinName} pin (${pin.source})`;
    const { id, has1m } = strip1m(pin.value);
    // A pin naming an alias would loop; it means the built-in model of that alias.
    const draft = isTierName(id)
      ? resolveTier(id.toLowerCase() as ModelTier, `${label}: ${id}`, scope, true)
      : resolveExplicit(id, label, scope);
    mark1m(draft, has1m, label);
    draft.aliasFamily = tier;
    draft.discoverable = false;
    draft.rule = `${ruleHead} → ${draft.rule}`;
    return draft;
  }

  const mode = scope.mantleOnly ? BUILT_IN_DEFAULTS.mantle : BUILT_IN_DEFAULTS.bedrock;
  const model = requireModel(mode.tiers[tier]);
  const override = findOverride(model, scope, undefined);
  if (override) {
    const { id, has1m } = strip1m(override.value);
    return {
      wireModelId: id,
      endpoint: endpointForOverride(id, scope),
      model,
      aliasFamily: tier,
      rule: `${ruleHead} → ${model.displayName}, mapped by modelOverrides["${override.key}"]${overridesOrigin(scope)}, sent as-is`,
      discoverable: false,
      want1m: has1m,
    };
  }

  if (scope.mantleOnly) {
    return {
      wireModelId: model.mantle!.id,
      endpoint: 'mantle',
      model,
      aliasFamily: tier,
      rule: `${ruleHead} → ${model.displayName}, Mantle built-in`,
      discoverable: true,
      want1m: false,
    };
  }

  const bedrockId = bedrockIdFor(model, scope, true);
  if (tier === 'opus' && model.key === BUILT_IN_DEFAULTS.bedrock.tiers.opus) {
    const pinTo = suggestionFor(requireModel(BUILT_IN_DEFAULTS.recommendedOpusPin), scope);
    scope.warnings.push({
      code: 'MODEL_OPUS_UNPINNED',
      message: `opus is not pinned, so it resolves to ${model.displayName} (${bedrockId.id}), not the latest Opus`,
      fix: pinTo
        ? `pin ANTHROPIC_DEFAULT_OPUS_MODEL to ${pinTo.id} (${pinTo.model.displayName}) once it is enabled in your account`
        : `pin ANTHROPIC_DEFAULT_OPUS_MODEL to an Opus inference profile listed by: ${listProfilesCommand(scope)}`,
    });
  }
  return {
    wireModelId: bedrockId.id,
    endpoint: 'bedrock',
    model,
    aliasFamily: tier,
    rule: `${ruleHead} → ${model.displayName}, ${bedrockId.note}`,
    discoverable: true,
    want1m: false,
  };
}

/** Anything that is not an alias: overrides, ARNs, Mantle IDs, profile and base IDs, first-party names, custom IDs. */
function resolveExplicit(id: string, origin: string, scope: Scope): Draft {
  const overrides = directOverrides(scope);
  if (Object.hasOwn(overrides, id)) {
    const { id: value, has1m } = strip1m(overrides[id]!);
    return {
      wireModelId: value,
      endpoint: endpointForOverride(value, scope),
      model: findModelById(id) ?? modelForOverrideValue(value, scope),
      aliasFamily: undefined,
      rule: `${origin}: ${id} → modelOverrides["${id}"]${overridesOrigin(scope)}, sent as-is`,
      discoverable: false,
      want1m: has1m,
    };
  }

  const arn = parseBedrockArn(id);
  if (arn) {
    const endpoint = scope.mantleOnly ? notOnMantle(id, origin, undefined, scope, 'an ARN') : 'bedrock';
    if (arn.region && arn.region !== scope.region.value) {
      scope.warnings.push({
        code: 'MODEL_REGION_MISMATCH',
        message: `${origin} selects an ARN in ${arn.region}, but requests go to ${scope.region.value} (${scope.region.source}); Bedrock only invokes ARNs of its own region`,
        fix: `set AWS_REGION=${arn.region}, or use the ARN of the same profile in ${scope.region.value}`,
      });
    }
    return {
      wireModelId: id,
      endpoint,
      model: findModelById(id) ?? modelForOverrideValue(id, scope),
      aliasFamily: undefined,
      rule: `${origin}: ${arn.resourceType} ARN, sent as-is`,
      discoverable: false,
      want1m: false,
    };
  }

  if (scope.mantleOn && isMantleFormat(id)) return resolveMantleId(id, origin, scope);

  const profile = parseGeoPrefix(id);
  if (profile && profile.rest.startsWith('anthropic.')) return resolveProfileId(id, profile.geo, origin, scope);

  if (id.startsWith('anthropic.')) return resolveBaseId(id, origin, scope);

  if (/^claude-/i.test(id)) return resolveFirstPartyName(id, origin, scope);

  const endpoint: EndpointKind = scope.mantleOnly ? 'mantle' : 'bedrock';
  const model = modelForOverrideValue(id, scope);
  if (!model) {
    scope.warnings.push({
      code: 'MODEL_UNRECOGNISED',
      message: `${origin} selects "${id}", which is not a model ID cc-bedrock recognises; it is sent as-is to ${endpointLabel(endpoint)}`,
      fix: `use an alias (sonnet, opus, haiku), ${exampleProfile(scope)}, or an ARN`,
    });
  }
  return {
    wireModelId: id,
    endpoint,
    model,
    aliasFamily: undefined,
    rule: `${origin}: custom model ID, sent as-is`,
    discoverable: false,
    want1m: false,
  };
}

function resolveMantleId(id: string, origin: string, scope: Scope): Draft {
  const model = findModelById(id);
  if (model && !model.mantle?.served) {
    notOnMantle(id, origin, model, scope, 'a Mantle-format ID');
  } else if (!model) {
    scope.warnings.push({
      code: 'MODEL_UNRECOGNISED',
      message: `${origin} selects ${id}, which is not in cc-bedrock's Mantle lineup; it is sent to Mantle as-is (invitation-only models are served only to granted accounts)`,
      fix: `check the ID, or use one the lineup serves, e.g. ${requireModel(BUILT_IN_DEFAULTS.mantle.tiers.opus).mantle!.id}`,
    });
  }
  return {
    wireModelId: id,
    endpoint: 'mantle',
    model,
    aliasFamily: undefined,
    rule: scope.mantleOnly
      ? `${origin}: Mantle ID, sent as-is`
      : `${origin}: Mantle-format ID, routed to Mantle (both endpoints are on)`,
    discoverable: false,
    want1m: false,
  };
}

function resolveProfileId(id: string, geo: GeoPrefix, origin: string, scope: Scope): Draft {
  const model = findModelById(id);
  const endpoint = scope.mantleOnly ? notOnMantle(id, origin, model, scope, 'an inference-profile ID') : 'bedrock';
  if (endpoint === 'bedrock') {
    if (!geoServesRegion(geo, scope.region.value)) {
      const suggestion = model ? suggestedId(model, scope) : undefined;
      scope.warnings.push({
        code: 'MODEL_GEO_MISMATCH',
        message: `${origin} selects ${id}, a ${GEO_INFO[geo].label} (${geo}.) inference profile, but requests go to ${scope.region.value} (${scope.region.source}); Bedrock answers "The provided model identifier is invalid"`,
        fix: `${suggestion ? `use ${suggestion}` : `use a profile listed by: ${listProfilesCommand(scope)}`}, or set AWS_REGION to a region the ${geo}. profile serves`,
      });
    } else if (model && !hasProfileIn(model, geo)) {
      scope.warnings.push(profileNotInGeoWarning(model, geo, id));
    } else if (!model) {
      scope.warnings.push({
        code: 'MODEL_UNRECOGNISED',
        message: `${origin} selects ${id}, an inference-profile ID for a model cc-bedrock does not know; it is sent as-is`,
        fix: `check it with: aws bedrock list-inference-profiles --region ${scope.region.value}`,
      });
    }
  }
  return {
    wireModelId: id,
    endpoint,
    model,
    aliasFamily: undefined,
    rule: `${origin}: inference-profile ID, sent as-is`,
    discoverable: false,
    want1m: false,
  };
}

function resolveBaseId(id: string, origin: string, scope: Scope): Draft {
  const model = findModelById(id);
  const endpoint = scope.mantleOnly ? notOnMantle(id, origin, model, scope, 'a Bedrock model ID') : 'bedrock';
  if (endpoint === 'bedrock') {
    const profile = model?.bedrock ? suggestedId(model, scope) : undefined;
    if (model?.bedrock && id === model.bedrock.baseId && !model.bedrock.onDemand) {
      scope.warnings.push({
        code: 'MODEL_REQUIRES_PROFILE',
        message: model.bedrock.arnVersioned
          ? `${origin} selects ${id}, a base model ID; ${model.displayName} cannot be invoked on demand by base ID (Bedrock: "on-demand throughput isn't supported")`
          : `${origin} selects ${id}, which names ${model.displayName} without an inference-profile prefix; the Invoke API needs a profile ID${model.mantle?.id === id ? ' (this is also its Mantle ID: enable Mantle with CLAUDE_CODE_USE_MANTLE=1 to send it there)' : ''}`,
        fix: profile ? `use the inference-profile ID ${profile}` : `no inference profile of ${model.displayName} is known in ${scope.region.value}: use one listed by ${listProfilesCommand(scope)}, or another region`,
      });
    } else if (model && model.bedrock?.baseId !== id) {
      scope.warnings.push({
        code: 'MODEL_MANTLE_ID_ON_INVOKE',
        message: `${origin} selects ${id}, a Mantle-style name for ${model.displayName} that is not a Bedrock model ID, and Mantle is off`,
        fix: profile
          ? `use the inference-profile ID ${profile}, or enable Mantle with CLAUDE_CODE_USE_MANTLE=1`
          : 'enable Mantle with CLAUDE_CODE_USE_MANTLE=1',
      });
    } else if (!model) {
      scope.warnings.push({
        code: 'MODEL_UNRECOGNISED',
        message: `${origin} selects ${id}, a model ID cc-bedrock does not know; it is sent as-is`,
        fix: `check it with: aws bedrock list-foundation-models --region ${scope.region.value} --by-provider anthropic`,
      });
    }
  }
  return {
    wireModelId: id,
    endpoint,
    model,
    aliasFamily: undefined,
    rule: `${origin}: base model ID, sent as-is`,
    discoverable: false,
    want1m: false,
  };
}

/** `claude-opus-4-7`, `claude-sonnet-4-5-20250929`: modelOverrides first, else the catalog's provider ID. */
function resolveFirstPartyName(id: string, origin: string, scope: Scope): Draft {
  const model = findModelById(id);
  if (!model) {
    if (scope.mantleOnly && scope.input.mantleBaseUrlOverridden) {
      scope.warnings.push({
        code: 'MODEL_UNRECOGNISED',
        message: `${origin} selects ${id}, which cc-bedrock does not recognise; it is sent as-is to the Mantle base URL override, which may accept it`,
        fix: 'use a Mantle-format ID such as ' + requireModel(BUILT_IN_DEFAULTS.mantle.tiers.opus).mantle!.id,
      });
      return { wireModelId: id, endpoint: 'mantle', model: undefined, aliasFamily: undefined, rule: `${origin}: unrecognised first-party name, sent as-is`, discoverable: false, want1m: false };
    }
    throw new CcBedrockError('MODEL_UNKNOWN', `${origin} selects "${id}", an Anthropic model name cc-bedrock does not know, so it has no provider ID for it`, {
      remediation: `use an alias (sonnet, opus, haiku), ${exampleProfile(scope)}, or map it in modelOverrides: {"${id}": "<inference-profile ID or ARN>"}`,
      details: { origin, model: id },
    });
  }

  const override = findOverride(model, scope, id);
  if (override) {
    const { id: value, has1m } = strip1m(override.value);
    return {
      wireModelId: value,
      endpoint: endpointForOverride(value, scope),
      model,
      aliasFamily: undefined,
      rule: `${origin}: ${id} → modelOverrides["${override.key}"]${overridesOrigin(scope)}, sent as-is`,
      discoverable: false,
      want1m: has1m,
    };
  }

  if (scope.mantleOnly) {
    if (model.mantle?.served) {
      return { wireModelId: model.mantle.id, endpoint: 'mantle', model, aliasFamily: undefined, rule: `${origin}: ${id} → ${model.displayName} Mantle ID`, discoverable: false, want1m: false };
    }
    notOnMantle(id, origin, model, scope, 'a first-party model name');
    return { wireModelId: id, endpoint: 'mantle', model, aliasFamily: undefined, rule: `${origin}: ${id}, sent as-is to the Mantle base URL override`, discoverable: false, want1m: false };
  }

  if (!model.bedrock) {
    throw new CcBedrockError('MODEL_UNKNOWN', `${origin} selects ${id} (${model.displayName}), which has no Amazon Bedrock model ID`, {
      remediation: model.mantle?.served
        ? `use Mantle: CLAUDE_CODE_USE_MANTLE=1 with --model ${model.mantle.id}, or map it in modelOverrides`
        : `choose another model, or map it in modelOverrides: {"${id}": "<inference-profile ID or ARN>"}`,
      details: { origin, model: id },
    });
  }
  const bedrockId = bedrockIdFor(model, scope, false);
  return {
    wireModelId: bedrockId.id,
    endpoint: 'bedrock',
    model,
    aliasFamily: undefined,
    rule: `${origin}: ${id} → ${model.displayName}, ${bedrockId.note}`,
    discoverable: false,
    want1m: false,
  };
}

// ---------------------------------------------------------------------------------------------
// Provider IDs for catalog models

/**
 * The Invoke ID of a catalog model in this scope. Discovery first (the profile with the preferred
 * prefix, else `global.`, else any listed profile for the model). Without a discovered profile,
 * built-in defaults take the preferred prefix blindly (as Claude Code does); other catalog
 * lookups fall back to `global.` (never in GovCloud), then to an on-demand base ID, when the
 * catalog has no profile in the preferred geography.
 */
function bedrockIdFor(model: CatalogModel, scope: Scope, builtIn: boolean): { id: string; note: string } {
  const base = model.bedrock!.baseId;
  const geo = scope.geo;
  if (scope.discovery) {
    const listed = scope.discovery.filter((profileId) => parseGeoPrefix(profileId)?.rest === base);
    const pick =
      listed.find((profileId) => profileId.startsWith(`${geo}.`)) ??
      (geo === 'us-gov' ? undefined : listed.find((profileId) => profileId.startsWith('global.'))) ??
      listed.find((profileId) => geoServesRegion(parseGeoPrefix(profileId)!.geo, scope.region.value));
    if (pick) return { id: pick, note: `${parseGeoPrefix(pick)!.geo}. profile listed by ListInferenceProfiles in ${scope.region.value}` };
  }
  const preferred = `${geo}.${base}`;
  const geoNote = `${geo}. profile for ${scope.geoReason}`;
  if (builtIn || hasProfileIn(model, geo)) {
    if (!hasProfileIn(model, geo)) scope.warnings.push(profileNotInGeoWarning(model, geo, preferred));
    return { id: preferred, note: geoNote };
  }
  if (geo !== 'us-gov' && hasProfileIn(model, 'global') && geoServesRegion('global', scope.region.value)) {
    return { id: `global.${base}`, note: `global. profile (no ${geo}. profile of ${model.displayName} is known; ${scope.geoReason})` };
  }
  if (model.bedrock!.onDemand && model.bedrock!.arnVersioned) {
    return { id: base, note: `on-demand base ID (no ${geo}. or global. profile of ${model.displayName} is known)` };
  }
  scope.warnings.push(profileNotInGeoWarning(model, geo, preferred));
  return { id: preferred, note: geoNote };
}

/**
 * The ID to suggest in a fix: the same lookup, without adding warnings about the suggestion
 * itself, and only when the catalog (or discovery) says that ID exists in the region: a fix never
 * names an ID `cc-bedrock models` reports as not there.
 */
function suggestedId(model: CatalogModel, scope: Scope): string | undefined {
  if (!model.bedrock) return undefined;
  const id = bedrockIdFor(model, { ...scope, warnings: [] }, false).id;
  if (scope.discovery?.includes(id)) return id;
  const profile = parseGeoPrefix(id);
  if (profile) return hasProfileIn(model, profile.geo) && geoServesRegion(profile.geo, scope.region.value) ? id : undefined;
  return model.bedrock.onDemand ? id : undefined;
}

/** `model`'s ID in the region, else the newest active model of its family that has one there. */
function suggestionFor(model: CatalogModel, scope: Scope): { id: string; model: CatalogModel } | undefined {
  const candidates = [model, ...MODEL_CATALOG.filter((other) => other.family === model.family && other.key !== model.key && other.lifecycle.status === 'active')];
  for (const candidate of candidates) {
    const id = suggestedId(candidate, scope);
    if (id) return { id, model: candidate };
  }
  return undefined;
}

function listProfilesCommand(scope: Scope): string {
  return `aws bedrock list-inference-profiles --region ${scope.region.value}`;
}

/** "an inference-profile ID such as …" for fixes, naming only an ID that exists in the region. */
function exampleProfile(scope: Scope): string {
  const example = suggestionFor(requireModel(BUILT_IN_DEFAULTS.bedrock.tiers.sonnet), scope);
  return example ? `an inference-profile ID such as ${example.id}` : `an inference-profile ID listed by ${listProfilesCommand(scope)}`;
}

function profileNotInGeoWarning(model: CatalogModel, geo: GeoPrefix, id: string): RouteWarning {
  const known = GEO_PREFIXES.filter((candidate) => hasProfileIn(model, candidate));
  return {
    code: 'MODEL_PROFILE_NOT_IN_GEO',
    message: `${id}: cc-bedrock knows no ${geo}. inference profile of ${model.displayName} (known: ${known.map((g) => `${g}.`).join(', ') || 'none'}); Bedrock may answer "The provided model identifier is invalid"`,
    fix: `check with: aws bedrock list-inference-profiles; if it is missing, pin a listed profile ID${known.length && geo !== 'us-gov' ? ` or set ANTHROPIC_BEDROCK_REGION_PREFIX to one of ${known.filter((g) => g !== 'us-gov').join(', ')}` : ''}`,
  };
}

// ---------------------------------------------------------------------------------------------
// modelOverrides

function directOverrides(scope: Scope): Readonly<Record<string, string>> {
  const { input } = scope;
  const managedOnly = scope.managedOverridesOnly || (input.availableModelsManaged === true && input.managedModelOverrides !== undefined);
  return managedOnly ? input.managedModelOverrides! : input.modelOverrides;
}

function aliasOverrides(scope: Scope): Readonly<Record<string, string>> {
  return scope.managedOverridesOnly ? scope.input.managedModelOverrides! : scope.input.modelOverrides;
}

/**
 * The override entry for a catalog model: the key written exactly as requested, else any key
 * that is one of the model's first-party IDs (so `claude-opus-4-6` and `claude-opus-4-6-…`
 * forms share one entry).
 */
function findOverride(model: CatalogModel, scope: Scope, requested: string | undefined): { key: string; value: string } | undefined {
  const overrides = requested === undefined ? aliasOverrides(scope) : directOverrides(scope);
  if (requested !== undefined && Object.hasOwn(overrides, requested)) return { key: requested, value: overrides[requested]! };
  const forms = new Set([model.key, ...model.anthropicIds]);
  for (const [key, value] of Object.entries(overrides)) {
    if (forms.has(key) && value.trim()) return { key, value: value.trim() };
  }
  return undefined;
}

/** An override value used directly (an ARN, a custom ID) is treated as its key's model. */
function modelForOverrideValue(value: string, scope: Scope): CatalogModel | undefined {
  for (const [key, mapped] of Object.entries(scope.input.modelOverrides)) {
    if (strip1m(mapped).id === value) return findModelById(key);
  }
  return undefined;
}

function overridesOrigin(scope: Scope): string {
  return scope.input.modelOverridesOrigin ? ` (${scope.input.modelOverridesOrigin})` : '';
}

/** Override values are never rewritten; with both endpoints on, their format picks the endpoint. */
function endpointForOverride(value: string, scope: Scope): EndpointKind {
  if (scope.mantleOnly) return 'mantle';
  return scope.mantleOn && isMantleFormat(value) ? 'mantle' : 'bedrock';
}

// ---------------------------------------------------------------------------------------------
// Mantle-only refusals

/**
 * With only Mantle on, an ID outside the Mantle lineup fails with a 400. Refuse it here, unless a
 * Mantle base URL override points at a gateway that may accept it (then warn and send it).
 */
function notOnMantle(id: string, origin: string, model: CatalogModel | undefined, scope: Scope, what: string): EndpointKind {
  const suggestion = model?.mantle?.served ? model.mantle.id : requireModel(BUILT_IN_DEFAULTS.mantle.tiers.opus).mantle!.id;
  const name = model ? `${id} (${model.displayName})` : id;
  const message = `${origin} selects ${name}, ${what} that is not in the Mantle lineup; use a Mantle-format ID such as ${suggestion}, or enable both endpoints with CLAUDE_CODE_USE_BEDROCK=1`;
  if (scope.input.mantleBaseUrlOverridden) {
    scope.warnings.push({
      code: 'MODEL_NOT_ON_MANTLE',
      message: `${message}; it is sent anyway because ANTHROPIC_BEDROCK_MANTLE_BASE_URL is set and a gateway may accept it`,
      fix: `use ${suggestion} if the gateway forwards to Mantle unchanged`,
    });
    return 'mantle';
  }
  throw new CcBedrockError('MODEL_NOT_ON_MANTLE', message, {
    remediation: `--model ${suggestion}, or export CLAUDE_CODE_USE_BEDROCK=1 to send non-Mantle IDs to the Invoke API`,
    details: { origin, model: id },
  });
}

// ---------------------------------------------------------------------------------------------
// availableModels

function isFamilyAlias(entry: string): entry is ModelFamily {
  return (MODEL_FAMILIES as readonly string[]).includes(entry);
}

/**
 * Spec §7.9 matching: a family alias matches its family unless a more specific entry of that
 * family is listed; a version prefix matches the model's first-party IDs (so overridden models
 * match by their Anthropic ID); any other entry (full provider ID, Mantle ID, ARN) must equal the
 * requested or the wire ID. `[1m]` is ignored on both sides.
 */
function isAllowed(entries: readonly string[], requested: string, draft: Draft): boolean {
  const normalized = entries.map((entry) => strip1m(entry).id).filter((entry) => entry !== '');
  const specificFamilies = new Set(
    normalized.filter((entry) => !isFamilyAlias(entry.toLowerCase())).map((entry) => familyOfId(entry)),
  );
  const bareRequested = strip1m(requested).id;
  const family = draft.model?.family ?? draft.aliasFamily ?? familyOfId(draft.wireModelId);
  for (const entry of normalized) {
    const lower = entry.toLowerCase();
    if (isFamilyAlias(lower)) {
      if (family === lower && !specificFamilies.has(lower)) return true;
      continue;
    }
    if (draft.model && versionPrefixMatches(lower, draft.model)) return true;
    if (entry === bareRequested || entry === draft.wireModelId) return true;
  }
  return false;
}

function assertAllowed(requested: string, origin: string, draft: Draft, scope: Scope): void {
  const list = scope.input.availableModels;
  if (!list || isAllowed(list.value, requested, draft)) return;
  const managed = scope.input.availableModelsManaged === true;
  const allowed = list.value.map((entry) => `"${entry}"`).join(', ');
  const resolvedNote = strip1m(requested).id === draft.wireModelId ? '' : ` (resolves to ${draft.wireModelId})`;
  const message =
    list.value.length === 0
      ? `Model "${requested}"${resolvedNote} from ${origin} is not allowed: availableModels (${list.source}) is empty, which blocks every named selection; only the default model can be used`
      : `Model "${requested}"${resolvedNote} from ${origin} is not allowed by availableModels (${list.source}); allowed: ${allowed}`;
  const remediation =
    list.value.length === 0
      ? `remove the selection to use the default model${managed ? '' : ', or add the model to availableModels'}`
      : `choose one of ${allowed}${managed ? ' (the list is managed by your administrator)' : `, or add "${strip1m(requested).id}" to availableModels in ${list.source}`}`;
  throw new CcBedrockError('MODEL_NOT_ALLOWED', message, {
    remediation,
    details: { requested, origin, allowed: [...list.value], source: list.source },
  });
}

// ---------------------------------------------------------------------------------------------
// Finishing: [1m], lifecycle

/**
 * `[1m]` on a model without 1M: names the setting that asked for it and suggests only a model of
 * the same family (the background role never needs 1M, so there the fix is to drop the suffix).
 */
function no1mError(requested: string, model: CatalogModel, draft: Draft, scope: Scope): CcBedrockError {
  const from = draft.want1mFrom ?? 'the model selection';
  const variable = /^([A-Z][A-Z0-9_]+)\b/.exec(from)?.[1];
  const where = variable ?? from;
  const with1m = modelsWith1m().map((m) => m.displayName).join(', ');
  const sameFamily = modelsWith1m().find((m) => m.family === model.family && m.lifecycle.status === 'active' && (scope.mantleOnly ? m.mantle?.served : suggestedId(m, scope)));
  const remediation =
    scope.role !== 'smallFast' && sameFamily
      ? `remove [1m] from ${where}, or pick ${sameFamily.displayName}, which has 1M: ${sameFamily.key}[1m]`
      : `remove [1m] from ${where} (${scope.role === 'smallFast' ? 'background tasks do not need a 1M window' : `no ${model.family} model with 1M is known${scope.mantleOnly ? ' on Mantle' : ` in ${scope.region.value}`}`})`;
  return new CcBedrockError(
    'MODEL_NO_1M',
    `${requested} from ${from} asks for a 1M context window, but ${model.displayName} has none; 1M is available on ${with1m}`,
    { remediation, details: { requested, model: model.key, origin: from } },
  );
}

function finish(requested: string, draft: Draft, scope: Scope): ResolvedModel {
  const betas: string[] = [];
  let rule = draft.rule;
  if (draft.want1m) {
    const disable = readSwitchReading(scope.input.env, 'CLAUDE_CODE_DISABLE_1M_CONTEXT', { warn: (warning) => scope.warnings.push(warning) });
    const model = draft.model;
    if (disable?.value === true) {
      scope.warnings.push({
        code: 'MODEL_1M_DISABLED',
        message: `[1m] on ${requested} is ignored because CLAUDE_CODE_DISABLE_1M_CONTEXT is set (${disable.source})`,
        fix: 'unset CLAUDE_CODE_DISABLE_1M_CONTEXT to use the 1M context window',
      });
    } else if (model?.context1m === 'none') {
      throw no1mError(requested, model, draft, scope);
    } else if (model?.context1m === 'native') {
      rule += `; [1m] is a no-op (${model.displayName} always has a 1M window)`;
    } else {
      betas.push(CONTEXT_1M_BETA);
      rule += `; [1m] → beta ${CONTEXT_1M_BETA}`;
      if (!model) {
        scope.warnings.push({
          code: 'MODEL_1M_UNVERIFIED',
          message: `${requested}: cc-bedrock cannot tell which model ${draft.wireModelId} is, so 1M support could not be verified; the ${CONTEXT_1M_BETA} beta is sent`,
          fix: 'map the ID to its Anthropic model in modelOverrides so it can be checked, or remove [1m] if requests fail',
        });
      }
    }
  }
  const model = draft.model;
  if (model && model.lifecycle.status !== 'active') {
    const replacement = requireModel(model.lifecycle.replacement);
    const since = 'since' in model.lifecycle && model.lifecycle.since ? ` (${model.lifecycle.since})` : '';
    scope.warnings.push({
      code: `MODEL_${model.lifecycle.status.toUpperCase()}`,
      message: `${draft.wireModelId} is ${model.displayName}, which is ${model.lifecycle.status}${since}; its replacement is ${replacement.displayName}`,
      fix: `switch to ${replacement.key}${scope.mantleOnly ? '' : bedrockNote(replacement, scope)}`,
    });
  }
  return {
    role: scope.role,
    requested,
    wireModelId: draft.wireModelId,
    endpoint: draft.endpoint,
    rule,
    catalogKey: model?.key,
    betas,
    region: scope.region,
    discoverable: draft.discoverable,
  };
}

function bedrockNote(model: CatalogModel, scope: Scope): string {
  const id = suggestedId(model, scope);
  return id ? ` (Bedrock: ${id})` : model.bedrock ? ` (no inference profile of it is known in ${scope.region.value})` : '';
}

function endpointLabel(endpoint: EndpointKind): string {
  return endpoint === 'mantle' ? 'Mantle' : 'the Invoke API';
}

function dedupe(warnings: RouteWarning[]): RouteWarning[] {
  const seen = new Set<string>();
  return warnings.filter((warning) => {
    const key = `${warning.code}\u0000${warning.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
