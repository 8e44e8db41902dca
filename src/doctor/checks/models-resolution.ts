import { chosenSelections, modelWarnings, uniqueBy } from '../check-helpers.js';
import { findingsFor, type Check, type Finding } from '../types.js';

/** Errors and warnings other model checks report more precisely. */
const CLAIMED_ERRORS = new Set(['MODEL_NO_1M', 'MODEL_NOT_ALLOWED']);
const CLAIMED_WARNINGS = new Set([
  'MODEL_OPUS_UNPINNED',
  'MODEL_GEO_MISMATCH',
  'MODEL_REQUIRES_PROFILE',
  'MODEL_MANTLE_ID_ON_INVOKE',
  'MODEL_REGION_MISMATCH',
  'MODEL_RETIRED',
  'MODEL_DEPRECATED',
  'MODEL_LEGACY',
  'MODEL_1M_DISABLED',
  'MODEL_1M_UNVERIFIED',
  'MODEL_SMALL_FAST_NOT_ALLOWED',
  'MODEL_ENFORCED_DEFAULT_UNRESOLVED',
  'MODEL_SMALL_FAST_REGION_INVALID',
  'MODEL_SMALL_FAST_REGION_IGNORED',
  'MODEL_REGION_PREFIX_INVALID',
  'MODEL_REGION_PREFIX_IGNORED',
]);

/** Every chosen model resolves to a provider ID; what the main and background roles send. */
export const modelsResolution: Check = {
  id: 'models.resolution',
  category: 'models',
  title: 'Models resolve',
  run(facts) {
    const f = findingsFor(this);
    const chosen = chosenSelections(facts);
    const out: Finding[] = [];
    const reported = new Set<string>();
    for (const selection of chosen) {
      if (!selection.error || CLAIMED_ERRORS.has(selection.error.code)) continue;
      // The small/fast role and the haiku alias share one pin: one finding for it.
      const key = selection.configured ? `${selection.configured.source}\u0000${selection.error.code}` : selection.id;
      if (reported.has(key)) continue;
      reported.add(key);
      out.push(f.fail(`The ${selection.label} does not resolve`, selection.error.message, selection.error.remediation));
    }
    const warnings = uniqueBy(
      modelWarnings(facts, chosen).filter((warning) => !CLAIMED_WARNINGS.has(warning.code)),
      (warning) => warning.message,
    );
    for (const warning of warnings) out.push(f.warn('A model setting needs attention', warning.message, warning.fix));
    const main = facts.models.selections.find((selection) => selection.id === 'main')?.resolved;
    const smallFast = facts.models.selections.find((selection) => selection.id === 'small-fast')?.resolved;
    if (main) {
      const roles = [`main: ${main.wireModelId} (${main.endpoint === 'mantle' ? 'Mantle' : 'Invoke API'}, ${main.region.value}) — ${main.rule}`];
      if (smallFast) roles.push(`small/fast: ${smallFast.wireModelId} (${smallFast.region.value})`);
      out.unshift(f.ok(`Main model: ${main.wireModelId}`, roles.join('; ')));
    }
    return out;
  },
};
