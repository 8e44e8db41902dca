import { GEO_INFO, findModelById, geoServesRegion, parseGeoPrefix } from '../../models/model-catalog.js';
import { distinctPins, suggestedProfileId } from '../check-helpers.js';
import { findingsFor, type Check, type Finding } from '../types.js';

/** An inference-profile ID of another geography than the region's (a us. ID in eu-west-1). */
export const modelsGeoMismatch: Check = {
  id: 'models.geo-mismatch',
  category: 'models',
  title: 'Inference-profile prefixes match the region',
  run(facts) {
    const f = findingsFor(this);
    const out: Finding[] = [];
    for (const selection of distinctPins(facts)) {
      const model = selection.resolved;
      if (!model || model.endpoint !== 'bedrock') continue;
      const profile = parseGeoPrefix(model.wireModelId);
      if (!profile || !profile.rest.startsWith('anthropic.')) continue;
      const region = model.region.value;
      if (geoServesRegion(profile.geo, region)) continue;
      const info = GEO_INFO[profile.geo];
      const suggestion = suggestedProfileId(findModelById(model.wireModelId), region);
      out.push(
        f.fail(
          `${model.wireModelId} is a ${profile.geo}. profile but the region is ${region}`,
          `${selection.configured.source} selects ${model.wireModelId}, a ${info.label} (${profile.geo}.) inference profile, but requests go to ${region} (${model.region.source}); Bedrock answers "The provided model identifier is invalid"`,
          suggestion
            ? `change ${selection.configured.source} to ${suggestion}, or set AWS_REGION to a region the ${profile.geo}. profile serves (e.g. ${info.destinationRegions[0] ?? 'us-east-1'})`
            : `set AWS_REGION to a region the ${profile.geo}. profile serves (e.g. ${info.destinationRegions[0] ?? 'us-east-1'}), or pick a model listed by: aws bedrock list-inference-profiles --region ${region}`,
        ),
      );
    }
    if (out.length === 0) out.push(f.ok('Profile prefixes match the region', `every configured inference-profile ID can be called from ${facts.region.value.value}`));
    return out;
  },
};
