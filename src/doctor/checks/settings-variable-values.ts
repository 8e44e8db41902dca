import type { DoctorFacts } from '../facts.js';
import { findingsFor, type Check, type Finding } from '../types.js';

/**
 * Reader errors another check reports already with its own context (settings.endpoints for a base
 * URL, settings.service-tier for the tier, settings.proxy, models.resolution): each rejection is reported once.
 */
function reportedElsewhere(facts: DoctorFacts): Set<string> {
  const errors = [...facts.endpoints.errors, facts.serviceTier.ok ? undefined : facts.serviceTier.error, facts.models.error, facts.env.proxyError];
  return new Set(errors.map((error) => error?.message).filter((message) => message !== undefined));
}

/**
 * Every set variable whose value the table's reader rejects, with the reader's own message and
 * fix: what `-p`, chat and `serve` stop on (`error` entries: fail) or ignore (`warn` entries: warn).
 */
export const settingsVariableValues: Check = {
  id: 'settings.variable-values',
  category: 'settings',
  title: 'Every variable set has a value its parser accepts',
  run(facts) {
    const f = findingsFor(this);
    const elsewhere = reportedElsewhere(facts);
    const out: Finding[] = facts.env.rejectedValues
      .filter((rejection) => !elsewhere.has(rejection.message))
      .map((rejection) =>
        rejection.badValue === 'error'
          ? f.fail(`${rejection.name} has a value a session stops on`, rejection.message, rejection.fix)
          : f.warn(`${rejection.name} has a value that is ignored`, rejection.message, rejection.fix),
      );
    if (out.length === 0) out.push(f.ok('Every variable set has a valid value', 'each variable in the table that is set parses as its entry says'));
    return out;
  },
};
