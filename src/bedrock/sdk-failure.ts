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
import { asRecord, type UpstreamFailure } from './failure-facts.js';
import { ABORT_FAILURE, TIMEOUT_FAILURE, upstreamFailureFromNetwork, upstreamFailureFromResponse, upstreamFailureFromThrown } from './wire-failure.js';

/** Reads what the SDK threw into one shape: the SDK's parsed answer goes through the wire reader. */
export function describeUpstreamFailure(error: unknown, secrets: readonly string[], now: number): UpstreamFailure {
  if (error instanceof APIUserAbortError) return ABORT_FAILURE;
  if (error instanceof APIConnectionTimeoutError) return TIMEOUT_FAILURE;
  if (error instanceof APIConnectionError) return upstreamFailureFromNetwork(error.cause, secrets, error.message);
  if (error instanceof APIError) {
    const headers = error.headers instanceof Headers ? error.headers : undefined;
    return upstreamFailureFromResponse(error.status, headers, asRecord(error.error), secrets, now, error.message);
  }
  return upstreamFailureFromThrown(error, secrets);
}
