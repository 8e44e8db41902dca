/**
 * The few model-ID questions the client asks (what base model is behind a profile ID, which
 * profile of the same model fits a region), answered from the catalog.
 */
import {
  GEO_PREFIXES,
  findModelById,
  geoForRegion,
  geoServesRegion,
  hasProfileIn,
  parseBedrockArn,
  parseGeoPrefix,
  profileIdFor,
  type GeoPrefix,
} from './model-catalog.js';

/** `us.anthropic.x` → `anthropic.x`; system-profile and foundation-model ARNs → their model part. */
export function stripProfilePrefix(modelId: string): string {
  const arn = parseBedrockArn(modelId);
  const id = arn && (arn.resourceType === 'inference-profile' || arn.resourceType === 'foundation-model') ? arn.resourceId : modelId;
  return parseGeoPrefix(id)?.rest ?? id;
}

/**
 * Inference-profile IDs of the same model that can be invoked from `region`, best first: the
 * region's own geography, then `global`, then any other geography the catalog knows serves it.
 * Models the catalog does not know get none: a guessed ID is not a suggestion.
 */
export function profileIdsForRegion(modelId: string, region: string): string[] {
  const model = findModelById(modelId);
  const preferred = geoForRegion(region);
  // A model the catalog does not know has no known profile: guessing `us.<id>` (or `us.arn:…`)
  // would suggest an ID that does not exist.
  if (!model?.bedrock) return [];
  const order: GeoPrefix[] = [preferred, 'global', ...GEO_PREFIXES.filter((geo) => geo !== preferred && geo !== 'global')];
  const out: string[] = [];
  for (const geo of order) {
    if (hasProfileIn(model, geo) && geoServesRegion(geo, region)) {
      const id = profileIdFor(model, geo);
      if (id && id !== modelId) out.push(id);
    }
  }
  return out;
}

/**
 * The model ID Bedrock CountTokens accepts for a target: the base foundation-model ID (profile
 * IDs and ARNs are refused with "doesn't support counting tokens"). `backingModelId` is what
 * GetInferenceProfile reported for an application inference profile.
 */
export function countTokensModelId(modelId: string, backingModelId?: string): string {
  const source = backingModelId ?? modelId;
  const model = findModelById(source);
  if (model?.bedrock) return model.bedrock.baseId;
  return stripProfilePrefix(source);
}
