/**
 * Public types of the Messages client. Request and response shapes are the Anthropic SDK's own
 * (beta flavour, because Claude Code calls the beta Messages API and Mantle is addressed as
 * `/v1/messages?beta=true`), so code written against `@anthropic-ai/sdk` moves over unchanged.
 */
import type {
  BetaMessage,
  BetaMessageTokensCount,
  BetaRawMessageStreamEvent,
  MessageCountTokensParams as SdkCountTokensParams,
  MessageCreateParamsBase as SdkCreateParamsBase,
} from '@anthropic-ai/sdk/resources/beta/messages/messages';
import type { AuthProvider } from '../core/auth-types.js';
import type { Clock } from '../core/clock.js';
import type { ResolvedModel, RoutePlan } from '../core/route-plan.js';

export type Message = BetaMessage;
export type MessageStreamEvent = BetaRawMessageStreamEvent;
export type MessageTokensCount = BetaMessageTokensCount;

/**
 * `messages.create` parameters: the Anthropic SDK's, with `model` optional (the plan's main model
 * is used when it is left out) and `stream` decided by the method called.
 */
export type MessageCreateParams = Omit<SdkCreateParamsBase, 'model' | 'stream'> & {
  /** `opus`, `sonnet[1m]`, a first-party name, a Bedrock or Mantle ID, an ARN; the plan's main model when omitted. */
  model?: string;
};

export type MessageCountTokensParams = Omit<SdkCountTokensParams, 'model'> & {
  model?: string;
  /** Put into the Invoke body that Bedrock CountTokens measures; the smallest valid value when omitted. */
  max_tokens?: number;
};

export interface RequestOptions {
  signal?: AbortSignal;
  /** Extra headers for this call only; they are signed like the plan's custom headers. */
  headers?: Readonly<Record<string, string>>;
}


/** Defined with the route plan (core), where the wire layer below the client reads it too. */
export type { CallTarget } from '../core/route-plan.js';

export interface ClientLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

import type { Sleep } from '../bedrock/retry-policy.js';
export type { Sleep };

/** Resolves a model name the plan does not already hold (wired to src/models by default). */
export type ModelNameResolver = (name: string, plan: RoutePlan) => ResolvedModel;

export interface CreateClientOptions {
  readonly plan: RoutePlan;
  readonly auth: { readonly bedrock: AuthProvider; readonly mantle: AuthProvider };
  readonly fetch?: typeof fetch;
  readonly clock?: Clock;
  readonly logger?: ClientLogger;
  /**
   * Retries of throttled, unavailable and dropped requests (CLAUDE_CODE_MAX_RETRIES semantics,
   * default 10, at most 15). Refreshing expired credentials and the one non-streaming retry of a
   * failed stream are not counted.
   */
  readonly maxRetries?: number;
  /** Per-request timeout (API_TIMEOUT_MS semantics, default 600000). */
  readonly timeoutMs?: number;
  /** Waits between retries; injectable so tests need not sleep. */
  readonly sleep?: Sleep;
  /** Source of jitter in [0, 1). */
  readonly random?: () => number;
  readonly resolveModelName?: ModelNameResolver;
}
