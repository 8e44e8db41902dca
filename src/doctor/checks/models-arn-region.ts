import { parseBedrockArn } from '../../models/model-catalog.js';
import { distinctPins } from '../check-helpers.js';
import { findingsFor, type Check, type Finding } from '../types.js';

/** An ARN of another region than the one requests are sent to. */
export const modelsArnRegion: Check = {
  id: 'models.arn-region',
  category: 'models',
  title: 'ARNs are in the request region',
  run(facts) {
    const f = findingsFor(this);
    const out: Finding[] = [];
    for (const selection of distinctPins(facts)) {
      const resolved = selection.resolved;
      if (!resolved || resolved.endpoint !== 'bedrock') continue;
      const arn = parseBedrockArn(resolved.wireModelId);
      if (!arn || !arn.region || arn.region === resolved.region.value) continue;
      out.push(
        f.fail(
          `An ARN is in ${arn.region}, requests go to ${resolved.region.value}`,
          `${selection.configured.source} is ${resolved.wireModelId}, a ${arn.resourceType} in ${arn.region}, but requests go to ${resolved.region.value} (${resolved.region.source}); Bedrock invokes only ARNs of its own region`,
          `set AWS_REGION=${arn.region}, or change ${selection.configured.source} to the equivalent ${arn.resourceType} ARN in ${resolved.region.value}`,
        ),
      );
    }
    if (out.length === 0) out.push(f.ok('ARNs match the region', 'no configured ARN points at another region'));
    return out;
  },
};
