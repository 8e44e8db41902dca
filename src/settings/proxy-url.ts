/**
 * The proxy variables' parser (HTTPS_PROXY and friends; their table entries say `proxy-url`) and
 * the redaction of their values. Here, below the network layer, so the table's reader owns the
 * parse; src/network/proxy.ts builds the proxy from what the reader returns.
 */

const problem = (text: string, fix: string): ProxyUrlProblem => ({ problem: text, fix });

/** `http://****:****@proxy.example.com:3128`: the user name and password hidden, nothing else changed. */
export function redactProxyUrl(url: URL): string {
  const path = url.pathname === '/' && !url.search ? '' : `${url.pathname}${url.search}`;
  const credentials = url.username || url.password ? `****${url.password ? ':****' : ''}@` : '';
  return `${url.protocol}//${credentials}${url.host}${path}`;
}

/**
 * A raw value that did not parse, for an error message: everything between the scheme (if any)
 * and the last `@` is hidden, so a password survives neither a missing scheme nor a `/` or `@`
 * inside it.
 */
export function redactRawProxyValue(raw: string): string {
  const at = raw.lastIndexOf('@');
  const shown = (() => {
    if (at < 0) return raw;
    const schemeEnd = raw.indexOf('://');
    const start = schemeEnd >= 0 && schemeEnd < at ? schemeEnd + 3 : 0;
    return `${raw.slice(0, start)}****@${raw.slice(at + 1)}`;
  })();
  return shown.length > 200 ? `${shown.slice(0, 197)}...` : shown;
}

/** Why a proxy value is unusable (`it has no scheme`) and the fix. */
export interface ProxyUrlProblem {
  readonly problem: string;
  readonly fix: string;
}

/** Parses a proxy URL: http: or https: with a host; anything else is a problem naming the variable in its fix. */
export function parseProxyUrl(variable: string, raw: string): URL | ProxyUrlProblem {
  const example = `${variable}=http://proxy.example.com:3128 (with user:password@ before the host if the proxy needs a login)`;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (url && (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname) return url;
  if (!raw.includes('://')) {
    // `proxy.corp:3128` parses as a URL whose scheme is `proxy.corp:`; say what is really wrong.
    return problem('it has no scheme', `write the scheme in front: ${variable}=http://${redactRawProxyValue(raw)}`);
  }
  if (!url) return problem('it does not parse as a URL', `set ${example}`);
  if (/^socks/i.test(url.protocol)) {
    return problem('SOCKS proxies are not supported (as in Claude Code)', `use an HTTP proxy: ${example}, or unset ${variable}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return problem(`the scheme is ${url.protocol.slice(0, -1)}, not http or https`, `set ${example}`);
  }
  return problem('it names no host', `set ${example}`);
}
