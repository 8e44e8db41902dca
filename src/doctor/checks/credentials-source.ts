import { howToConfigureCredentials } from '../../aws/default-chain.js';
import { findingsFor, type Check, type Finding } from '../types.js';

/** Warnings of the credential plan that mean "this will not authenticate". */
const BLOCKING = new Set(['aws-profile-not-found']);

/** Which credential source each endpoint uses, and problems visible without calling AWS. */
export const credentialsSource: Check = {
  id: 'credentials.source',
  category: 'credentials',
  title: 'A credential source is configured',
  run(facts) {
    const f = findingsFor(this);
    const out: Finding[] = [];
    for (const group of facts.credentials.perEndpoint) {
      const endpoints = group.endpoints.map((endpoint) => (endpoint === 'mantle' ? 'Mantle' : 'Invoke API')).join(' and ');
      if (!group.plan.ok) {
        out.push(f.fail(`No credential plan for the ${endpoints}`, group.plan.error.message, group.plan.error.remediation));
        continue;
      }
      const plan = group.plan.value;
      if (plan.kind === 'default-chain') {
        out.push(f.fail(`No credential source for the ${endpoints}`, `${plan.source}: ${plan.detail}`, howToConfigureCredentials(plan.profile)));
      } else if (plan.kind === 'instance-metadata') {
        out.push(
          f.warn(
            `Credentials (${endpoints}) only from EC2 instance metadata`,
            `${plan.source}: ${plan.detail}`,
            `off EC2 ${howToConfigureCredentials(plan.profile)}; on a laptop also set AWS_EC2_METADATA_DISABLED=true so the probe does not stall`,
          ),
        );
      } else {
        out.push(f.ok(`Credentials (${endpoints}): ${plan.kind}`, `${plan.source}: ${plan.detail}`));
      }
      for (const warning of plan.warnings) {
        const make = BLOCKING.has(warning.code) ? f.fail : f.warn;
        out.push(make('The credential configuration has a problem', warning.message, warning.fix));
      }
    }
    for (const message of facts.credentials.providerWarnings) {
      out.push(f.warn('The credential provider reported a problem', message, 'see credentials.export and fix the command, or remove awsCredentialExport'));
    }
    if (out.length === 0) out.push(f.skip('No endpoint in use', 'no provider is selected, so no credentials are needed'));
    return out;
  },
};
