/**
 * Which models the wizard checks and offers for pinning: pure functions of the region, the
 * ListInferenceProfiles answer and the probe results.
 */
import { CcBedrockError } from '../core/errors.js';
import {
  BUILT_IN_DEFAULTS,
  MODEL_CATALOG,
  familyOfId,
  findModelById,
  geoForRegion,
  geoServesRegion,
  hasProfileIn,
  isMantleFormat,
  parseBedrockArn,
  parseGeoPrefix,
  profileIdFor,
  requireModel,
  strip1m,
  type CatalogModel,
  type Context1m,
  type GeoPrefix,
} from '../models/model-catalog.js';
import type { EndpointKind } from '../core/route-plan.js';
import { PIN_FAMILIES, type Choice, type PinFamily, type SelectChoice } from './types.js';

export interface ProbeCandidate {
  /** The exact ID probed and, for Bedrock, the ID a pin writes (before any `[1m]`). */
  readonly id: string;
  readonly endpoint: EndpointKind;
  readonly family: PinFamily;
  readonly displayName: string;
  readonly context1m: Context1m;
  readonly catalogKey: string | undefined;
}

export type ProbeStatus = 'available' | 'denied' | 'not-found' | 'unknown';

export interface ProbeResult {
  readonly candidate: ProbeCandidate;
  readonly status: ProbeStatus;
  /** Why it is not available (no secrets). */
  readonly reason?: string;
}

const isPinFamily = (family: string | undefined): family is PinFamily => PIN_FAMILIES.includes(family as PinFamily);

function fromCatalog(model: CatalogModel, id: string, endpoint: EndpointKind): ProbeCandidate {
  return { id, endpoint, family: model.family as PinFamily, displayName: model.displayName, context1m: model.context1m, catalogKey: model.key };
}

/** The profile ID of a model for this region: its own geography first, then `global`. */
function bedrockIdFor(model: CatalogModel, region: string, listed: ReadonlySet<string> | undefined): string | undefined {
  const geos: GeoPrefix[] = [geoForRegion(region)];
  if (geos[0] !== 'global' && geoServesRegion('global', region)) geos.push('global');
  for (const geo of geos) {
    const id = profileIdFor(model, geo);
    if (id === undefined) continue;
    if (listed ? listed.has(id) : hasProfileIn(model, geo)) return id;
  }
  return undefined;
}

export interface CandidateInputs {
  readonly region: string;
  /** System inference-profile IDs from ListInferenceProfiles; undefined when it was denied or failed. */
  readonly listedProfileIds: readonly string[] | undefined;
  /** Also check the Mantle lineup. */
  readonly mantle: boolean;
  /** Current pins (any form); probed too, so keeping one is an informed choice. */
  readonly existingPins: Readonly<Partial<Record<PinFamily, string>>>;
}

/**
 * The models worth probing: every active opus/sonnet/haiku model with a system profile usable
 * from the region (as listed by the account when the listing worked, from the catalog when it
 * did not), profiles the listing shows that the catalog does not know yet, the current pins,
 * and with Mantle the Mantle lineup. Newest first within a family.
 */
export function probeCandidates(inputs: CandidateInputs): ProbeCandidate[] {
  const listed = inputs.listedProfileIds ? new Set(inputs.listedProfileIds) : undefined;
  const out: ProbeCandidate[] = [];
  const seen = new Set<string>();
  const add = (candidate: ProbeCandidate): void => {
    if (seen.has(`${candidate.endpoint}:${candidate.id}`)) return;
    seen.add(`${candidate.endpoint}:${candidate.id}`);
    out.push(candidate);
  };

  // Profiles newer than the catalog: listed, Claude, in this region's geography or global.
  if (inputs.listedProfileIds) {
    const geo = geoForRegion(inputs.region);
    for (const id of inputs.listedProfileIds) {
      const parsed = parseGeoPrefix(id);
      if (!parsed || !parsed.rest.startsWith('anthropic.claude-') || findModelById(id)) continue;
      if (parsed.geo !== geo && !(parsed.geo === 'global' && geoServesRegion('global', inputs.region))) continue;
      const family = familyOfId(id);
      if (!isPinFamily(family)) continue;
      const sameModelPreferred = `${geo}.${parsed.rest}`;
      if (parsed.geo === 'global' && geo !== 'global' && listed?.has(sameModelPreferred)) continue;
      add({ id, endpoint: 'bedrock', family, displayName: parsed.rest.replace(/^anthropic\./, ''), context1m: 'none', catalogKey: undefined });
    }
  }

  for (const model of MODEL_CATALOG) {
    if (!isPinFamily(model.family) || model.lifecycle.status !== 'active' || !model.bedrock) continue;
    const id = bedrockIdFor(model, inputs.region, listed);
    if (id !== undefined) add(fromCatalog(model, id, 'bedrock'));
  }

  for (const family of PIN_FAMILIES) {
    const pin = inputs.existingPins[family];
    if (!pin) continue;
    const bare = strip1m(pin).id;
    const model = findModelById(bare);
    const endpoint: EndpointKind = isMantleFormat(bare) && inputs.mantle ? 'mantle' : 'bedrock';
    add(
      model
        ? fromCatalog(model, bare, endpoint)
        : { id: bare, endpoint, family, displayName: parseBedrockArn(bare) ? 'application inference profile' : bare, context1m: 'none', catalogKey: undefined },
    );
  }

  if (inputs.mantle) {
    for (const model of MODEL_CATALOG) {
      if (!isPinFamily(model.family) || model.lifecycle.status !== 'active' || !model.mantle?.served) continue;
      add(fromCatalog(model, model.mantle.id, 'mantle'));
    }
  }
  return out;
}

