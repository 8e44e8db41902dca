/**
 * The one place where the gateway's Bedrock passthrough surface (`/model/…`, `/inference-profiles`)
 * turns its *own* failures into wire bytes. Clients there are Bedrock clients (Claude Code with
 * `ANTHROPIC_BEDROCK_BASE_URL`, the AWS SDK), so errors take the restJson1 shape they parse:
 * status, `x-amzn-ErrorType`, `{"message": …}` (wire formats §3.1). Upstream Bedrock errors are
 * passed through unchanged and never come here.
 */
import { SHOULD_RETRY_HEADER } from '../bedrock/retry-policy.js';
import type { WireError } from './anthropic-errors.js';
import type { GatewayResponse } from './exchange.js';

const CORAL_NAMESPACE = 'http://internal.amazon.com/coral/com.amazon.bedrock/';

/** The AWS error name a client would see from Bedrock for the same situation. */
function awsNameOf(wire: WireError): string {
  switch (wire.status) {
    case 400:
      return 'ValidationException';
    case 401:
    case 403:
      return 'AccessDeniedException';
    case 404:
      return 'ResourceNotFoundException';
    case 413:
      return 'ValidationException';
    case 429:
      return 'ThrottlingException';
    case 504:
      return 'ModelTimeoutException';
    case 529:
      return 'ServiceUnavailableException';
    default:
      return 'InternalServerException';
  }
}

/** AWS status for the Anthropic status: Bedrock has no 401/413/529/504 of its own. */
function awsStatusOf(wire: WireError): number {
  switch (wire.status) {
    case 401:
      return 403;
    case 413:
      return 400;
    case 504:
      return 408;
    case 529:
      return 503;
    default:
      return wire.status;
  }
}

export function bedrockErrorResponse(wire: WireError, requestId: string): GatewayResponse {
  const name = awsNameOf(wire);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-amzn-errortype': `${name}:${CORAL_NAMESPACE}`,
    'x-amzn-requestid': requestId,
  };
  if (wire.retryAfterSeconds !== undefined) headers['retry-after'] = String(wire.retryAfterSeconds);
  // The Anthropic Bedrock SDK (Claude Code) obeys it: one budget for the call, not one per hop.
  if (!wire.retryable) headers[SHOULD_RETRY_HEADER] = 'false';
  return { status: awsStatusOf(wire), headers, body: JSON.stringify({ message: wire.message }) };
}
