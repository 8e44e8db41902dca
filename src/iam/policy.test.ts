import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  GEO_INFO,
  findModelById,
  foundationModelArns,
  parseBedrockArn,
  requireModel,
} from '../models/model-catalog.js';
import { configuredPolicy, documentedPolicy, type IamStatement, type PolicyTarget } from './policy.js';
import { DOCUMENTED_IAM_POLICY } from '../../test/helpers/documented-iam-policy.js';

/** Spec §11.1, verbatim. */
const DOCUMENTED = DOCUMENTED_IAM_POLICY;

const target = (modelId: string, extra: Partial<PolicyTarget> = {}): PolicyTarget => ({
  modelId,
  endpoint: 'bedrock',
  region: 'us-east-2',
  discoverable: false,
  label: 'test',
  ...extra,
});

function statement(statements: readonly IamStatement[], sid: string): IamStatement | undefined {
  return statements.find((s) => s.Sid === sid);
}

function resources(statements: readonly IamStatement[], sid: string): string[] {
  const found = statement(statements, sid);
  if (!found) return [];
  return Array.isArray(found.Resource) ? [...found.Resource] : [found.Resource as string];
}

describe('documentedPolicy', () => {
  test('is the policy of spec §11.1, statement for statement', () => {
    assert.deepEqual(JSON.parse(JSON.stringify(documentedPolicy())), DOCUMENTED);
  });

  test('--mantle adds bedrock-mantle:CreateInference on every Mantle project and keeps the rest', () => {
    const policy = documentedPolicy({ mantle: true });
    const mantle = statement(policy.Statement, 'AllowMantleInference');
    assert.deepEqual(mantle?.Action, ['bedrock-mantle:CreateInference']);
    assert.equal(mantle?.Resource, 'arn:aws:bedrock-mantle:*:*:project/*');
    assert.deepEqual(JSON.parse(JSON.stringify(policy.Statement.filter((s) => s.Sid !== 'AllowMantleInference'))), DOCUMENTED.Statement);
  });
});

