/**
 * The retry policy of every Bedrock call, the client's and the gateway's: which classified
 * failures are sent again, how long to wait before each resend (exponential backoff, or the
 * server's Retry-After), and the budget of one logical call. Classification itself is the rule
 * table's (failure-rules.ts, classify-failure.ts); this module only decides what to do with its verdict, so a call that
 * passes through the gateway spends one budget end to end instead of one per hop.
 */
import type { ClassifiedFailure } from './classify-failure.js';
import type { CcBedrockError } from '../core/errors.js';

/** Claude Code's retry defaults (spec §1.6): 10 retries, at most 15; backoff 0.5 s doubling to 32 s, +25 % jitter. */
export const DEFAULT_MAX_RETRIES = 10;
export const MAX_RETRIES_CAP = 15;
/** Claude Code's request timeout (API_TIMEOUT_MS): from sending a request to its response headers. */
export const DEFAULT_TIMEOUT_MS = 600_000;
const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 32_000;
/**
 * Resends after a credential recovery in one call. Two, so that an ExpiredToken met with keys that
 * re-read unchanged is sent once more (as Claude Code does) and a second rejection still reaches
 * the AuthProvider, whose loop guard then ends the call with its own fix.
 */
export const MAX_AUTH_RECOVERIES = 2;
/** A Retry-After longer than this is not waited out inside one call. */
export const MAX_RETRY_AFTER_MS = 60_000;

/** The response header the official Anthropic SDKs obey over their own status rules. */
export const SHOULD_RETRY_HEADER = 'x-should-retry';
/** Set on an error when no hop may send the call again: the budget is spent, a deadline gave up on it, or no retry can help. */
const FINAL = 'noRetry';

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const defaultSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** Delay before retry number `retry` (1-based). */
export function backoffDelay(retry: number, retryAfterMs: number | undefined, random: () => number): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, MAX_RETRY_AFTER_MS);
  const base = Math.min(BASE_DELAY_MS * 2 ** (retry - 1), MAX_DELAY_MS);
  return Math.round(base * (1 + 0.25 * random()));
}

/** Marks an error as final for every hop: whoever receives it must not send the call again. */
export function markFinal(error: CcBedrockError): CcBedrockError {
  error.details[FINAL] = true;
  return error;
}

export function isFinal(error: CcBedrockError): boolean {
  return error.details[FINAL] === true;
}

/** What the hop before us said: `x-should-retry: false` on the failed response. */
function upstreamSaidFinal(cause: unknown): boolean {
  const headers = (cause as { headers?: unknown } | null | undefined)?.headers;
  return headers instanceof Headers && headers.get(SHOULD_RETRY_HEADER) === 'false';
}

export type RetryStep = 'retry' | 'recover-auth' | 'fail';

/**
 * The budget of one logical call: `maxRetries` resends of transient failures and
 * `maxRecoveries` resends after a credential recovery. Create one per call.
 */
export class RetryBudget {
  retries = 0;
  recoveries = 0;

  constructor(
    readonly maxRetries: number,
    readonly maxRecoveries: number,
  ) {}

  /**
   * What to do with a classified failure, counting the resend it allows. `recover-auth` needs
   * credentials that can be recovered (`canRecover`); a cancelled call never retries.
   */
  step(classified: ClassifiedFailure, cause: unknown, options: { canRecover: boolean; cancelled: boolean }): RetryStep {
    if (classified.action === 'recover-auth' && options.canRecover && this.recoveries < this.maxRecoveries) {
      this.recoveries += 1;
      return 'recover-auth';
    }
    if (classified.action !== 'retry' || options.cancelled) return 'fail';
    if (upstreamSaidFinal(cause)) {
      markFinal(classified.error);
      return 'fail';
    }
    return this.take(classified.error, false) ? 'retry' : 'fail';
  }

  /**
   * Takes one resend of a failure known to be transient, if the budget has one left. When it
   * has none, the error is marked final: the hop before us (the SDK behind a gateway) must not
   * start a round of its own.
   */
  take(error: CcBedrockError | undefined, cancelled: boolean): boolean {
    if (cancelled) return false;
    if (this.retries >= this.maxRetries) {
      if (this.retries > 0 && error) markFinal(error);
      return false;
    }
    this.retries += 1;
    return true;
  }

  /** Delay before the resend `step` just allowed. */
  delay(retryAfterMs: number | undefined, random: () => number): number {
    return backoffDelay(this.retries, retryAfterMs, random);
  }

  /** Attempts so far, the one in flight included. */
  get attempts(): number {
    return this.retries + this.recoveries + 1;
  }

  /** The error a failed call ends with: it says how many attempts were made. */
  finish(error: CcBedrockError): CcBedrockError {
    if (this.retries > 0) {
      error.details['attempts'] = this.retries + 1;
      error.message += ` (gave up after ${this.retries + 1} attempts)`;
    }
    return error;
  }
}
