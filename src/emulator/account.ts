/**
 * The emulated account's view of models: which IDs resolve in which region (base IDs,
 * cross-region profile IDs, profile/foundation-model/application-profile ARNs, Mantle IDs),
 * which may be invoked on demand, and which are granted. Every refusal is the error real
 * Bedrock gives for that case.
 */
import { AnthropicApiError } from './anthropic-errors.js';
import { awsErrors } from './aws-errors.js';
import { GEO_PREFIXES, geoServesRegion, type GeoPrefix } from '../models/model-catalog.js';
import type { Scenario, ScenarioApplicationProfile, ScenarioModel } from './scenario.js';

/**
 * Cross-region profile prefixes a caller in this region may use: the catalog's geographies that
 * serve the region (wire reference §8), so the emulator and the resolver agree on every region.
 */
export function prefixesForRegion(region: string): GeoPrefix[] {
  return GEO_PREFIXES.filter((geo) => geo !== 'global' && geoServesRegion(geo, region)).concat(geoServesRegion('global', region) ? ['global'] : []);
}

const GEOGRAPHY_LABEL: Readonly<Record<string, string>> = {
  global: 'Global',
  us: 'US',
  eu: 'EU',
  apac: 'APAC',
  jp: 'JP',
  au: 'AU',
  'us-gov': 'US-GOV',
};

export function foundationModelArn(region: string, modelId: string): string {
  return `arn:aws:bedrock:${region}::foundation-model/${modelId}`;
}

export function systemProfileArn(scenario: Scenario, region: string, profileId: string): string {
  return `arn:aws:bedrock:${region}:${scenario.account.id}:inference-profile/${profileId}`;
}

export function applicationProfileArn(scenario: Scenario, profile: ScenarioApplicationProfile): string {
  return `arn:aws:bedrock:${profile.region}:${scenario.account.id}:application-inference-profile/${profile.id}`;
}

export function modelsInRegion(scenario: Scenario, region: string): ScenarioModel[] {
  if (!scenario.regions.includes(region)) return [];
  return scenario.models.filter((model) => model.regions.includes(region));
}

export interface SystemProfile {
  readonly id: string;
  readonly prefix: string;
  readonly model: ScenarioModel;
  /** Regions the profile routes to. */
  readonly destinations: readonly string[];
}

/** The system-defined (cross-region) profiles offered to a caller in this region. */
export function systemProfilesInRegion(scenario: Scenario, region: string): SystemProfile[] {
  const allowed: readonly string[] = prefixesForRegion(region);
  const profiles: SystemProfile[] = [];
  for (const model of modelsInRegion(scenario, region)) {
    for (const prefix of model.profiles) {
      if (!allowed.includes(prefix)) continue;
      const destinations = model.regions.filter(
        (r) => scenario.regions.includes(r) && (prefixesForRegion(r) as string[]).includes(prefix),
      );
      profiles.push({ id: `${prefix}.${model.id}`, prefix, model, destinations });
    }
  }
  return profiles;
}

export function describeSystemProfile(profile: SystemProfile): { name: string; description: string } {
  const label = GEOGRAPHY_LABEL[profile.prefix] ?? profile.prefix.toUpperCase();
  const regions = profile.destinations;
  const list = regions.length <= 1 ? regions.join('') : `${regions.slice(0, -1).join(', ')} and ${regions[regions.length - 1]}`;
  return {
    name: `${label} Anthropic ${profile.model.name}`,
    description: `Routes requests to Anthropic ${profile.model.name} in ${list}.`,
  };
}

export type ResolvedModel =
  | { readonly kind: 'foundation-model'; readonly model: ScenarioModel }
  | { readonly kind: 'system-profile'; readonly model: ScenarioModel; readonly profile: SystemProfile }
  | { readonly kind: 'application-profile'; readonly model: ScenarioModel; readonly profile: ScenarioApplicationProfile };

const ARN = /^arn:aws(?:-[a-z-]+)?:bedrock:([a-z0-9-]*):(\d{12})?:([a-z-]+)\/(.+)$/;

function findModel(scenario: Scenario, id: string): ScenarioModel | undefined {
  return scenario.models.find((model) => model.id === id);
}

function resolveProfileId(scenario: Scenario, region: string, id: string): ResolvedModel | undefined {
  const dot = id.indexOf('.');
  if (dot < 0) return undefined;
  const prefix = id.slice(0, dot);
  if (!(GEO_PREFIXES as readonly string[]).includes(prefix)) return undefined;
  const profile = systemProfilesInRegion(scenario, region).find((p) => p.id === id);
  return profile ? { kind: 'system-profile', model: profile.model, profile } : undefined;
}

