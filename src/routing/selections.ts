/**
 * The models a configuration can send requests to (main, small/fast, pinned aliases, overrides,
 * the subagent model, allowlist entries), each resolved on its own: doctor checks each and
 * `iam-policy --scope configured` grants exactly these. Part of the one resolver
 * (resolve-configuration.ts), with the same model input as the plan's roles.
 */
import type { LoadedSettings } from '../settings/load-settings.js';
import { resolveModelName, type ModelNameContext, type ModelResolution, type ModelResolutionInput } from '../models/resolve-model.js';
import { toErrorFact, type Attempt, type ErrorFact } from '../core/attempt.js';
import type { EnvLookup, ResolvedModel, RouteWarning, Sourced } from '../core/route-plan.js';

const TIERS = ['opus', 'sonnet', 'haiku', 'fable'] as const;

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
export function mainSelection(
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

export function collectSelections(
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
