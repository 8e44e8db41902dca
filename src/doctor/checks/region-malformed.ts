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
    // A region variable's rejected value is settings.variable-values' finding (the reader's message); not twice.
    const reported = new Set(facts.env.rejectedValues.map((rejection) => rejection.message));
    const fresh = (warning: { readonly message: string }): boolean => !reported.has(warning.message);
    const out: Finding[] = facts.region.warnings.filter(fresh).map((warning) =>
      f.fail(
        'A region value is not a region name',
        `${warning.message}; requests go to ${facts.region.value.value} (${facts.region.value.source}) instead`,
        warning.fix,
      ),
    );
    for (const warning of modelWarnings(facts)) {
      if (REGION_MODEL_CODES.has(warning.code) && fresh(warning)) out.push(f.warn('A region setting has no effect', warning.message, warning.fix));
    }
    if (out.length === 0) {
      const elsewhere = facts.region.warnings.length > 0 || modelWarnings(facts).some((warning) => REGION_MODEL_CODES.has(warning.code));
      // Reported once, by settings.variable-values; here only where the requests go instead.
      if (elsewhere) out.push(f.skip('Region variables: see settings.variable-values', `a region variable is ignored, so requests go to ${facts.region.value.value} (${facts.region.value.source})`));
      else out.push(f.ok('Region values are well-formed', 'every region variable and profile region is a region name'));
    }
    return out;
  },
};
