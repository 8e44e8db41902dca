/** What every route handler is given: the fixed configuration and the shared machinery. */
import type { ModelAvailability, ProbeTarget } from '../client/probe.js';
import type { RoutePlan } from '../core/route-plan.js';
import type { BetaOverrides } from './beta-policy.js';
import type { GatewayRequest, GatewayResponse } from './exchange.js';
import type { GatewayMetrics } from './metrics.js';
import type { PreparedCall } from './messages.js';
import type { ModelResolver } from './model-identity.js';
import type { RequestScope } from './request-scope.js';
import type { Upstream } from './upstream.js';

export interface GatewayContext {
  readonly plan: RoutePlan;
  readonly upstream: Upstream;
  readonly models: ModelResolver;
  readonly metrics: GatewayMetrics;
  readonly betaOverrides: BetaOverrides;
  /** A guardrail header is configured and tagging is on. */
  readonly tagUserText: boolean;
  readonly streamIdleTimeoutMs: number;
  /** First-byte deadline of streaming upstream calls (non-streaming answers come only once generated). */
  readonly firstByteTimeoutMs: number;
  readonly maxRetries: number;
  readonly clock: () => number;
  readonly modelsCacheMs: number;
  /** Availability of models as the 1-token startup probe finds it, one answer per target, in order. */
  readonly probe: (targets: readonly ProbeTarget[]) => Promise<readonly ModelAvailability[]>;
  /** Messages calls prepared per (route, model name, beta header, stream), bounded (messages.ts). */
  readonly preparedCalls: Map<string, PreparedCall>;
}

export interface HandlerInput {
  readonly request: GatewayRequest;
  readonly body: Uint8Array;
  readonly scope: RequestScope;
  readonly context: GatewayContext;
}

/** A handler's answer. `streaming` responses call `scope.finish` themselves when their body ends. */
export interface HandlerResult {
  readonly response: GatewayResponse;
  readonly streaming?: boolean;
}
