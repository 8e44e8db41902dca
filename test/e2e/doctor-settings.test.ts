/**
 * doctor, settings and region checks, on a matrix of broken configurations. Every
 * configuration runs once (offline, in parallel) in `before`; each test asserts one check's
 * finding and its fix.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DoctorOutcomes, finding, findings, runDoctor, type DoctorOutcome, type DoctorSetup } from '../helpers/doctor-run.js';
import { createTempHomePool } from '../helpers/temp-home.js';
import { PLANTED, PLANTED_DEFAULT_PROFILE } from '../helpers/secrets.js';

const homes = createTempHomePool();
after(() => homes.cleanup());

/** Offline doctor with a JSON report by default; doctor never writes to stderr. */
function doctor(setup: DoctorSetup, args: string[] = ['--offline', '--json']): Promise<DoctorOutcome> {
  return runDoctor(homes, setup, args, { assertOutput: (result) => assert.equal(result.stderr, '', `doctor wrote to stderr: ${result.stderr}`) });
}

const configs = {
  /** Broken settings files, an unknown key, a wrong variable name, a shell/settings conflict. */
  brokenSettings: {
    files: {
      'home/.claude/settings.json': {
        env: { CLAUDE_CODE_USE_BEDROCK: '1', AWS_REGION: 'eu-west-1', ANTHROPIC_BEDROCK_ENDPOINT_URL: 'https://gateway.example.com' },
        modle: 'opus',
        frobnicate: true,
        permissions: { allow: [] },
      },
      'project/.claude/settings.json': '{\n  "env": {\n    "AWS_PROFILE": "dev",\n  }\n}\n',
      'project/.claude/settings.local.json': { availableModels: 'opus' },
      'home/.aws/credentials': PLANTED_DEFAULT_PROFILE,
    },
    env: { AWS_REGION: 'us-west-2', ANTHROPIC_DEFAULT_OPUS_MODLE: 'us.anthropic.claude-opus-4-8', aws_bearer_token_bedrock: PLANTED.bearerToken },
  },
  /** Nothing selects Bedrock; bad tier, header block, base URL and region; credentials in the project file. */
  brokenRouting: {
    files: {
      'project/.claude/settings.json': { env: { AWS_ACCESS_KEY_ID: PLANTED.accessKeyId, AWS_SECRET_ACCESS_KEY: PLANTED.secretAccessKey } },
    },
    env: {
      ANTHROPIC_BEDROCK_SERVICE_TIER: 'turbo',
      ANTHROPIC_CUSTOM_HEADERS: `X-Amzn-Bedrock-GuardrailIdentifier gr-1\nAuthorization: Bearer ${PLANTED.gatewayKey}`,
      ANTHROPIC_BEDROCK_BASE_URL: 'bedrock.internal.example',
      AWS_REGION: 'us-east-1/evil',
      AWS_DEFAULT_REGION: 'eu-west-2',
      CC_BEDROCK_FIRST_BYTE_TIMEOUT_MS: 'soon',
      AWS_BEARER_TOKEN_BEDROCK: PLANTED.bearerToken,
    },
  },
  /** A Claude Code older than v2.1.172 while the region comes from the AWS profile. */
  oldClaudeProfileRegion: {
    files: { 'home/.aws/config': '[default]\nregion = eu-central-1\n', 'home/.aws/credentials': PLANTED_DEFAULT_PROFILE },
    env: { CLAUDE_CODE_USE_BEDROCK: '1', ANTHROPIC_DEFAULT_OPUS_MODEL: 'eu.anthropic.claude-opus-4-8' },
    claude: '2.1.150',
  },
  /** The same old Claude Code with AWS_REGION exported: fine. */
  oldClaudeAwsRegion: {
    files: { 'home/.aws/credentials': PLANTED_DEFAULT_PROFILE },
    env: { CLAUDE_CODE_USE_BEDROCK: '1', AWS_REGION: 'eu-central-1' },
    claude: '2.1.150',
  },
  /** Nothing sets a region. */
  noRegion: { files: { 'home/.aws/credentials': PLANTED_DEFAULT_PROFILE }, env: { CLAUDE_CODE_USE_BEDROCK: '1' }, claude: '2.1.197' },
} satisfies Record<string, DoctorSetup>;

const outcomes = new DoctorOutcomes<keyof typeof configs>();
const get = outcomes.get;

before(() => outcomes.runEach(configs, (setup) => doctor(setup)));

