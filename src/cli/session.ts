/**
 * The setup every talking command shares (`-p`, `chat`, `demo`): route plan → credential
 * providers → availability discovery (disk-cached) → the plan re-resolved with what discovery
 * learned → the Messages client.
 *
 * The SDK-heavy modules (the Anthropic and AWS SDKs behind src/client and src/aws/credentials)
 * are imported here on first use, and their loading overlaps with reading the settings files, so
 * a warm `cc-bedrock -p` spends its start-up time on resolution rather than waiting on imports.
 */
import type { AuthProvider } from '../core/auth-types.js';
import type { BedrockClient, ClientLogger, DiscoveryResult } from '../client/index.js';
import { CcBedrockError, isCcBedrockError } from '../core/errors.js';
import { planNameContext, resolveModelName } from '../models/resolve-model.js';
import { loadNetworkFetch, resolveProxy, type ProxyConfig } from '../network/proxy.js';
import { resolveRoutePlan, type RouteResolution } from '../routing/resolve-route-plan.js';
import type { ResolvedModel, RoutePlan, RouteWarning } from '../core/route-plan.js';
import { type CliIO, resolutionInputs } from '../core/command-io.js';
import type { OnWaiting } from '../bedrock/deadlines.js';
import { wireTimingFromEnv } from '../bedrock/timing.js';
import { readNumberVar } from '../settings/read-var.js';

export interface OpenSessionOptions {
  readonly io: CliIO;
  /** `--model`. */
  readonly model?: string | undefined;
  /** `--settings <file-or-json>`. */
  readonly settings?: string | undefined;
  /** `--refresh`: ignore the discovery cache. */
  readonly refresh?: boolean | undefined;
  /**
   * Sends every upstream request (tests and the demo may pass the emulator's in-process fetch).
   * Default: direct, or through the proxy of HTTPS_PROXY / HTTP_PROXY (NO_PROXY honoured).
   */
  readonly fetch?: typeof fetch;
  /** Where warnings go; by default `cc-bedrock: warning: …` lines on stderr. */
  readonly warn?: (warning: RouteWarning) => void;
  /** Told while a stream waits without a byte (print and chat say so on stderr). */
  readonly onWaiting?: OnWaiting;
}

export interface Session {
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
  /**
   * Resolves a model name the way a request for it will be resolved (`/model opus`): pins,
   * overrides, discovered profile IDs and `availableModels` apply. Throws MODEL_NOT_ALLOWED etc.
   */
  resolveModel(name: string, origin?: string): ResolvedModel;
}

/** `cc-bedrock: <message>\n  fix: <remediation>` — the one way every talking command reports a failure. */
export function describeFailure(error: unknown): string {
  if (isCcBedrockError(error)) return `cc-bedrock: ${error.describe()}\n`;
  const message = error instanceof Error ? error.message : String(error);
  return `cc-bedrock: unexpected error (please report it): ${message}\n`;
}

export function formatWarning(warning: RouteWarning): string {
  return `cc-bedrock: warning: ${warning.message}\n${warning.fix ? `  fix: ${warning.fix}\n` : ''}`;
}

/** Client retry notes and the like: shown, because a silent 30-second backoff looks like a hang. */
function stderrLogger(io: CliIO): ClientLogger {
  return {
    debug() {},
    warn(message) {
      io.stderr.write(`cc-bedrock: ${message}\n`);
    },
  };
}

/** Warnings are printed once per message, however many times resolution repeats them. */
function warningSink(io: CliIO, custom: OpenSessionOptions['warn']): (warning: RouteWarning) => void {
  const seen = new Set<string>();
  return (warning) => {
    if (seen.has(warning.message)) return;
    seen.add(warning.message);
    if (custom) custom(warning);
    else io.stderr.write(formatWarning(warning));
  };
}

