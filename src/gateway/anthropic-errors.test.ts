import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CcBedrockError, type ErrorCode } from '../core/errors.js';
import { anthropicErrorResponse, sseErrorEvent, toWireError } from './anthropic-errors.js';
import { bedrockErrorResponse } from './bedrock-errors.js';
import { bodyText } from './exchange.js';
import { markFinal } from '../bedrock/retry-policy.js';

const wire = (code: ErrorCode, status?: number, details?: Record<string, unknown>) =>
  toWireError(new CcBedrockError(code, `message for ${code}`, { remediation: 'do the fix', ...(status ? { status } : {}), ...(details ? { details } : {}) }));

describe('Anthropic error mapping', () => {
  test('each class gets the status the official SDK classifies by', () => {
    const cases: [ErrorCode, number | undefined, number, string][] = [
      ['REQUEST_INVALID', undefined, 400, 'invalid_request_error'],
      ['GUARDRAIL_INTERVENED', undefined, 400, 'invalid_request_error'],
      ['MODEL_UNKNOWN', undefined, 404, 'not_found_error'],
      ['MODEL_NOT_IN_REGION', 404, 404, 'not_found_error'],
      ['MODEL_NOT_ALLOWED', undefined, 403, 'permission_error'],
      ['MODEL_NOT_GRANTED', 403, 403, 'permission_error'],
      ['REQUEST_TOO_LARGE', undefined, 413, 'request_too_large'],
      ['THROTTLED', 429, 429, 'rate_limit_error'],
      ['UPSTREAM_UNAVAILABLE', 500, 500, 'api_error'],
      ['UPSTREAM_UNAVAILABLE', 503, 529, 'overloaded_error'],
      ['TIMEOUT', undefined, 504, 'timeout_error'],
      ['CREDENTIALS_EXPIRED', 403, 500, 'api_error'],
      ['STREAM_INTERRUPTED', undefined, 500, 'api_error'],
      ['INTERNAL', undefined, 500, 'api_error'],
    ];
    for (const [code, upstreamStatus, status, type] of cases) {
      const mapped = wire(code, upstreamStatus);
      assert.equal(mapped.status, status, code);
      assert.equal(mapped.type, type, code);
    }
  });

  test('an internalServerException inside a stream (no HTTP status) is an api_error, not an overload', () => {
    const mapped = wire('UPSTREAM_UNAVAILABLE', undefined, { upstreamErrorType: 'internalServerException' });
    assert.deepEqual([mapped.status, mapped.type], [500, 'api_error']);
    const busy = wire('UPSTREAM_UNAVAILABLE', undefined, { upstreamErrorType: 'serviceUnavailableException' });
    assert.deepEqual([busy.status, busy.type], [529, 'overloaded_error']);
  });

  test('a final error (budget spent here) tells the SDK not to retry, on both surfaces', () => {
    const spent = markFinal(new CcBedrockError('UPSTREAM_UNAVAILABLE', 'boom', { status: 503 }));
    assert.equal(anthropicErrorResponse(toWireError(spent), 'req_1').headers['x-should-retry'], 'false');
    assert.equal(bedrockErrorResponse(toWireError(spent), 'req_1').headers['x-should-retry'], 'false');
    const fresh = new CcBedrockError('UPSTREAM_UNAVAILABLE', 'boom', { status: 503 });
    assert.equal(anthropicErrorResponse(toWireError(fresh), 'req_1').headers['x-should-retry'], 'true');
  });

  test('an explicit type in the details wins (gateway key failures are authentication errors)', () => {
    const mapped = wire('CREDENTIALS_INVALID', undefined, { anthropicErrorType: 'authentication_error' });
    assert.deepEqual([mapped.status, mapped.type], [401, 'authentication_error']);
  });

  test('the remediation is appended to the message', () => {
    assert.equal(wire('REQUEST_INVALID').message, 'message for REQUEST_INVALID. Fix: do the fix');
  });

  test('unknown errors become a 500 without their internals', () => {
    const mapped = toWireError(new Error('secret internal detail'));
    assert.equal(mapped.status, 500);
    assert.doesNotMatch(mapped.message, /secret internal detail/);
  });

  test('the response body is the Anthropic error object; Retry-After is forwarded', () => {
    const response = anthropicErrorResponse(wire('THROTTLED', 429, { retryAfterMs: 2500 }), 'req_1');
    assert.equal(response.status, 429);
    assert.equal(response.headers['retry-after'], '3');
    assert.equal(response.headers['request-id'], 'req_1');
    assert.equal(response.headers['x-should-retry'], 'true');
    assert.deepEqual(JSON.parse(bodyText(response.body)), { type: 'error', error: { type: 'rate_limit_error', message: 'message for THROTTLED. Fix: do the fix' } });
    assert.equal(anthropicErrorResponse(wire('REQUEST_INVALID'), 'r').headers['x-should-retry'], 'false');
  });

  test('stream failures are one SSE error event', () => {
    assert.equal(sseErrorEvent({ type: 'api_error', message: 'x' }), 'event: error\ndata: {"type":"error","error":{"type":"api_error","message":"x"}}\n\n');
  });

  test('the Bedrock surface answers in the restJson1 shape with AWS statuses', () => {
    const throttled = bedrockErrorResponse(wire('THROTTLED', 429), 'req_2');
    assert.equal(throttled.status, 429);
    assert.match(throttled.headers['x-amzn-errortype'] ?? '', /^ThrottlingException:/);
    assert.deepEqual(JSON.parse(bodyText(throttled.body)), { message: 'message for THROTTLED. Fix: do the fix' });
    const busy = bedrockErrorResponse(wire('UPSTREAM_UNAVAILABLE', 503), 'req_3');
    assert.equal(busy.status, 503);
    assert.match(busy.headers['x-amzn-errortype'] ?? '', /^ServiceUnavailableException:/);
    const unauthenticated = bedrockErrorResponse(wire('CREDENTIALS_INVALID', undefined, { anthropicErrorType: 'authentication_error' }), 'r');
    assert.equal(unauthenticated.status, 403);
    assert.match(unauthenticated.headers['x-amzn-errortype'] ?? '', /^AccessDeniedException:/);
  });

  test('a message ending in a period gets one period before the fix, and a non-retryable error says so on both surfaces', () => {
    const error = markFinal(new CcBedrockError('CREDENTIALS_EXPIRED', 'the credentials are invalid.', { remediation: 'renew them' }));
    const converted = toWireError(error);
    assert.equal(converted.message, 'the credentials are invalid. Fix: renew them');
    assert.equal(converted.status, 500);
    assert.equal(anthropicErrorResponse(converted, 'req').headers['x-should-retry'], 'false');
    assert.equal(bedrockErrorResponse(converted, 'req').headers['x-should-retry'], 'false');
  });
});
