import { blockedBecause, blockingProblem } from '../credential-verdict.js';
import { findingsFor, type Check, type Finding } from '../types.js';

/** Which models of the Mantle lineup this account is served. */
export const accessMantleLineup: Check = {
  id: 'access.mantle-lineup',
  category: 'access',
  title: 'Mantle serves its lineup to this account',
  run(facts) {
    const f = findingsFor(this);
    if (!facts.providers.value.mantle) return [f.skip('Mantle is off', 'CLAUDE_CODE_USE_MANTLE is not on')];
    const access = facts.access;
    if (!access) return [f.skip('Mantle not probed (--offline)', 'probing sends 1-token requests to Mantle')];
    if (access.skipped || !access.mantleLineup) return [f.skip('Mantle not probed', access.skipped ?? 'nothing to probe')];
    const served = access.mantleLineup.filter((entry) => entry.result.ok).map((entry) => entry.mantleId);
    const refused = access.mantleLineup.flatMap((entry) => (entry.result.ok ? [] : [{ id: entry.mantleId, error: entry.result.error }]));
    const refusedText = refused.map((entry) => `${entry.id} (${entry.error.code})`).join(', ');
    const blocked = refused.map((entry) => blockingProblem(facts, entry.error)).find((problem) => problem !== undefined);
    if (blocked && refused.every((entry) => blockingProblem(facts, entry.error))) {
      return [f.skip('Mantle lineup not judged', blockedBecause(blocked))];
    }
    if (served.length === 0) {
      return [
        f.fail(
          'Mantle serves no model to this account',
          `every model of the lineup was refused: ${refusedText}; first error: ${refused[0]?.error.message ?? 'none'}`,
          refused[0]?.error.remediation ?? 'check Mantle access for this account with your AWS account team',
        ),
      ];
    }
    const notGranted = refused.filter((entry) => entry.error.code === 'MANTLE_NOT_GRANTED' || entry.error.code === 'ACCESS_DENIED');
    const notServed = refused.filter((entry) => entry.error.code === 'MANTLE_MODEL_NOT_SERVED');
    const unanswered = refused.filter((entry) => !notGranted.includes(entry) && !notServed.includes(entry));
    const out: Finding[] = [];
    if (notGranted.length > 0) {
      out.push(
        f.warn(
          `Mantle refuses ${notGranted.length} of ${access.mantleLineup.length} lineup models to this account`,
          // The list under the count is the same set the count counts; other outcomes are reported separately.
          `refused: ${notGranted.map((entry) => `${entry.id} (${entry.error.code})`).join(', ')}; served: ${served.join(', ')}${notServed.length > 0 ? `; not offered in this region: ${notServed.map((entry) => entry.id).join(', ')}` : ''}`,
          `ask your AWS account team to grant ${notGranted.map((entry) => entry.id).join(', ')} on Mantle in ${facts.region.value.value}; use a served ID meanwhile`,
        ),
      );
    }
    if (unanswered.length > 0) {
      out.push(
        f.warn(
          `${unanswered.length} Mantle probes got no clear answer`,
          unanswered.map((entry) => `${entry.id}: ${entry.error.message}`).join('; '),
          unanswered[0]?.error.remediation ?? 'run cc-bedrock doctor again',
        ),
      );
    }
    if (out.length > 0) return out;
    if (notServed.length > 0) {
      return [
        f.ok(
          `Mantle serves ${served.length} of ${access.mantleLineup.length} lineup models in ${facts.region.value.value}`,
          `served: ${served.join(', ')}; not offered in this region: ${notServed.map((entry) => entry.id).join(', ')}`,
        ),
      ];
    }
    return [f.ok(`Mantle serves the whole lineup (${served.length} models)`, served.join(', '))];
  },
};