describe('doctor --offline --json on broken settings', () => {
  test('the report has the documented shape and a failing run exits 1', () => {
    const outcome = get('brokenSettings');
    assert.equal(outcome.code, 1);
    assert.equal(outcome.report.schema, 'cc-bedrock.doctor/1');
    assert.equal(outcome.report.ok, false);
    for (const check of outcome.report.checks) {
      assert.match(check.id, /^(settings|region|models|credentials|access|iam)\.[a-z0-9-]+$/);
      assert.equal(check.id.split('.')[0], check.category);
      assert.ok(['ok', 'warn', 'fail', 'skip'].includes(check.status));
      assert.ok(check.title.length > 0 && check.detail.length > 0);
      assert.ok(check.fix === null || typeof check.fix === 'string');
      if (check.status === 'fail') assert.ok(check.fix, `${check.id} fails without a fix`);
    }
  });

  test('settings.files: invalid JSON names the file, line and column', () => {
    const check = finding(get('brokenSettings'), 'settings.files', 'fail', /settings\.json/);
    assert.match(check.detail, /\.claude\/settings\.json:4:\d+: invalid JSON/);
    assert.match(check.fix!, /line 4, column \d+ of .*\.claude\/settings\.json/);
  });

  test('settings.files: a known key with the wrong type', () => {
    const check = finding(get('brokenSettings'), 'settings.files', 'fail', /availableModels/);
    assert.match(check.detail, /availableModels must be an array of strings, found string/);
    assert.match(check.fix!, /Change availableModels in .*settings\.local\.json to an array of strings/);
  });

  test('settings.unknown-keys: a misspelled key gets the key meant; an unknown one is flagged; Claude Code keys pass', () => {
    const outcome = get('brokenSettings');
    const misspelled = finding(outcome, 'settings.unknown-keys', 'warn', /"modle"/);
    assert.equal(misspelled.fix, 'Rename modle to model in ~/.claude/settings.json.');
    const unknown = finding(outcome, 'settings.unknown-keys', 'warn', /"frobnicate"/);
    assert.match(unknown.fix!, /Remove frobnicate from ~\/\.claude\/settings\.json/);
    assert.ok(!findings(outcome, 'settings.unknown-keys').some((check) => check.title.includes('permissions')));
  });

  test('settings.misnamed-variables: the non-existent ANTHROPIC_BEDROCK_ENDPOINT_URL (spec §1.8) fails with the rename', () => {
    const check = finding(get('brokenSettings'), 'settings.misnamed-variables', 'fail', /ANTHROPIC_BEDROCK_ENDPOINT_URL/);
    assert.match(check.detail, /the variable is ANTHROPIC_BEDROCK_BASE_URL/);
    assert.equal(check.fix, 'Rename env.ANTHROPIC_BEDROCK_ENDPOINT_URL to env.ANTHROPIC_BEDROCK_BASE_URL in ~/.claude/settings.json.');
  });

  test('settings.misnamed-variables: a typo of a real variable and a wrong-case name in the shell', () => {
    const outcome = get('brokenSettings');
    const typo = finding(outcome, 'settings.misnamed-variables', 'fail', /ANTHROPIC_DEFAULT_OPUS_MODLE/);
    assert.match(typo.detail, /the variable is ANTHROPIC_DEFAULT_OPUS_MODEL/);
    assert.match(typo.fix!, /^export ANTHROPIC_DEFAULT_OPUS_MODEL="\$ANTHROPIC_DEFAULT_OPUS_MODLE"; unset ANTHROPIC_DEFAULT_OPUS_MODLE/);
    const lower = finding(outcome, 'settings.misnamed-variables', 'fail', /aws_bearer_token_bedrock/);
    assert.match(lower.detail, /AWS_BEARER_TOKEN_BEDROCK \(variable names are case-sensitive\)/);
  });

  test('settings.env-conflicts: the shell and the env block disagree; both values are shown for a region', () => {
    const check = finding(get('brokenSettings'), 'settings.env-conflicts', 'warn', /AWS_REGION/);
    assert.match(check.detail, /exported in the shell as "us-west-2", but the env block of ~\/\.claude\/settings\.json sets "eu-west-1"/);
    assert.match(check.fix!, /remove env\.AWS_REGION from ~\/\.claude\/settings\.json, or unset AWS_REGION in the shell/);
  });

  test('a healthy part of the same configuration is still checked (the region resolves from settings env)', () => {
    finding(get('brokenSettings'), 'region.source', 'ok', /eu-west-1/);
  });
});

