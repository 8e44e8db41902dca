import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AnthropicApiError } from './anthropic-errors.js';
import { AwsServiceError } from './aws-errors.js';
import { prefixesForRegion, resolveForCountTokens, resolveForInvoke, resolveMantleModel, resolveModelId, systemProfilesInRegion } from './account.js';
import { defaultScenario, scenarioWith } from './scenario.js';

const scenario = defaultScenario();

function awsError(fn: () => unknown): AwsServiceError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof AwsServiceError, String(error));
    return error;
  }
  assert.fail('expected an AwsServiceError');
}

describe('model ID resolution', () => {
  test('region geography decides the profile prefixes', () => {
    assert.deepEqual(prefixesForRegion('us-west-2'), ['us', 'global']);
    assert.deepEqual(prefixesForRegion('eu-central-1'), ['eu', 'global']);
    assert.deepEqual(prefixesForRegion('ap-northeast-1'), ['apac', 'jp', 'global']);
    assert.deepEqual(prefixesForRegion('ap-southeast-2'), ['apac', 'au', 'global']);
    assert.deepEqual(prefixesForRegion('us-gov-west-1'), ['us-gov']);
  });

  test('profile IDs, ARNs and base IDs resolve to the base model', () => {
    const id = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
    for (const form of [
      `us.${id}`,
      `global.${id}`,
      `arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.${id}`,
      `arn:aws:bedrock:us-east-1::foundation-model/${id}`,
      id,
      'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/emuappsonnet',
    ]) {
      assert.equal(resolveModelId(scenario, 'us-east-1', form).model.id, id, form);
    }
  });

  test('a prefix of another geography, a region without the model, or an unknown ID is invalid', () => {
    for (const [region, id] of [
      ['eu-west-1', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0'],
      ['eu-west-1', 'us.anthropic.claude-opus-4-1-20250805-v1:0'],
      ['us-east-1', 'anthropic.claude-unknown'],
      ['us-east-1', 'claude-opus-4-7'],
      ['us-east-1', 'arn:aws:bedrock:us-east-2:123456789012:application-inference-profile/opus-47-prod'],
      ['mars-north-1', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0'],
    ] as const) {
      assert.equal(awsError(() => resolveModelId(scenario, region, id)).message, 'The provided model identifier is invalid.', `${region} ${id}`);
    }
    assert.equal(resolveModelId(scenario, 'us-east-2', 'arn:aws:bedrock:us-east-2:123456789012:application-inference-profile/opus-47-prod').model.id, 'anthropic.claude-opus-4-7');
  });

  test('invoke: on-demand 400 for profile-only base IDs; grants enforced', () => {
    const error = awsError(() => resolveForInvoke(scenario, 'us-east-1', 'anthropic.claude-sonnet-4-6'));
    assert.equal(error.errorName, 'ValidationException');
    assert.match(error.message, /with on-demand throughput isn\u2019t supported/);
    assert.equal(resolveForInvoke(scenario, 'us-east-1', 'anthropic.claude-3-haiku-20240307-v1:0').kind, 'foundation-model');
    const limited = scenarioWith({ access: { granted: ['anthropic.claude-3-haiku-20240307-v1:0'] } });
    assert.equal(awsError(() => resolveForInvoke(limited, 'us-east-1', 'us.anthropic.claude-sonnet-4-6')).errorName, 'AccessDeniedException');
  });

  test('count tokens: base IDs only', () => {
    assert.equal(resolveForCountTokens(scenario, 'us-east-1', 'anthropic.claude-sonnet-4-6').id, 'anthropic.claude-sonnet-4-6');
    assert.equal(awsError(() => resolveForCountTokens(scenario, 'us-east-1', 'us.anthropic.claude-sonnet-4-6')).message, "The provided model doesn't support counting tokens.");
  });

  test('mantle: lineup IDs only, grants separate', () => {
    assert.equal(resolveMantleModel(scenario, 'us-east-1', 'anthropic.claude-haiku-4-5').id, 'anthropic.claude-haiku-4-5-20251001-v1:0');
    assert.throws(() => resolveMantleModel(scenario, 'us-east-1', 'anthropic.claude-sonnet-4-5'), (e: unknown) => e instanceof AnthropicApiError && e.status === 400 && e.message === 'The model anthropic.claude-sonnet-4-5 is not supported on this endpoint.');
    const denied = scenarioWith({ access: { mantleDenied: ['anthropic.claude-opus-4-7'] } });
    assert.throws(() => resolveMantleModel(denied, 'us-east-1', 'anthropic.claude-opus-4-7'), (e: unknown) => e instanceof AnthropicApiError && e.status === 403);
  });

  test('system profiles list destinations inside their geography', () => {
    const profiles = systemProfilesInRegion(scenario, 'eu-west-1');
    const eu = profiles.find((p) => p.id === 'eu.anthropic.claude-sonnet-4-6');
    assert.deepEqual(eu?.destinations, ['eu-west-1', 'eu-central-1', 'eu-west-3']);
    assert.ok(profiles.every((p) => p.prefix === 'eu' || p.prefix === 'global'));
  });
});
