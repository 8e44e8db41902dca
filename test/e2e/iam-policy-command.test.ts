/**
 * `cc-bedrock iam-policy`: the documented policy verbatim, and a least-privilege policy whose every
 * ARN is checked against the model catalog (and that covers every configured model).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  GEO_INFO,
  findModelById,
  foundationModelArns,
  hasProfileIn,
  parseBedrockArn,
  parseGeoPrefix,
  profileIdFor,
  requireModel,
} from '../../src/models/model-catalog.js';
import { createTempHomePool } from '../helpers/temp-home.js';
import { PLANTED, assertNoSecrets } from '../helpers/secrets.js';
import { hermeticEnv, runCli } from '../helpers/run-cli.js';
import { DOCUMENTED_IAM_POLICY } from '../helpers/documented-iam-policy.js';

interface Statement {
  Sid: string;
  Effect: string;
  Action: string[];
  Resource: string[] | string;
  Condition?: unknown;
}
interface Policy {
  Version: string;
  Statement: Statement[];
}

/** Spec §11.1, verbatim. */
const DOCUMENTED: Policy = DOCUMENTED_IAM_POLICY as unknown as Policy;

const AIP = 'arn:aws:bedrock:eu-west-1:123456789012:application-inference-profile/opus-47-prod';
const homes = createTempHomePool();
after(() => homes.cleanup());

async function iamPolicy(args: string[], files: Record<string, string | object> = {}, env: Record<string, string> = {}) {
  const home = homes.create(files);
  const result = await runCli(['iam-policy', ...args], { cwd: home.cwd, env: { ...hermeticEnv(home), ...env } });
  assertNoSecrets(result.stdout + result.stderr, 'iam-policy output');
  assert.equal(result.code, 0, result.stderr);
  return { ...result, policy: JSON.parse(result.stdout) as Policy };
}

/** parseBedrockArn, but allowing the `*` account a policy uses for inference profiles. */
function parseArn(arn: string) {
  return parseBedrockArn(arn.replace(/^(arn:[^:]+:bedrock:[^:]*):\*:/, '$1::'));
}

const resources = (statement: Statement | undefined): string[] =>
  statement === undefined ? [] : Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];

describe('iam-policy --scope all', () => {
  test('is exactly the documented policy (spec §11.1), and stdout is only the JSON', async () => {
    const { policy, stdout, stderr } = await iamPolicy([]);
    assert.deepEqual(policy, DOCUMENTED);
    assert.equal(stdout.trim(), JSON.stringify(DOCUMENTED, null, 2));
    assert.match(stderr, /bedrock:CountTokens .* separate action/);
    assert.deepEqual((await iamPolicy(['--scope', 'all'])).policy, DOCUMENTED);
  });

  test('--mantle adds bedrock-mantle:CreateInference and nothing else', async () => {
    const { policy } = await iamPolicy(['--mantle']);
    const mantle = policy.Statement.find((s) => s.Sid === 'AllowMantleInference');
    assert.deepEqual(mantle?.Action, ['bedrock-mantle:CreateInference']);
    assert.equal(mantle?.Resource, 'arn:aws:bedrock-mantle:*:*:project/*');
    assert.deepEqual({ ...policy, Statement: policy.Statement.filter((s) => s !== mantle) }, DOCUMENTED);
  });
});

