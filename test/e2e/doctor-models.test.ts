/**
 * doctor, model checks, on a matrix of broken model configurations (offline, in parallel in
 * `before`); each test asserts one finding and its fix.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DoctorOutcomes, finding, findings, runDoctor, type DoctorOutcome, type DoctorSetup } from '../helpers/doctor-run.js';
import { createTempHomePool } from '../helpers/temp-home.js';
import { PLANTED } from '../helpers/secrets.js';

const homes = createTempHomePool();
after(() => homes.cleanup());

/** Offline doctor with a JSON report by default; doctor never writes to stderr. */
function doctor(setup: DoctorSetup, args: string[] = ['--offline', '--json']): Promise<DoctorOutcome> {
  return runDoctor(homes, setup, args, { assertOutput: (result) => assert.equal(result.stderr, '', `doctor wrote to stderr: ${result.stderr}`) });
}

const BEDROCK = { CLAUDE_CODE_USE_BEDROCK: '1', AWS_ACCESS_KEY_ID: PLANTED.accessKeyId, AWS_SECRET_ACCESS_KEY: PLANTED.secretAccessKey };
const AIP = 'arn:aws:bedrock:us-east-2:123456789012:application-inference-profile/opus-47-prod';

const configs = {
  /** eu-west-1 with a us. pin, a base ID that needs a profile, [1m] on Haiku, an ARN of us-east-2, opus unpinned. */
  wrongIds: {
    files: { 'home/.claude/settings.json': { modelOverrides: { 'claude-opus-4-7': AIP } } },
    env: {
      ...BEDROCK,
      AWS_REGION: 'eu-west-1',
      ANTHROPIC_DEFAULT_SONNET_MODEL: 'us.anthropic.claude-sonnet-4-6',
      ANTHROPIC_DEFAULT_HAIKU_MODEL: 'claude-haiku-4-5[1m]',
      ANTHROPIC_MODEL: 'anthropic.claude-sonnet-4-5-20250929-v1:0',
    },
  },
  /** A pin outside availableModels, and Mantle entries in availableModels while Mantle is off. */
  allowlist: {
    files: { 'home/.claude/settings.json': { availableModels: ['sonnet', 'claude-opus-4-6', 'anthropic.claude-haiku-4-5'] } },
    env: { ...BEDROCK, AWS_REGION: 'us-east-1', ANTHROPIC_DEFAULT_OPUS_MODEL: 'us.anthropic.claude-opus-4-8' },
  },
  /** A Mantle ID without Mantle, a retired subagent model, a deprecated pin, an unknown name. */
  lineup: {
    env: {
      ...BEDROCK,
      AWS_REGION: 'us-east-1',
      ANTHROPIC_MODEL: 'anthropic.claude-opus-4-8',
      CLAUDE_CODE_SUBAGENT_MODEL: 'us.anthropic.claude-3-opus-20240229-v1:0',
      ANTHROPIC_DEFAULT_SONNET_MODEL: 'us.anthropic.claude-3-7-sonnet-20250219-v1:0',
      ANTHROPIC_DEFAULT_HAIKU_MODEL: 'claude-nonexistent-9',
      ANTHROPIC_DEFAULT_OPUS_MODEL: 'us.anthropic.claude-opus-4-8[1m]',
    },
  },
} satisfies Record<string, DoctorSetup>;

const outcomes = new DoctorOutcomes<keyof typeof configs>();
const get = outcomes.get;

before(() => outcomes.runEach(configs, (setup) => doctor(setup)));

