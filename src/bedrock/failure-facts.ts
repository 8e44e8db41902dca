/**
 * The facts of a failure, read once from whatever was thrown (sdk-failure.ts reads the Anthropic
 * SDK's APIError and connection errors; also an AWS SDK error, a fetch TypeError): HTTP status, AWS error type, the
 * upstream's words with secrets removed, Retry-After, request ID, and for a failure before any
 * answer the socket error code and whether the proxy was the one failing. The rules of
 * failure-rules.ts match on these facts only.
 */
import type { RequestAuth } from '../core/auth-types.js';
import { proxyFailureDetail, type ProxyFailure } from '../network/proxy.js';

/** What went wrong upstream, extracted from whatever the SDK threw. */
export interface UpstreamFailure {
  /** HTTP status; undefined for an exception frame inside a 200 stream, a dropped connection or a timeout. */
  readonly status: number | undefined;
  /** `ThrottlingException`, `modelStreamErrorException`, Mantle's `invalid_request_error`… */
  readonly errorType: string | undefined;
  /** The upstream's own words, secrets removed. */
  readonly message: string;
  readonly retryAfterMs: number | undefined;
  readonly requestId: string | undefined;
  readonly phase: 'http' | 'stream-frame' | 'network' | 'timeout' | 'abort' | 'unknown';
}

const SECRET_PLACEHOLDER = '<redacted>';

/** Secret strings of the auth in use, so an upstream message that echoes one cannot leak it. */
export function secretsOf(auth: RequestAuth | undefined): string[] {
  if (!auth) return [];
  if (auth.kind === 'bearer') return [auth.token];
  if (auth.kind === 'sigv4') {
    return [auth.credentials.secretAccessKey, auth.credentials.sessionToken].filter(
      (value): value is string => typeof value === 'string' && value.length > 0,
    );
  }
  return [];
}

export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 8) out = out.split(secret).join(SECRET_PLACEHOLDER);
  }
  return out;
}

export function parseRetryAfter(headers: Headers | undefined, now: number): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '') {
    const value = Number(ms);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const raw = headers.get('retry-after');
  if (raw === null || raw.trim() === '') return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(raw);
  if (!Number.isNaN(date)) return Math.max(0, date - now);
  return undefined;
}

export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/**
 * The AWS error name as the AWS SDK resolves it (wire formats §3.1): `x-amzn-ErrorType` header,
 * then body `code`, then `__type`, each cut at `:` and after `#`.
 */
export function awsErrorType(headers: Headers | undefined, body: Record<string, unknown> | undefined): string | undefined {
  const clean = (raw: string) => {
    const first = raw.split(',')[0]!.split(':')[0]!;
    const hash = first.lastIndexOf('#');
    return (hash >= 0 ? first.slice(hash + 1) : first).trim() || undefined;
  };
  const header = headers?.get('x-amzn-errortype');
  if (header) return clean(header);
  const code = str(body?.['code']) ?? str(body?.['Code']);
  if (code) return clean(code);
  const type = str(body?.['__type']);
  return type ? clean(type) : undefined;
}

/** The socket or TLS error code anywhere in the cause chain (ECONNREFUSED, ENOTFOUND, CERT_HAS_EXPIRED…). */
export function networkCodeOf(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 8; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(code) && !code.startsWith('ERR_INVALID')) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Everything a rule may look at. */
export interface FailureFacts {
  readonly failure: UpstreamFailure;
  readonly status: number | undefined;
  /** AWS or Anthropic error type, lower-cased ('' when none). */
  readonly type: string;
  readonly message: string;
  readonly phase: UpstreamFailure['phase'];
  /** Set when the proxy (not the network or the endpoint) failed the request. */
  readonly proxy: ProxyFailure | undefined;
  /** Socket/TLS error code of a failure before any answer. */
  readonly networkCode: string | undefined;
}

export function failureFacts(cause: unknown, failure: UpstreamFailure): FailureFacts {
  const network = failure.phase === 'network' || failure.phase === 'unknown';
  return {
    failure,
    status: failure.status,
    type: (failure.errorType ?? '').toLowerCase(),
    message: failure.message,
    phase: failure.phase,
    proxy: network ? proxyFailureDetail(cause) : undefined,
    networkCode: network ? networkCodeOf(cause) : undefined,
  };
}
