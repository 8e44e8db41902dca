import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { APIConnectionError, APIError } from '@anthropic-ai/sdk';
import { classifyFailure, describeUpstreamFailure, iamResourcesFor, profileSuggestions, scrubSecrets } from './errors.js';
import type { CallTarget } from '../core/route-plan.js';

const bedrock: CallTarget = {
  modelId: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
  requested: 'sonnet',
  endpoint: 'bedrock',
  region: 'us-east-1',
  baseURL: 'https://bedrock-runtime.us-east-1.amazonaws.com',
  betas: [],
  catalogKey: 'claude-sonnet-4-5',
};
const mantle: CallTarget = { ...bedrock, modelId: 'anthropic.claude-opus-4-7', endpoint: 'mantle', baseURL: 'https://bedrock-mantle.us-east-1.api.aws/anthropic' };

function awsError(status: number, type: string, message: string, extra: Record<string, string> = {}): APIError {
  const headers = new Headers({ 'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`, 'x-amzn-requestid': 'req-1', ...extra });
  return APIError.generate(status, { message }, undefined, headers);
}

function classify(error: unknown, target = bedrock, authKind: 'sigv4' | 'bearer' | 'none' = 'sigv4') {
  return classifyFailure(error, describeUpstreamFailure(error, [], 0), { target, authKind, operation: 'messages' });
}

describe('classifyFailure', () => {
  test('ExpiredTokenException asks for credential recovery', () => {
    const result = classify(awsError(403, 'ExpiredTokenException', 'The security token included in the request is expired'));
    assert.equal(result.action, 'recover-auth');
    assert.equal(result.error.code, 'CREDENTIALS_EXPIRED');
  });

  test('AccessDeniedException fails at once, naming model, region and endpoint', () => {
    const result = classify(awsError(403, 'AccessDeniedException', "You don't have access to the model with the specified model ID."));
    assert.equal(result.action, 'fail');
    assert.equal(result.error.code, 'MODEL_NOT_GRANTED');
    assert.match(result.error.message, /us\.anthropic\.claude-sonnet-4-5-20250929-v1:0 in us-east-1 \(Bedrock Invoke API https:\/\/bedrock-runtime/);
    assert.equal(result.error.details['requestId'], 'req-1');
  });

  test('the typographic apostrophe of the on-demand message is recognised', () => {
    const target = { ...bedrock, modelId: 'anthropic.claude-sonnet-4-5-20250929-v1:0', region: 'eu-west-1' };
    const result = classify(
      awsError(400, 'ValidationException', 'Invocation of model ID anthropic.claude-sonnet-4-5-20250929-v1:0 with on-demand throughput isn\u2019t supported. Retry your request with the ID or ARN of an inference profile that contains this model.'),
      target,
    );
    assert.equal(result.error.code, 'ON_DEMAND_NOT_SUPPORTED');
    assert.match(result.error.remediation!, /eu\.anthropic\.claude-sonnet-4-5-20250929-v1:0/);
  });

  test('throttling and outages are retryable, with Retry-After read', () => {
    const throttled = classify(awsError(429, 'ThrottlingException', 'Too many requests', { 'retry-after': '3' }));
    assert.equal(throttled.action, 'retry');
    assert.equal(throttled.error.code, 'THROTTLED');
    assert.equal(throttled.failure.retryAfterMs, 3000);
    assert.equal(classify(awsError(503, 'ServiceUnavailableException', 'down')).error.code, 'UPSTREAM_UNAVAILABLE');
    assert.equal(classify(awsError(503, 'ServiceUnavailableException', 'down')).action, 'retry');
  });

  test('Mantle: 401 recovers, 403 is not granted, 400 naming the model is not served', () => {
    const mantleError = (status: number, message: string) => APIError.generate(status, { type: 'error', error: { type: 'x', message } }, undefined, new Headers());
    assert.equal(classify(mantleError(401, 'expired'), mantle).action, 'recover-auth');
    assert.equal(classify(mantleError(403, 'not authorized'), mantle).error.code, 'MANTLE_NOT_GRANTED');
    assert.equal(classify(mantleError(400, 'The model anthropic.claude-opus-4-7 is not supported on this endpoint.'), mantle).error.code, 'MANTLE_MODEL_NOT_SERVED');
  });

  test('an exception frame in a stream has no status and is reported as a stream failure', () => {
    const frame = new APIError(undefined, { type: 'error', error: { type: 'modelStreamErrorException', message: 'boom' } }, undefined, new Headers());
    const failure = describeUpstreamFailure(frame, [], 0);
    assert.equal(failure.phase, 'stream-frame');
    assert.equal(failure.errorType, 'modelStreamErrorException');
  });

  test('network errors are retryable NETWORK failures', () => {
    const result = classify(new APIConnectionError({ message: 'Connection error.', cause: new Error('ECONNREFUSED') }));
    assert.equal(result.action, 'retry');
    assert.equal(result.error.code, 'NETWORK');
  });

  test('skip-auth 403 points at the gateway, without a recovery attempt', () => {
    const result = classify(APIError.generate(403, { Message: 'Authorization header is missing' }, undefined, new Headers()), bedrock, 'none');
    assert.equal(result.action, 'fail');
    assert.match(result.error.remediation!, /gateway/);
  });

  test('secrets echoed by an upstream are scrubbed', () => {
    const secret = 'superSecretValue1234567890';
    const failure = describeUpstreamFailure(awsError(400, 'ValidationException', `bad token ${secret}`), [secret], 0);
    assert.ok(!failure.message.includes(secret));
    assert.equal(scrubSecrets(`a ${secret} b`, [secret]), 'a <redacted> b');
  });
});

describe('helpers', () => {
  test('IAM resources cover the profile and every region of its foundation model', () => {
    assert.deepEqual(iamResourcesFor('us.anthropic.claude-opus-4-6-v1', 'us-east-1'), [
      'arn:aws:bedrock:us-east-1:<account-id>:inference-profile/us.anthropic.claude-opus-4-6-v1',
      'arn:aws:bedrock:*::foundation-model/anthropic.claude-opus-4-6-v1',
    ]);
  });

  test('profile suggestions prefer the region geography, then global', () => {
    assert.deepEqual(profileSuggestions('anthropic.claude-opus-4-6-v1', 'eu-west-1').slice(0, 2), [
      'eu.anthropic.claude-opus-4-6-v1',
      'global.anthropic.claude-opus-4-6-v1',
    ]);
  });
});
