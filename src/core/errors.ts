/**
 * The one error type of cc-bedrock. Every failure a user can meet carries a stable `code`
 * (for scripts and tests), a message that names the culprit (file, key, flag or variable),
 * and a one-line `remediation` that says what to do next.
 */
export type ErrorCode =
  // configuration
  | 'SETTINGS_JSON_INVALID'
  | 'SETTINGS_TYPE_INVALID'
  | 'SETTINGS_FLAG_INVALID'
  | 'SETTINGS_WRITE_FAILED'
  | 'REGION_INVALID'
  | 'SERVICE_TIER_INVALID'
  | 'CUSTOM_HEADERS_INVALID'
  | 'PROVIDER_NOT_SERVED'
  | 'PROVIDER_NOT_CONFIGURED'
  | 'MODEL_UNKNOWN'
  | 'MODEL_NOT_ALLOWED'
  | 'MODEL_NO_1M'
  | 'MODEL_NOT_ON_MANTLE'
  | 'USAGE'
  // credentials
  | 'CREDENTIALS_NOT_FOUND'
  | 'CREDENTIALS_EXPIRED'
  | 'CREDENTIALS_INVALID'
  | 'CREDENTIAL_EXPORT_FAILED'
  | 'AUTH_REFRESH_FAILED'
  | 'AUTH_REFRESH_LOOP'
  // upstream
  | 'ACCESS_DENIED'
  | 'MODEL_NOT_GRANTED'
  | 'ON_DEMAND_NOT_SUPPORTED'
  | 'MODEL_NOT_IN_REGION'
  | 'MANTLE_NOT_GRANTED'
  | 'MANTLE_MODEL_NOT_SERVED'
  | 'THROTTLED'
  | 'UPSTREAM_UNAVAILABLE'
  | 'UPSTREAM_ERROR'
  | 'STREAM_INTERRUPTED'
  | 'GUARDRAIL_INTERVENED'
  | 'TOOL_UNAVAILABLE'
  | 'REQUEST_INVALID'
  | 'REQUEST_TOO_LARGE'
  | 'TIMEOUT'
  | 'ABORTED'
  | 'NETWORK'
  | 'INTERNAL';

/** What a `CcBedrockError` carries besides its code and message: the fix, structured details, an upstream status, the cause. */
export interface CcBedrockErrorOptions {
  /** What to do next, as one line: a command to run or a setting to change. */
  remediation?: string;
  cause?: unknown;
  /** Structured facts for --json output and tests. Never put secrets here. */
  details?: Record<string, unknown>;
  /** HTTP status of the upstream response, when the error came from one. */
  status?: number;
}

/**
 * The one error type of cc-bedrock: every failure carries a stable `code` (an `ErrorCode`), a
 * message naming what failed, and a `remediation` saying how to fix it; `describe()` gives both
 * as the CLI prints them. Secrets never appear in any of its fields.
 *
 * @example
 * ```ts
 * try { await createClient(); } catch (error) {
 *   if (isCcBedrockError(error)) console.error(error.code, error.describe());
 * }
 * ```
 */
export class CcBedrockError extends Error {
  override readonly name = 'CcBedrockError';
  readonly code: ErrorCode;
  readonly remediation: string | undefined;
  readonly details: Record<string, unknown>;
  readonly status: number | undefined;

  constructor(code: ErrorCode, message: string, options: CcBedrockErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.remediation = options.remediation;
    this.details = options.details ?? {};
    this.status = options.status;
  }

  /** Message plus remediation, the way the CLI prints it. */
  describe(): string {
    return this.remediation ? `${this.message}\n  fix: ${this.remediation}` : this.message;
  }

  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      message: this.message,
      ...(this.remediation ? { remediation: this.remediation } : {}),
      ...(this.status !== undefined ? { status: this.status } : {}),
      ...(Object.keys(this.details).length ? { details: this.details } : {}),
    };
  }
}

/**
 * The one way a message and its remediation become one line (the gateway's wire messages, doctor's
 * one-line summaries): "<message>. Fix: <remediation>", with the message's own closing punctuation
 * and blanks dropped first, so a message ending in "." or ":" never yields "invalid.. Fix:".
 */
export function withRemediation(message: string, remediation: string | undefined): string {
  const fix = remediation?.trim();
  if (!fix) return message;
  const body = message.trim().replace(/[\s.:;,]+$/u, '');
  if (!body) return `Fix: ${fix}`;
  return /[?!]$/u.test(body) ? `${body} Fix: ${fix}` : `${body}. Fix: ${fix}`;
}

/** Whether `value` is a `CcBedrockError`: narrows an unknown caught value so its `code` and `describe()` can be read. */
export function isCcBedrockError(value: unknown): value is CcBedrockError {
  return value instanceof CcBedrockError;
}
