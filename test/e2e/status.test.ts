import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createTempHome, type TempHome } from '../helpers/temp-home.js';
import { PLANTED, assertNoSecrets } from '../helpers/secrets.js';
import { hermeticEnv, runCli } from '../helpers/run-cli.js';

const homes: TempHome[] = [];
after(() => homes.forEach((h) => h.cleanup()));

interface Case {
  files?: Record<string, string | object>;
  env?: Record<string, string>;
  args?: string[];
}

async function status({ files = {}, env = {}, args = [] }: Case) {
  const home = createTempHome(files);
  homes.push(home);
  const result = await runCli(['status', '--json', ...args], {
    cwd: home.cwd,
    env: { ...hermeticEnv(home), ...env },
  });
  assertNoSecrets(result.stdout + result.stderr, 'status output');
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the parsed document under test
  const json = JSON.parse(result.stdout) as Record<string, any>;
  return { result, json, home };
}

const BEDROCK = { CLAUDE_CODE_USE_BEDROCK: '1' };

describe('status: region resolution (reference-behaviour: Resolution)', () => {
  test('AWS_REGION beats AWS_DEFAULT_REGION and the profile', async () => {
    const { json } = await status({
      env: { ...BEDROCK, AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'us-west-2' },
      files: { 'home/.aws/config': '[default]\nregion = ap-south-1\n' },
    });
    assert.equal(json.region.value, 'eu-west-1');
    assert.match(json.region.source, /AWS_REGION/);
  });

  test('AWS_DEFAULT_REGION beats the profile', async () => {
    const { json } = await status({
      env: { ...BEDROCK, AWS_DEFAULT_REGION: 'us-west-2' },
      files: { 'home/.aws/config': '[default]\nregion = ap-south-1\n' },
    });
    assert.equal(json.region.value, 'us-west-2');
  });

  test('the active profile region comes from ~/.aws/config', async () => {
    const { json } = await status({
      env: { ...BEDROCK, AWS_PROFILE: 'dev' },
      files: { 'home/.aws/config': '[default]\nregion = us-west-2\n[profile dev]\nregion = eu-central-1\n' },
    });
    assert.equal(json.region.value, 'eu-central-1');
    assert.match(json.region.source, /dev/);
  });

  test('us-east-1 when nothing sets a region', async () => {
    const { json } = await status({ env: BEDROCK });
    assert.equal(json.region.value, 'us-east-1');
  });

  test('a malformed AWS_REGION is ignored with a warning', async () => {
    const { json } = await status({ env: { ...BEDROCK, AWS_REGION: 'us-east-1/evil', AWS_DEFAULT_REGION: 'eu-west-2' } });
    assert.equal(json.region.value, 'eu-west-2');
    assert.ok(json.warnings.some((w: { message: string }) => w.message.includes('AWS_REGION')));
  });
});

