/**
 * The one place where the gateway's Anthropic surface (`/v1/*`) turns a failure into wire
 * bytes: Anthropic's `{"type":"error","error":{"type","message"}}` with the status the official
 * SDKs classify by (`APIError.generate` picks the class from the status alone), and the same
 * object as an SSE `error` event once a stream has started. Handlers throw; they never build
 * error JSON themselves.
 */
import { CcBedrockError, isCcBedrockError, withRemediation, type ErrorCode } from '../core/errors.js';
import { SHOULD_RETRY_HEADER, isFinal } from '../bedrock/retry-policy.js';
import type { GatewayResponse } from './exchange.js';

export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'timeout_error'
  | 'overloaded_error';

export interface WireError {
  readonly status: number;
  readonly type: AnthropicErrorType;
  /** Message with the remediation appended, as a client shows it. */
  readonly message: string;
  /** Seconds to wait, forwarded from an upstream Retry-After. */
  readonly retryAfterSeconds: number | undefined;
  /** The CcBedrockError code, for logs and metrics (never sent to the client as a field). */
  readonly code: ErrorCode;
  /** Whether a retry may help: by status (429, 5xx), unless no hop may send the call again (`markFinal`: the budget is spent, a deadline gave up, or no retry can help). */
  readonly retryable: boolean;
}

const STATUS_OF_TYPE: Readonly<Record<AnthropicErrorType, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

/**
 * Where each failure lands. Credential failures of the gateway's *own* AWS credentials are
 * `api_error`, not `authentication_error`: a 401 would tell the caller its gateway key is wrong
 * (and make Claude Code ask for /login), when the fix is on the gateway host.
 */
function typeOf(error: CcBedrockError): AnthropicErrorType {
  switch (error.code) {
    case 'REQUEST_INVALID':
    case 'MODEL_NO_1M':
    case 'MODEL_NOT_ON_MANTLE':
    case 'ON_DEMAND_NOT_SUPPORTED':
    case 'GUARDRAIL_INTERVENED':
    case 'USAGE':
    case 'SETTINGS_FLAG_INVALID':
      return 'invalid_request_error';
    case 'MODEL_UNKNOWN':
    case 'MODEL_NOT_IN_REGION':
    case 'MANTLE_MODEL_NOT_SERVED':
      return 'not_found_error';
    case 'MODEL_NOT_ALLOWED':
    case 'ACCESS_DENIED':
    case 'MODEL_NOT_GRANTED':
    case 'MANTLE_NOT_GRANTED':
      return 'permission_error';
    case 'REQUEST_TOO_LARGE':
      return 'request_too_large';
    case 'THROTTLED':
      return 'rate_limit_error';
    case 'TIMEOUT':
      return 'timeout_error';
    case 'UPSTREAM_UNAVAILABLE':
      // Bedrock's InternalServerException (a 500, or an exception frame inside a stream) is an
      // error; its 503 and friends mean "busy, retry".
      return error.status === 500 || String(error.details['upstreamErrorType']).toLowerCase() === 'internalserverexception'
        ? 'api_error'
        : 'overloaded_error';
    default:
      return 'api_error';
  }
}

/** A client mistake the gateway finds itself (bad JSON, wrong types): 400 invalid_request_error. */
export function invalidRequest(message: string, remediation: string, details: Record<string, unknown> = {}): CcBedrockError {
  return new CcBedrockError('REQUEST_INVALID', message, { remediation, details });
}

/** Maps any thrown value to the Anthropic error the client receives. Unknown errors are 500 api_error without internals. */
export function toWireError(error: unknown): WireError {
  if (!isCcBedrockError(error)) {
    return {
      status: 500,
      type: 'api_error',
      message: 'Internal gateway error; the request was not completed. Retry; if it persists, check the gateway log for this request ID.',
      retryAfterSeconds: undefined,
      code: 'INTERNAL',
      retryable: true,
    };
  }
  const explicit = error.details['anthropicErrorType'];
  const type = typeof explicit === 'string' && explicit in STATUS_OF_TYPE ? (explicit as AnthropicErrorType) : typeOf(error);
  const retryAfterMs = error.details['retryAfterMs'];
  const status = STATUS_OF_TYPE[type];
  return {
    status,
    retryable: !isFinal(error) && (status === 429 || status >= 500),
    type,
    message: withRemediation(error.message, error.remediation),
    retryAfterSeconds: typeof retryAfterMs === 'number' && retryAfterMs > 0 ? Math.ceil(retryAfterMs / 1000) : undefined,
    code: error.code,
  };
}

export function errorBody(wire: Pick<WireError, 'type' | 'message'>): string {
  return JSON.stringify({ type: 'error', error: { type: wire.type, message: wire.message } });
}

/** The HTTP response for a failure before any byte of the answer was sent. */
export function anthropicErrorResponse(wire: WireError, requestId: string, extraHeaders: Record<string, string> = {}): GatewayResponse {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'request-id': requestId,
    ...extraHeaders,
  };
  if (wire.retryAfterSeconds !== undefined) headers['retry-after'] = String(wire.retryAfterSeconds);
  // Tells the official SDKs whether retrying can help (they honour it over their status rules).
  // Once the gateway has spent the call's budget, the SDK's own round would multiply it.
  headers[SHOULD_RETRY_HEADER] = wire.retryable ? 'true' : 'false';
  return { status: wire.status, headers, body: errorBody(wire) };
}

/** The SSE event that ends a stream which failed after it started: the SDKs throw it as an APIError. */
export function sseErrorEvent(wire: Pick<WireError, 'type' | 'message'>): string {
  return `event: error\ndata: ${errorBody(wire)}\n\n`;
}