function resolveBaseId(scenario: Scenario, region: string, id: string): ResolvedModel | undefined {
  const model = findModel(scenario, id);
  return model && modelsInRegion(scenario, region).includes(model) ? { kind: 'foundation-model', model } : undefined;
}

export function findApplicationProfile(scenario: Scenario, identifier: string): ScenarioApplicationProfile | undefined {
  return scenario.applicationProfiles.find(
    (profile) => profile.id === identifier || applicationProfileArn(scenario, profile) === identifier,
  );
}

/**
 * Resolves a model ID as the runtime receives it (already percent-decoded) for a caller in
 * `region`, or throws the ValidationException Bedrock gives for an ID it does not know there.
 */
export function resolveModelId(scenario: Scenario, region: string, modelId: string): ResolvedModel {
  if (modelId.length === 0 || modelId.length > 2048) throw awsErrors.modelIdPattern(modelId.slice(0, 100));
  const arn = ARN.exec(modelId);
  if (arn) {
    const [, arnRegion, account, resourceType, resource] = arn as unknown as [string, string, string | undefined, string, string];
    if (arnRegion !== region) throw awsErrors.invalidModelIdentifier();
    if (resourceType === 'foundation-model' && account === undefined) {
      const resolved = resolveBaseId(scenario, region, resource);
      if (resolved) return resolved;
    } else if (resourceType === 'inference-profile' && account === scenario.account.id) {
      const resolved = resolveProfileId(scenario, region, resource);
      if (resolved) return resolved;
    } else if (resourceType === 'application-inference-profile' && account === scenario.account.id) {
      const profile = scenario.applicationProfiles.find((p) => p.id === resource && p.region === region);
      if (profile) {
        const backing = resolveProfileId(scenario, region, profile.source) ?? resolveBaseId(scenario, region, profile.source);
        if (backing) return { kind: 'application-profile', model: backing.model, profile };
      }
    }
    throw awsErrors.invalidModelIdentifier();
  }
  const resolved = resolveProfileId(scenario, region, modelId) ?? resolveBaseId(scenario, region, modelId);
  if (!resolved) throw awsErrors.invalidModelIdentifier();
  return resolved;
}

/** Grants: denied beats granted; `*` grants every model. */
export function assertGranted(scenario: Scenario, model: ScenarioModel): void {
  const { access } = scenario;
  if (access.marketplaceDenied.includes(model.id)) throw awsErrors.marketplaceDenied();
  if (access.denied.includes(model.id)) throw awsErrors.accessDenied();
  if (!access.granted.includes('*') && !access.granted.includes(model.id)) throw awsErrors.accessDenied();
}

/** Resolution for InvokeModel / InvokeModelWithResponseStream, including on-demand and grants. */
export function resolveForInvoke(scenario: Scenario, region: string, modelId: string): ResolvedModel {
  const resolved = resolveModelId(scenario, region, modelId);
  if (resolved.kind === 'foundation-model' && !resolved.model.onDemand) throw awsErrors.onDemandNotSupported(modelId);
  assertGranted(scenario, resolved.model);
  return resolved;
}

/** CountTokens works only with base foundation-model IDs (wire reference §6). */
export function resolveForCountTokens(scenario: Scenario, region: string, modelId: string): ScenarioModel {
  const resolved = resolveModelId(scenario, region, modelId);
  if (resolved.kind !== 'foundation-model' || !resolved.model.countTokens) throw awsErrors.countTokensUnsupported();
  assertGranted(scenario, resolved.model);
  return resolved.model;
}

/** Mantle: bare `anthropic.…` IDs of its own lineup only; anything else is a 400 naming the ID. */
export function resolveMantleModel(scenario: Scenario, region: string, modelId: string): ScenarioModel {
  const model = scenario.regions.includes(region)
    ? scenario.models.find((m) => m.mantle?.id === modelId && (m.mantle.regions ?? m.regions).includes(region))
    : undefined;
  if (!model) throw new AnthropicApiError(400, `The model ${modelId} is not supported on this endpoint.`);
  if (scenario.access.mantleDenied.includes(modelId)) {
    throw new AnthropicApiError(
      403,
      `Your account is not authorized to invoke model ${modelId} on this endpoint. Contact your AWS account team to request access.`,
    );
  }
  return model;
}
