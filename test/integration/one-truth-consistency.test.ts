/**
 * One truth: every surface resolves, diagnoses and advises from the same code. Each configuration
 * of the corpus runs through `status --json`, `doctor --offline --json` and `iam-policy --scope
 * configured` (the command functions the CLI dispatches to, in process; a few also through the
 * spawned CLI), and the test asserts they agree on every resolved value, that status's warnings
 * are exactly doctor --offline's findings, that `resolveRoutePlan` (sessions, `-p`, the gateway)
 * stops exactly when status reports a problem, and that the IAM policy covers every model ID a
 * request would be sent to. Every suggested profile ID in any fix exists, per the catalog, in the
 * region it is suggested for.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { run as runDoctor } from '../../src/cli/commands/doctor.js';
import { run as runIamPolicy } from '../../src/cli/commands/iam-policy.js';
import { run as runStatus } from '../../src/cli/commands/status.js';
import type { CliIO } from '../../src/core/command-io.js';
import { partitionFor } from '../../src/iam/policy.js';
import { findModelById, geoServesRegion, hasProfileIn, parseGeoPrefix } from '../../src/models/model-catalog.js';
import { resolveConfiguration } from '../../src/routing/resolve-configuration.js';
import { resolveRoutePlan } from '../../src/routing/resolve-route-plan.js';
import { repoRoot } from '../helpers/repo-root.js';
import { hermeticEnv, runCli } from '../helpers/run-cli.js';
import { assertNoSecrets } from '../helpers/secrets.js';
import { createTempHomePool, type TempHome } from '../helpers/temp-home.js';
import { gatewayModelResolver } from '../helpers/gateway-model-resolver.js';

const homes = createTempHomePool();
after(() => homes.cleanup());

const KEYS = { AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const BEDROCK = { CLAUDE_CODE_USE_BEDROCK: '1', AWS_REGION: 'us-east-1', ...KEYS };
const USER = 'home/.claude/settings.json';
const PROJECT = 'project/.claude/settings.json';
const MANAGED = 'managed/managed-settings.json';
const ARN = (region: string, name: string) => `arn:aws:bedrock:${region}:111122223333:application-inference-profile/${name}`;
const USER_OPUS_ARN = ARN('us-east-1', 'user-opus47');
const MANAGED_SONNET_ARN = ARN('us-east-1', 'org-sonnet45');

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed JSON documents under test
type Json = Record<string, any>;

interface Config {
  readonly name: string;
  readonly env?: Record<string, string>;
  readonly files?: Record<string, string | object>;
  /** `--model`, given to every command. */
  readonly model?: string;
  /** Run from $HOME instead of the project directory. */
  readonly fromHome?: boolean;
  /** Copy a directory of the repository into the temp home first (existing fixtures). */
  readonly fixture?: string;
  /** Spawn the built CLI for this one too, and check it prints what the in-process call printed. */
  readonly spawn?: boolean;
  /** Regression facts of this configuration, beyond the agreement every configuration gets. */
  readonly expect?: (outcome: Outcome) => void;
}

interface Outcome {
  readonly status: Json;
  readonly statusCode: number;
  readonly statusText: string;
  readonly doctor: Json;
  readonly policy: Json;
  /** Every string a fix or remediation offers, from status, doctor and the resolution. */
  readonly fixes: string[];
}

function captureIO(home: TempHome, env: Record<string, string>, cwd: string): { io: CliIO; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const io: CliIO = { stdout, stderr, stdin: new PassThrough(), env, cwd, homeDir: home.home, platform: 'linux', interactive: false };
  return { io, out: () => out, err: () => err };
}

function setUp(config: Config): { home: TempHome; env: Record<string, string>; cwd: string } {
  const home = homes.create(config.files ?? {});
  if (config.fixture) cpSync(join(repoRoot(), config.fixture), home.home, { recursive: true });
  const env = { ...hermeticEnv(home), ...(config.env ?? BEDROCK) };
  return { home, env, cwd: config.fromHome ? home.home : home.cwd };
}

