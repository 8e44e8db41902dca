/**
 * The gateway host's own AWS credentials, as a health fact. When they are missing, expired or
 * rejected, retrying a request in seconds cannot help (an operator must renew them), so:
 * - the client gets 500 `api_error` with `x-should-retry: false`: 500 because the fault is the
 *   gateway's, not the caller's (a 401 would tell Claude Code its own key is wrong and make it ask
 *   for /login); no retry because only the operator can fix it. The message says nothing about
 *   where the host's credentials come from (no profile, file, role ARN or key ID);
 * - the log line carries the full error and its remediation, which may name the source;
 * - `/healthz` answers 503 so a balancer routes away, until the credentials work again: a later
 *   request that succeeds, or (half-open, since no traffic arrives while unhealthy) a health
 *   check after RECHECK_MS at which the credential provider resolves again.
 */
import { CcBedrockError, isCcBedrockError, type ErrorCode } from '../core/errors.js';
import type { AuthProvider } from '../core/auth-types.js';
import { markFinal } from '../bedrock/retry-policy.js';

const OWN_CREDENTIAL_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'CREDENTIALS_NOT_FOUND',
  'CREDENTIALS_EXPIRED',
  'CREDENTIALS_INVALID',
  'CREDENTIAL_EXPORT_FAILED',
  'AUTH_REFRESH_FAILED',
  'AUTH_REFRESH_LOOP',
]);

/** How long an unhealthy gateway waits before a health check may try the credentials again. */
export const RECHECK_MS = 30_000;
/** A health check never waits longer than this for the credential provider. */
const RECHECK_TIMEOUT_MS = 5_000;

/**
 * Whether `error` is the gateway's own AWS credentials failing (not the caller's gateway key,
 * which is an `authentication_error`, and not a request sent unsigned on purpose).
 */
export function isOwnCredentialFailure(error: unknown): error is CcBedrockError {
  return isCcBedrockError(error) && OWN_CREDENTIAL_CODES.has(error.code) && error.details['anthropicErrorType'] === undefined;
}

const STATE: Partial<Record<ErrorCode, string>> = {
  CREDENTIALS_NOT_FOUND: 'missing',
  CREDENTIALS_EXPIRED: 'expired',
};

/** What the client sees: the state, not the source. */
export function clientCredentialError(error: CcBedrockError): CcBedrockError {
  const state = STATE[error.code] ?? 'not usable';
  return markFinal(
    new CcBedrockError(error.code, `the gateway's own AWS credentials are ${state}, so the request was not sent to Amazon Bedrock`, {
      remediation: 'the gateway operator must renew the AWS credentials of the gateway host (the gateway log says how); retrying now will not help',
      details: { anthropicErrorType: 'api_error' },
    }),
  );
}

export class CredentialHealth {
  #broken: { readonly code: ErrorCode; readonly since: number } | undefined;
  #checking: Promise<boolean> | undefined;

  constructor(
    private readonly providers: readonly AuthProvider[],
    private readonly clock: () => number,
  ) {}

  get broken(): ErrorCode | undefined {
    return this.#broken?.code;
  }

  markBroken(error: CcBedrockError): void {
    this.#broken = { code: error.code, since: this.clock() };
  }

  markWorking(): void {
    this.#broken = undefined;
  }

  /** Healthy unless broken; a broken state older than RECHECK_MS is tried again (one check at a time). */
  async healthy(): Promise<boolean> {
    const broken = this.#broken;
    if (!broken) return true;
    if (this.clock() - broken.since < RECHECK_MS) return false;
    this.#checking ??= this.recheck().finally(() => {
      this.#checking = undefined;
    });
    return this.#checking;
  }

  private async recheck(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('credential provider did not answer')), RECHECK_TIMEOUT_MS);
      timer.unref?.();
    });
    try {
      await Promise.race([Promise.all(this.providers.map((provider) => provider.getAuth())), timeout]);
      // Resolving is not proof Bedrock accepts them: healthy again lets traffic decide, and the next failure marks it again.
      this.#broken = undefined;
      return true;
    } catch {
      this.#broken = { code: this.#broken?.code ?? 'CREDENTIALS_NOT_FOUND', since: this.clock() };
      return false;
    } finally {
      clearTimeout(timer);
    }
  }
}
