/**
 * Anthropic-shaped errors, as Mantle (the native Messages API on Bedrock) returns them:
 * `{"type":"error","error":{"type":…,"message":…}}` with the matching HTTP status.
 */
import type { AwsServiceError } from './aws-errors.js';
import type { EmulatorResponse } from './http-types.js';

const TYPE_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  408: 'timeout_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  503: 'overloaded_error',
  529: 'overloaded_error',
};

export function anthropicErrorType(status: number): string {
  return TYPE_BY_STATUS[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

export class AnthropicApiError extends Error {
  override readonly name = 'AnthropicApiError';
  readonly status: number;
  readonly type: string;
  readonly retryAfterSeconds: number | undefined;

  constructor(status: number, message: string, type?: string, retryAfterSeconds?: number) {
    super(message);
    this.status = status;
    this.type = type ?? anthropicErrorType(status);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** The same failure as Mantle reports it (its auth layer answers 401 where Bedrock says 403). */
  static fromAws(error: AwsServiceError): AnthropicApiError {
    const authFailure = /Signature|UnrecognizedClient|ExpiredToken|MissingAuthentication/.test(error.errorName);
    const bearerFailure = error.options.capitalMessage === true;
    const status = authFailure || bearerFailure ? 401 : error.status;
    return new AnthropicApiError(status, error.message, undefined, error.options.retryAfterSeconds);
  }
}

export function anthropicErrorResponse(error: AnthropicApiError, requestId: string): EmulatorResponse {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'request-id': requestId,
    'x-amzn-requestid': requestId,
  };
  if (error.retryAfterSeconds !== undefined) headers['retry-after'] = String(error.retryAfterSeconds);
  return {
    status: error.status,
    headers,
    body: JSON.stringify({ type: 'error', error: { type: error.type, message: error.message } }),
  };
}
