/**
 * Settings + environment → a ready Messages client, the one way: route plan → credential
 * providers → availability discovery (disk-cached) → the plan re-resolved with what discovery
 * learned → `createClient`. The CLI's talking commands (src/cli/session.ts) and the library's
 * no-argument `createClient()` both come through here. Pure: the environment, home, working
 * directory, platform and output streams are passed in; nothing here reads `process.*`.
 *
 * The SDK-heavy modules (the Anthropic and AWS SDKs behind create-client, discovery and
 * src/aws/credentials) are imported on first use and load while the settings files are read, so
 * a warm `cc-bedrock -p` spends its start-up time on resolution rather than waiting on imports.
 */
import type { Writable } from 'node:stream';
import type { AuthProvider } from '../core/auth-types.js';
import type { RoutePlan, RouteWarning } from '../core/route-plan.js';
import type { OnWaiting } from '../bedrock/deadlines.js';
import { wireTimingFromEnv } from '../bedrock/timing.js';
import { loadNetworkFetch, resolveProxy, type ProxyConfig } from '../network/proxy.js';
import { resolveRoutePlan, type ResolveRoutePlanOptions, type RouteResolution } from '../routing/resolve-route-plan.js';
import type { BedrockClient } from './create-client.js';
import type { DiscoveryResult } from './discovery.js';
import type { ClientLogger } from './types.js';

/** What `openClient` reads: the resolution inputs plus where its output goes. */
export interface OpenClientOptions extends Omit<ResolveRoutePlanOptions, 'discoveredProfileIds'> {
  /** Output of credential commands (`awsAuthRefresh` prints its device code here). */
  readonly stderr: Writable;
  /** Told each route and credential warning; repeated warnings are passed again (dedupe if you print). */
  readonly warn?: ((warning: RouteWarning) => void) | undefined;
  /** Retry notes and debug lines of the client and discovery; silent when omitted. */
  readonly logger?: ClientLogger | undefined;
  /**
   * Sends every upstream request. Default: direct, or through the proxy of HTTPS_PROXY /
   * HTTP_PROXY (NO_PROXY honoured), as Claude Code does.
   */
  readonly fetch?: typeof fetch | undefined;
  /** Ignore the discovery cache (`--refresh`). */
  readonly refresh?: boolean | undefined;
  /** Told while a stream waits without a byte. */
  readonly onWaiting?: OnWaiting | undefined;
}

/** A client with everything that went into it. */
export interface OpenedClient {
  /** The plan as resolved from settings and env, before discovery (settings files, env lookup). */
  readonly resolution: RouteResolution;
  /** The live plan: re-resolved with the discovered profile IDs and any discovery fallback applied. */
  readonly plan: RoutePlan;
  readonly auth: { readonly bedrock: AuthProvider; readonly mantle: AuthProvider };
  readonly client: BedrockClient;
  /** The proxy every AWS and Bedrock call goes through (HTTPS_PROXY and friends); undefined when direct. */
  readonly proxy: ProxyConfig | undefined;
  /** Undefined when discovery did not run (nothing to discover for this plan). */
  readonly discovery: DiscoveryResult | undefined;
}

/**
 * Resolves settings and environment into a route plan, builds the credential providers, runs
 * availability discovery and returns the Messages client for the resulting plan, the way
 * Claude Code sets itself up for Bedrock. Throws the CcBedrockError of the first problem.
 * The pure form of the no-argument `createClient()`: every input is passed in.
 *
 * @example
 * ```ts
 * import { openClient } from 'cc-bedrock';
 *
 * const { client, plan } = await openClient({
 *   env: { CLAUDE_CODE_USE_BEDROCK: '1', AWS_REGION: 'us-west-2' }, homeDir, cwd, platform: 'linux', stderr: process.stderr,
 * });
 * ```
 */