describe('doctor --offline keeps going when the configuration does not resolve', () => {
  test('it exits 1 with a complete report instead of crashing', () => {
    const outcome = get('brokenRouting');
    assert.equal(outcome.code, 1);
    assert.ok(outcome.report.checks.some((check) => check.id === 'iam.actions'));
  });

  test('settings.provider: nothing selects Amazon Bedrock', () => {
    const check = finding(get('brokenRouting'), 'settings.provider', 'fail');
    assert.match(check.detail, /Neither CLAUDE_CODE_USE_BEDROCK nor CLAUDE_CODE_USE_MANTLE is on/);
    assert.match(check.fix!, /export CLAUDE_CODE_USE_BEDROCK=1/);
  });

  test('settings.service-tier: a tier Bedrock does not have', () => {
    const check = finding(get('brokenRouting'), 'settings.service-tier', 'fail');
    assert.match(check.detail, /"turbo", which is not one of default, flex, priority/);
    // Reported once: settings.variable-values leaves the tier to this check.
    assert.ok(!findings(get('brokenRouting'), 'settings.variable-values').some((other) => /SERVICE_TIER|BASE_URL/.test(other.detail)));
    assert.match(check.fix!, /set ANTHROPIC_BEDROCK_SERVICE_TIER to one of default, flex, priority/);
  });

  test('settings.custom-headers: a line that is not "Name: value" (the line is not echoed)', () => {
    const check = finding(get('brokenRouting'), 'settings.custom-headers', 'fail');
    assert.match(check.detail, /line 1 of 2 is not "Name: value"/);
    assert.match(check.fix!, /one header per line as "Name: value"/);
  });

  test('settings.endpoints: a base URL without a scheme', () => {
    const check = finding(get('brokenRouting'), 'settings.endpoints', 'fail');
    assert.match(check.detail, /ANTHROPIC_BEDROCK_BASE_URL \(shell env\) is not an absolute URL/);
    assert.match(check.fix!, /set ANTHROPIC_BEDROCK_BASE_URL to an absolute http\(s\) URL/);
  });

  test('settings.variable-values: a malformed AWS_REGION is ignored (warn) and the next source used', () => {
    const check = finding(get('brokenRouting'), 'settings.variable-values', 'warn', /AWS_REGION/);
    assert.match(check.detail, /AWS_REGION \(shell env\) is "us-east-1\/evil", which is not an AWS region name, so it is ignored/);
    assert.match(check.fix!, /set AWS_REGION to a region such as us-east-1, or unset it/);
    const region = finding(get('brokenRouting'), 'region.malformed', 'skip');
    assert.match(region.detail, /requests go to eu-west-2 \(AWS_DEFAULT_REGION/);
  });

  test('settings.variable-values: a timeout that is not a number fails with the reader\'s message and fix', () => {
    const check = finding(get('brokenRouting'), 'settings.variable-values', 'fail', /CC_BEDROCK_FIRST_BYTE_TIMEOUT_MS/);
    assert.match(check.detail, /CC_BEDROCK_FIRST_BYTE_TIMEOUT_MS \(shell env\) is "soon", which is not a whole number of milliseconds/);
    assert.match(check.fix!, /set CC_BEDROCK_FIRST_BYTE_TIMEOUT_MS to a whole number of milliseconds such as 90000, or unset it/);
  });

  test('settings.secrets-in-files: credentials in the shared project settings file (names only)', () => {
    const check = finding(get('brokenRouting'), 'settings.secrets-in-files', 'warn');
    assert.match(check.detail, /sets AWS_SECRET_ACCESS_KEY; this file is shared/);
    assert.match(check.fix!, /Move AWS_SECRET_ACCESS_KEY out of .*settings\.json.*rotate the exposed credentials/);
  });
});

describe('doctor --offline and the Claude Code installed on this machine', () => {
  test('region.claude-code-profile-region: a Claude Code before v2.1.172 ignores the profile region', () => {
    const check = finding(get('oldClaudeProfileRegion'), 'region.claude-code-profile-region', 'fail');
    assert.match(check.detail, /is v2\.1\.150, older than v2\.1\.172: it reads only AWS_REGION/);
    assert.match(check.detail, /eu-central-1 from region of profile "default" in ~\/\.aws\/config/);
    assert.match(check.fix!, /^export AWS_REGION=eu-central-1 /);
  });

  test('region.claude-code-profile-region: fine when AWS_REGION is exported', () => {
    finding(get('oldClaudeAwsRegion'), 'region.claude-code-profile-region', 'ok', /uses AWS_REGION/);
  });

  test('settings.claude-code-version: a feature newer than the installed Claude Code', () => {
    const check = finding(get('oldClaudeProfileRegion'), 'settings.claude-code-version', 'warn', /claude-opus-4-8 \(opus alias\)/);
    assert.match(check.detail, /is v2\.1\.150; claude-opus-4-8 \(opus alias\) needs v2\.1\.154\+/);
    assert.match(check.fix!, /claude update/);
    finding(get('noRegion'), 'settings.claude-code-version', 'ok', /2\.1\.197/);
    finding(get('brokenSettings'), 'settings.claude-code-version', 'skip', /not on PATH/);
  });

  test('region.source: nothing sets a region', () => {
    const check = finding(get('noRegion'), 'region.source', 'warn', /default/);
    assert.match(check.fix!, /export AWS_REGION=us-east-1/);
  });

  test('the text report shows every fix and exits like the JSON one', async () => {
    const outcome = await doctor(configs.oldClaudeProfileRegion, ['--offline']);
    assert.equal(outcome.code, 1);
    assert.match(outcome.stdout, /\[FAIL\] Claude Code 2\.1\.150 ignores the profile region/);
    assert.match(outcome.stdout, /fix: export AWS_REGION=eu-central-1/);
  });
});