function globMatches(pattern: string, value: string): boolean {
  const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return regex.test(value);
}

/** The resource a call to `modelId` in `region` is authorised against. */
function invokedResource(modelId: string, endpoint: 'bedrock' | 'mantle', region: string): { action: string; resource: string } {
  const partition = partitionFor(region);
  if (endpoint === 'mantle') return { action: 'bedrock-mantle:CreateInference', resource: `arn:${partition}:bedrock-mantle:${region}:111122223333:project/default` };
  if (modelId.startsWith('arn:')) return { action: 'bedrock:InvokeModel', resource: modelId };
  const kind = parseGeoPrefix(modelId) ? 'inference-profile' : 'foundation-model';
  return { action: 'bedrock:InvokeModel', resource: `arn:${partition}:bedrock:${region}:${kind === 'inference-profile' ? '111122223333' : ''}:${kind}/${modelId}` };
}

function policyAllows(policy: Json, action: string, resource: string): boolean {
  return (policy.Statement as Json[]).some((statement) => {
    if (statement.Effect !== 'Allow') return false;
    const actions = ([] as string[]).concat(statement.Action);
    const resources = ([] as string[]).concat(statement.Resource);
    return actions.some((a) => globMatches(a, action)) && resources.some((r) => globMatches(r, resource));
  });
}

/** Profile IDs named in a text, with the trailing punctuation of the sentence removed. */
function profileIdsIn(text: string): string[] {
  return [...text.matchAll(/\b(?:us-gov|us|eu|apac|jp|au|global)\.anthropic\.[\w.:-]+/g)].map((match) => match[0].replace(/[.,;:)]+$/, ''));
}