describe('status: models (reference-behaviour: Resolution)', () => {
  const geo: Array<[string, string]> = [
    ['us-east-1', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0'],
    ['eu-west-1', 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0'],
    ['ap-northeast-1', 'apac.anthropic.claude-sonnet-4-5-20250929-v1:0'],
    ['ca-central-1', 'global.anthropic.claude-sonnet-4-5-20250929-v1:0'],
  ];
  for (const [region, id] of geo) {
    test(`default in ${region} is ${id}`, async () => {
      const { json } = await status({ env: { ...BEDROCK, AWS_REGION: region } });
      assert.equal(json.models.main.wireModelId, id);
      assert.equal(json.models.smallFast.wireModelId, id, 'small/fast defaults to the primary');
    });
  }

  test('unpinned opus is Opus 4.6 and warned about', async () => {
    const { json } = await status({ env: { ...BEDROCK, AWS_REGION: 'us-east-1' }, args: ['--model', 'opus'] });
    assert.equal(json.models.main.wireModelId, 'us.anthropic.claude-opus-4-6-v1');
    assert.ok(json.warnings.some((w: { message: string }) => /Opus 4\.6/i.test(w.message)));
  });

  test('with all three pins and no --model the default is the sonnet pin; haiku pin drives small/fast', async () => {
    const { json } = await status({
      env: {
        ...BEDROCK,
        ANTHROPIC_DEFAULT_OPUS_MODEL: 'us.anthropic.claude-opus-4-8',
        ANTHROPIC_DEFAULT_SONNET_MODEL: 'us.anthropic.claude-sonnet-4-6',
        ANTHROPIC_DEFAULT_HAIKU_MODEL: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
      },
    });
    assert.equal(json.models.main.wireModelId, 'us.anthropic.claude-sonnet-4-6');
    assert.equal(json.models.smallFast.wireModelId, 'us.anthropic.claude-haiku-4-5-20251001-v1:0');
  });

  test('ANTHROPIC_MODEL=opus resolves through the opus pin; --model beats ANTHROPIC_MODEL', async () => {
    const env = { ...BEDROCK, ANTHROPIC_MODEL: 'opus', ANTHROPIC_DEFAULT_OPUS_MODEL: 'us.anthropic.claude-opus-4-8' };
    assert.equal((await status({ env })).json.models.main.wireModelId, 'us.anthropic.claude-opus-4-8');
    const flagged = await status({ env, args: ['--model', 'us.anthropic.claude-haiku-4-5-20251001-v1:0'] });
    assert.equal(flagged.json.models.main.wireModelId, 'us.anthropic.claude-haiku-4-5-20251001-v1:0');
  });

  test('explicit provider IDs are never rewritten (an eu. ID in a us region stays, with a warning)', async () => {
    const { json } = await status({
      env: { ...BEDROCK, AWS_REGION: 'us-east-1' },
      args: ['--model', 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0'],
    });
    assert.equal(json.models.main.wireModelId, 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0');
    assert.ok(json.warnings.length > 0);
  });

  test('a first-party name resolves through modelOverrides, else to the Bedrock ID for the region', async () => {
    const arn = 'arn:aws:bedrock:us-east-2:123456789012:application-inference-profile/opus-47-prod';
    const overridden = await status({
      env: BEDROCK,
      files: { 'home/.claude/settings.json': { modelOverrides: { 'claude-opus-4-7': arn } } },
      args: ['--model', 'claude-opus-4-7'],
    });
    assert.equal(overridden.json.models.main.wireModelId, arn);
    const plain = await status({ env: { ...BEDROCK, AWS_REGION: 'eu-west-1' }, args: ['--model', 'claude-opus-4-7'] });
    assert.equal(plain.json.models.main.wireModelId, 'eu.anthropic.claude-opus-4-7');
  });

  test('[1m] is stripped and becomes the 1M beta', async () => {
    const { json } = await status({ env: BEDROCK, args: ['--model', 'us.anthropic.claude-sonnet-4-6[1m]'] });
    assert.equal(json.models.main.wireModelId, 'us.anthropic.claude-sonnet-4-6');
    assert.deepEqual(json.models.main.betas, ['context-1m-2025-08-07']);
  });

  test('[1m] on a model without 1M is refused, naming the models that have it', async () => {
    const { result, json } = await status({ env: BEDROCK, args: ['--model', 'us.anthropic.claude-haiku-4-5-20251001-v1:0[1m]'] });
    assert.equal(result.code, 2);
    assert.equal(json.error.code, 'MODEL_NO_1M');
  });

  test('ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION changes only the small/fast role', async () => {
    const { json } = await status({
      env: {
        ...BEDROCK,
        AWS_REGION: 'us-east-1',
        ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION: 'us-west-2',
        ANTHROPIC_DEFAULT_HAIKU_MODEL: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
      },
    });
    assert.equal(json.models.main.region.value, 'us-east-1');
    assert.equal(json.models.smallFast.region.value, 'us-west-2');
  });

  test('availableModels is enforced: a blocked --model is an error naming the allowed entries', async () => {
    const { result, json } = await status({
      env: BEDROCK,
      files: { 'home/.claude/settings.json': { availableModels: ['sonnet', 'haiku'] } },
      args: ['--model', 'opus'],
    });
    assert.equal(result.code, 2);
    assert.equal(json.error.code, 'MODEL_NOT_ALLOWED');
    assert.match(json.error.message + json.error.remediation, /sonnet/);
  });
});

describe('status: settings layering', () => {
  test('the env block of ~/.claude/settings.json overrides the shell', async () => {
    const { json } = await status({
      env: { ...BEDROCK, AWS_REGION: 'us-west-2' },
      files: { 'home/.claude/settings.json': { env: { AWS_REGION: 'eu-west-3' } } },
    });
    assert.equal(json.region.value, 'eu-west-3');
    assert.match(json.region.source, /settings\.json/);
  });

  test('managed settings override user settings (model, region, tier)', async () => {
    const { json } = await status({
      env: BEDROCK,
      files: {
        'home/.claude/settings.json': { model: 'opus', env: { AWS_REGION: 'us-west-2', ANTHROPIC_BEDROCK_SERVICE_TIER: 'flex' } },
        'managed/managed-settings.json': { model: 'sonnet', env: { AWS_REGION: 'eu-west-1', ANTHROPIC_BEDROCK_SERVICE_TIER: 'priority' } },
      },
    });
    assert.equal(json.region.value, 'eu-west-1');
    assert.equal(json.models.main.wireModelId, 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0');
    assert.ok(json.headers.some((h: { name: string; value: string }) => h.name === 'X-Amzn-Bedrock-Service-Tier' && h.value === 'priority'));
  });

  test('malformed settings JSON names the file, line and column', async () => {
    const home = createTempHome({ 'home/.claude/settings.json': '{\n  "env": {\n    "AWS_REGION": "us-east-1",\n  }\n}\n' });
    homes.push(home);
    const result = await runCli(['status'], {
      cwd: home.cwd,
      env: { ...hermeticEnv(home), ...BEDROCK },
    });
    assert.equal(result.code, 2);
    // The plan is still shown, with the settings part marked as not resolved.
    assert.match(result.stdout, /NOT RESOLVED: .*settings\.json:\d+:\d+/);
  });
});

describe('status: providers, headers, credentials', () => {
  test('Mantle alone: default is anthropic.claude-opus-4-7 on the Mantle endpoint', async () => {
    const { json } = await status({ env: { CLAUDE_CODE_USE_MANTLE: '1', AWS_REGION: 'us-east-1' } });
    assert.equal(json.provider.label, 'Amazon Bedrock (Mantle)');
    assert.equal(json.models.main.wireModelId, 'anthropic.claude-opus-4-7');
    assert.equal(json.models.main.endpoint, 'mantle');
    assert.equal(json.endpoints.mantle.value, 'https://bedrock-mantle.us-east-1.api.aws/anthropic');
  });

  test('both endpoints: a Mantle-format ID routes to Mantle, everything else to Invoke', async () => {
    const env = { CLAUDE_CODE_USE_BEDROCK: '1', CLAUDE_CODE_USE_MANTLE: '1' };
    const mantle = await status({ env, args: ['--model', 'anthropic.claude-haiku-4-5'] });
    assert.equal(mantle.json.provider.label, 'Amazon Bedrock + Amazon Bedrock (Mantle)');
    assert.equal(mantle.json.models.main.endpoint, 'mantle');
    const invoke = await status({ env, args: ['--model', 'us.anthropic.claude-sonnet-4-6'] });
    assert.equal(invoke.json.models.main.endpoint, 'bedrock');
  });

  test('an invalid service tier is an error naming the variable and the allowed values', async () => {
    const { result, json } = await status({ env: { ...BEDROCK, ANTHROPIC_BEDROCK_SERVICE_TIER: 'turbo-invalid' } });
    assert.equal(result.code, 2);
    assert.equal(json.error.code, 'SERVICE_TIER_INVALID');
    assert.match(json.error.remediation, /default, flex, priority/);
  });

  test('guardrail headers are recognised and shown', async () => {
    const { json } = await status({
      env: { ...BEDROCK, ANTHROPIC_CUSTOM_HEADERS: 'X-Amzn-Bedrock-GuardrailIdentifier: gr-1\nX-Amzn-Bedrock-GuardrailVersion: 2' },
    });
    const kinds = json.headers.map((h: { kind: string }) => h.kind);
    assert.deepEqual(kinds, ['guardrail', 'guardrail']);
  });

  test('a bearer token is reported by kind only, never by value', async () => {
    const { json, result } = await status({ env: { ...BEDROCK, AWS_BEARER_TOKEN_BEDROCK: PLANTED.bearerToken } });
    assert.equal(json.credentials.bedrock.kind, 'bearer-token');
    assertNoSecrets(result.stdout);
  });

  test('skip-auth is reported', async () => {
    const { json } = await status({ env: { ...BEDROCK, CLAUDE_CODE_SKIP_BEDROCK_AUTH: '1' } });
    assert.equal(json.credentials.bedrock.kind, 'skip-auth');
  });

  test('planted secrets in env keys, settings env and custom headers never appear in text or JSON', async () => {
    const files = {
      'home/.claude/settings.json': {
        env: { AWS_SESSION_TOKEN: PLANTED.sessionToken, ANTHROPIC_CUSTOM_HEADERS: `Authorization: Bearer ${PLANTED.gatewayKey}` },
      },
    };
    const env = { ...BEDROCK, AWS_ACCESS_KEY_ID: PLANTED.accessKeyId, AWS_SECRET_ACCESS_KEY: PLANTED.secretAccessKey };
    const { json } = await status({ env, files });
    assert.equal(json.credentials.bedrock.kind, 'env-keys');
    assert.ok(!JSON.stringify(json).includes(PLANTED.accessKeyId), 'the key ID is masked');
    const home = createTempHome(files);
    homes.push(home);
    const text = await runCli(['status'], {
      cwd: home.cwd,
      env: { ...hermeticEnv(home), ...env },
    });
    assert.equal(text.code, 0, text.stderr);
    assertNoSecrets(text.stdout + text.stderr, 'status text');
  });

  test('no provider switch is a clear error with exit code 2', async () => {
    const home = createTempHome();
    homes.push(home);
    const result = await runCli(['status'], { cwd: home.cwd, env: { HOME: home.home, CC_BEDROCK_MANAGED_SETTINGS_DIR: join(home.root, 'm') } });
    assert.equal(result.code, 2);
    assert.match(result.stdout, /NOT RESOLVED: .*\n\s+fix: .*CLAUDE_CODE_USE_BEDROCK=1/);
  });
});

describe('status: managed allowlist and overrides (spec §3.3)', () => {
  test('with a managed availableModels, a user modelOverrides cannot redirect a directly named model', async () => {
    const userArn = 'arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/user-rogue';
    const managedArn = 'arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/org-opus46';
    const files = {
      'home/.claude/settings.json': { modelOverrides: { 'claude-opus-4-7': userArn } },
      'managed/managed-settings.json': { availableModels: ['opus', 'sonnet'], modelOverrides: { 'claude-opus-4-6': managedArn } },
    };
    const direct = await status({ env: BEDROCK, files, args: ['--model', 'claude-opus-4-7'] });
    assert.equal(direct.json.models.main.wireModelId, 'us.anthropic.claude-opus-4-7');
    const managed = await status({ env: BEDROCK, files, args: ['--model', 'claude-opus-4-6'] });
    assert.equal(managed.json.models.main.wireModelId, managedArn);
  });
});
