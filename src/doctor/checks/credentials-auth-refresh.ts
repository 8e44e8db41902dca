import { findingsFor, type Check, type Finding } from '../types.js';

/** `awsAuthRefresh` hazards: the SSO loop behind TLS-inspecting proxies, and settings that make it dead. */
export const credentialsAuthRefresh: Check = {
  id: 'credentials.auth-refresh',
  category: 'credentials',
  title: 'awsAuthRefresh is safe to run',
  run(facts) {
    const f = findingsFor(this);
    const refresh = facts.credentials.authRefresh;
    if (!refresh) return [f.ok('awsAuthRefresh is not set', 'expired credentials are reported instead of refreshed automatically')];
    const out: Finding[] = [];
    const profile = facts.credentials.perEndpoint.find((group) => group.plan.ok && group.plan.value.profile)?.plan;
    const profileName = profile?.ok ? profile.value.profile : undefined;
    const proxy = facts.env.proxy;
    if (proxy) {
      out.push(
        f.warn(
          'awsAuthRefresh behind a proxy can loop',
          `awsAuthRefresh (${refresh.source}) is set and ${proxy.variable} (${proxy.source}) routes traffic through ${proxy.host}; a TLS-inspecting proxy or VPN can break the SSO browser flow, after which Claude Code re-runs awsAuthRefresh again and again (browser tabs keep opening)`,
          `if that happens, remove "awsAuthRefresh" from ${refresh.source} and run \`aws sso login${profileName ? ` --profile ${profileName}` : ''}\` yourself before starting Claude Code`,
        ),
      );
    }
    for (const group of facts.credentials.perEndpoint) {
      if (!group.plan.ok) continue;
      const kind = group.plan.value.kind;
      if (kind === 'bearer-token' || kind === 'skip-auth') {
        out.push(
          f.warn(
            'awsAuthRefresh never runs',
            `${group.plan.value.source} authenticates ${group.endpoints.join(' and ')} requests without AWS credentials, so awsAuthRefresh (${refresh.source}) is never used there`,
            `remove awsAuthRefresh from ${refresh.source} if nothing else needs it`,
          ),
        );
      }
    }
    if (out.length === 0) out.push(f.ok('awsAuthRefresh', `runs \`${refresh.value.trim().split(/\s+/)[0]}\` (${refresh.source}) only when credentials are found expired; its output is shown`));
    return out;
  },
};
