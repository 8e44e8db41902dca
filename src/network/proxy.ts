/**
 * The proxy configuration of spec §1.6: which variable names the proxy, what it parses to, and
 * which hosts bypass it. Pure: everything is read from an EnvLookup (the settings `env` block over
 * the process environment), so `status`, `doctor` and every command that talks to AWS agree.
 *
 * Choices, where Claude Code, curl and undici's EnvHttpProxyAgent differ:
 * - One proxy for every request, whatever the target's scheme: the first set of `https_proxy`,
 *   `HTTPS_PROXY`, `http_proxy`, `HTTP_PROXY` (Claude Code's order). curl would send http://
 *   targets to `http_proxy` only; Claude Code has a single proxy agent.
 * - `no_proxy` is read before `NO_PROXY` (as curl and undici do).
 * - NO_PROXY entries follow curl: `example.com`, `.example.com` and `*.example.com` all match
 *   `example.com` and every subdomain of it (undici matches a bare name exactly only, which
 *   surprises people who copy a curl NO_PROXY); `host:port` matches that port only; IP literals
 *   match that address only and CIDR blocks (`10.0.0.0/8`, `fd00::/8`) match their range; `*`
 *   bypasses everything. Entries are separated by commas and/or white space.
 * - Loopback is not bypassed implicitly (neither curl nor undici do): list `localhost,127.0.0.1`
 *   in NO_PROXY to reach local services directly.
 */
import { BlockList, isIP } from 'node:net';
import { CcBedrockError } from '../core/errors.js';
import type { EnvLookup } from '../core/route-plan.js';
import { redactProxyUrl } from '../settings/proxy-url.js';
import { readProxyUrlVar } from '../settings/read-var.js';

/** Claude Code's order: the first of these that is set names the proxy. */
export const PROXY_VARIABLES = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY'] as const;
export const NO_PROXY_VARIABLES = ['no_proxy', 'NO_PROXY'] as const;

/** One NO_PROXY entry, parsed. `text` is the entry as written (host names only, never a secret). */
export type NoProxyEntry =
  | { readonly kind: 'domain'; readonly text: string; readonly domain: string; readonly port: number | undefined }
  | { readonly kind: 'address'; readonly text: string; readonly match: BlockList; readonly port: number | undefined };

export interface NoProxyConfig {
  readonly variable: string;
  readonly source: string;
  /** `*` was listed: nothing goes through the proxy. */
  readonly all: boolean;
  readonly entries: readonly NoProxyEntry[];
}

/** What status, doctor and `--json` outputs show of a proxy: never the user name or password. */
export interface ProxySummary {
  readonly variable: string;
  readonly source: string;
  /** The proxy URL with any user name and password replaced by `****`. */
  readonly url: string;
  /** `host:port` of the proxy. */
  readonly host: string;
  readonly noProxy: { readonly variable: string; readonly source: string; readonly entries: readonly string[] } | null;
}

/**
 * A resolved proxy. The URL with its credentials is kept in a private field and handed out only
 * through `url` (for the agents that must send `Proxy-Authorization`); serialising or printing
 * the object shows the redacted summary, so a proxy password cannot slip into a log or --json.
 */
export class ProxyConfig {
  readonly #href: string;
  readonly variable: string;
  readonly source: string;
  /** The proxy URL with user name and password hidden, for status, doctor and logs. */
  readonly display: string;
  readonly noProxy: NoProxyConfig | undefined;

  constructor(variable: string, source: string, url: URL, noProxy: NoProxyConfig | undefined) {
    this.#href = url.href;
    this.variable = variable;
    this.source = source;
    this.display = redactProxyUrl(url);
    this.noProxy = noProxy;
  }