describe('configuredPolicy', () => {
  test('a us. profile: the profile in the source region and the foundation model in every routed region', () => {
    const { policy } = configuredPolicy({ targets: [target('us.anthropic.claude-opus-4-8')], sessionRegion: 'us-east-2' });
    const invoke = resources(policy.Statement, 'AllowConfiguredModelInvocation');
    assert.ok(invoke.includes('arn:aws:bedrock:us-east-2:*:inference-profile/us.anthropic.claude-opus-4-8'));
    const model = requireModel('claude-opus-4-8');
    for (const arn of foundationModelArns(model, 'us')) assert.ok(invoke.includes(arn), `missing ${arn}`);
    for (const arn of invoke.filter((value) => value.includes(':foundation-model/'))) {
      const parsed = parseBedrockArn(arn)!;
      assert.equal(findModelById(parsed.resourceId)?.key, 'claude-opus-4-8');
      assert.ok([...GEO_INFO.us.destinationRegions, ...GEO_INFO.us.occasionalDestinationRegions].includes(parsed.region), arn);
    }
    assert.deepEqual(statement(policy.Statement, 'AllowConfiguredModelInvocation')?.Action, ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream']);
  });

  test('a global. profile also needs the region-less foundation-model ARN', () => {
    const { policy } = configuredPolicy({ targets: [target('global.anthropic.claude-sonnet-4-6', { region: 'ca-central-1' })], sessionRegion: 'ca-central-1' });
    const invoke = resources(policy.Statement, 'AllowConfiguredModelInvocation');
    assert.deepEqual(invoke, [
      'arn:aws:bedrock:ca-central-1:*:inference-profile/global.anthropic.claude-sonnet-4-6',
      'arn:aws:bedrock:ca-central-1::foundation-model/anthropic.claude-sonnet-4-6',
      'arn:aws:bedrock:::foundation-model/anthropic.claude-sonnet-4-6',
    ]);
  });

  test('GovCloud profiles use the aws-us-gov partition', () => {
    const { policy } = configuredPolicy({ targets: [target('us-gov.anthropic.claude-sonnet-4-5-20250929-v1:0', { region: 'us-gov-west-1' })], sessionRegion: 'us-gov-west-1' });
    for (const arn of resources(policy.Statement, 'AllowConfiguredModelInvocation')) assert.match(arn, /^arn:aws-us-gov:bedrock:/);
  });

  test('ListInferenceProfiles only when a built-in default is looked up', () => {
    const pinned = configuredPolicy({ targets: [target('us.anthropic.claude-opus-4-8')], sessionRegion: 'us-east-2' });
    assert.equal(statement(pinned.policy.Statement, 'AllowInferenceProfileDiscovery'), undefined);
    const discoverable = configuredPolicy({ targets: [target('us.anthropic.claude-sonnet-4-5-20250929-v1:0', { discoverable: true })], sessionRegion: 'us-east-2' });
    assert.deepEqual(resources(discoverable.policy.Statement, 'AllowInferenceProfileDiscovery'), ['arn:aws:bedrock:us-east-2:*:inference-profile/*']);
  });

  test('an application inference profile as given, with GetInferenceProfile and its backing model ARNs when known', () => {
    const arn = 'arn:aws:bedrock:us-east-2:123456789012:application-inference-profile/opus-47-prod';
    const backing = ['arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-opus-4-7', 'arn:aws:bedrock:us-east-2::foundation-model/anthropic.claude-opus-4-7'];
    const known = configuredPolicy({ targets: [target(arn, { backingModelArns: backing })], sessionRegion: 'us-east-2' });
    assert.deepEqual(resources(known.policy.Statement, 'AllowConfiguredModelInvocation'), [arn, ...backing]);
    assert.deepEqual(resources(known.policy.Statement, 'AllowApplicationInferenceProfileLookup'), [arn]);

    const inferred = configuredPolicy({ targets: [target(arn, { catalogKey: 'claude-opus-4-7' })], sessionRegion: 'us-east-2' });
    const invoke = resources(inferred.policy.Statement, 'AllowConfiguredModelInvocation');
    assert.ok(invoke.includes(arn));
    assert.ok(invoke.includes('arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-opus-4-7'));
    assert.ok(inferred.notes.some((note) => note.includes('taken to be Claude Opus 4.7')));

    const unknown = configuredPolicy({ targets: [target(arn)], sessionRegion: 'us-east-2' });
    assert.deepEqual(resources(unknown.policy.Statement, 'AllowConfiguredModelInvocation'), [arn]);
    assert.ok(unknown.notes.some((note) => note.includes('backing model is unknown')));
  });

  test('an on-demand base ID is allowed in its region only', () => {
    const { policy } = configuredPolicy({ targets: [target('anthropic.claude-3-haiku-20240307-v1:0', { region: 'eu-west-1' })], sessionRegion: 'eu-west-1' });
    assert.deepEqual(resources(policy.Statement, 'AllowConfiguredModelInvocation'), ['arn:aws:bedrock:eu-west-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0']);
  });

  test('CountTokens is granted on base foundation-model ARNs, only for models that have one', () => {
    const { policy } = configuredPolicy({
      targets: [target('us.anthropic.claude-sonnet-4-5-20250929-v1:0'), target('us.anthropic.claude-opus-4-8')],
      sessionRegion: 'us-east-2',
    });
    assert.deepEqual(resources(policy.Statement, 'AllowTokenCounting'), ['arn:aws:bedrock:us-east-2::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0']);
    assert.deepEqual(statement(policy.Statement, 'AllowTokenCounting')?.Action, ['bedrock:CountTokens']);
  });

  test('Mantle targets get CreateInference on the project ARN of their region; API keys get CallWithBearerToken', () => {
    const result = configuredPolicy({
      targets: [target('anthropic.claude-opus-4-7', { endpoint: 'mantle', region: 'eu-west-1' })],
      sessionRegion: 'eu-west-1',
      bearerToken: { bedrock: false, mantle: true },
    });
    assert.deepEqual(resources(result.policy.Statement, 'AllowMantleInference'), ['arn:aws:bedrock-mantle:eu-west-1:*:project/*']);
    assert.deepEqual(statement(result.policy.Statement, 'AllowBedrockApiKeys')?.Action, ['bedrock-mantle:CallWithBearerToken']);
    assert.equal(statement(result.policy.Statement, 'AllowConfiguredModelInvocation'), undefined);
    assert.ok(result.actions.includes('bedrock-mantle:CreateInference'));
  });

  test('an ID that is not a Bedrock ID yields a note, not a made-up resource', () => {
    const result = configuredPolicy({ targets: [target('my-gateway-alias')], sessionRegion: 'us-east-2' });
    assert.equal(result.policy.Statement.length, 0);
    assert.ok(result.notes.some((note) => note.includes('my-gateway-alias')));
  });
});
