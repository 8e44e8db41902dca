/**
 * Sends one logical request with the retry policy of the whole client: credentials from the
 * endpoint's AuthProvider for every attempt, one recovery-and-resend per credential refresh,
 * exponential backoff honouring Retry-After for throttling and outages, and an immediate,
 * explained failure for everything retrying cannot fix.
 */
import { APIUserAbortError } from '@anthropic-ai/sdk/core/error';
import { CcBedrockError } from '../errors.js';
import type { AuthProvider, RequestAuth } from '../aws/auth-types.js';
import type { Clock } from '../internal/clock.js';
import type { EndpointKind } from '../routing/types.js';
import { classifyFailure, describeUpstreamFailure, secretsOf, type ClassifyContext } from './errors.js';
import type { SdkClient, SdkClientPool } from './transport.js';
import type { CallTarget, ClientLogger, Sleep } from './types.js';

/** Claude Code's retry defaults (spec §1.6): 10 retries, at most 15; backoff 0.5 s doubling to 32 s, +25 % jitter. */
export const DEFAULT_MAX_RETRIES = 10;
export const MAX_RETRIES_CAP = 15;
export const DEFAULT_TIMEOUT_MS = 600_000;
const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 32_000;
/** A Retry-After longer than this is not waited out inside one call. */
export const MAX_RETRY_AFTER_MS = 60_000;
/** Each successful credential recovery buys one resend; the AuthProvider's loop guard stops earlier. */
const MAX_AUTH_RECOVERIES = 2;

export interface RunnerOptions {
  readonly pool: SdkClientPool;
  readonly auth: Readonly<Record<EndpointKind, AuthProvider>>;
  readonly clock: Clock;
  readonly sleep: Sleep;
  readonly random: () => number;
  readonly logger: ClientLogger;
  readonly maxRetries: number;
}

export interface CallSpec<T> {
  readonly target: CallTarget;
  readonly operation: ClassifyContext['operation'];
  readonly countTokensModelId?: string;
  readonly signal?: AbortSignal | undefined;
  /** Overrides the client's retry budget (probes use 0: a probe's answer is the availability). */
  readonly maxRetries?: number;
  readonly send: (sdk: SdkClient, auth: RequestAuth) => Promise<T>;
}

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

export class CallRunner {
  readonly #options: RunnerOptions;

  constructor(options: RunnerOptions) {
    this.#options = options;
  }

  get clock(): Clock {
    return this.#options.clock;
  }

  authFor(endpoint: EndpointKind): AuthProvider {
    return this.#options.auth[endpoint];
  }

  async run<T>(spec: CallSpec<T>): Promise<T> {
    const { pool, clock, sleep, random, logger } = this.#options;
    const provider = this.#options.auth[spec.target.endpoint];
    const maxRetries = spec.maxRetries ?? this.#options.maxRetries;
    let retries = 0;
    let recoveries = 0;
    for (;;) {
      const auth = await provider.getAuth();
      const sdk = pool.get(spec.target.endpoint, spec.target.baseURL, spec.target.region, auth);
      try {
        const result = await spec.send(sdk, auth);
        provider.markWorking();
        return result;
      } catch (error) {
        if (error instanceof CcBedrockError) throw error;
        const failure = describeUpstreamFailure(error, secretsOf(auth), clock());
        const classified = classifyFailure(error, failure, {
          target: spec.target,
          authKind: auth.kind,
          operation: spec.operation,
          ...(spec.countTokensModelId ? { countTokensModelId: spec.countTokensModelId } : {}),
        });
        if (classified.action === 'recover-auth' && auth.kind !== 'none' && recoveries < MAX_AUTH_RECOVERIES) {
          recoveries += 1;
          logger.debug('credentials rejected; asking the credential provider to recover', {
            model: spec.target.modelId,
            endpoint: spec.target.endpoint,
            upstream: failure.errorType ?? failure.status,
          });
          // Throws the provider's own CcBedrockError (refresh failed, loop guard) when recovery is impossible.
          if (await provider.recoverFromAuthFailure(classified.error)) continue;
          throw classified.error;
        }
        if (classified.action === 'retry' && retries < maxRetries && !spec.signal?.aborted) {
          retries += 1;
          const delay = backoffDelay(retries, failure.retryAfterMs, random);
          logger.warn(`${classified.error.message}; retry ${retries} of ${maxRetries} in ${delay} ms`, {
            code: classified.error.code,
            delayMs: delay,
          });
          try {
            await sleep(delay, spec.signal);
          } catch (abort) {
            const aborted = describeUpstreamFailure(new APIUserAbortError(), [], clock());
            throw classifyFailure(abort, aborted, { target: spec.target, authKind: auth.kind, operation: spec.operation }).error;
          }
          continue;
        }
        if (retries > 0) {
          classified.error.details['attempts'] = retries + 1;
          classified.error.message += ` (gave up after ${retries + 1} attempts)`;
        }
        throw classified.error;
      }
    }
  }
}
