import { chosenSelections, uniqueBy } from '../check-helpers.js';
import { findingsFor, type Check, type Finding } from '../types.js';

const LIFECYCLE_CODES = new Set(['MODEL_RETIRED', 'MODEL_DEPRECATED', 'MODEL_LEGACY']);

/** Retired models fail; deprecated and legacy ones get a replacement. */
export const modelsLifecycle: Check = {
  id: 'models.lifecycle',
  category: 'models',
  title: 'No retired or deprecated models',
  run(facts) {
    const f = findingsFor(this);
    const out: Finding[] = [];
    const seen = new Set<string>();
    for (const selection of chosenSelections(facts)) {
      for (const warning of uniqueBy(selection.warnings, (w) => w.message)) {
        if (!LIFECYCLE_CODES.has(warning.code) || seen.has(warning.message)) continue;
        seen.add(warning.message);
        const where = selection.configured ? selection.configured.source : selection.label;
        const fix = warning.fix ? `change ${where}: ${warning.fix}` : undefined;
        const detail = `${where}: ${warning.message}`;
        if (warning.code === 'MODEL_RETIRED') out.push(f.fail('A retired model is configured', `${detail}; Bedrock no longer serves it`, fix));
        else out.push(f.warn(`A ${warning.code === 'MODEL_DEPRECATED' ? 'deprecated' : 'legacy'} model is configured`, detail, fix));
      }
    }
    if (out.length === 0) out.push(f.ok('All configured models are current', 'no retired, deprecated or legacy model is configured'));
    return out;
  },
};
