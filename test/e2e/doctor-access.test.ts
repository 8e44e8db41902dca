/**
 * doctor against the local Bedrock emulator (in-process on 127.0.0.1:0, pointed at with
 * ANTHROPIC_BEDROCK_BASE_URL / ANTHROPIC_BEDROCK_MANTLE_BASE_URL / AWS_ENDPOINT_URL_STS): a healthy
 * configuration reports no failure; scenarios with denied models, a refused tier, a partial Mantle
 * lineup and an application inference profile exercise the access and IAM checks. The planted
 * secrets are the account's real credentials here, and must never be printed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { scenarioWith } from '../../src/emulator/index.js';
import { bedrockOnEmulator, startUpstream, type Upstream } from '../helpers/cli-emulator.js';
import { DoctorOutcomes, finding, runDoctor, type DoctorOutcome, type DoctorSetup } from '../helpers/doctor-run.js';
import { createTempHomePool } from '../helpers/temp-home.js';
import { PLANTED, PLANTED_CREDENTIAL, PLANTED_ENV_KEYS } from '../helpers/secrets.js';

const homes = createTempHomePool();
after(() => homes.cleanup());

const upstreams: Upstream[] = [];

async function startEmulator(overrides: Parameters<typeof scenarioWith>[0] = {}): Promise<Upstream> {
  const upstream = await startUpstream(scenarioWith({ credentials: [PLANTED_CREDENTIAL], ...overrides }));
  upstreams.push(upstream);
  return upstream;
}
after(async () => {
  await Promise.all(upstreams.map((upstream) => upstream.close()));
});

function environment(upstream: Upstream, region = 'us-east-1'): Record<string, string> {
  return {
    ...bedrockOnEmulator(upstream.url, region),
    ...PLANTED_ENV_KEYS,
    // Not a Bedrock credential: present to prove it is neither used nor printed.
    ANTHROPIC_AUTH_TOKEN: PLANTED.gatewayKey,
    ANTHROPIC_DEFAULT_OPUS_MODEL: 'us.anthropic.claude-opus-4-8',
  };
}

const outcomes = new DoctorOutcomes<string>();
const get = outcomes.get;

/** Doctor (online, JSON report by default) with a Claude Code 2.1.197 on PATH. */
function prepared(setup: DoctorSetup, args: string[] = ['--json']): Promise<DoctorOutcome> {
  return runDoctor(homes, { ...setup, claude: '2.1.197' }, args);
}

const AIP = 'arn:aws:bedrock:us-east-2:123456789012:application-inference-profile/opus-47-prod';

