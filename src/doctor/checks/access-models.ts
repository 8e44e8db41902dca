import { blockedBecause, blockingProblem, type CredentialProblem } from '../credential-verdict.js';
import { findingsFor, type Check, type Finding } from '../types.js';

/** Each role's model answers a 1-token probe (the path a session request takes). */
export const accessModels: Check = {
  id: 'access.models',
  category: 'access',
  title: 'Configured models are invokable',
  run(facts) {
    const f = findingsFor(this);
    const access = facts.access;
    if (!access) return [f.skip('Models not probed (--offline)', 'probing sends 1-token requests to Bedrock')];
    if (access.skipped) return [f.skip('Models not probed', access.skipped)];
    const out: Finding[] = [];
    // Probes refused for the credentials' (or proxy's) sake share one finding without a fix: the owner of the cause has it.
    const blocked: Array<{ labels: string; problem: CredentialProblem }> = [];
    for (const probe of access.probes) {
      const labels = probe.selections.map((selection) => selection.label).join(', ');
      const where = `${probe.modelId} in ${probe.region} (${probe.endpoint === 'mantle' ? 'Mantle' : 'Invoke API'})`;
      if (probe.result.ok) {
        out.push(f.ok(`${labels}: invokable`, `${where} answered a 1-token probe${probe.serviceTier ? ` with service tier ${probe.serviceTier}` : ''}`));
        continue;
      }
      const problem = blockingProblem(facts, probe.result.error);
      if (problem) {
        blocked.push({ labels, problem });
        continue;
      }
      // An alias nobody pinned is only offered in the picker; the session does not depend on it.
      const optional = probe.selections.every((selection) => selection.kind === 'tier' && !selection.pinned);
      const make = optional ? f.warn : f.fail;
      out.push(make(`${labels}: not invokable`, `${where}: ${probe.result.error.message}`, probe.result.error.remediation));
    }
    if (blocked.length > 0) out.push(f.skip(`${blocked.map((entry) => entry.labels).join(', ')}: access not judged`, blockedBecause(blocked[0]!.problem)));
    if (out.length === 0) out.push(f.skip('Nothing to probe', 'no model resolved'));
    return out;
  },
};