export async function openSession(options: OpenSessionOptions): Promise<Session> {
  const { io } = options;
  // Started before the settings are read so the imports overlap with resolution.
  const clientModule = import('../client/index.js');
  const credentialsModule = import('../aws/credentials.js');
  // Either import failing must surface once, from the await below, not as an unhandled rejection.
  clientModule.catch(() => undefined);
  credentialsModule.catch(() => undefined);

  const resolveOptions = resolutionInputs(io, options);
  const resolution = await resolveRoutePlan(resolveOptions);
  const warn = warningSink(io, options.warn);
  // Shown before anything is sent: they often explain a credential failure that follows.
  for (const warning of resolution.plan.warnings) warn(warning);
  const { envLookup, effectiveEnv } = resolution;
  const logger = stderrLogger(io);
  // An unusable proxy URL stops the launch before anything is sent, as in Claude Code: going
  // direct instead would bypass a proxy the network requires (and hang where egress is blocked).
  const proxy = resolveProxy(envLookup);
  const sendFetch = options.fetch ?? (await loadNetworkFetch(proxy));

  const { createAuthProvider } = await credentialsModule;
  const authFor = (endpoint: 'bedrock' | 'mantle'): AuthProvider =>
    createAuthProvider({
      plan: resolution.plan.credentials[endpoint],
      env: envLookup,
      subprocessEnv: effectiveEnv,
      homeDir: io.homeDir,
      region: resolution.plan.region.value,
      stderr: io.stderr,
      warn: (message) => warn({ code: 'credentials', message }),
      platform: io.platform,
      ...(sendFetch ? { fetch: sendFetch } : {}),
    });
  const auth = { bedrock: authFor('bedrock'), mantle: authFor('mantle') };

  const { applyDiscovery, clientOptionsFromEnv, createClient, discoverAvailability } = await clientModule;
  const clientTuning = clientOptionsFromEnv(envLookup, { warn });
  const wireTiming = wireTimingFromEnv(envLookup, { warn });
  const discover = (plan: RoutePlan) =>
    discoverAvailability({
      plan,
      auth,
      env: envLookup,
      homeDir: io.homeDir,
      refresh: options.refresh === true,
      logger,
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

  const discoveredProfileIds = discovery?.discoveredProfileIds;
  const client = createClient({
    plan,
    auth,
    logger,
    maxRetries: clientTuning.maxRetries,
    timeoutMs: clientTuning.timeoutMs,
    ...wireTiming,
    ...(options.onWaiting ? { onWaiting: options.onWaiting } : {}),
    env: envLookup,
    ...(discoveredProfileIds ? { discoveredProfileIds } : {}),
    ...(sendFetch ? { fetch: sendFetch } : {}),
  });

  const resolveModel = (name: string, origin = 'the model selection'): ResolvedModel =>
    resolveModelName(name, planNameContext(plan, envLookup, { origin, discoveredProfileIds })).model;

  return { resolution, plan, auth, client, proxy, discovery, resolveModel };
}

/**
 * The reply budget when `--max-tokens` is not given: CLAUDE_CODE_MAX_OUTPUT_TOKENS, else what
 * Claude Code asks for on current models, lowered for the older models that cap below it.
 */
export function defaultMaxTokens(session: Pick<Session, 'resolution'>, model: ResolvedModel): number {
  const configured = readNumberVar(session.resolution.envLookup, 'CLAUDE_CODE_MAX_OUTPUT_TOKENS');
  if (configured) return configured.value;
  const key = model.catalogKey ?? '';
  if (key.startsWith('claude-3-haiku')) return 4096;
  if (key.startsWith('claude-3-5')) return 8192;
  return 32_000;
}

/** `--max-tokens <n>`: a positive whole number, or a usage error naming the flag. */
export function parseMaxTokens(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const text = String(value).trim();
  const parsed = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(parsed) || parsed <= 0) {
    throw new CcBedrockError('USAGE', `--max-tokens ${JSON.stringify(String(value))} is not a positive whole number`, {
      remediation: 'pass the largest number of tokens the reply may have, e.g. --max-tokens 1024',
    });
  }
  return parsed;
}
