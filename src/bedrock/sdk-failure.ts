/**
 * What the Anthropic SDK threw (APIError, connection errors, aborts), read into the one
 * UpstreamFailure shape the rules match on. Kept apart from failure-facts.ts so the code paths
 * that never call the SDK (the credential chain, STS, `status`) do not load it.
 */
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from '@anthropic-ai/sdk/core/error';
import { asRecord, awsErrorType, parseRetryAfter, scrubSecrets, str, type UpstreamFailure } from './failure-facts.js';

/** Reads what the SDK threw into one shape. */
export function describeUpstreamFailure(error: unknown, secrets: readonly string[], now: number): UpstreamFailure {
  const scrub = (text: string) => scrubSecrets(text, secrets);
  if (error instanceof APIUserAbortError) {
    return { status: undefined, errorType: undefined, message: 'request aborted', retryAfterMs: undefined, requestId: undefined, phase: 'abort' };
  }
  if (error instanceof APIConnectionTimeoutError) {
    return { status: undefined, errorType: undefined, message: 'request timed out', retryAfterMs: undefined, requestId: undefined, phase: 'timeout' };
  }
  if (error instanceof APIConnectionError) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return { status: undefined, errorType: undefined, message: scrub(`${error.message}${cause}`), retryAfterMs: undefined, requestId: undefined, phase: 'network' };
  }
  if (error instanceof APIError) {
    const body = asRecord(error.error);
    const nested = asRecord(body?.['error']);
    const headers = error.headers instanceof Headers ? error.headers : undefined;
    const message =
      str(nested?.['message']) ?? str(body?.['message']) ?? str(body?.['Message']) ?? (error.status ? `HTTP ${error.status}` : error.message);
    const errorType = awsErrorType(headers, body) ?? str(nested?.['type']);
    const requestId = headers?.get('x-amzn-requestid') ?? headers?.get('x-amzn-request-id') ?? headers?.get('request-id') ?? undefined;
    return {
      status: error.status,
      errorType,
      message: scrub(message),
      retryAfterMs: parseRetryAfter(headers, now),
      requestId: requestId ?? undefined,
      phase: error.status === undefined ? 'stream-frame' : 'http',
    };
  }
  if (error instanceof Error) {
    const abort = error.name === 'AbortError';
    return {
      status: undefined,
      errorType: abort ? undefined : error.name !== 'Error' && error.name !== 'TypeError' ? error.name : undefined,
      message: scrub(error.message),
      retryAfterMs: undefined,
      requestId: undefined,
      phase: abort ? 'abort' : 'unknown',
    };
  }
  return { status: undefined, errorType: undefined, message: scrub(String(error)), retryAfterMs: undefined, requestId: undefined, phase: 'unknown' };
}
