/**
 * `createGateway`: the whole gateway as one function from a request to its answer (plus
 * `close`): `handle` on plain data (exchange.ts), which `serve` binds to a port with a thin
 * node:http adapter, and `fetch` on WHATWG objects for in-process use.
 *
 * Surfaces: the Anthropic Messages API (`/v1/messages`, `/v1/messages/count_tokens`,
 * `/v1/models`), the Bedrock passthrough (`/model/{id}/…`, `/inference-profiles…`), and the
 * operations endpoints (`/healthz`, `/metrics`). Every request is authenticated (when a key is
 * configured), size-limited, counted, and logged once; every failure is mapped to the wire in
 * exactly one place per surface (anthropic-errors.ts, bedrock-errors.ts).
 */
import { CcBedrockError, isCcBedrockError } from '../core/errors.js';
import { systemClock } from '../core/clock.js';
import { DEFAULT_TIMEOUT_MS, defaultSleep } from '../bedrock/retry-policy.js';
import { DEFAULT_FIRST_BYTE_TIMEOUT_MS, DEFAULT_STREAM_IDLE_TIMEOUT_MS } from '../bedrock/deadlines.js';
import { anthropicErrorResponse, toWireError, type WireError } from './anthropic-errors.js';
import { bedrockErrorResponse } from './bedrock-errors.js';
import type { GatewayContext, HandlerInput, HandlerResult } from './context.js';
import { CredentialHealth, clientCredentialError, isOwnCredentialFailure } from './credential-health.js';
import { createKeyCheck } from './gateway-key.js';
import { hasGuardrail } from './guardrails.js';
import { MANTLE_PASSTHROUGH_PREFIX, handleCountTokens, handleMessages } from './messages.js';
import { GatewayMetrics, type RouteName } from './metrics.js';
import { ModelResolver } from './model-identity.js';
import { ModelsCatalog, handleGetModel, handleListModels } from './models-list.js';
import { probeAvailability } from '../client/probe.js';
import { matchPassthroughPath, type BedrockModelOperation } from './bedrock-paths.js';
import { handleBedrockModel, handleInferenceProfiles } from './passthrough.js';
import { BodyBudget, budgetSpent, checkBodySize } from './request-body.js';
import { RequestScope, type ScopeHost } from './request-scope.js';
import type { Gateway, GatewayOptions } from './types.js';
import { upstreamResponseOf, Upstream } from './upstream.js';
import { fetchTransport, nodeHttpTransport } from './upstream-transport.js';
import { fromWebRequest, toWebResponse, type GatewayRequest, type GatewayResponse } from './exchange.js';

export const DEFAULT_MAX_BODY_BYTES = 20 * 1024 * 1024;
export const DEFAULT_BODY_MEMORY_BYTES = 256 * 1024 * 1024;
export const DEFAULT_GATEWAY_RETRIES = 2;
export const DEFAULT_DRAIN_TIMEOUT_MS = 30_000;
/** After the drain deadline, how long cut streams get to write their closing error event. */
const CUT_GRACE_MS = 2_000;
const DEFAULT_MODELS_CACHE_MS = 10 * 60_000;
const EMPTY_BODY = new Uint8Array(0);

type Surface = 'anthropic' | 'bedrock' | 'ops';

interface Route {
  readonly name: RouteName;
  readonly surface: Surface;
  readonly needsBody: boolean;
  readonly handle: (input: HandlerInput) => Promise<HandlerResult>;
}

const BEDROCK_ROUTE: Record<BedrockModelOperation, RouteName> = {
  invoke: 'invoke',
  'invoke-with-response-stream': 'invoke_stream',
  'count-tokens': 'bedrock_count_tokens',
};

function notFound(method: string, path: string): CcBedrockError {
  return new CcBedrockError('REQUEST_INVALID', `no route for ${method} ${path.slice(0, 200)}`, {
    remediation: 'the gateway serves POST /v1/messages, POST /v1/messages/count_tokens, GET /v1/models, the Mantle paths POST /anthropic/v1/messages[/count_tokens], the Bedrock paths /model/{id}/invoke[-with-response-stream] and /model/{id}/count-tokens, GET /inference-profiles, GET /healthz and GET /metrics',
    details: { anthropicErrorType: 'not_found_error' },
  });
}

function surfaceOf(path: string): Surface {
  return path.startsWith('/model/') || path.startsWith('/inference-profiles') ? 'bedrock' : 'anthropic';
}