async function runAll(config: Config): Promise<Outcome> {
  const { home, env, cwd } = setUp(config);
  const model = config.model !== undefined ? { model: config.model } : {};

  const s = captureIO(home, env, cwd);
  const statusCode = await runStatus({ json: true, ...model }, s.io);
  const status = JSON.parse(s.out()) as Json;
  const t = captureIO(home, env, cwd);
  await runStatus({ ...model }, t.io);
  const d = captureIO(home, env, cwd);
  await runDoctor({ json: true, offline: true, ...model }, d.io);
  const doctor = JSON.parse(d.out()) as Json;
  const p = captureIO(home, env, cwd);
  await runIamPolicy({ scope: 'configured', mantle: status.provider.mantle === true, ...model }, p.io);
  const policy = JSON.parse(p.out()) as Json;
  for (const text of [s.out(), t.out(), d.out(), p.out(), p.err(), s.err()]) assertNoSecrets(text, `${config.name} output`);

  const inputs = { env, homeDir: home.home, cwd, platform: 'linux' as const, modelFlag: config.model };
  const snapshot = await resolveConfiguration(inputs);
  const fixes = [
    ...(status.findings as Json[]).map((finding) => String(finding.fix ?? '')),
    ...(status.warnings as Json[]).map((warning) => String(warning.fix ?? '')),
    ...(status.problems as Json[]).map((problem) => String(problem.remediation ?? '')),
    ...(doctor.checks as Json[]).map((check) => String(check.fix ?? '')),
    ...snapshot.selections.flatMap((selection) => [...selection.warnings.map((warning) => warning.fix ?? ''), selection.error?.remediation ?? '']),
  ];
  const outcome: Outcome = { status, statusCode, statusText: t.out(), doctor, policy, fixes };

  // 1. status and doctor --offline: the same findings ("Warnings none" means doctor --offline is clean).
  const doctorFindings = (doctor.checks as Json[]).filter((check) => check.status === 'warn' || check.status === 'fail');
  assert.deepEqual(status.findings, doctorFindings, `${config.name}: status findings differ from doctor --offline`);
  assert.equal(/Warnings\s+none/.test(outcome.statusText), doctorFindings.length === 0, `${config.name}: "Warnings none" must mean doctor --offline is clean`);

  // 2. The resolved values agree: doctor's main/small-fast, status's plan, the snapshot's selections.
  const problems = (status.problems as Json[]).map((problem) => problem.part as string);
  assert.equal(status.ok, problems.length === 0);
  assert.equal(statusCode, problems.length === 0 ? 0 : 2);
  const mainCheck = (doctor.checks as Json[]).find((check) => check.id === 'models.resolution' && check.status === 'ok');
  const mainSelection = snapshot.selections.find((selection) => selection.id === 'main');
  if (problems.includes('models.main')) {
    assert.equal(mainCheck, undefined, `${config.name}: doctor resolves a main model status could not`);
    assert.ok(mainSelection?.error, `${config.name}: the main selection should carry the error`);
  } else {
    assert.ok(mainCheck, `${config.name}: doctor found no main model; status has ${status.models.main.wireModelId}`);
    assert.equal(mainCheck.title, `Main model: ${status.models.main.wireModelId}`, `${config.name}: doctor and status disagree on the main model`);
    assert.equal(mainSelection?.resolved?.wireModelId, status.models.main.wireModelId);
    if (!problems.includes('models.smallFast')) {
      assert.ok(String(mainCheck.detail).includes(`small/fast: ${status.models.smallFast.wireModelId} (${status.models.smallFast.region.value})`), `${config.name}: small/fast differs: ${mainCheck.detail}`);
    }
  }
  assert.equal(status.region.value, snapshot.region.region.value);

  // 3. The first-error mode (sessions, -p, the gateway) stops exactly when status reports a problem,
  //    and otherwise resolves the plan status shows.
  const strict = await resolveRoutePlan(inputs).then(
    (resolution) => ({ ok: true as const, resolution }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  assert.equal(strict.ok, problems.length === 0, `${config.name}: resolveRoutePlan ${strict.ok ? 'resolved' : 'failed'} but status problems are ${problems.join(', ') || 'none'}`);
  if (strict.ok) {
    const { plan } = strict.resolution;
    assert.equal(plan.models.main.wireModelId, status.models.main.wireModelId);
    assert.equal(plan.models.smallFast.wireModelId, status.models.smallFast.wireModelId);
    assert.deepEqual(plan.models.main.betas, status.models.main.betas);
    // The gateway maps the name a client sends exactly as this configuration resolves it.
    const gateway = gatewayModelResolver(plan, strict.resolution.envLookup);
    const viaGateway = gateway.resolve(plan.models.main.requested, 'anthropic');
    assert.equal(viaGateway.wireModelId, plan.models.main.wireModelId, `${config.name}: the gateway maps the main model's name differently`);
    assert.deepEqual(viaGateway.betas, plan.models.main.betas, `${config.name}: the gateway sends other betas for the main model`);
  } else {
    assert.equal((strict.error as { code?: string }).code, status.error.code);
  }

  // 4. The configured IAM policy covers every model ID a request would be sent to.
  const sent = [
    ...(problems.includes('models.main') ? [] : [status.models.main]),
    ...(problems.includes('models.main') || problems.includes('models.smallFast') ? [] : [status.models.smallFast]),
  ].map((m: Json) => ({ id: m.wireModelId as string, endpoint: m.endpoint as 'bedrock' | 'mantle', region: m.region.value as string }));
  for (const selection of snapshot.selections) {
    if (selection.resolved && (selection.configured || selection.kind === 'main' || selection.kind === 'small-fast')) {
      sent.push({ id: selection.resolved.wireModelId, endpoint: selection.resolved.endpoint, region: selection.resolved.region.value });
    }
  }
  for (const call of sent) {
    if (call.endpoint === 'bedrock' && !call.id.startsWith('arn:') && !call.id.includes('anthropic.')) {
      // No resource can be derived for an ID that is neither a Bedrock ID nor an ARN: the policy must say so.
      assert.ok(p.err().includes(`"${call.id}" is not a Bedrock model ID or ARN`), `${config.name}: no note for ${call.id}: ${p.err()}`);
      continue;
    }
    const { action, resource } = invokedResource(call.id, call.endpoint, call.region);
    assert.ok(policyAllows(policy, action, resource), `${config.name}: the configured policy does not allow ${action} on ${resource}\n${JSON.stringify(policy, null, 1)}`);
  }

  // 5. Every profile ID a fix suggests exists in the region it is suggested for.
  const region = status.region.value as string;
  for (const fix of fixes) {
    for (const id of profileIdsIn(fix)) {
      const profile = parseGeoPrefix(id)!;
      const known = findModelById(id);
      assert.ok(known, `${config.name}: a fix suggests ${id}, which the catalog does not know: ${fix}`);
      assert.ok(hasProfileIn(known, profile.geo) && geoServesRegion(profile.geo, region), `${config.name}: a fix suggests ${id}, which the catalog does not have in ${region}: ${fix}`);
    }
    assert.doesNotMatch(fix, /\b(?:us|eu|apac|global|us-gov)\.(?:arn:|bogus)/, `${config.name}: a fix suggests a guessed ID: ${fix}`);
  }

  if (config.spawn) {
    const cli = await runCli(['status', '--json', ...(config.model ? ['--model', config.model] : [])], { cwd, env });
    const spawned = JSON.parse(cli.stdout) as Json;
    assert.equal(cli.code, statusCode);
    assert.deepEqual(spawned.models, status.models);
    assert.deepEqual(spawned.problems, status.problems);
    assert.deepEqual(
      (spawned.findings as Json[]).map((finding) => finding.id),
      (status.findings as Json[]).map((finding) => finding.id),
    );
  }
  config.expect?.(outcome);
  return outcome;
}

const hasFinding = (outcome: Outcome, pattern: RegExp): boolean =>
  (outcome.status.findings as Json[]).some((finding) => pattern.test(`${finding.title} ${finding.detail} ${finding.fix ?? ''}`));

/** The issue's example: managed allows only claude-opus-4-7 and overrides sonnet; the user maps claude-opus-4-7 to an ARN. */
const ISSUE_FILES = {
  [MANAGED]: { availableModels: ['claude-opus-4-7'], modelOverrides: { 'claude-sonnet-4-5': MANAGED_SONNET_ARN } },
  [USER]: { modelOverrides: { 'claude-opus-4-7': USER_OPUS_ARN } },
};
const expectManagedWins = (outcome: Outcome): void => {
  assert.equal(outcome.status.models.main.wireModelId, 'us.anthropic.claude-opus-4-7');
  assert.ok(!JSON.stringify(outcome.policy).includes('user-opus47') || policyAllows(outcome.policy, 'bedrock:InvokeModel', 'arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.anthropic.claude-opus-4-7'));
};

const CORPUS: readonly Config[] = [
  // Existing fixture.
  { name: 'examples/demo-home', fixture: 'examples/demo-home', env: { AWS_EC2_METADATA_DISABLED: 'true' }, spawn: true },
  // Managed + user layering, overrides, allowlists (spec §3.3).
  { name: 'issue: managed allowlist, ANTHROPIC_MODEL names the allowed model', files: ISSUE_FILES, env: { ...BEDROCK, ANTHROPIC_MODEL: 'claude-opus-4-7' }, spawn: true, expect: expectManagedWins },
  { name: 'issue: managed allowlist, --model names the allowed model', files: ISSUE_FILES, model: 'claude-opus-4-7', expect: expectManagedWins },
  { name: 'issue: managed allowlist enforced as the default', files: { ...ISSUE_FILES, [MANAGED]: { ...ISSUE_FILES[MANAGED], enforceAvailableModels: true } }, expect: expectManagedWins },
  { name: 'issue: sonnet outside the managed allowlist is refused', files: ISSUE_FILES, model: 'sonnet', expect: (o) => assert.equal(o.status.error.code, 'MODEL_NOT_ALLOWED') },
  {
    name: 'managed override of the allowed model wins over the user one',
    files: { [MANAGED]: { availableModels: ['opus'], modelOverrides: { 'claude-opus-4-7': ARN('us-east-1', 'org-opus47') } }, [USER]: { modelOverrides: { 'claude-opus-4-7': USER_OPUS_ARN } } },
    model: 'claude-opus-4-7',
    expect: (o) => assert.equal(o.status.models.main.wireModelId, ARN('us-east-1', 'org-opus47')),
  },
  { name: 'no managed allowlist: the user override applies', files: { [USER]: { modelOverrides: { 'claude-opus-4-7': USER_OPUS_ARN } } }, env: { ...BEDROCK, ANTHROPIC_MODEL: 'claude-opus-4-7' }, expect: (o) => assert.equal(o.status.models.main.wireModelId, USER_OPUS_ARN) },
  {
    name: 'project overrides beat user overrides key by key',
    files: { [USER]: { modelOverrides: { 'claude-opus-4-7': USER_OPUS_ARN, 'claude-haiku-4-5': ARN('us-east-1', 'user-haiku') } }, [PROJECT]: { modelOverrides: { 'claude-opus-4-7': ARN('us-east-1', 'project-opus') } } },
    model: 'claude-opus-4-7',
    expect: (o) => assert.equal(o.status.models.main.wireModelId, ARN('us-east-1', 'project-opus')),
  },
  { name: 'user allowlist refuses opus', files: { [USER]: { availableModels: ['sonnet', 'haiku'] } }, model: 'opus', expect: (o) => assert.deepEqual(o.status.problems.map((p: Json) => p.part), ['models.main']) },
  { name: 'a managed allowlist replaces the user list', files: { [MANAGED]: { availableModels: ['opus'] }, [USER]: { availableModels: ['sonnet'] } }, env: { ...BEDROCK, ANTHROPIC_MODEL: 'sonnet' }, expect: (o) => assert.equal(o.status.error.code, 'MODEL_NOT_ALLOWED') },
  { name: 'a haiku pin outside the allowlist falls back to the main model', files: { [USER]: { availableModels: ['sonnet'] } }, env: { ...BEDROCK, ANTHROPIC_DEFAULT_HAIKU_MODEL: 'us.anthropic.claude-haiku-4-5-20251001-v1:0' } },
  { name: 'settings env overrides the shell region', files: { [USER]: { env: { AWS_REGION: 'eu-west-1' } } }, expect: (o) => assert.equal(o.status.region.value, 'eu-west-1') },
  { name: 'managed env pins opus', files: { [MANAGED]: { env: { ANTHROPIC_DEFAULT_OPUS_MODEL: 'us.anthropic.claude-opus-4-8' } } }, model: 'opus', expect: (o) => assert.equal(o.status.models.main.wireModelId, 'us.anthropic.claude-opus-4-8') },
  { name: 'subagent model and all three pins', env: { ...BEDROCK, ANTHROPIC_DEFAULT_OPUS_MODEL: 'us.anthropic.claude-opus-4-8', ANTHROPIC_DEFAULT_SONNET_MODEL: 'us.anthropic.claude-sonnet-4-6', ANTHROPIC_DEFAULT_HAIKU_MODEL: 'us.anthropic.claude-haiku-4-5-20251001-v1:0', CLAUDE_CODE_SUBAGENT_MODEL: 'opus' } },
  // Mantle.
  { name: 'Mantle only, default', env: { CLAUDE_CODE_USE_MANTLE: '1', AWS_REGION: 'us-east-1', ...KEYS }, spawn: true, expect: (o) => assert.equal(o.status.models.main.endpoint, 'mantle') },
  { name: 'both endpoints, a Mantle ID goes to Mantle', env: { ...BEDROCK, CLAUDE_CODE_USE_MANTLE: '1', ANTHROPIC_MODEL: 'anthropic.claude-haiku-4-5' }, expect: (o) => assert.equal(o.status.models.main.endpoint, 'mantle') },
  { name: 'Mantle only refuses a Bedrock profile ID', env: { CLAUDE_CODE_USE_MANTLE: '1', AWS_REGION: 'us-east-1', ...KEYS }, model: 'us.anthropic.claude-opus-4-8', expect: (o) => assert.equal(o.status.error.code, 'MODEL_NOT_ON_MANTLE') },
  { name: 'Mantle behind a base URL override sends an unknown ID', env: { CLAUDE_CODE_USE_MANTLE: '1', AWS_REGION: 'us-east-1', ANTHROPIC_BEDROCK_MANTLE_BASE_URL: 'https://mantle-gw.example.com/anthropic', ...KEYS }, model: 'claude-opus-9' },
  // GovCloud and other geographies.
  { name: 'GovCloud default', env: { ...BEDROCK, AWS_REGION: 'us-gov-west-1' }, expect: (o) => assert.match(o.status.models.main.wireModelId, /^us-gov\./) },
  { name: 'GovCloud, claude-opus-5 has no us-gov profile', env: { ...BEDROCK, AWS_REGION: 'us-gov-west-1' }, model: 'claude-opus-5' },
  { name: 'GovCloud ignores ANTHROPIC_BEDROCK_REGION_PREFIX', env: { ...BEDROCK, AWS_REGION: 'us-gov-east-1', ANTHROPIC_BEDROCK_REGION_PREFIX: 'us' } },
  { name: 'eu-west-1 with an eu. opus pin', env: { ...BEDROCK, AWS_REGION: 'eu-west-1', ANTHROPIC_DEFAULT_OPUS_MODEL: 'eu.anthropic.claude-opus-4-8' }, model: 'opus' },
  { name: 'ap-northeast-1 with the jp. prefix', env: { ...BEDROCK, AWS_REGION: 'ap-northeast-1', ANTHROPIC_BEDROCK_REGION_PREFIX: 'jp' } },
  { name: 'ca-central-1 uses global.', env: { ...BEDROCK, AWS_REGION: 'ca-central-1' }, expect: (o) => assert.match(o.status.models.main.wireModelId, /^global\./) },
  { name: 'claude-opus-5 in ap-southeast-2', env: { ...BEDROCK, AWS_REGION: 'ap-southeast-2' }, model: 'claude-opus-5' },
  // The warning cases of the issue: status must show what doctor --offline finds.
  { name: 'ANTHROPIC_BEDROCK_ENDPOINT_URL (a wrong name)', env: { ...BEDROCK, ANTHROPIC_BEDROCK_ENDPOINT_URL: 'https://bedrock-runtime.us-east-1.amazonaws.com' }, expect: (o) => assert.ok(hasFinding(o, /ANTHROPIC_BEDROCK_ENDPOINT_URL.*ANTHROPIC_BEDROCK_BASE_URL/)) },
  {
    name: 'the typo CLAUDE_CODE_USE_BEDRCK=1: did you mean, and the rest of the plan',
    env: { CLAUDE_CODE_USE_BEDRCK: '1', AWS_REGION: 'us-east-1', ...KEYS },
    spawn: true,
    expect: (o) => {
      assert.equal(o.statusCode, 2);
      assert.ok(hasFinding(o, /CLAUDE_CODE_USE_BEDRCK.*CLAUDE_CODE_USE_BEDROCK/));
      assert.match(o.statusText, /CLAUDE_CODE_USE_BEDRCK/);
      assert.ok(o.status.models.main.wireModelId);
    },
  },
  {
    name: 'a modelOverrides ARN in another region',
    files: { [USER]: { modelOverrides: { 'claude-opus-4-7': ARN('us-west-2', 'opus47-west') } } },
    env: { ...BEDROCK, ANTHROPIC_MODEL: 'claude-opus-4-7' },
    expect: (o) => {
      assert.ok(hasFinding(o, /us-west-2/));
      assert.doesNotMatch(o.statusText, /Warnings\s+none/);
    },
  },
  { name: 'unpinned opus while sonnet is selected', model: 'sonnet', expect: (o) => assert.ok(hasFinding(o, /opus is not pinned|ANTHROPIC_DEFAULT_OPUS_MODEL/)) },
  {
    name: '[1m] on a Haiku pin: the plan is still shown, the small/fast role marked',
    env: { ...BEDROCK, ANTHROPIC_DEFAULT_HAIKU_MODEL: 'us.anthropic.claude-haiku-4-5-20251001-v1:0[1m]' },
    expect: (o) => {
      assert.deepEqual(o.status.problems.map((p: Json) => p.part), ['models.smallFast']);
      assert.match(o.status.problems[0].message, /ANTHROPIC_DEFAULT_HAIKU_MODEL/);
      assert.doesNotMatch(o.status.problems[0].remediation, /opus/i);
      assert.equal(o.status.models.main.wireModelId, 'us.anthropic.claude-sonnet-4-5-20250929-v1:0');
      assert.match(o.statusText, /small\/fast[\s\S]*NOT RESOLVED: .*ANTHROPIC_DEFAULT_HAIKU_MODEL/);
    },
  },
  { name: 'sonnet[1m] with no pins takes the 1M beta', model: 'sonnet[1m]', expect: (o) => assert.deepEqual(o.status.models.main.betas, ['context-1m-2025-08-07']) },
  { name: '--model bogus-model', model: 'bogus-model', expect: (o) => assert.ok(!o.fixes.some((fix) => fix.includes('.bogus-model'))) },
  { name: 'a cross-region inference-profile ARN', model: 'arn:aws:bedrock:eu-west-1:111122223333:inference-profile/eu.anthropic.claude-sonnet-4-5-20250929-v1:0' },
  { name: 'an eu. profile in a us region', model: 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0' },
  { name: 'a base model ID that needs a profile', env: { ...BEDROCK, ANTHROPIC_MODEL: 'anthropic.claude-sonnet-4-5-20250929-v1:0' } },
  { name: 'a deprecated model', model: 'claude-sonnet-4-20250514' },
  // Other parts that can fail on their own.
  { name: 'an invalid service tier', env: { ...BEDROCK, ANTHROPIC_BEDROCK_SERVICE_TIER: 'gold' }, expect: (o) => assert.deepEqual(o.status.problems.map((p: Json) => p.part), ['serviceTier']) },
  { name: 'a malformed base URL', env: { ...BEDROCK, ANTHROPIC_BEDROCK_BASE_URL: 'not a url' }, expect: (o) => assert.deepEqual(o.status.problems.map((p: Json) => p.part), ['endpoints']) },
  { name: 'malformed settings JSON', files: { [USER]: '{ "env": { "AWS_REGION": "us-east-1", } }' }, expect: (o) => assert.equal(o.status.problems[0].part, 'settings') },
  { name: 'a Bedrock API key', env: { CLAUDE_CODE_USE_BEDROCK: '1', AWS_REGION: 'us-west-2', AWS_BEARER_TOKEN_BEDROCK: 'ABSKQmVkcm9ja0FQSUtleS1example' } },
  { name: 'small/fast in another region', env: { ...BEDROCK, ANTHROPIC_DEFAULT_HAIKU_MODEL: 'us.anthropic.claude-haiku-4-5-20251001-v1:0', ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION: 'us-west-2' } },
  {
    name: 'run from $HOME: each warning once',
    files: { [USER]: { env: { ANTHROPIC_BEDROCK_ENDPOINT_URL: 'https://x.example' }, modelOveride: {} } },
    fromHome: true,
    expect: (o) => {
      const messages = (o.status.warnings as Json[]).map((warning) => warning.message as string);
      assert.equal(new Set(messages).size, messages.length, messages.join('\n'));
      assert.equal((o.statusText.match(/ANTHROPIC_BEDROCK_ENDPOINT_URL is not a Claude Code variable/g) ?? []).length, 1);
    },
  },
];

describe('one truth: status, doctor --offline and iam-policy --scope configured agree', () => {
  test('the corpus holds at least 30 new configurations', () => assert.ok(CORPUS.length >= 31));
  for (const config of CORPUS) test(config.name, async () => void (await runAll(config)));
});
