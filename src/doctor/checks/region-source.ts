import { findingsFor, type Check } from '../types.js';

/** Where the region comes from (AWS_REGION, AWS_DEFAULT_REGION, the profile, or the default). */
export const regionSource: Check = {
  id: 'region.source',
  category: 'region',
  title: 'Region is set on purpose',
  run(facts) {
    const f = findingsFor(this);
    const region = facts.region.value;
    if (region.source.startsWith('default')) {
      return [
        f.warn(
          `Region: ${region.value} (default)`,
          'nothing sets a region (AWS_REGION, AWS_DEFAULT_REGION, or the region of the active AWS profile), so requests go to us-east-1',
          `set the region you mean: export AWS_REGION=${region.value} (or "AWS_REGION": "<region>" in the env block of ~/.claude/settings.json)`,
        ),
      ];
    }
    return [f.ok(`Region: ${region.value}`, `from ${region.source}`)];
  },
};