/**
 * Creates the gateway behind `cc-bedrock serve`: the Anthropic Messages API (first-party shapes,
 * `/v1/messages`, `/v1/models`, count_tokens) answered from Bedrock with a route plan's
 * credentials, behind an API key of its own. Transport-free; `listenGateway` puts it on a port.
 *
 * @example
 * ```ts
 * import { homedir } from 'node:os';
 * import { createGateway, listenGateway, openClient } from 'cc-bedrock';
 *
 * const { plan, auth, resolution } = await openClient({
 *   env: process.env, homeDir: homedir(), cwd: process.cwd(), platform: process.platform, stderr: process.stderr,
 * });
 * const gateway = createGateway({ plan, auth, env: resolution.envLookup, apiKey: 'a-long-random-key' });
 * const listening = await listenGateway(gateway, { host: '127.0.0.1', port: 8787 });
 * ```
 */
export function createGateway(options: GatewayOptions): Gateway {
  const clock = options.clock ?? systemClock;
  const metrics = new GatewayMetrics();
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const bodyBudget = new BodyBudget(options.maxBodyBytesInFlight ?? DEFAULT_BODY_MEMORY_BYTES);
  metrics.bodyBudget = bodyBudget;
  const maxRetries = Math.max(0, Math.floor(options.maxRetries ?? DEFAULT_GATEWAY_RETRIES));
  const drainTimeoutMs = options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS;
  const firstByteTimeoutMs = options.firstByteTimeoutMs ?? DEFAULT_FIRST_BYTE_TIMEOUT_MS;
  const checkKey = createKeyCheck(options.apiKey);
  const keyRequired = options.apiKey !== undefined;
  const nodeTransport = options.fetch ? undefined : nodeHttpTransport(options.agentFor ? { agentFor: options.agentFor } : {});
  const transport = options.fetch ? fetchTransport(options.fetch) : nodeTransport!;
  const upstream = new Upstream({
    auth: options.auth,
    transport,
    clock,
    sleep: options.sleep ?? defaultSleep,
    random: options.random ?? Math.random,
    maxRetries,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    firstByteTimeoutMs,
    onRetry: (error) => metrics.retry(error.code),
  });
  const models = new ModelResolver({
    plan: options.plan,
    ...(options.env ? { env: options.env } : {}),
    ...(options.discoveredProfileIds ? { discoveredProfileIds: options.discoveredProfileIds } : {}),
    upstream,
    clock,
  });
  const context: GatewayContext = {
    plan: options.plan,
    upstream,
    models,
    metrics,
    betaOverrides: options.betaOverrides ?? {},
    tagUserText: options.guardrailTagging === true && hasGuardrail(options.plan.customHeaders),
    streamIdleTimeoutMs: options.streamIdleTimeoutMs ?? DEFAULT_STREAM_IDLE_TIMEOUT_MS,
    firstByteTimeoutMs,
    maxRetries,
    clock,
    modelsCacheMs: options.modelsCacheMs ?? DEFAULT_MODELS_CACHE_MS,
    probe: async (targets) => {
      const probeFetch = options.probeFetch ?? options.fetch;
      // No disk cache: the listing itself is cached (modelsCacheMs), and a gateway's account may differ from the user's.
      const result = await probeAvailability({ plan: options.plan, auth: options.auth, cacheDir: false, clock, ...(probeFetch ? { fetch: probeFetch } : {}), maxRetries: 1 }, targets);
      return result.availability;
    },
    preparedCalls: new Map(),
  };
  const catalog = new ModelsCatalog(context);

  const inUse = [options.plan.providers.bedrock ? options.auth.bedrock : undefined, options.plan.providers.mantle ? options.auth.mantle : undefined];
  const credentialHealth = new CredentialHealth(inUse.filter((provider) => provider !== undefined), clock);

  const open = new Set<RequestScope>();
  let draining = false;
  let drained: (() => void) | undefined;
  let closing: Promise<void> | undefined;
  const host: ScopeHost = {
    metrics,
    logger: options.logger,
    clock,
    release(scope) {
      open.delete(scope);
      if (open.size === 0) drained?.();
    },
  };

  // The fixed routes are made once; only those with a path parameter are made per request.
  const messagesRoute: Route = { name: 'messages', surface: 'anthropic', needsBody: true, handle: (input) => handleMessages(input) };
  const countTokensRoute: Route = { name: 'count_tokens', surface: 'anthropic', needsBody: true, handle: (input) => handleCountTokens(input) };
  const mantleMessagesRoute: Route = { name: 'messages', surface: 'anthropic', needsBody: true, handle: (input) => handleMessages(input, { mantleOnly: true }) };
  const mantleCountTokensRoute: Route = { name: 'count_tokens', surface: 'anthropic', needsBody: true, handle: (input) => handleCountTokens(input, { mantleOnly: true }) };

  const route = (method: string, path: string, search: string): Route | undefined => {
    const query = (): URLSearchParams => new URLSearchParams(search);
    if (path === '/v1/messages') return method === 'POST' ? messagesRoute : undefined;
    if (path === '/v1/messages/count_tokens') return method === 'POST' ? countTokensRoute : undefined;
    if (path === `${MANTLE_PASSTHROUGH_PREFIX}/v1/messages` && method === 'POST') return mantleMessagesRoute;
    if (path === `${MANTLE_PASSTHROUGH_PREFIX}/v1/messages/count_tokens` && method === 'POST') return mantleCountTokensRoute;
    if (path === '/v1/models' && method === 'GET') {
      return { name: 'models', surface: 'anthropic', needsBody: false, handle: (input) => handleListModels(input, catalog, query()) };
    }
    if (path.startsWith('/v1/models/') && method === 'GET') {
      const raw = path.slice('/v1/models/'.length);
      let id = raw;
      try {
        id = decodeURIComponent(raw);
      } catch {
        // An undecodable ID is simply not a model this gateway lists.
      }
      return { name: 'models', surface: 'anthropic', needsBody: false, handle: (input) => handleGetModel(input, catalog, id) };
    }
    // The Bedrock passthrough by shape only; the handlers decode and check the ID segment.
    const bedrock = matchPassthroughPath(method, path);
    if (!bedrock) return undefined;
    if (bedrock.kind === 'list-inference-profiles' || bedrock.kind === 'get-inference-profile') {
      const segment = bedrock.kind === 'get-inference-profile' ? bedrock.segment : undefined;
      return { name: 'inference_profiles', surface: 'bedrock', needsBody: false, handle: (input) => handleInferenceProfiles(input, segment, query()) };
    }
    const operation = bedrock.kind;
    return { name: BEDROCK_ROUTE[operation], surface: 'bedrock', needsBody: true, handle: (input) => handleBedrockModel(input, bedrock.segment, operation) };
  };

  const errorResponse = (surface: Surface, wire: WireError, scope: RequestScope): GatewayResponse =>
    surface === 'bedrock' ? bedrockErrorResponse(wire, scope.id) : anthropicErrorResponse(wire, scope.id);

  const fail = (surface: Surface, thrown: unknown, scope: RequestScope): GatewayResponse => {
    let error = thrown;
    if (isOwnCredentialFailure(thrown)) {
      // The operator's line names the source and the fix; the client's answer names neither.
      credentialHealth.markBroken(thrown);
      options.logger?.({
        ts: new Date(clock()).toISOString(),
        level: 'error',
        event: 'credentials',
        id: scope.id,
        code: thrown.code,
        message: thrown.message,
        fix: thrown.remediation ?? 'renew the AWS credentials of the gateway host',
      });
      error = clientCredentialError(thrown);
    }
    const passthrough = surface === 'bedrock' ? upstreamResponseOf(error) : undefined;
    const wire = toWireError(error);
    const message = isCcBedrockError(error) ? error.message : 'internal error';
    if (!isCcBedrockError(error)) scope.fields['internal'] = error instanceof Error ? `${error.name}: ${error.message} @ ${error.stack?.split('\n')[1]?.trim() ?? ''}` : typeof error;
    if (passthrough) {
      // Bedrock's own answer goes back as Bedrock sent it: its clients parse it best.
      scope.finish(passthrough.status, { type: wire.type, code: wire.code, message });
      const headers = { ...passthrough.headers, 'x-amzn-requestid': passthrough.headers['x-amzn-requestid'] ?? scope.id };
      return { status: passthrough.status, headers, body: passthrough.body };
    }
    const response = errorResponse(surface, wire, scope);
    scope.finish(response.status, { type: wire.type, code: wire.code, message });
    return response;
  };

  const serve = async (request: GatewayRequest, clientSignal: AbortSignal | undefined): Promise<GatewayResponse> => {
    const queryAt = request.target.indexOf('?');
    const path = queryAt < 0 ? request.target : request.target.slice(0, queryAt);
    const search = queryAt < 0 ? '' : request.target.slice(queryAt);
    const method = request.method;
    const scope = new RequestScope(host, method, path);
    open.add(scope);
    metrics.requestStarted();
    request.onAbandoned?.((reason) => scope.abort(reason));
    const onClientAbort = (): void => scope.abort(clientSignal?.reason);
    if (clientSignal?.aborted) onClientAbort();
    else clientSignal?.addEventListener('abort', onClientAbort, { once: true });

    if (path === '/healthz' && (method === 'GET' || method === 'HEAD')) {
      scope.route = 'healthz';
      // Unhealthy while the gateway's own credentials fail, so a balancer routes away (the body names no source).
      const state = draining ? 'draining' : (await credentialHealth.healthy()) ? 'ok' : 'credentials';
      const status = state === 'ok' ? 200 : 503;
      scope.finish(status);
      return { status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' }, body: JSON.stringify({ status: state }) };
    }
    const surface: Surface = path === '/metrics' ? 'anthropic' : surfaceOf(path);
    if (keyRequired && !checkKey((name) => request.header(name))) {
      const error = new CcBedrockError('CREDENTIALS_INVALID', 'missing or invalid gateway key', {
        remediation: 'send the gateway key as `x-api-key: <key>` or `Authorization: Bearer <key>` (ANTHROPIC_API_KEY / ANTHROPIC_AUTH_TOKEN for Anthropic clients, ANTHROPIC_CUSTOM_HEADERS for Claude Code on the Bedrock passthrough)',
        details: { anthropicErrorType: 'authentication_error' },
      });
      return fail(surface, error, scope);
    }
    if (path === '/metrics' && method === 'GET') {
      scope.route = 'metrics';
      scope.finish(200);
      return { status: 200, headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'cache-control': 'no-store' }, body: metrics.render() };
    }
    if (draining) {
      const error = new CcBedrockError('UPSTREAM_UNAVAILABLE', 'the gateway is shutting down and takes no new requests', {
        remediation: 'retry; another gateway instance (or this one after restart) will take it',
        status: 503,
      });
      return fail(surface, error, scope);
    }
    const matched = route(method, path, search);
    if (!matched) return fail(surface, notFound(method, path), scope);
    scope.route = matched.name;
    try {
      if (matched.needsBody) {
        checkBodySize(request, maxBodyBytes);
        if (request.overBudget) throw budgetSpent(bodyBudget);
      }
      const result = await matched.handle({ request, body: matched.needsBody ? request.body : EMPTY_BODY, scope, context });
      // Streams account for themselves when their body ends or the client leaves; any other
      // answer once the adapter has handed it to the socket.
      if (result.streaming) {
        credentialHealth.markWorking();
        return result.response;
      }
      const { status } = result.response;
      if (status < 400 && matched.needsBody) credentialHealth.markWorking();
      return { ...result.response, sent: () => scope.finish(status) };
    } catch (error) {
      return fail(matched.surface, error, scope);
    } finally {
      clientSignal?.removeEventListener('abort', onClientAbort);
    }
  };

  // Last line of defence: nothing the client sends may take the gateway down.
  const internalError = (error: unknown): GatewayResponse => {
    options.logger?.({ ts: new Date(clock()).toISOString(), level: 'error', event: 'internal', message: (error as Error)?.message ?? String(error) });
    return anthropicErrorResponse(toWireError(error), 'req_internal');
  };
  const handle = (request: GatewayRequest, signal: AbortSignal | undefined): Promise<GatewayResponse> => serve(request, signal).catch(internalError);

  return {
    handle: (request, handleOptions) => handle(request, handleOptions?.signal),
    async fetch(request, fetchOptions) {
      const read = await fromWebRequest(request, maxBodyBytes);
      // In-process callers hand over a body already read; it still counts while the gateway holds it.
      const held = read.body.byteLength;
      const overBudget = !bodyBudget.take(held);
      const exchange = overBudget ? { ...read, body: EMPTY_BODY, overBudget } : read;
      let response: GatewayResponse;
      try {
        response = await handle(exchange, fetchOptions?.signal ?? request.signal);
      } finally {
        if (!overBudget) bodyBudget.give(held);
      }
      try {
        return toWebResponse(response);
      } finally {
        response.sent?.();
      }
    },
    close() {
      closing ??= (async () => {
        draining = true;
        options.logger?.({ ts: new Date(clock()).toISOString(), level: 'info', event: 'draining', open: open.size });
        if (open.size > 0) {
          await new Promise<void>((resolve) => {
            drained = resolve;
            const timer = setTimeout(resolve, drainTimeoutMs);
            timer.unref?.();
          });
        }
        const cut = open.size;
        if (cut > 0) {
          // Each cut stream ends with an error event (overloaded_error / serviceUnavailableException)
          // instead of a dropped connection, so clients know to retry elsewhere.
          const error = new CcBedrockError('UPSTREAM_UNAVAILABLE', `the gateway shut down: the request was still open after the ${drainTimeoutMs} ms drain timeout`, {
            remediation: 'retry; another gateway instance (or this one after restart) will take it',
            status: 503,
          });
          const ended = new Promise<void>((resolve) => {
            drained = resolve;
            const timer = setTimeout(resolve, CUT_GRACE_MS);
            timer.unref?.();
          });
          for (const scope of [...open]) scope.cut(error);
          if (open.size > 0) await ended;
        }
        nodeTransport?.close();
        options.logger?.({ ts: new Date(clock()).toISOString(), level: 'info', event: 'closed', cut });
      })();
      return closing;
    },
    metricsText: () => metrics.render(),
    get inFlight() {
      return open.size;
    },
    bodyBudget,
    get draining() {
      return draining;
    },
  };
}