  /** The proxy URL including credentials: only for building agents. */
  get url(): URL {
    return new URL(this.#href);
  }

  /**
   * The proxy URL without its login: what the agents are built with, so a library's own debug
   * output (DEBUG=https-proxy-agent prints the proxy URL it was given) never shows the password.
   */
  get endpoint(): URL {
    const url = new URL(this.#href);
    url.username = '';
    url.password = '';
    return url;
  }

  /** `Proxy-Authorization` for the URL's login (curl's rule: a user name alone is `user:`), or undefined. */
  get authorization(): string | undefined {
    const url = new URL(this.#href);
    if (!url.username && !url.password) return undefined;
    return `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
  }

  /** A stable key for caching agents per proxy (credentials included, so it is never shown). */
  get cacheKey(): string {
    return this.#href;
  }

  summary(): ProxySummary {
    const url = this.url;
    return {
      variable: this.variable,
      source: this.source,
      url: this.display,
      host: url.host,
      noProxy: this.noProxy
        ? { variable: this.noProxy.variable, source: this.noProxy.source, entries: this.noProxy.all ? ['*'] : this.noProxy.entries.map((entry) => entry.text) }
        : null,
    };
  }

  toJSON(): ProxySummary {
    return this.summary();
  }

  /** util.inspect (console.log, test failure messages) shows the summary, never the URL. */
  [Symbol.for('nodejs.util.inspect.custom')](): ProxySummary {
    return this.summary();
  }
}

const PORT_SUFFIX = /^(.*):(\d{1,5})$/;

function addressMatcher(address: string, prefix: number | undefined): BlockList | undefined {
  const family = isIP(address);
  if (family === 0) return undefined;
  const type = family === 6 ? 'ipv6' : 'ipv4';
  const list = new BlockList();
  if (prefix === undefined) list.addAddress(address, type);
  else if (prefix >= 0 && prefix <= (family === 6 ? 128 : 32)) list.addSubnet(address, prefix, type);
  else return undefined;
  return list;
}

/** One NO_PROXY entry; undefined for one that can never match anything (an empty `.`). */
export function parseNoProxyEntry(text: string): NoProxyEntry | undefined {
  let host = text.trim().toLowerCase();
  let port: number | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(host);
  if (bracketed) {
    host = bracketed[1]!;
    port = bracketed[2] === undefined ? undefined : Number(bracketed[2]);
  } else if (isIP(host) !== 6 && !host.includes('/')) {
    // A bare IPv6 address has many colons and no port; anything else may end in :port.
    const withPort = PORT_SUFFIX.exec(host);
    if (withPort) {
      host = withPort[1]!;
      port = Number(withPort[2]);
    }
  }
  const cidr = /^([^/]+)\/(\d{1,3})$/.exec(host);
  const match = cidr ? addressMatcher(cidr[1]!, Number(cidr[2])) : addressMatcher(host, undefined);
  if (match) return { kind: 'address', text, match, port };
  const domain = host.replace(/^\*/, '').replace(/^\.+/, '').replace(/\.$/, '');
  if (domain === '') return undefined;
  return { kind: 'domain', text, domain, port };
}

function resolveNoProxy(env: EnvLookup): NoProxyConfig | undefined {
  for (const variable of NO_PROXY_VARIABLES) {
    const entry = env.get(variable);
    if (!entry) continue;
    const words = entry.value.split(/[\s,]+/).filter((word) => word !== '');
    const all = words.includes('*');
    const entries = all ? [] : words.map(parseNoProxyEntry).filter((parsed): parsed is NoProxyEntry => parsed !== undefined);
    return { variable, source: entry.source, all, entries };
  }
  return undefined;
}

/**
 * The proxy every network call uses, or undefined when no proxy variable is set. Throws
 * SETTINGS_TYPE_INVALID naming the variable (and never the password in it) when the value is not
 * an http(s) URL: Claude Code refuses to start with an unparseable proxy rather than going direct.
 */
export function resolveProxy(env: EnvLookup): ProxyConfig | undefined {
  for (const variable of PROXY_VARIABLES) {
    // The table's proxy-url parser: an unusable value throws naming the variable, its login hidden.
    const entry = readProxyUrlVar(env, variable);
    if (entry) return new ProxyConfig(variable, entry.source, entry.value, resolveNoProxy(env));
  }
  return undefined;
}

export type ProxyInspection =
  | { readonly ok: true; readonly proxy: ProxyConfig | undefined }
  | { readonly ok: false; readonly variable: string; readonly source: string; readonly error: CcBedrockError };

/** resolveProxy for status and doctor, which report an invalid proxy instead of stopping. */
export function inspectProxy(env: EnvLookup): ProxyInspection {
  try {
    return { ok: true, proxy: resolveProxy(env) };
  } catch (error) {
    if (!(error instanceof CcBedrockError)) throw error;
    const { variable, source } = error.details as { variable: string; source: string };
    return { ok: false, variable, source, error };
  }
}

const DEFAULT_PORTS: Readonly<Record<string, number>> = { 'http:': 80, 'https:': 443, 'ws:': 80, 'wss:': 443 };

/** Whether a request to `url` goes direct because NO_PROXY lists its host (or `*`). */
export function bypassesProxy(url: URL, config: ProxyConfig | undefined): boolean {
  const noProxy = config?.noProxy;
  if (!noProxy) return false;
  if (noProxy.all) return true;
  const host = url.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  const port = url.port ? Number(url.port) : DEFAULT_PORTS[url.protocol];
  const family = isIP(host);
  for (const entry of noProxy.entries) {
    if (entry.port !== undefined && entry.port !== port) continue;
    if (entry.kind === 'address') {
      if (family !== 0 && entry.match.check(host, family === 6 ? 'ipv6' : 'ipv4')) return true;
      continue;
    }
    if (host === entry.domain || host.endsWith(`.${entry.domain}`)) return true;
  }
  return false;
}

/** How the proxy itself failed a request (proxy-fetch.ts marks the errors it explains). */
export type ProxyFailureKind = 'login-refused' | 'tunnel-refused' | 'unreachable';

/** A proxy failure with what the fix must name: the variable, where it was set, the redacted URL. */
export interface ProxyFailure {
  readonly kind: ProxyFailureKind;
  readonly variable: string;
  readonly source: string;
  /** The proxy URL with its login hidden. */
  readonly proxy: string;
  /** The socket error code for an unreachable proxy (ECONNREFUSED, ENOTFOUND…). */
  readonly networkCode: string | undefined;
}

const PROXY_FAILURE = Symbol.for('cc-bedrock.proxy-failure');

/** Tags an error with how the proxy failed, for proxyFailureOf. */
export function markProxyFailure<E extends Error>(error: E, failure: ProxyFailure): E {
  Object.defineProperty(error, PROXY_FAILURE, { value: failure, enumerable: false });
  return error;
}

/**
 * The proxy failure `error` (or one of its causes, e.g. inside the Anthropic SDK's
 * APIConnectionError) records, if the proxy failed rather than the network or the endpoint.
 * Light, so the client can ask without loading undici.
 */
export function proxyFailureDetail(error: unknown): ProxyFailure | undefined {
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 8; depth++) {
    const failure = (current as { [PROXY_FAILURE]?: ProxyFailure })[PROXY_FAILURE];
    if (failure) return failure;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Whether `error` is the proxy failing, and how. */
export function proxyFailureOf(error: unknown): ProxyFailureKind | undefined {
  return proxyFailureDetail(error)?.kind;
}

/**
 * createNetworkFetch for `proxy`, or undefined when there is none (callers then keep their own
 * default transport). Loads undici and the proxy agents only when a proxy is configured, so
 * commands on a direct network do not pay for them.
 */
export async function loadNetworkFetch(proxy: ProxyConfig | undefined): Promise<typeof fetch | undefined> {
  if (!proxy) return undefined;
  const { createNetworkFetch } = await import('./proxy-fetch.js');
  return createNetworkFetch(proxy);
}
