import { findModelById } from '../../models/model-catalog.js';
import { distinctPins, suggestedProfileId } from '../check-helpers.js';
import { findingsFor, type Check, type Finding } from '../types.js';
import { mantleIdWithoutMantle } from './models-mantle-format.js';

/** A base model ID for a model that Bedrock serves on demand only through an inference profile. */
export const modelsNeedsProfile: Check = {
  id: 'models.needs-profile',
  category: 'models',
  title: 'Base model IDs are invokable on demand',
  run(facts) {
    const f = findingsFor(this);
    const out: Finding[] = [];
    for (const selection of distinctPins(facts)) {
      const resolved = selection.resolved;
      if (!resolved || resolved.endpoint !== 'bedrock') continue;
      const id = resolved.wireModelId;
      const model = findModelById(id);
      if (!model?.bedrock || id !== model.bedrock.baseId || model.bedrock.onDemand) continue;
      // Mantle IDs that are also base-ID shaped get one finding, with both fixes, from models.mantle-format.
      if (mantleIdWithoutMantle(facts, id)) continue;
      const profile = suggestedProfileId(model, resolved.region.value);
      out.push(
        f.fail(
          `${id} needs an inference profile`,
          `${selection.configured.source} selects ${id}, the base model ID of ${model.displayName}; Bedrock refuses it with "on-demand throughput isn't supported" and wants the ID or ARN of an inference profile`,
          profile
            ? `change ${selection.configured.source} to ${profile}`
            : `change ${selection.configured.source} to a profile listed by: aws bedrock list-inference-profiles --region ${resolved.region.value}`,
        ),
      );
    }
    if (out.length === 0) out.push(f.ok('No base IDs that need a profile', 'every configured model ID is a profile, an ARN, or on-demand'));
    return out;
  },
};
