/**
 * Which fetch a proxy-aware fetch falls back to. Kept apart from proxy-fetch.ts so code that only
 * needs the direct route (instance metadata) does not load undici and the proxy agents.
 */
const directFetches = new WeakMap<typeof fetch, typeof fetch>();

/** Records that `networkFetch` sends through a proxy and `direct` is the same without it. */
export function registerDirectFetch(networkFetch: typeof fetch, direct: typeof fetch): void {
  directFetches.set(networkFetch, direct);
}

/**
 * The fetch without the proxy: for host-local endpoints (EC2 instance metadata on 169.254.169.254
 * or fd00:ec2::254) that no proxy can reach, which the AWS SDK for JavaScript never proxies
 * either. Any other fetch (a test double, the emulator's in-process fetch) is returned as is.
 */
export function directFetchOf(fetchFn: typeof fetch): typeof fetch {
  return directFetches.get(fetchFn) ?? fetchFn;
}