/** The value of the "no pin" choice: the pin variable is removed. */
export const NO_PIN = '';

/** What an unpinned alias resolves to on Bedrock (seed: opus is Opus 4.6, sonnet Sonnet 4.5). */
export function builtInDefaultName(family: PinFamily): string {
  return requireModel(BUILT_IN_DEFAULTS.bedrock.tiers[family]).displayName;
}

function statusLabel(result: ProbeResult | undefined): string {
  if (!result) return 'not checked';
  switch (result.status) {
    case 'available':
      return 'invokable';
    case 'denied':
      return 'not granted to this account';
    case 'not-found':
      return 'not offered in this region';
    case 'unknown':
      return 'could not be checked';
  }
}

export interface PinQuestion {
  readonly choices: readonly SelectChoice<string>[];
  readonly default: string;
  /** Invokable models of the family (Bedrock). */
  readonly invokable: number;
}

/** The pin answer that asks for a typed model ID. */
export const TYPE_PIN = '\u0000type';

/**
 * The pin choices for one family: each invokable model, and its `[1m]` variant where the model
 * has an opt-in 1M window; the current pin when it is not among them; and "no pin". The
 * default is the current pin (seeded from existing pins on re-run, spec §9), else the newest
 * invokable model (on a first run), else no pin.
 */
export function pinQuestion(
  family: PinFamily,
  results: readonly ProbeResult[],
  existingPin: string | undefined,
  /** A re-run of a file already set up: an unpinned family stays unpinned by default (that was a choice too). */
  rerun = false,
): PinQuestion {
  const invokable = results.filter((r) => r.candidate.endpoint === 'bedrock' && r.candidate.family === family && r.status === 'available');
  const choices: SelectChoice<string>[] = [];
  for (const { candidate } of invokable) {
    choices.push({ value: candidate.id, name: `${candidate.displayName}  (${candidate.id})` });
    if (candidate.context1m === 'beta') {
      choices.push({ value: `${candidate.id}[1m]`, name: `${candidate.displayName} with 1M context  (${candidate.id}[1m])` });
    }
  }
  if (existingPin && !choices.some((choice) => choice.value === existingPin)) {
    const result = results.find((r) => r.candidate.id === strip1m(existingPin).id);
    choices.push({ value: existingPin, name: `Keep the current pin ${existingPin} (${statusLabel(result)})` });
  }
  choices.push({ value: NO_PIN, name: `No pin: Claude Code's default for ${family} (${builtInDefaultName(family)})` });
  // Nothing verified (credentials failed, or no access yet): the admin may still know the ID to pin.
  if (invokable.length === 0) choices.push({ value: TYPE_PIN, name: 'Enter a model ID (inference profile, ARN or Mantle ID)...' });
  const fallback = rerun ? NO_PIN : (invokable[0]?.candidate.id ?? NO_PIN);
  return { choices, default: existingPin ?? fallback, invokable: invokable.length };
}

/** A pin answer as a change of the pin variable. */
export function pinChoice(value: string): Choice<string> {
  return value === NO_PIN ? { kind: 'unset' } : { kind: 'set', value };
}

/**
 * A pin given as a flag (`--opus`): `none` removes the pin; a profile ID, ARN or Mantle ID is
 * taken as written; a first-party name (`claude-opus-4-8`, `claude-sonnet-4-6[1m]`) becomes the
 * system profile for the region. A model of another family, or `[1m]` on a model without an
 * opt-in 1M window, is refused with the flag named.
 */
export function pinFromFlag(family: PinFamily, flag: string, region: string): Choice<string> {
  const value = flag.trim();
  if (value.toLowerCase() === 'none') return { kind: 'unset' };
  const { id, has1m } = strip1m(value);
  const model = findModelById(id);
  const flagName = `--${family}`;
  if (model && model.family !== family) {
    throw new CcBedrockError('USAGE', `${flagName} ${value} names ${model.displayName}, a ${model.family} model`, {
      remediation: `pass a ${family} model to ${flagName}, or pass ${value} to --${model.family}`,
    });
  }
  if (has1m && model && model.context1m !== 'beta') {
    throw new CcBedrockError('MODEL_NO_1M', `${flagName} ${value}: ${model.displayName} has no [1m] variant (${model.context1m === 'native' ? 'its window is 1M already' : 'no 1M context window'})`, {
      remediation: `drop the [1m] suffix from ${flagName}`,
    });
  }
  const suffix = has1m ? '[1m]' : '';
  if (parseGeoPrefix(id) || parseBedrockArn(id) || isMantleFormat(id)) return { kind: 'set', value: `${id}${suffix}` };
  if (model?.bedrock) {
    const profile = bedrockIdFor(model, region, undefined);
    if (profile) return { kind: 'set', value: `${profile}${suffix}` };
    throw new CcBedrockError('MODEL_NOT_IN_REGION', `${flagName} ${value}: ${model.displayName} has no inference profile usable from ${region}`, {
      remediation: `choose another region with --region, or pass an inference-profile ID or ARN to ${flagName}`,
    });
  }
  const example = profileIdFor(requireModel(BUILT_IN_DEFAULTS.bedrock.tiers[family]), geoForRegion(region));
  throw new CcBedrockError('MODEL_UNKNOWN', `${flagName} ${value} is not an inference-profile ID, ARN or known model name`, {
    remediation: `pass an inference-profile ID such as ${example ?? 'us.anthropic.claude-sonnet-4-6'}, or none to remove the pin`,
  });
}