before(async () => {
  const healthy = await startEmulator();
  const denied = await startEmulator({
    access: { granted: ['*'], denied: ['anthropic.claude-opus-4-8'], marketplaceDenied: [], mantleDenied: [], reservedTier: false },
    faults: [{ match: { operation: 'list-inference-profiles' }, error: { name: 'AccessDeniedException', message: 'User is not authorized to perform: bedrock:ListInferenceProfiles' } }],
  });
  const tierRefused = await startEmulator({
    faults: [
      {
        match: { operation: 'invoke', model: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', times: 1 },
        error: { name: 'ValidationException', message: 'The service tier provided is not available for this model.' },
      },
    ],
  });
  const mantle = await startEmulator({
    access: { granted: ['*'], denied: [], marketplaceDenied: [], mantleDenied: ['anthropic.claude-haiku-4-5'], reservedTier: false },
  });
  const configs: Record<string, [DoctorSetup, string[]?]> = {
    healthy: [{ env: { ...environment(healthy), ANTHROPIC_BEDROCK_SERVICE_TIER: 'priority' }, files: { 'home/.aws/credentials': `[unused]\naws_access_key_id = ${PLANTED.accessKeyId}\naws_secret_access_key = ${PLANTED.secretAccessKey}\n` } }],
    healthyText: [{ env: environment(healthy) }, []],
    denied: [{ env: environment(denied) }],
    tierRefused: [{ env: { ...environment(tierRefused), ANTHROPIC_BEDROCK_SERVICE_TIER: 'flex' } }],
    mantle: [{ env: { ...environment(mantle), CLAUDE_CODE_USE_MANTLE: '1', ANTHROPIC_MODEL: 'anthropic.claude-opus-4-7' } }],
    aip: [{ env: { ...environment(healthy, 'us-east-2'), ANTHROPIC_MODEL: 'claude-opus-4-7' }, files: { 'home/.claude/settings.json': { modelOverrides: { 'claude-opus-4-7': AIP } } } }],
  };
  await outcomes.runEach(configs, ([setup, args]) => prepared(setup, args));
});

describe('doctor against the emulator: a healthy configuration', () => {
  test('reports no failure and exits 0', () => {
    const outcome = get('healthy');
    const failures = outcome.report.checks.filter((check) => check.status === 'fail');
    assert.deepEqual(failures, []);
    assert.equal(outcome.report.ok, true);
    assert.equal(outcome.code, 0);
  });

  test('every access check actually ran: probes, identity, service tier, profile listing', () => {
    const outcome = get('healthy');
    const main = finding(outcome, 'access.models', 'ok', /main model/);
    assert.match(main.detail, /us\.anthropic\.claude-sonnet-4-5-20250929-v1:0 in us-east-1 \(Invoke API\) answered a 1-token probe with service tier priority/);
    finding(outcome, 'access.models', 'ok', /opus alias/);
    finding(outcome, 'credentials.identity', 'ok', /arn:aws:iam::123456789012:user\/emulator/);
    finding(outcome, 'access.service-tier', 'ok', /Service tier priority accepted/);
    finding(outcome, 'access.inference-profiles', 'ok', /ListInferenceProfiles: \d+ system profiles/);
    finding(outcome, 'iam.actions', 'ok', /IAM actions needed/);
    finding(outcome, 'region.claude-code-profile-region', 'ok', /2\.1\.197/);
  });

  test('the text report says so too', () => {
    const outcome = get('healthyText');
    assert.equal(outcome.code, 0);
    assert.match(outcome.stdout, /^cc-bedrock doctor/);
    assert.match(outcome.stdout, /0 failed, .* warnings, \d+ ok/);
    assert.match(outcome.stdout, /No failures\./);
  });
});

describe('doctor against the emulator: access problems', () => {
  test('access.models: a pinned model the account is not granted fails with the grant to make', () => {
    const check = finding(get('denied'), 'access.models', 'fail', /opus alias/);
    assert.match(check.detail, /us\.anthropic\.claude-opus-4-8 in us-east-1 \(Invoke API\)/);
    assert.match(check.fix!, /grant access to us\.anthropic\.claude-opus-4-8 in us-east-1/);
    finding(get('denied'), 'access.models', 'ok', /main model/);
  });

  test('access.inference-profiles: a refused ListInferenceProfiles warns', () => {
    const check = finding(get('denied'), 'access.inference-profiles', 'warn', /ListInferenceProfiles/);
    assert.match(check.fix!, /^allow bedrock:ListInferenceProfiles on arn:aws:bedrock:us-east-1:<account-id>:inference-profile\/\*/);
  });

  test('iam.actions: denials fail with the policy to attach', () => {
    const check = finding(get('denied'), 'iam.actions', 'fail');
    assert.match(check.detail, /us\.anthropic\.claude-opus-4-8: MODEL_NOT_GRANTED/);
    assert.match(check.detail, /ListInferenceProfiles: (ACCESS_DENIED|MODEL_NOT_GRANTED)/);
    assert.match(check.fix!, /cc-bedrock iam-policy --scope configured/);
  });

  test('access.service-tier: a tier the model refuses while it answers without one', () => {
    const check = finding(get('tierRefused'), 'access.service-tier', 'fail');
    assert.match(check.detail, /answers without a tier but not with flex \(ANTHROPIC_BEDROCK_SERVICE_TIER \(shell env\)\)/);
    assert.match(check.fix!, /^unset ANTHROPIC_BEDROCK_SERVICE_TIER/);
  });

  test('access.mantle-lineup: the models of the lineup the account is not granted', () => {
    const outcome = get('mantle');
    const check = finding(outcome, 'access.mantle-lineup', 'warn');
    assert.match(check.detail, /served: .*anthropic\.claude-opus-4-7/);
    assert.match(check.detail, /refused: .*anthropic\.claude-haiku-4-5 \(MANTLE_NOT_GRANTED\)/);
    assert.match(check.fix!, /^ask your AWS account team to grant anthropic\.claude-haiku-4-5 on Mantle in us-east-1/);
    const main = finding(outcome, 'access.models', 'ok', /main model/);
    assert.match(main.detail, /anthropic\.claude-opus-4-7 in us-east-1 \(Mantle\)/);
  });

  test('access.inference-profiles: an application inference profile resolves to its backing model', () => {
    const outcome = get('aip');
    const check = finding(outcome, 'access.inference-profiles', 'ok', /Application inference profile/);
    assert.match(check.detail, new RegExp(`${AIP.replaceAll('/', '\\/')} is backed by anthropic\\.claude-opus-4-7`));
    const main = finding(outcome, 'access.models', 'ok', /main model/);
    assert.match(main.detail, /application-inference-profile\/opus-47-prod in us-east-2/);
    assert.equal(outcome.report.checks.filter((c) => c.status === 'fail').length, 0, JSON.stringify(outcome.report.checks.filter((c) => c.status === 'fail')));
  });
});