describe('doctor --offline: model checks', () => {
  test('models.geo-mismatch: a us. profile in an eu-* region, with the eu. ID as the fix', () => {
    const check = finding(get('wrongIds'), 'models.geo-mismatch', 'fail', /us\.anthropic\.claude-sonnet-4-6/);
    assert.match(check.detail, /a United States \(us\.\) inference profile, but requests go to eu-west-1/);
    assert.match(check.fix!, /^change ANTHROPIC_DEFAULT_SONNET_MODEL \(shell env\) to eu\.anthropic\.claude-sonnet-4-6/);
  });

  test('models.needs-profile: a base ID of a model that is not on demand', () => {
    const check = finding(get('wrongIds'), 'models.needs-profile', 'fail', /anthropic\.claude-sonnet-4-5-20250929-v1:0/);
    assert.match(check.detail, /on-demand throughput isn't supported/);
    assert.equal(check.fix, 'change ANTHROPIC_MODEL (shell env) to eu.anthropic.claude-sonnet-4-5-20250929-v1:0');
  });

  test('models.context-1m: [1m] on a model without a 1M window', () => {
    const check = finding(get('wrongIds'), 'models.context-1m', 'fail', /claude-haiku-4-5\[1m\]/);
    assert.match(check.detail, /Claude Haiku 4\.5 has none/);
    assert.equal(check.fix, 'remove [1m] from ANTHROPIC_DEFAULT_HAIKU_MODEL (shell env) (set it to claude-haiku-4-5)');
    finding(get('lineup'), 'models.context-1m', 'ok', /Opus 4\.8, 1M on request/);
  });

  test('models.arn-region: an application inference profile ARN of another region', () => {
    const check = finding(get('wrongIds'), 'models.arn-region', 'fail', /us-east-2/);
    assert.match(check.detail, /modelOverrides\["claude-opus-4-7"\].* is arn:aws:bedrock:us-east-2:.*requests go to eu-west-1/);
    assert.match(check.fix!, /^set AWS_REGION=us-east-2, or change modelOverrides\["claude-opus-4-7"\]/);
  });

  test('models.opus-unpinned: unpinned opus means Opus 4.6; the fix pins Opus 4.8 for the region', () => {
    const check = finding(get('wrongIds'), 'models.opus-unpinned', 'warn');
    assert.match(check.detail, /resolves to Claude Opus 4\.6 \(eu\.anthropic\.claude-opus-4-6-v1\)/);
    assert.match(check.fix!, /pin ANTHROPIC_DEFAULT_OPUS_MODEL to eu\.anthropic\.claude-opus-4-8/);
    finding(get('allowlist'), 'models.opus-unpinned', 'ok', /pinned/);
  });

  test('models.available-models: a pin outside availableModels', () => {
    const check = finding(get('allowlist'), 'models.available-models', 'fail', /ANTHROPIC_DEFAULT_OPUS_MODEL/);
    assert.match(check.detail, /pins the opus alias to us\.anthropic\.claude-opus-4-8, which availableModels \(~\/\.claude\/settings\.json\) does not allow/);
    assert.match(check.fix!, /^add "claude-opus-4-8" to availableModels in ~\/\.claude\/settings\.json, or change ANTHROPIC_DEFAULT_OPUS_MODEL \(shell env\)/);
  });

  test('models.mantle-format: Mantle entries in availableModels while Mantle is off', () => {
    const check = finding(get('allowlist'), 'models.mantle-format', 'warn', /anthropic\.claude-haiku-4-5/);
    assert.match(check.fix!, /export CLAUDE_CODE_USE_MANTLE=1/);
  });

  test('models.mantle-format: a Mantle-format ID without Mantle', () => {
    const check = finding(get('lineup'), 'models.mantle-format', 'fail', /anthropic\.claude-opus-4-8/);
    assert.match(check.detail, /ANTHROPIC_MODEL \(shell env\) selects anthropic\.claude-opus-4-8, the Mantle-format ID/);
    assert.match(check.fix!, /^export CLAUDE_CODE_USE_MANTLE=1 .*or change ANTHROPIC_MODEL \(shell env\) to the inference-profile ID us\.anthropic\.claude-opus-4-8/);
    assert.ok(!findings(get('lineup'), 'models.needs-profile').some((c) => c.status === 'fail'), 'one finding per problem');
  });

  test('models.lifecycle: a retired model fails, a deprecated one warns, each with its replacement', () => {
    const retired = finding(get('lineup'), 'models.lifecycle', 'fail', /Claude 3 Opus/);
    assert.match(retired.detail, /retired/);
    assert.match(retired.fix!, /^change CLAUDE_CODE_SUBAGENT_MODEL \(shell env\): switch to claude-opus-4-8 \(Bedrock: us\.anthropic\.claude-opus-4-8\)/);
    const deprecated = finding(get('lineup'), 'models.lifecycle', 'warn', /Sonnet 3\.7/);
    assert.match(deprecated.fix!, /switch to claude-sonnet-4-5/);
  });

  test('models.resolution: an unknown model name fails with what to use instead', () => {
    const check = finding(get('lineup'), 'models.resolution', 'fail', /claude-nonexistent-9/);
    assert.match(check.fix!, /modelOverrides/);
  });

  test('models.resolution: the resolved main model is reported even when other roles are broken', () => {
    finding(get('allowlist'), 'models.resolution', 'ok', /Main model: us\.anthropic\.claude-sonnet-4-5-20250929-v1:0/);
  });
});
