/**
 * Sending through the proxy of resolveProxy: a `fetch` for everything that takes one (the
 * Anthropic Bedrock SDK, STS and the AWS SDK credential providers through FetchHttpHandler,
 * probes, discovery). node:http(s) agents for code that writes requests itself (the gateway's
 * upstream transport) are in proxy-agents.ts, so a command that only fetches does not load them.
 *
 * The fetch goes through undici's own `fetch` with a `ProxyAgent` dispatcher from the same
 * package, rather than handing that dispatcher to Node's global fetch: Node bundles its own copy
 * of undici whose version follows Node's, and a dispatcher of another major version is not
 * guaranteed to fit it. Basic credentials in the proxy URL become `Proxy-Authorization` (given to
 * the dispatcher as a header, not inside its URL). One
 * dispatcher per proxy for the life of the process, so connections to the proxy are pooled.
 */
import { ProxyAgent, fetch as undiciFetch } from 'undici';
import { registerDirectFetch } from './direct-fetch.js';
import { bypassesProxy, markProxyFailure, type ProxyConfig, type ProxyFailureKind } from './proxy.js';

const dispatchers = new Map<string, ProxyAgent>();

function dispatcherFor(config: ProxyConfig): ProxyAgent {
  let dispatcher = dispatchers.get(config.cacheKey);
  if (!dispatcher) {
    const authorization = config.authorization;
    dispatcher = new ProxyAgent({ uri: config.endpoint.href, ...(authorization ? { token: authorization } : {}) });
    dispatchers.set(config.cacheKey, dispatcher);
  }
  return dispatcher;
}

function targetOf(input: string | URL | Request): URL | undefined {
  try {
    if (typeof input === 'string') return new URL(input);
    if (input instanceof URL) return input;
    return new URL(input.url);
  } catch {
    return undefined;
  }
}

type UndiciInit = NonNullable<Parameters<typeof undiciFetch>[1]>;

const TUNNEL_REFUSED = /^Proxy response \((\d{3})\) !== 200 when HTTP Tunneling$/;
const CONNECT_FAILURES = /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT)$/;

/** The error and its causes, outermost first (undici nests them: TypeError, DOMException, the undici error). */
function causeChain(error: unknown): Array<{ message?: unknown; code?: unknown; port?: unknown }> {
  const chain: Array<{ message?: unknown; code?: unknown; port?: unknown; cause?: unknown }> = [];
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 6; depth++) {
    const link = current as { message?: unknown; code?: unknown; port?: unknown; cause?: unknown };
    chain.push(link);
    current = link.cause;
  }
  return chain;
}

/**
 * undici reports a refused tunnel as "Request was cancelled." (the proxy's status is two causes
 * deeper) and an unreachable proxy as a bare ECONNREFUSED, naming neither the proxy nor the
 * variable. The failure is re-thrown the way fetch fails (a TypeError, the original as its
 * cause) with a message that does, so the client's network-error message says which setting to
 * fix. The proxy is named by its redacted URL only.
 */
function explainProxyFailure(error: unknown, config: ProxyConfig, target: URL): unknown {
  if (!(error instanceof TypeError)) return error;
  const proxyName = `the proxy ${config.display} (${config.variable}, ${config.source})`;
  for (const link of causeChain(error)) {
    const refused = typeof link.message === 'string' ? TUNNEL_REFUSED.exec(link.message) : null;
    let explanation: string | undefined;
    let kind: ProxyFailureKind | undefined;
    let networkCode: string | undefined;
    if (refused?.[1] === '407') {
      kind = 'login-refused';
      explanation = `${proxyName} refused the login (407 Proxy Authentication Required): check the user name and password in ${config.variable}`;
    } else if (refused) {
      kind = 'tunnel-refused';
      explanation = `${proxyName} refused to open a tunnel to ${target.host} (HTTP ${refused[1]}): ask for that host to be allowed, or list it in NO_PROXY if it is reachable directly`;
    } else if (typeof link.code === 'string' && CONNECT_FAILURES.test(link.code) && String(link.port ?? '') === proxyPort(config)) {
      kind = 'unreachable';
      networkCode = link.code;
      explanation = `could not connect to ${proxyName}: ${link.code}`;
    }
    // In the message itself: callers (the Anthropic SDK) show the message of what fetch threw.
    if (kind && explanation) {
      const failure = { kind, variable: config.variable, source: config.source, proxy: config.display, networkCode };
      return markProxyFailure(new TypeError(`fetch failed: ${explanation}`, { cause: error }), failure);
    }
  }
  return error;
}

function proxyPort(config: ProxyConfig): string {
  const url = config.url;
  return url.port || (url.protocol === 'https:' ? '443' : '80');
}

/**
 * A fetch that sends every http(s) request NO_PROXY does not exempt through the proxy, and the
 * rest through `base` unchanged. Without a proxy it is `base` itself.
 */
export function createNetworkFetch(config: ProxyConfig | undefined, base: typeof fetch = globalThis.fetch): typeof fetch {
  if (!config) return base;
  const dispatcher = dispatcherFor(config);
  const networkFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const target = targetOf(input);
    if (!target || (target.protocol !== 'http:' && target.protocol !== 'https:') || bypassesProxy(target, config)) return base(input, init);
    let url: string | URL;
    let requestInit: Record<string, unknown>;
    if (typeof input === 'string' || input instanceof URL) {
      url = input;
      requestInit = { ...init };
    } else {
      // undici's fetch accepts only its own Request class, not the global one: send its parts.
      url = input.url;
      requestInit = {
        method: input.method,
        headers: input.headers,
        body: input.body,
        signal: input.signal,
        redirect: input.redirect,
        ...(input.body ? { duplex: 'half' } : {}),
        ...init,
      };
    }
    if (requestInit['body'] instanceof ReadableStream && requestInit['duplex'] === undefined) requestInit['duplex'] = 'half';
    try {
      const response = await undiciFetch(url, { ...requestInit, dispatcher } as UndiciInit);
      return response as unknown as Response;
    } catch (error) {
      throw explainProxyFailure(error, config, target);
    }
  };
  const typed = networkFetch as typeof fetch;
  registerDirectFetch(typed, base);
  return typed;
}
