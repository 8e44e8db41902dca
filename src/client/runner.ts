/**
 * Sends one logical request with the retry policy of the whole client: credentials from the
 * endpoint's AuthProvider for every attempt, one recovery-and-resend per credential refresh,
 * exponential backoff honouring Retry-After for throttling and outages, and an immediate,
 * explained failure for everything retrying cannot fix.
 */
import { APIUserAbortError } from '@anthropic-ai/sdk/core/error';
import { CcBedrockError } from '../core/errors.js';
import type { AuthProvider, RequestAuth } from '../core/auth-types.js';
import type { Clock } from '../core/clock.js';
import type { EndpointKind } from '../core/route-plan.js';
import { MAX_AUTH_RECOVERIES, RetryBudget } from '../bedrock/retry-policy.js';
import { classifyFailure, describeUpstreamFailure, secretsOf, type ClassifyContext } from './errors.js';
import type { SdkClient, SdkClientPool } from './transport.js';
import type { CallTarget, ClientLogger, Sleep } from './types.js';


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
    const budget = new RetryBudget(maxRetries, MAX_AUTH_RECOVERIES);
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
        const step = budget.step(classified, error, { canRecover: auth.kind !== 'none', cancelled: spec.signal?.aborted === true });
        if (step === 'recover-auth') {
          logger.debug('credentials rejected; asking the credential provider to recover', {
            model: spec.target.modelId,
            endpoint: spec.target.endpoint,
            upstream: failure.errorType ?? failure.status,
          });
          // Throws the provider's own CcBedrockError (refresh failed, loop guard) when recovery is impossible.
          if (await provider.recoverFromAuthFailure(classified.error)) continue;
          throw classified.error;
        }
        if (step === 'retry') {
          const delay = budget.delay(failure.retryAfterMs, random);
          logger.warn(`${classified.error.message}; retry ${budget.retries} of ${maxRetries} in ${delay} ms`, {
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
        throw budget.finish(classified.error);
      }
    }
  }
}