describe('iam-policy --scope configured', () => {
  let policy: Policy;
  let stderr: string;

  before(async () => {
    const result = await iamPolicy(
      ['--scope', 'configured'],
      {
        'home/.claude/settings.json': {
          env: {
            CLAUDE_CODE_USE_BEDROCK: '1',
            CLAUDE_CODE_USE_MANTLE: '1',
            AWS_REGION: 'eu-west-1',
            ANTHROPIC_DEFAULT_OPUS_MODEL: 'eu.anthropic.claude-opus-4-8',
            ANTHROPIC_DEFAULT_HAIKU_MODEL: 'global.anthropic.claude-haiku-4-5-20251001-v1:0',
            CLAUDE_CODE_SUBAGENT_MODEL: 'anthropic.claude-opus-4-7',
          },
          modelOverrides: { 'claude-opus-4-7': AIP },
        },
        'home/.aws/credentials': `[default]\naws_access_key_id = ${PLANTED.accessKeyId}\naws_secret_access_key = ${PLANTED.secretAccessKey}\n`,
      },
    );
    policy = result.policy;
    stderr = result.stderr;
  });

  test('every ARN is a catalog model in a region its profile routes to', () => {
    assert.equal(policy.Version, '2012-10-17');
    const invoke = policy.Statement.find((s) => s.Sid === 'AllowConfiguredModelInvocation');
    assert.deepEqual(invoke?.Action, ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream']);
    const profileGeos = new Set<string>();
    for (const arn of resources(invoke)) {
      const parsed = parseArn(arn);
      assert.ok(parsed, `not a Bedrock ARN: ${arn}`);
      if (parsed.resourceType === 'application-inference-profile') {
        assert.equal(arn, AIP);
        continue;
      }
      if (parsed.resourceType === 'inference-profile') {
        const geo = parseGeoPrefix(parsed.resourceId)!;
        const model = findModelById(parsed.resourceId)!;
        assert.ok(model, `${parsed.resourceId} is not in the catalog`);
        assert.ok(hasProfileIn(model, geo.geo));
        assert.equal(profileIdFor(model, geo.geo), parsed.resourceId);
        assert.equal(parsed.region, 'eu-west-1', 'profiles are invoked in the session region');
        profileGeos.add(geo.geo);
        continue;
      }
      assert.equal(parsed.resourceType, 'foundation-model');
      const model = findModelById(parsed.resourceId);
      assert.ok(model?.bedrock && model.bedrock.baseId === parsed.resourceId, `${parsed.resourceId} is not a catalog base ID`);
      const allowed = new Set(['', 'eu-west-1', ...GEO_INFO.eu.destinationRegions, ...GEO_INFO.us.destinationRegions, ...GEO_INFO.us.occasionalDestinationRegions]);
      assert.ok(allowed.has(parsed.region), `${arn} is in a region no configured profile routes to`);
    }
    assert.deepEqual([...profileGeos].sort(), ['eu', 'global']);
  });

  test('covers every configured model: each profile plus its foundation models in every routed region', () => {
    const invoke = resources(policy.Statement.find((s) => s.Sid === 'AllowConfiguredModelInvocation'));
    const expect = (arn: string) => assert.ok(invoke.includes(arn), `missing ${arn}`);
    // main: the built-in default Sonnet 4.5 in an eu region
    expect('arn:aws:bedrock:eu-west-1:*:inference-profile/eu.anthropic.claude-sonnet-4-5-20250929-v1:0');
    for (const arn of foundationModelArns(requireModel('claude-sonnet-4-5'), 'eu')) expect(arn);
    // opus pin
    expect('arn:aws:bedrock:eu-west-1:*:inference-profile/eu.anthropic.claude-opus-4-8');
    for (const arn of foundationModelArns(requireModel('claude-opus-4-8'), 'eu')) expect(arn);
    // haiku pin: a global profile needs the region-less foundation-model ARN
    expect('arn:aws:bedrock:eu-west-1:*:inference-profile/global.anthropic.claude-haiku-4-5-20251001-v1:0');
    expect('arn:aws:bedrock:::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0');
    // the application inference profile, with its backing model from the override key
    expect(AIP);
    for (const arn of foundationModelArns(requireModel('claude-opus-4-7'), 'eu')) expect(arn);
    assert.deepEqual(resources(policy.Statement.find((s) => s.Sid === 'AllowApplicationInferenceProfileLookup')), [AIP]);
  });

  test('discovery, token counting, Mantle and Marketplace statements', () => {
    assert.deepEqual(resources(policy.Statement.find((s) => s.Sid === 'AllowInferenceProfileDiscovery')), ['arn:aws:bedrock:eu-west-1:*:inference-profile/*']);
    const counting = policy.Statement.find((s) => s.Sid === 'AllowTokenCounting');
    assert.deepEqual(counting?.Action, ['bedrock:CountTokens']);
    for (const arn of resources(counting)) {
      const model = findModelById(parseBedrockArn(arn)!.resourceId);
      assert.ok(model?.bedrock?.arnVersioned, `${arn} has no base model ID to count on`);
    }
    assert.deepEqual(resources(policy.Statement.find((s) => s.Sid === 'AllowMantleInference')), ['arn:aws:bedrock-mantle:eu-west-1:*:project/*']);
    assert.deepEqual(policy.Statement.find((s) => s.Sid === 'AllowMarketplaceSubscription'), DOCUMENTED.Statement[1]);
    assert.match(stderr, /scoped to \d+ configured models/);
    assert.match(stderr, /CountTokens/);
  });

  test('a Bedrock API key adds bedrock:CallWithBearerToken', async () => {
    const { policy: withKey } = await iamPolicy(['--scope', 'configured'], {}, { CLAUDE_CODE_USE_BEDROCK: '1', AWS_REGION: 'us-east-1', AWS_BEARER_TOKEN_BEDROCK: PLANTED.bearerToken });
    assert.deepEqual(withKey.Statement.find((s) => s.Sid === 'AllowBedrockApiKeys')?.Action, ['bedrock:CallWithBearerToken']);
  });

  test('a configuration that does not fully resolve still gets a policy for what does', async () => {
    const { policy: partial, stderr: notes } = await iamPolicy(['--scope', 'configured'], {}, {
      CLAUDE_CODE_USE_BEDROCK: '1',
      AWS_REGION: 'us-east-1',
      ANTHROPIC_BEDROCK_SERVICE_TIER: 'turbo',
      ANTHROPIC_DEFAULT_HAIKU_MODEL: 'claude-haiku-4-5[1m]',
    });
    assert.ok(resources(partial.Statement.find((s) => s.Sid === 'AllowConfiguredModelInvocation')).includes('arn:aws:bedrock:us-east-1:*:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0'));
    assert.match(notes, /haiku alias .* is left out: .*1M context window/);
  });
});
