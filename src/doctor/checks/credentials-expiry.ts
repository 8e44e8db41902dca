import { formatDuration } from '../check-helpers.js';
import type { DoctorFacts } from '../facts.js';
import { groupProblem, isTemporary } from '../credential-verdict.js';
import { findingsFor, type Check, type Finding } from '../types.js';

/** Below this, a session started now would hit expiry mid-task. */
const SOON_MS = 15 * 60_000;

function refreshFix(facts: DoctorFacts, profile: string | undefined, kind: string): string {
  if (kind === 'profile-sso') return `aws sso login --profile ${profile ?? '<profile>'}`;
  if (kind === 'credential-export') return `make the awsCredentialExport command (${facts.credentials.credentialExport?.source ?? 'settings'}) print fresh credentials`;
  if (kind === 'env-keys') return 'export fresh AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN';
  return `refresh the credentials of ${profile ? `profile ${profile}` : 'this source'}, then check with aws sts get-caller-identity`;
}

/** How long the resolved credentials stay valid. */
export const credentialsExpiry: Check = {
  id: 'credentials.expiry',
  category: 'credentials',
  title: 'Credentials are not about to expire',
  run(facts) {
    const f = findingsFor(this);
    const out: Finding[] = [];
    const judge = (what: string, expiresAt: number | undefined, fix: string): Finding => {
      if (expiresAt === undefined) return f.ok(`${what}: no expiry`, 'long-term credentials (they carry no expiration); rotate them regularly');
      const left = expiresAt - facts.now;
      const at = new Date(expiresAt).toISOString();
      if (left <= 0) return f.fail(`${what} expired`, `they expired at ${at}, ${formatDuration(-left)} ago`, fix);
      if (left < SOON_MS) return f.warn(`${what} expire in ${formatDuration(left)}`, `they expire at ${at}`, fix);
      return f.ok(`${what} valid for ${formatDuration(left)}`, `they expire at ${at}`);
    };
    if (facts.offline) {
      const exported = facts.credentials.export;
      if (exported?.result.ok) {
        out.push(judge('Credentials from awsCredentialExport', exported.result.expiresAt, refreshFix(facts, undefined, 'credential-export')));
      } else {
        out.push(f.skip('Expiry not checked (--offline)', 'resolving credentials may need the network'));
      }
      return out;
    }
    for (const group of facts.credentials.perEndpoint) {
      const resolved = group.resolved;
      const plan = group.plan.ok ? group.plan.value : undefined;
      const what = `Credentials (${plan?.kind ?? 'AWS'})`;
      const fix = refreshFix(facts, plan?.profile, plan?.kind ?? '');
      // STS (or resolution) saying "expired" outranks a missing expiry time: AWS knows better than the key's metadata.
      const problem = groupProblem(group);
      if (problem?.kind === 'expired') {
        const them = resolved?.ok && isTemporary(resolved.value) ? 'these temporary credentials (session token)' : 'them';
        const when = resolved?.ok && resolved.value.expiresAt !== undefined ? `they expired at ${new Date(resolved.value.expiresAt).toISOString()}; ` : '';
        out.push(f.fail(`${what} expired`, `${when}AWS rejected ${them} as expired: ${problem.error.message}`, fix));
        continue;
      }
      if (!resolved?.ok || resolved.value.kind !== 'sigv4') continue;
      if (resolved.value.expiresAt === undefined && isTemporary(resolved.value)) {
        out.push(f.ok(`${what}: temporary, expiry not given`, 'a session token comes with them but no expiration time; they stop working when their session ends'));
        continue;
      }
      out.push(judge(what, resolved.value.expiresAt, fix));
    }
    if (out.length === 0) out.push(f.skip('No AWS credentials to time', 'credentials did not resolve, or requests use an API key or no authentication'));
    return out;
  },
};
