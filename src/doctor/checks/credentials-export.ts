import { findingsFor, type Check, type Finding } from '../types.js';

const SHAPE =
  '{"Credentials":{"AccessKeyId":"…","SecretAccessKey":"…","SessionToken":"…","Expiration":"<ISO-8601>"}} (or the flat shape of `aws configure export-credentials --format process`)';

/** `awsCredentialExport` runs, exits 0 and prints credentials in an accepted shape. */
export const credentialsExport: Check = {
  id: 'credentials.export',
  category: 'credentials',
  title: 'awsCredentialExport prints valid credentials',
  run(facts) {
    const f = findingsFor(this);
    const exported = facts.credentials.export;
    if (!exported) return [f.ok('awsCredentialExport is not set', 'credentials come from the source shown by credentials.source')];
    const out: Finding[] = [];
    const result = exported.result;
    if (!result.ok) {
      out.push(
        f.fail(
          'awsCredentialExport does not produce credentials',
          `awsCredentialExport (${exported.source}) ${result.problem}; Claude Code then falls back to the default AWS credential chain (the output is never shown)`,
          `run the command yourself and make \`${exported.program}\` exit 0 printing ${SHAPE}`,
        ),
      );
    } else if (result.expiresAt !== undefined && result.expiresAt <= facts.now) {
      out.push(
        f.fail(
          'awsCredentialExport prints expired credentials',
          `awsCredentialExport (${exported.source}) printed credentials that expired at ${new Date(result.expiresAt).toISOString()}`,
          `make \`${exported.program}\` fetch fresh credentials each time it runs`,
        ),
      );
    } else {
      out.push(
        f.ok(
          'awsCredentialExport prints valid credentials',
          `\`${exported.program}\` (${exported.source}) printed access key ${result.keyId}${result.hasSessionToken ? ' with a session token' : ''}${
            result.expiresAt !== undefined ? `, expiring ${new Date(result.expiresAt).toISOString()}` : ', no Expiration (cached for one hour)'
          }`,
        ),
      );
    }
    const bypassed = facts.credentials.perEndpoint.find((group) => group.plan.ok && (group.plan.value.kind === 'bearer-token' || group.plan.value.kind === 'skip-auth'));
    if (bypassed && bypassed.plan.ok) {
      out.push(
        f.warn(
          'awsCredentialExport is never used',
          `${bypassed.plan.value.source} takes precedence, so the command configured in ${exported.source} never runs for ${bypassed.endpoints.join(' and ')}`,
          `remove awsCredentialExport from ${exported.source}, or unset the variable in ${bypassed.plan.value.source}`,
        ),
      );
    }
    return out;
  },
};
