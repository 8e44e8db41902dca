import { modelWarnings } from '../check-helpers.js';
import { findingsFor, type Check, type Finding } from '../types.js';

const REGION_MODEL_CODES = new Set([
  'MODEL_SMALL_FAST_REGION_INVALID',
  'MODEL_SMALL_FAST_REGION_IGNORED',
  'MODEL_REGION_PREFIX_INVALID',
  'MODEL_REGION_PREFIX_IGNORED',
]);

/** Region values that are not region names (skipped, so requests go elsewhere) and region knobs that do nothing. */
export const regionMalformed: Check = {
  id: 'region.malformed',
  category: 'region',
  title: 'Region values are well-formed',
  run(facts) {
    const f = findingsFor(this);
    const out: Finding[] = facts.region.warnings.map((warning) =>
      f.fail(
        'A region value is not a region name',
        `${warning.message}; requests go to ${facts.region.value.value} (${facts.region.value.source}) instead`,
        warning.fix,
      ),
    );
    for (const warning of modelWarnings(facts)) {
      if (REGION_MODEL_CODES.has(warning.code)) out.push(f.warn('A region setting has no effect', warning.message, warning.fix));
    }
    if (out.length === 0) out.push(f.ok('Region values are well-formed', 'every region variable and profile region is a region name'));
    return out;
  },
};
