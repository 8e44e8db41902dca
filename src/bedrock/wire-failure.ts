/**
 * An upstream answer read straight off the wire (status, headers, body text) or a request that got
 * no answer, turned into the one UpstreamFailure shape the rules match on. The gateway, which
 * speaks node:http itself, reads its failures here; sdk-failure.ts reads what the Anthropic SDK
 * threw for the client and hands the same facts to the same functions, so one wire answer is
 * described the same way on both paths.
 */
import { asRecord, awsErrorType, parseRetryAfter, scrubSecrets, str, type UpstreamFailure } from './failure-facts.js';

function parseBody(bodyText: string): Record<string, unknown> | undefined {
  if (!bodyText) return undefined;
  try {
    return asRecord(JSON.parse(bodyText));
  } catch {
    return undefined;
  }
}

/**
 * An HTTP answer Bedrock (or Mantle) gave. `body` is the raw text, or already parsed JSON (the
 * SDK parses it before throwing). `status` undefined is an exception frame inside a 200 stream.
 */
export function upstreamFailureFromResponse(
  status: number | undefined,
  headers: Headers | undefined,
  body: string | Record<string, unknown> | undefined,
  secrets: readonly string[],
  now: number,
  fallbackMessage = 'upstream error',
): UpstreamFailure {
  const record = typeof body === 'string' ? parseBody(body) : body;
  const nested = asRecord(record?.['error']);
  const message = str(nested?.['message']) ?? str(record?.['message']) ?? str(record?.['Message']) ?? (status ? `HTTP ${status}` : fallbackMessage);
  const errorType = awsErrorType(headers, record) ?? str(nested?.['type']);
  const requestId = headers?.get('x-amzn-requestid') ?? headers?.get('x-amzn-request-id') ?? headers?.get('request-id') ?? undefined;
  return {
    status,
    errorType,
    message: scrubSecrets(message, secrets),
    retryAfterMs: parseRetryAfter(headers, now),
    requestId,
    phase: status === undefined ? 'stream-frame' : 'http',
  };
}

/** An exception frame inside a 200 event stream (wire formats: `:exception-type` and its JSON message). */
export function upstreamFailureFromFrame(errorType: string, message: string, secrets: readonly string[], now: number): UpstreamFailure {
  return upstreamFailureFromResponse(undefined, undefined, { type: 'error', error: { type: errorType, message } }, secrets, now, message);
}

/** The words the Anthropic SDK puts on a request that got no answer; kept so both paths read alike. */
export const CONNECTION_ERROR_MESSAGE = 'Connection error.';

/**
 * A request that got no answer: refused, reset, unknown host, untrusted certificate, a proxy that
 * failed. The classifier reads the socket code and the proxy's part from the error's cause chain,
 * so the same `error` goes to classifyFailure as its cause.
 */
export function upstreamFailureFromNetwork(error: unknown, secrets: readonly string[], lead = CONNECTION_ERROR_MESSAGE): UpstreamFailure {
  const cause = error instanceof Error ? `: ${error.message}` : '';
  return { status: undefined, errorType: undefined, message: scrubSecrets(`${lead}${cause}`, secrets), retryAfterMs: undefined, requestId: undefined, phase: 'network' };
}

/** No answer within the response deadline. */
export const TIMEOUT_FAILURE: UpstreamFailure = Object.freeze({
  status: undefined,
  errorType: undefined,
  message: 'request timed out',
  retryAfterMs: undefined,
  requestId: undefined,
  phase: 'timeout',
});

/** The caller gave up (client gone, gateway closing, Ctrl-C). */
export const ABORT_FAILURE: UpstreamFailure = Object.freeze({
  status: undefined,
  errorType: undefined,
  message: 'request aborted',
  retryAfterMs: undefined,
  requestId: undefined,
  phase: 'abort',
});

/** Anything else thrown on the way (a signing failure, a fetch TypeError, an AbortError). */
export function upstreamFailureFromThrown(error: unknown, secrets: readonly string[]): UpstreamFailure {
  if (error instanceof Error) {
    const abort = error.name === 'AbortError';
    return {
      status: undefined,
      errorType: abort ? undefined : error.name !== 'Error' && error.name !== 'TypeError' ? error.name : undefined,
      message: scrubSecrets(error.message, secrets),
      retryAfterMs: undefined,
      requestId: undefined,
      phase: abort ? 'abort' : 'unknown',
    };
  }
  return { status: undefined, errorType: undefined, message: scrubSecrets(String(error), secrets), retryAfterMs: undefined, requestId: undefined, phase: 'unknown' };
}
