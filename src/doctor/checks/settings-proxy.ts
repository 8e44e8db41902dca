import { PROXY_VARIABLES } from '../../network/proxy.js';
import { isProxyFailure } from '../credential-verdict.js';
import type { DoctorFacts } from '../facts.js';
import { findingsFor, type Check, type ErrorFact, type Finding } from '../types.js';

/** The first call (STS, then probes) that failed because of the proxy itself. */
function proxyFailure(facts: DoctorFacts): ErrorFact | undefined {
  const errors: ErrorFact[] = [];
  for (const group of facts.credentials.perEndpoint) {
    if (group.resolved && !group.resolved.ok) errors.push(group.resolved.error);
    if (group.identity && !group.identity.ok) errors.push(group.identity.error);
  }
  const access = facts.access;
  if (access?.listProfiles && !access.listProfiles.ok) errors.push(access.listProfiles.error);
  for (const probe of access?.probes ?? []) if (!probe.result.ok) errors.push(probe.result.error);
  return errors.find(isProxyFailure);
}

/**
 * HTTPS_PROXY and friends (spec §1.6): a value that is not an http(s) URL stops Claude Code at
 * launch; a lower-priority variable with another value is silently ignored; `NO_PROXY=*` turns
 * the proxy off. The URL is shown with its user name and password hidden.
 */
export const settingsProxy: Check = {
  id: 'settings.proxy',
  category: 'settings',
  title: 'Proxy',
  run(facts) {
    const f = findingsFor(this);
    const { proxy, proxyError } = facts.env;
    if (proxyError) return [f.fail(`${proxyError.variable} is not a usable proxy URL; Claude Code will not start`, proxyError.message, proxyError.remediation)];
    if (!proxy) return [f.ok('No proxy', `none of ${PROXY_VARIABLES.join(', ')} is set: AWS and Bedrock are called directly`)];
    const out: Finding[] = [];
    const failed = proxyFailure(facts);
    if (failed) out.push(f.fail(`Proxy ${proxy.url} is not usable (${proxy.variable}, ${proxy.source})`, failed.message, failed.remediation));
    const noProxy = proxy.noProxy;
    const bypass = noProxy ? `; direct for ${noProxy.entries.join(', ') || '(no usable entries)'} (${noProxy.variable}, ${noProxy.source})` : '';
    if (noProxy?.entries.includes('*')) {
      out.push(
        f.warn(
          `${noProxy.variable}=* bypasses the proxy for every host`,
          `${proxy.variable} (${proxy.source}) names ${proxy.url}, but ${noProxy.variable} (${noProxy.source}) is *, so no request uses it`,
          `remove * from ${noProxy.variable} and list only the hosts to reach directly (e.g. localhost,127.0.0.1,.internal.example.com)`,
        ),
      );
    }
    for (const shadowed of proxy.shadowed) {
      out.push(
        f.warn(
          `${shadowed.variable} is ignored`,
          `${shadowed.variable} (${shadowed.source}) names another proxy, but ${proxy.variable} (${proxy.source}) comes first in Claude Code's order (${PROXY_VARIABLES.join(', ')}) and is used for every request`,
          `unset ${shadowed.variable}, or give it the same value as ${proxy.variable}`,
        ),
      );
    }
    if (out.length === 0) out.push(f.ok(`Proxy ${proxy.url}`, `${proxy.variable} (${proxy.source}); every AWS and Bedrock call goes through it${bypass}`));
    return out;
  },
};