export async function openClient(options: OpenClientOptions): Promise<OpenedClient> {
  // Started before the settings are read so the imports overlap with resolution.
  const clientModule = import('./create-client.js');
  const discoveryModule = import('./discovery.js');
  const optionsModule = import('./options-from-env.js');
  const credentialsModule = import('../aws/credentials.js');
  // An import failing must surface once, from its await below, not as an unhandled rejection.
  for (const pending of [clientModule, discoveryModule, optionsModule, credentialsModule]) pending.catch(() => undefined);

  const { stderr, warn = () => {}, logger, fetch: givenFetch, refresh, onWaiting, ...resolveOptions } = options;
  const resolution = await resolveRoutePlan(resolveOptions);
  // Told before anything is sent: they often explain a credential failure that follows.
  for (const warning of resolution.plan.warnings) warn(warning);
  const { envLookup, effectiveEnv } = resolution;
  // An unusable proxy URL stops the launch before anything is sent, as in Claude Code: going
  // direct instead would bypass a proxy the network requires (and hang where egress is blocked).
  const proxy = resolveProxy(envLookup);
  const sendFetch = givenFetch ?? (await loadNetworkFetch(proxy));

  const { createAuthProvider } = await credentialsModule;
  const authFor = (endpoint: 'bedrock' | 'mantle'): AuthProvider =>
    createAuthProvider({
      plan: resolution.plan.credentials[endpoint],
      env: envLookup,
      subprocessEnv: effectiveEnv,
      homeDir: options.homeDir,
      region: resolution.plan.region.value,
      stderr,
      warn: (message) => warn({ code: 'credentials', message }),
      platform: options.platform,
      ...(sendFetch ? { fetch: sendFetch } : {}),
    });
  const auth = { bedrock: authFor('bedrock'), mantle: authFor('mantle') };

  const { applyDiscovery, discoverAvailability } = await discoveryModule;
  const discover = (plan: RoutePlan) =>
    discoverAvailability({
      plan,
      auth,
      env: envLookup,
      homeDir: options.homeDir,
      refresh: refresh === true,
      ...(logger ? { logger } : {}),
      ...(sendFetch ? { fetch: sendFetch } : {}),
    });

  let plan = resolution.plan;
  let discovery: DiscoveryResult | undefined;
  if (plan.providers.bedrock || plan.providers.mantle) {
    discovery = await discover(plan);
    const ids = discovery.discoveredProfileIds;
    if (ids !== undefined) {
      // Claude Code picks the global profile when the account lists only global ones: resolve
      // again with what ListInferenceProfiles returned.
      const rediscovered = (await resolveRoutePlan({ ...resolveOptions, discoveredProfileIds: ids })).plan;
      if (rediscovered.models.main.wireModelId !== plan.models.main.wireModelId && discovery.cacheFile !== undefined) {
        // The probes (and the fallback decision) belong to the model actually used; with the
        // cache just written this second pass is answered from disk for everything it already knows.
        const first = discovery;
        const second = await discover(rediscovered);
        discovery = { ...second, upstreamCalls: first.upstreamCalls + second.upstreamCalls, fromCache: first.fromCache && second.fromCache };
      }
      plan = rediscovered;
    }
    plan = applyDiscovery(plan, discovery);
  }
  for (const warning of plan.warnings) warn(warning);

  const { clientOptionsFromEnv } = await optionsModule;
  const { createClient } = await clientModule;
  const discoveredProfileIds = discovery?.discoveredProfileIds;
  const client = createClient({
    plan,
    auth,
    ...(logger ? { logger } : {}),
    ...clientOptionsFromEnv(envLookup, { warn }),
    ...wireTimingFromEnv(envLookup, { warn }),
    ...(onWaiting ? { onWaiting } : {}),
    env: envLookup,
    ...(discoveredProfileIds ? { discoveredProfileIds } : {}),
    ...(discovery ? { inferenceProfiles: discovery.inferenceProfiles } : {}),
    ...(sendFetch ? { fetch: sendFetch } : {}),
  });
  return { resolution, plan, auth, client, proxy, discovery };
}
