/** Public types of the gateway (docs/gateway.md). */
import type { Agent as HttpAgent } from 'node:http';
import type { AuthProvider } from '../core/auth-types.js';
import type { Sleep } from '../client/types.js';
import type { Clock } from '../core/clock.js';
import type { EnvLookup, RoutePlan } from '../core/route-plan.js';
import type { BetaOverrides } from './beta-policy.js';
import type { GatewayRequest, GatewayResponse } from './exchange.js';
import type { BodyBudget } from './request-body.js';

/** One structured line per request (and a few lifecycle lines). Never carries secrets or prompt text. */
export type GatewayLogger = (line: Readonly<Record<string, unknown>>) => void;

/** The inputs of `createGateway`: the route plan and its credential providers, the API key callers must present, limits and logging. */
export interface GatewayOptions {
  /** The route plan every request is served with (resolved once, at start-up). */
  readonly plan: RoutePlan;
  /** Credentials for each endpoint; refresh and recovery are theirs (src/aws). */
  readonly auth: { readonly bedrock: AuthProvider; readonly mantle: AuthProvider };
  /**
   * Effective variables (settings `env` over the process env), so request model names resolve
   * with the same pins as `--model`. Default: none.
   */
  readonly env?: EnvLookup;
  /**
   * The key clients must send (`x-api-key` or `Authorization: Bearer`). Undefined: no key is
   * checked, which the `serve` command allows only on a loopback address.
   */
  readonly apiKey?: string;
  /**
   * Upstream transport as a fetch function (tests inject the emulator's). Default: node:http(s)
   * with keep-alive agents, which costs far less CPU per call than fetch.
   */
  readonly fetch?: typeof fetch;
  /**
   * The node:http(s) agent for an upstream URL, for the default transport: a proxy agent when
   * HTTPS_PROXY applies (src/network nodeAgentFor); undefined keeps the gateway's own keep-alive
   * pool. Ignored when `fetch` is given.
   */
  readonly agentFor?: (url: URL) => HttpAgent | undefined;
  /**
   * Fetch for the 1-token availability probes behind `GET /v1/models` (src/client/probe.ts, the
   * probe discovery sends): the `serve` command passes its proxy-aware fetch. Default: `fetch`
   * when given, else the client's probe fetch.
   */
  readonly probeFetch?: typeof fetch;
  readonly clock?: Clock;
  /** Default: one JSON line per request on stderr is the `serve` command's choice; the library logs nothing. */
  readonly logger?: GatewayLogger;
  /** Largest request body accepted. Default 20 MiB, Bedrock's own limit. */
  readonly maxBodyBytes?: number;
  /**
   * Request-body bytes held across all requests at once (env CC_BEDROCK_GATEWAY_BODY_MEMORY_BYTES
   * for `serve`); a body that finds it spent gets 429 with Retry-After. Default 256 MiB.
   */
  readonly maxBodyBytesInFlight?: number;
  /** Time allowed until Bedrock's response headers (API_TIMEOUT_MS semantics). Default 600000. */
  readonly timeoutMs?: number;
  /** A stream that sends nothing for this long is ended with an error event. Default 90000 (src/bedrock/deadlines.ts). */
  readonly streamIdleTimeoutMs?: number;
  /** A streaming call whose response has not begun after this long is given up. Default 90000. */
  readonly firstByteTimeoutMs?: number;
  /** Upstream retries of throttling, outages and dropped connections. Default 2: clients retry too. */
  readonly maxRetries?: number;
  readonly sleep?: Sleep;
  readonly random?: () => number;
  /** Widen or narrow the beta table (env CC_BEDROCK_GATEWAY_ALLOW_BETAS / CC_BEDROCK_GATEWAY_DROP_BETAS). */
  readonly betaOverrides?: BetaOverrides;
  /**
   * Wrap the latest user turn's text in guardContent tags for the Prompt-Attack filter (env
   * CC_BEDROCK_GUARDRAIL_TAGGING=1). Only takes effect when a guardrail header is configured.
   */
  readonly guardrailTagging?: boolean;
  /** ListInferenceProfiles IDs, when the caller has run discovery (model names then resolve to listed profiles). */
  readonly discoveredProfileIds?: readonly string[];
  /** How long `GET /v1/models` results are reused. Default 10 minutes. */
  readonly modelsCacheMs?: number;
  /** How long `close()` waits for open requests and streams before cutting them. Default 30000. */
  readonly drainTimeoutMs?: number;
}

/** The gateway from `createGateway`: the whole server as a `fetch`-style function, plus shutdown and metrics; `listenGateway` serves it. */
export interface Gateway {
  /**
   * The whole server as a function: every surface, auth, limits, logging. `signal` aborts the
   * request (the client went away); adapters pass it here rather than inside the Request,
   * because Node 20's `new Request(url, { signal })` keeps every such request alive (undici).
   */
  fetch(request: Request, options?: { readonly signal?: AbortSignal }): Promise<Response>;
  /**
   * The same on plain data (exchange.ts), without WHATWG objects: what the node:http adapter
   * calls, and the cheaper entry for anyone binding the gateway to their own server.
   */
  handle(request: GatewayRequest, options?: { readonly signal?: AbortSignal }): Promise<GatewayResponse>;
  /**
   * Graceful shutdown: new requests get 529 overloaded_error (and `/healthz` 503) at once, open
   * requests and streams may finish until the drain timeout, then the rest are cut. Idempotent.
   */
  close(): Promise<void>;
  /** Prometheus text of the current counters (what `GET /metrics` serves). */
  metricsText(): string;
  /** Requests (including streams) being served right now. */
  readonly inFlight: number;
  /** The budget adapters reserve request bodies against while they hold them. */
  readonly bodyBudget: BodyBudget;
  readonly draining: boolean;
}
