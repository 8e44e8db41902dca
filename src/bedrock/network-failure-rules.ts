/**
 * The rules for failures before any answer (proxy, DNS, TLS, the network), part of the ordered
 * table of failure-rules.ts. Kept apart because STS, SSO and the credential chain read them too
 * (classifyNetworkFailure): a refused proxy reads the same whichever AWS call met it.
 */
import { SHELL_ENV_SOURCE } from '../settings/effective-env.js';
import type { FailureRule, NetworkScene } from './failure-rules.js';

/** Socket errors of a proxy that will answer the same way on every attempt (nothing listens, no such host). */
const PROXY_DOWN = /^(ECONNREFUSED|ENOTFOUND)$/;
/** Node's and OpenSSL's certificate verification failures. */
const TLS_CERTIFICATE = /^(CERT_|UNABLE_TO_GET_ISSUER|UNABLE_TO_VERIFY|SELF_SIGNED_CERT|DEPTH_ZERO_SELF_SIGNED|ERR_TLS_CERT_ALTNAME)/;

const proxyNamed = (s: NetworkScene) => `${s.facts.proxy!.variable} (set in ${s.facts.proxy!.source})`;

/** Where to change a variable, from its source: the shell, or a settings file's `env` block. */
function whereSet(source: string): string {
  if (source === SHELL_ENV_SOURCE) return 'the shell environment';
  const managed = /^managed settings env \((.*)\)$/.exec(source);
  return `the env block of ${managed ? `the managed settings file ${managed[1]}` : source.replace(/ env$/, '')}`;
}

/** Failures before any answer: shared with STS and the other credential calls (classifyNetworkFailure). */
export const NETWORK_RULES: readonly FailureRule<NetworkScene>[] = [
  {
    id: 'proxy-login-refused',
    code: 'NETWORK',
    action: 'fail',
    when: (s) => s.facts.proxy?.kind === 'login-refused',
    message: (s) => `the proxy refused its login to ${s.reach}: ${s.facts.message}`,
    remediation: (s) => `fix the user and password in the proxy URL of ${proxyNamed(s)}, percent-encoded, or ask the proxy administrators for access`,
  },
  {
    id: 'proxy-tunnel-refused',
    code: 'NETWORK',
    action: 'fail',
    when: (s) => s.facts.proxy?.kind === 'tunnel-refused',
    message: (s) => `the proxy refused the connection to ${s.reach}: ${s.facts.message}`,
    remediation: (s) => `ask the proxy administrators to allow the endpoint, or list its host in NO_PROXY if it is reachable directly (the proxy comes from ${proxyNamed(s)})`,
  },
  {
    id: 'proxy-down',
    code: 'NETWORK',
    action: 'fail',
    when: (s) => s.facts.proxy?.kind === 'unreachable' && PROXY_DOWN.test(s.facts.proxy.networkCode ?? ''),
    message: (s) => `could not reach ${s.reach}: the proxy ${s.facts.proxy!.proxy} is not reachable (${s.facts.proxy!.networkCode})`,
    remediation: (s) =>
      `${s.facts.proxy!.variable} names ${s.facts.proxy!.proxy}, where no proxy answers: start the proxy, or correct ${s.facts.proxy!.variable} in ${whereSet(s.facts.proxy!.source)} (remove it there if this network needs no proxy)`,
  },
  {
    id: 'dns-not-found',
    code: 'NETWORK',
    action: 'fail',
    when: (s) => s.facts.proxy === undefined && s.facts.networkCode === 'ENOTFOUND',
    message: (s) => `could not reach ${s.reach}: the host name does not resolve (ENOTFOUND)`,
    remediation: () =>
      'check the endpoint host: the region (AWS_REGION), ANTHROPIC_BEDROCK_BASE_URL / ANTHROPIC_BEDROCK_MANTLE_BASE_URL or AWS_ENDPOINT_URL_STS if set, and the DNS or VPN that should resolve it',
  },
  {
    id: 'tls-certificate',
    code: 'NETWORK',
    action: 'fail',
    when: (s) => TLS_CERTIFICATE.test(s.facts.networkCode ?? ''),
    message: (s) => `could not reach ${s.reach}: the TLS certificate is not trusted (${s.facts.networkCode})`,
    remediation: () =>
      'a TLS-inspecting proxy or a custom endpoint presents a certificate Node does not trust: set NODE_EXTRA_CA_CERTS to the PEM file of its CA (never NODE_TLS_REJECT_UNAUTHORIZED=0)',
  },
  {
    id: 'network',
    code: 'NETWORK',
    action: 'retry',
    when: (s) => s.facts.phase === 'network',
    message: (s) => `could not reach ${s.reach}: ${s.facts.message}`,
    remediation: () => 'check the network, proxy (HTTPS_PROXY) and the endpoint URL (ANTHROPIC_BEDROCK_BASE_URL / ANTHROPIC_BEDROCK_MANTLE_BASE_URL)',
  },
];

/**
 * Rules whose failure every other call of the run would meet as well, whatever its host: the proxy
 * itself is down or refuses the login. (A refused tunnel, an unknown host or an untrusted
 * certificate belong to one host; the control plane and the runtime endpoint are different ones.)
 */
const EVERY_CALL_RULES: ReadonlySet<string> = new Set(['proxy-down', 'proxy-login-refused']);

/** Whether `error` (a classified failure) is one no retry and no other call can get past. */
export function failsEveryCall(error: unknown): boolean {
  const rule = (error as { details?: { failureRule?: unknown } } | null | undefined)?.details?.failureRule;
  return typeof rule === 'string' && EVERY_CALL_RULES.has(rule);
}
