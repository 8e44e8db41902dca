/**
 * doctor against the local Bedrock emulator (in-process on 127.0.0.1:0, pointed at with
 * ANTHROPIC_BEDROCK_BASE_URL / ANTHROPIC_BEDROCK_MANTLE_BASE_URL / AWS_ENDPOINT_URL_STS): a healthy
 * configuration reports no failure; scenarios with denied models, a refused tier, a partial Mantle
 * lineup and an application inference profile exercise the access and IAM checks. The planted
 * secrets are the account's real credentials here, and must never be printed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { createEmulator, scenarioWith, type Emulator, type RunningEmulator } from '../../src/emulator/index.js';
import { createTempHome, type TempHome } from '../helpers/temp-home.js';
import { PLANTED, assertNoSecrets } from '../helpers/secrets.js';
import { runCli } from '../helpers/run-cli.js';

interface Check {
  id: string;
  category: string;
  status: 'ok' | 'warn' | 'fail' | 'skip';
  title: string;
  detail: string;
  fix: string | null;
}
interface Report {
  schema: string;
  ok: boolean;
  summary: Record<string, number>;
  checks: Check[];
}
interface Setup {
  files?: Record<string, string | object>;
  env?: Record<string, string>;
}
interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
  report: Report;
  home: TempHome;
}

const homes: TempHome[] = [];
after(() => homes.forEach((home) => home.cleanup()));

function findings(outcome: Outcome, id: string): Check[] {
  return outcome.report.checks.filter((check) => check.id === id);
}

function finding(outcome: Outcome, id: string, status: Check['status'], match?: RegExp): Check {
  const found = findings(outcome, id).find((check) => check.status === status && (!match || match.test(`${check.title}\n${check.detail}`)));
  assert.ok(found, `no ${status} finding ${id}${match ? ` matching ${match}` : ''}; got ${JSON.stringify(findings(outcome, id), null, 2)}`);
  return found;
}

const emulators: Emulator[] = [];

async function startEmulator(overrides: Parameters<typeof scenarioWith>[0] = {}): Promise<RunningEmulator> {
  const emulator = createEmulator({
    scenario: scenarioWith({
      credentials: [{ accessKeyId: PLANTED.accessKeyId, secretAccessKey: PLANTED.secretAccessKey, sessionToken: PLANTED.sessionToken }],
      ...overrides,
    }),
  });
  emulators.push(emulator);
  return emulator.listen({ host: '127.0.0.1', port: 0 });
}
after(async () => {
  await Promise.all(emulators.map((emulator) => emulator.close()));
});

function environment(running: RunningEmulator, region = 'us-east-1'): Record<string, string> {
  return {
    CLAUDE_CODE_USE_BEDROCK: '1',
    AWS_REGION: region,
    ANTHROPIC_BEDROCK_BASE_URL: running.url,
    ANTHROPIC_BEDROCK_MANTLE_BASE_URL: `${running.url}/anthropic`,
    AWS_ENDPOINT_URL_STS: running.url,
    AWS_ACCESS_KEY_ID: PLANTED.accessKeyId,
    AWS_SECRET_ACCESS_KEY: PLANTED.secretAccessKey,
    AWS_SESSION_TOKEN: PLANTED.sessionToken,
    // Not a Bedrock credential: present to prove it is neither used nor printed.
    ANTHROPIC_AUTH_TOKEN: PLANTED.gatewayKey,
    ANTHROPIC_DEFAULT_OPUS_MODEL: 'us.anthropic.claude-opus-4-8',
  };
}

const outcomes: Record<string, Outcome> = {};
const get = (name: string): Outcome => {
  const outcome = outcomes[name];
  assert.ok(outcome, `configuration ${name} did not run`);
  return outcome;
};

/** Writes the files, makes scripts executable, then runs doctor. */
async function prepared(setup: Setup, args: string[] = ['--json']): Promise<Outcome> {
  const home = createTempHome(setup.files ?? {});
  homes.push(home);
  const claude = home.write('bin/claude', '#!/bin/sh\necho "2.1.197 (Claude Code)"\n');
  chmodSync(claude, 0o755);
  for (const relative of Object.keys(setup.files ?? {})) if (relative.startsWith('bin/')) chmodSync(join(home.root, relative), 0o755);
  // Settings can name files of the temp tree as $ROOT/…; rewrite them now that the tree exists.
  const settingsFile = setup.files?.['home/.claude/settings.json'];
  if (settingsFile) home.write('home/.claude/settings.json', JSON.parse(JSON.stringify(settingsFile).replaceAll('$ROOT', home.root)) as object);
  const result = await runCli(['doctor', ...args], {
    cwd: home.cwd,
    env: { PATH: `${join(home.root, 'bin')}:/usr/bin:/bin`, HOME: home.home, CC_BEDROCK_MANAGED_SETTINGS_DIR: join(home.root, 'managed'), AWS_EC2_METADATA_DISABLED: 'true', ...setup.env },
  });
  assertNoSecrets(result.stdout + result.stderr, 'doctor output');
  const report = args.includes('--json') ? (JSON.parse(result.stdout) as Report) : { schema: '', ok: false, summary: {}, checks: [] };
  return { ...result, report, home };
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
  const configs: Record<string, [Setup, string[]?]> = {
    healthy: [{ env: { ...environment(healthy), ANTHROPIC_BEDROCK_SERVICE_TIER: 'priority' }, files: { 'home/.aws/credentials': `[unused]\naws_access_key_id = ${PLANTED.accessKeyId}\naws_secret_access_key = ${PLANTED.secretAccessKey}\n` } }],
    healthyText: [{ env: environment(healthy) }, []],
    denied: [{ env: environment(denied) }],
    tierRefused: [{ env: { ...environment(tierRefused), ANTHROPIC_BEDROCK_SERVICE_TIER: 'flex' } }],
    mantle: [{ env: { ...environment(mantle), CLAUDE_CODE_USE_MANTLE: '1', ANTHROPIC_MODEL: 'anthropic.claude-opus-4-7' } }],
    aip: [{ env: { ...environment(healthy, 'us-east-2'), ANTHROPIC_MODEL: 'claude-opus-4-7' }, files: { 'home/.claude/settings.json': { modelOverrides: { 'claude-opus-4-7': AIP } } } }],
  };
  const names = Object.keys(configs);
  const results = await Promise.all(Object.values(configs).map(([setup, args]) => prepared(setup, args)));
  names.forEach((name, index) => (outcomes[name] = results[index]!));
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
