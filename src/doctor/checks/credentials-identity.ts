import { isProxyFailure } from '../credential-verdict.js';
import { findingsFor, type Check, type ErrorFact, type Finding } from '../types.js';

/** What the STS answer means; each cause's fix is printed once, by the check that owns it. */
function identityFailure(f: ReturnType<typeof findingsFor>, endpoints: string, error: ErrorFact): Finding {
  if (isProxyFailure(error)) return f.skip(`Identity not checked (${endpoints}): the proxy is not reachable`, `${error.message} (the fix is under settings.proxy)`);
  if (error.code === 'CREDENTIALS_EXPIRED') {
    return f.fail(`STS rejected the credentials for the ${endpoints} as expired`, `${error.message} (the fix is under credentials.expiry)`);
  }
  if (error.code === 'NETWORK' || error.code === 'TIMEOUT') return f.fail(`STS could not be reached for the ${endpoints}`, error.message, error.remediation);
  return f.fail(`STS rejected the credentials for the ${endpoints}`, error.message, error.remediation);
}

/** Who AWS thinks we are (STS GetCallerIdentity with the resolved credentials). */
export const credentialsIdentity: Check = {
  id: 'credentials.identity',
  category: 'credentials',
  title: 'Credentials resolve to an AWS identity',
  run(facts) {
    const f = findingsFor(this);
    if (facts.offline) return [f.skip('Identity not checked (--offline)', 'resolving credentials and calling STS needs the network')];
    const out: Finding[] = [];
    for (const group of facts.credentials.perEndpoint) {
      const endpoints = group.endpoints.map((endpoint) => (endpoint === 'mantle' ? 'Mantle' : 'Invoke API')).join(' and ');
      const resolved = group.resolved;
      if (!resolved) {
        out.push(f.skip(`Identity not checked (${endpoints})`, 'the configuration does not resolve far enough to build credentials'));
        continue;
      }
      if (!resolved.ok) {
        out.push(f.fail(`Credentials for the ${endpoints} do not resolve`, resolved.error.message, resolved.error.remediation));
        continue;
      }
      if (resolved.value.kind === 'bearer') {
        out.push(f.ok(`Amazon Bedrock API key (${endpoints})`, 'an API key has no STS identity; the access probes show whether Bedrock accepts it'));
        continue;
      }
      if (resolved.value.kind === 'none') {
        out.push(f.ok(`Unsigned requests (${endpoints})`, 'authentication is skipped; the gateway in front of Bedrock adds credentials'));
        continue;
      }
      const identity = group.identity;
      if (!identity) continue;
      if (!identity.ok) {
        out.push(identityFailure(f, endpoints, identity.error));
        continue;
      }
      out.push(
        f.ok(
          `AWS identity: ${identity.value.arn}`,
          `account ${identity.value.account}; access key ${resolved.value.keyId ?? 'unknown'}${resolved.value.hasSessionToken ? ' with session token' : ''} (${endpoints})`,
        ),
      );
    }
    if (out.length === 0) out.push(f.skip('No endpoint in use', 'no credentials to check'));
    return out;
  },
};
