/**
 * The wizard end to end in-process: real settings files in a temp HOME, the real emulator as
 * AWS (through its in-process fetch), and a scripted Prompter. Every question must be expected:
 * an unexpected one fails the test. The pseudo-terminal run is in test/e2e/setup-wizard.test.ts.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { CliIO } from '../core/command-io.js';
import { createEmulator, scenarioWith, type ScenarioInput } from '../emulator/index.js';
import { isCcBedrockError } from '../core/errors.js';
import { parsePlistXml } from '../../test/helpers/plist.js';
import { parseRegFile } from '../../test/helpers/reg-file.js';
import { PAYLOAD_KEYS } from './mdm-formats.js';
import { runSetup, type SetupOptions } from './run-setup.js';
import { SetupCancelled, type Prompter, type SelectChoice, type SetupOutcome, type SetupResult } from './types.js';

const KEY_ID = 'AKIASETUPTEST0000001';
const SECRET = 'setupTestSecret/NEVER-PRINTED/0123456789ab';
const API_KEY = 'ABSKsetupTestApiKey-NEVER-PRINTED-0123456789';

type SelectAnswer = (choices: readonly SelectChoice<unknown>[], def: unknown) => unknown;

type Step =
  | { kind: 'select'; match: RegExp; answer: string | SelectAnswer }
  | { kind: 'input'; match: RegExp; answer: string }
  | { kind: 'password'; match: RegExp; answer: string }
  | { kind: 'confirm'; match: RegExp; answer: boolean }
  | { kind: 'cancel'; match: RegExp };

/** Answers questions in order; a question that is not the next expected one fails the test. */
function scripted(steps: Step[]): Prompter & { remaining(): number } {
  const queue = [...steps];
  const next = (kind: Step['kind'] | 'any', message: string): Step => {
    const step = queue.shift();
    assert.ok(step, `unexpected question after the script ended: ${message}`);
    if (step.kind === 'cancel') {
      assert.match(message, step.match);
      throw new SetupCancelled('cancelled by the test');
    }
    assert.equal(step.kind, kind, `expected a ${step.kind} question, got ${kind}: ${message}`);
    assert.match(message, step.match);
    return step;
  };
  return {
    remaining: () => queue.length,
    async select(question) {
      const step = next('select', question.message) as Extract<Step, { kind: 'select' }>;
      const answer = typeof step.answer === 'function' ? step.answer(question.choices as readonly SelectChoice<unknown>[], question.default) : step.answer;
      assert.ok(question.choices.some((choice) => choice.value === answer), `${String(answer)} is not a choice of "${question.message}"`);
      return answer as never;
    },
    async input(question) {
      const step = next('input', question.message) as Extract<Step, { kind: 'input' }>;
      const answer = step.answer === '' ? (question.default ?? '') : step.answer;
      const valid = question.validate?.(answer) ?? true;
      assert.equal(valid, true, `answer rejected: ${String(valid)}`);
      return answer;
    },
    async password(question) {
      const step = next('password', question.message) as Extract<Step, { kind: 'password' }>;
      return step.answer;
    },
    async confirm(question) {
      const step = next('confirm', question.message) as Extract<Step, { kind: 'confirm' }>;
      return step.answer;
    },
  };
}

const roots: string[] = [];
after(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

interface World {
  home: string;
  cwd: string;
  settingsPath: string;
  emulator: ReturnType<typeof createEmulator>;
  run(options: SetupOptions, prompter: Prompter | undefined, env?: Record<string, string>): Promise<{ outcome: SetupOutcome; result: SetupResult; output: string }>;
}

const emulators: Array<ReturnType<typeof createEmulator>> = [];
after(() => Promise.all(emulators.map((emulator) => emulator.close())));

function world(files: Record<string, string> = {}, scenario: Partial<ScenarioInput> = {}): World {
  const root = mkdtempSync(join(tmpdir(), 'cc-bedrock-setup-'));
  roots.push(root);
  const home = join(root, 'home');
  const cwd = join(root, 'project');
  mkdirSync(cwd, { recursive: true });
  for (const [relative, content] of Object.entries(files)) {
    mkdirSync(join(root, relative, '..'), { recursive: true });
    writeFileSync(join(root, relative), content);
  }
  const emulator = createEmulator({
    scenario: scenarioWith({ credentials: [{ accessKeyId: KEY_ID, secretAccessKey: SECRET }], apiKeys: [{ token: API_KEY }], ...scenario }),
  });
  emulators.push(emulator);
  let base: string | undefined;
  return {
    home,
    cwd,
    settingsPath: join(home, '.claude', 'settings.json'),
    emulator,
    async run(options, prompter, env = {}) {
      base ??= (await emulator.listen({ host: '127.0.0.1', port: 0 })).url.replace(/\/+$/, '');
      const BASE = base;
      const stdout = new PassThrough();
      let output = '';
      stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      const io: CliIO = {
        stdout,
        stderr: stdout,
        stdin: new PassThrough(),
        env: {
          HOME: home,
          ANTHROPIC_BEDROCK_BASE_URL: BASE,
          ANTHROPIC_BEDROCK_MANTLE_BASE_URL: `${BASE}/anthropic`,
          AWS_ENDPOINT_URL_STS: BASE,
          AWS_EC2_METADATA_DISABLED: 'true',
          CC_BEDROCK_MANAGED_SETTINGS_DIR: join(root, 'managed'),
          ...env,
        },
        cwd,
        homeDir: home,
        platform: 'linux',
        interactive: prompter !== undefined,
      };
      const result = await runSetup(options, io, { prompter });
      for (const secret of [SECRET, API_KEY]) assert.ok(!output.includes(secret), 'the wizard printed a secret');
      return { outcome: result.outcome, result, output };
    },
  };
}

/** The end of a run that takes the suggested pins, no extras, and writes. */
const DEFAULT_PINS_AND_WRITE: Step[] = [
  { kind: 'select', match: /Pin opus/, answer: (_c, def) => def },
  { kind: 'select', match: /Pin sonnet/, answer: (_c, def) => def },
  { kind: 'select', match: /Pin haiku/, answer: (_c, def) => def },
  { kind: 'confirm', match: /service tier/, answer: false },
  { kind: 'confirm', match: /Write these changes/, answer: true },
];

const PROFILE_FILES = {
  'home/.aws/credentials': `[dev]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n`,
  'home/.aws/config': '[profile dev]\nregion = eu-west-1\n[profile sso]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Dev\n[sso-session corp]\nsso_region = us-east-1\nsso_start_url = https://corp.awsapps.com/start\n',
  'home/.claude/settings.json': '{\n  "permissions": {\n    "allow": ["Bash(ls:*)"]\n  },\n  "env": {\n    "EDITOR": "vim"\n  },\n  "statusLine": {\n    "type": "command",\n    "command": "echo hi"\n  }\n}\n',
};

describe('setup wizard (scripted answers)', () => {
  test('profile: detects profiles, shows the region source, verifies models, pins with 1M, writes and keeps other keys', async () => {
    const w = world(PROFILE_FILES, { access: { granted: ['*'], denied: ['anthropic.claude-opus-4-7'], marketplaceDenied: [], mantleDenied: [], reservedTier: false } });
    const prompter = scripted([
      { kind: 'select', match: /authenticate/, answer: (_c, def) => (assert.equal(def, 'profile'), 'profile') },
      {
        kind: 'select',
        match: /Which AWS profile/,
        answer: (choices) => {
          assert.deepEqual(choices.map((c) => c.value).slice(0, 2), ['dev', 'sso']);
          assert.match(choices[1]?.name ?? '', /IAM Identity Center/);
          return 'dev';
        },
      },
      { kind: 'input', match: /region/, answer: '' },
      {
        kind: 'select',
        match: /Pin opus/,
        answer: (choices) => {
          const values = choices.map((c) => c.value);
          assert.ok(!values.includes('eu.anthropic.claude-opus-4-7'), 'a denied model is not offered');
          assert.ok(values.includes('eu.anthropic.claude-opus-4-8[1m]'));
          return 'eu.anthropic.claude-opus-4-8[1m]';
        },
      },
      { kind: 'select', match: /Pin sonnet/, answer: (_c, def) => def },
      { kind: 'select', match: /Pin haiku/, answer: '' },
      { kind: 'confirm', match: /service tier, a guardrail or the Mantle/, answer: true },
      { kind: 'select', match: /service tier/, answer: 'flex' },
      { kind: 'input', match: /Guardrail ID/, answer: 'emulatorguard' },
      { kind: 'input', match: /Guardrail version/, answer: '' },
      { kind: 'confirm', match: /Mantle endpoint/, answer: false },
      { kind: 'confirm', match: /Write these changes to ~\/\.claude\/settings\.json/, answer: true },
    ]);
    const { outcome, output } = await w.run({}, prompter);
    assert.equal(outcome, 'written', output);
    assert.equal(prompter.remaining(), 0);
    assert.match(output, /dev \(access keys, region eu-west-1\)/);
    assert.match(output, /sso \(IAM Identity Center \(SSO\), sso_region us-east-1\)/);
    assert.match(output, /Region: eu-west-1 \(from region of profile "dev" in ~\/\.aws\/config\)/);
    assert.match(output, /signed in as arn:aws:iam::123456789012/);
    assert.match(output, /x {2}Claude Opus 4\.7 +eu\.anthropic\.claude-opus-4-7 - not granted/);
    assert.match(output, /guardrail emulatorguard version 1 accepted/);
    assert.match(output, /\+ env\.ANTHROPIC_DEFAULT_OPUS_MODEL = "eu\.anthropic\.claude-opus-4-8\[1m\]"/);

    const written = JSON.parse(readFileSync(w.settingsPath, 'utf8')) as Record<string, Record<string, string>>;
    assert.deepEqual(Object.keys(written), ['permissions', 'env', 'statusLine']);
    assert.deepEqual(written.env, {
      EDITOR: 'vim',
      CLAUDE_CODE_USE_BEDROCK: '1',
      AWS_REGION: 'eu-west-1',
      AWS_PROFILE: 'dev',
      ANTHROPIC_DEFAULT_OPUS_MODEL: 'eu.anthropic.claude-opus-4-8[1m]',
      ANTHROPIC_DEFAULT_SONNET_MODEL: 'global.anthropic.claude-sonnet-5',
      ANTHROPIC_BEDROCK_SERVICE_TIER: 'flex',
      ANTHROPIC_CUSTOM_HEADERS: 'X-Amzn-Bedrock-GuardrailIdentifier: emulatorguard\nX-Amzn-Bedrock-GuardrailVersion: 1',
    });
    assert.equal(readFileSync(`${w.settingsPath}.bak`, 'utf8'), PROFILE_FILES['home/.claude/settings.json']);

    // Re-run: every default is the current value; the same answers write nothing.
    const before = readFileSync(w.settingsPath);
    const again = scripted([
      { kind: 'select', match: /authenticate/, answer: (_c, def) => def },
      { kind: 'select', match: /Which AWS profile/, answer: (_c, def) => def },
      { kind: 'input', match: /region/, answer: '' },
      { kind: 'select', match: /Pin opus/, answer: (_c, def) => (assert.equal(def, 'eu.anthropic.claude-opus-4-8[1m]'), def) },
      { kind: 'select', match: /Pin sonnet/, answer: (_c, def) => def },
      { kind: 'select', match: /Pin haiku/, answer: (_c, def) => (assert.equal(def, ''), def) },
      { kind: 'confirm', match: /service tier/, answer: false },
    ]);
    const rerun = await w.run({}, again);
    assert.equal(rerun.outcome, 'unchanged');
    assert.match(rerun.output, /already has this configuration; nothing was written/);
    assert.match(rerun.output, /Region: eu-west-1 \(from AWS_REGION \(~\/\.claude\/settings\.json env\)\)/);
    assert.deepEqual(readFileSync(w.settingsPath), before);
    assert.equal(readFileSync(`${w.settingsPath}.bak`, 'utf8'), PROFILE_FILES['home/.claude/settings.json'], 'no backup churn');
  });

  test('an SSO profile is offered awsAuthRefresh with the login command', async () => {
    const w = world(PROFILE_FILES);
    const prompter = scripted([
      { kind: 'select', match: /authenticate/, answer: 'profile' },
      { kind: 'select', match: /Which AWS profile/, answer: 'sso' },
      { kind: 'input', match: /region/, answer: 'us-east-1' },
      // No cached SSO token: verification fails on credentials, and the user goes on.
      { kind: 'select', match: /could not be verified/, answer: (choices) => (assert.ok(!choices.some((c) => c.value === 'retry'), 'no secret was typed'), 'continue') },
      { kind: 'select', match: /Pin opus/, answer: '' },
      // Nothing verified: a model ID can still be typed, checked like the --sonnet flag.
      { kind: 'select', match: /Pin sonnet/, answer: (choices) => choices.find((c) => /Enter a model ID/.test(c.name))?.value },
      { kind: 'input', match: /sonnet model ID/, answer: 'claude-sonnet-4-6' },
      { kind: 'select', match: /Pin haiku/, answer: '' },
      { kind: 'confirm', match: /service tier/, answer: false },
      { kind: 'confirm', match: /aws sso login --profile sso/, answer: true },
      { kind: 'confirm', match: /Write these changes/, answer: true },
    ]);
    const { outcome, output } = await w.run({}, prompter);
    assert.equal(outcome, 'written', output);
    assert.match(output, /verification failed/);
    const written = JSON.parse(readFileSync(w.settingsPath, 'utf8')) as { awsAuthRefresh: string; env: Record<string, string> };
    assert.equal(written.awsAuthRefresh, 'aws sso login --profile sso');
    assert.equal(written.env.ANTHROPIC_DEFAULT_SONNET_MODEL, 'us.anthropic.claude-sonnet-4-6');
  });

  test('a wrong API key is entered again instead of ending the run', async () => {
    const w = world();
    const prompter = scripted([
      { kind: 'select', match: /authenticate/, answer: 'api-key' },
      { kind: 'password', match: /API key/, answer: 'ABSKwrongKeyTypedByMistake-0000000000000' },
      { kind: 'input', match: /region/, answer: 'us-east-1' },
      { kind: 'select', match: /could not be verified/, answer: (_c, def) => (assert.equal(def, 'retry'), 'retry') },
      { kind: 'password', match: /API key/, answer: API_KEY },
      ...DEFAULT_PINS_AND_WRITE,
    ]);
    const { outcome, output } = await w.run({}, prompter);
    assert.equal(outcome, 'written', output);
    assert.ok(!output.includes('ABSKwrongKeyTypedByMistake'), 'the wrong key is not printed either');
    assert.equal((JSON.parse(readFileSync(w.settingsPath, 'utf8')) as { env: Record<string, string> }).env.AWS_BEARER_TOKEN_BEDROCK, API_KEY);
  });

  test('API key typed by the user: stored because chosen, announced, never printed; a shell API key is noticed', async () => {
    const w = world();
    const prompter = scripted([
      { kind: 'select', match: /authenticate/, answer: (_c, def) => (assert.equal(def, 'api-key'), 'api-key') },
      { kind: 'password', match: /API key/, answer: API_KEY },
      { kind: 'input', match: /region/, answer: '' },
      { kind: 'select', match: /Pin opus/, answer: (_c, def) => def },
      { kind: 'select', match: /Pin sonnet/, answer: (_c, def) => def },
      { kind: 'select', match: /Pin haiku/, answer: (_c, def) => def },
      { kind: 'confirm', match: /service tier/, answer: false },
      { kind: 'confirm', match: /Write these changes/, answer: true },
    ]);
    const { outcome, output } = await w.run({}, prompter);
    assert.equal(outcome, 'written', output);
    assert.match(output, /AWS_BEARER_TOKEN_BEDROCK = set \(\d+ characters, hidden\)/);
    assert.match(output, /stored in plain text in ~\/\.claude\/settings\.json because you chose the API key method/);
    const env = (JSON.parse(readFileSync(w.settingsPath, 'utf8')) as { env: Record<string, string> }).env;
    assert.equal(env.AWS_BEARER_TOKEN_BEDROCK, API_KEY);
    assert.equal(env.ANTHROPIC_DEFAULT_HAIKU_MODEL, 'us.anthropic.claude-haiku-4-5-20251001-v1:0');
  });

  test('a profile chosen while the shell exports an API key: the key would win, and the wizard says so', async () => {
    const w = world(PROFILE_FILES);
    const prompter = scripted([
      { kind: 'select', match: /authenticate/, answer: 'profile' },
      { kind: 'select', match: /Which AWS profile/, answer: 'dev' },
      { kind: 'input', match: /region/, answer: '' },
      { kind: 'select', match: /Pin opus/, answer: '' },
      { kind: 'select', match: /Pin sonnet/, answer: '' },
      { kind: 'select', match: /Pin haiku/, answer: '' },
      { kind: 'confirm', match: /service tier/, answer: false },
      { kind: 'confirm', match: /Write these changes/, answer: false },
    ]);
    const { outcome, output } = await w.run({}, prompter, { AWS_BEARER_TOKEN_BEDROCK: API_KEY });
    assert.equal(outcome, 'declined');
    assert.match(output, /warning: Claude Code would authenticate with AWS_BEARER_TOKEN_BEDROCK \(shell env\)/);
    assert.match(output, /Nothing was written/);
    assert.equal(readFileSync(w.settingsPath, 'utf8'), PROFILE_FILES['home/.claude/settings.json']);
  });

  test('Ctrl-C at any question writes nothing', async () => {
    const w = world();
    const prompter = scripted([
      { kind: 'select', match: /authenticate/, answer: 'access-keys' },
      { kind: 'input', match: /access key ID/, answer: KEY_ID },
      { kind: 'cancel', match: /secret access key/ },
    ]);
    const { outcome, output } = await w.run({}, prompter);
    assert.equal(outcome, 'cancelled');
    assert.match(output, /Setup cancelled; nothing was written/);
    assert.equal(existsSync(w.settingsPath), false);
  });

  test('a malformed settings file stops the wizard before any question, with line and column', async () => {
    const w = world({ 'home/.claude/settings.json': '{\n  "env": {\n    "A": "1"\n  },,\n}\n' });
    await assert.rejects(
      w.run({}, scripted([])),
      (error: unknown) => isCcBedrockError(error) && error.code === 'SETTINGS_JSON_INVALID' && /settings\.json:4:5/.test(error.message),
    );
  });

  test('without a terminal and without --yes: an error that says to pass --yes with flags', async () => {
    const w = world();
    await assert.rejects(w.run({}, undefined), (error: unknown) => isCcBedrockError(error) && error.code === 'USAGE' && /--yes/.test(error.remediation ?? ''));
  });
});

describe('setup --yes (flags only)', () => {
  test('writes exactly what the flags say; a re-run with the same flags is a no-op', async () => {
    const w = world(PROFILE_FILES);
    const flags: SetupOptions = { yes: true, auth: 'profile', profile: 'dev', region: 'us-west-2', opus: 'claude-opus-4-8', haiku: 'us.anthropic.claude-haiku-4-5-20251001-v1:0', serviceTier: 'priority', guardrailId: 'emulatorguard', guardrailVersion: 'DRAFT' };
    const first = await w.run(flags, undefined);
    assert.equal(first.outcome, 'written', first.output);
    const env = (JSON.parse(readFileSync(w.settingsPath, 'utf8')) as { env: Record<string, string> }).env;
    assert.equal(env.ANTHROPIC_DEFAULT_OPUS_MODEL, 'us.anthropic.claude-opus-4-8');
    assert.equal(env.AWS_REGION, 'us-west-2');
    assert.equal(env.ANTHROPIC_BEDROCK_SERVICE_TIER, 'priority');
    assert.equal(env.ANTHROPIC_DEFAULT_SONNET_MODEL, undefined, 'no flag, no pin');
    // What a session sends now, from the resolver status and doctor use.
    assert.match(first.output, /Resolved: main \S+, small\/fast us\.anthropic\.claude-haiku-4-5-20251001-v1:0, in us-west-2\./);
    const bytes = readFileSync(w.settingsPath);
    const second = await w.run(flags, undefined);
    assert.match(second.output, /nothing was written/);
    assert.deepEqual(readFileSync(w.settingsPath), bytes);
  });

  test('a pinned model the account cannot invoke fails with exit 1 and writes nothing', async () => {
    const w = world(PROFILE_FILES, { access: { granted: ['*'], denied: ['anthropic.claude-opus-4-8'], marketplaceDenied: [], mantleDenied: [], reservedTier: false } });
    const { outcome, output } = await w.run({ yes: true, auth: 'profile', profile: 'dev', opus: 'claude-opus-4-8' }, undefined);
    assert.equal(outcome, 'pins-unavailable');
    assert.match(output, /--opus eu\.anthropic\.claude-opus-4-8 is not invokable/);
    assert.equal(readFileSync(w.settingsPath, 'utf8'), PROFILE_FILES['home/.claude/settings.json']);
  });

  test('--auth api-key takes the key from AWS_BEARER_TOKEN_BEDROCK, never from a flag', async () => {
    const w = world();
    await assert.rejects(w.run({ yes: true, auth: 'api-key' }, undefined), (e: unknown) => isCcBedrockError(e) && /AWS_BEARER_TOKEN_BEDROCK/.test(e.message));
    const { outcome } = await w.run({ yes: true, auth: 'api-key' }, undefined, { AWS_BEARER_TOKEN_BEDROCK: API_KEY });
    assert.equal(outcome, 'written');
    assert.equal((JSON.parse(readFileSync(w.settingsPath, 'utf8')) as { env: Record<string, string> }).env.AWS_BEARER_TOKEN_BEDROCK, API_KEY);
  });

  test('--managed writes a managed-settings.json (0644) and refuses to put a secret in it', async () => {
    const w = world(PROFILE_FILES);
    const managed = join(w.cwd, 'rollout');
    mkdirSync(managed);
    await assert.rejects(w.run({ yes: true, auth: 'access-keys', managed }, undefined), /deployed to every machine/);
    const { outcome, output } = await w.run({ yes: true, auth: 'profile', profile: 'dev', region: 'us-east-1', managed, sonnet: 'claude-sonnet-4-6' }, undefined);
    assert.equal(outcome, 'written', output);
    const path = join(managed, 'managed-settings.json');
    assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), {
      env: { CLAUDE_CODE_USE_BEDROCK: '1', AWS_REGION: 'us-east-1', AWS_PROFILE: 'dev', ANTHROPIC_DEFAULT_SONNET_MODEL: 'us.anthropic.claude-sonnet-4-6' },
    });
    assert.match(output, /MDM/);
  });

  test('--managed with an SSO profile writes the recommended awsAuthRefresh, and the .mobileconfig and .reg carry the same settings', async () => {
    const w = world(PROFILE_FILES);
    const managed = join(w.cwd, 'fleet');
    mkdirSync(managed);
    const { result, output } = await w.run(
      { yes: true, auth: 'profile', profile: 'sso', region: 'us-east-1', managed, availableModels: 'sonnet,haiku', modelOverride: ['claude-opus-4-7=us.anthropic.claude-opus-4-7'] },
      undefined,
    );
    assert.equal(result.outcome, 'written', output);
    const settings = JSON.parse(readFileSync(join(managed, 'managed-settings.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(settings.awsAuthRefresh, 'aws sso login --profile sso');
    assert.deepEqual(settings.availableModels, ['sonnet', 'haiku']);
    assert.deepEqual(settings.modelOverrides, { 'claude-opus-4-7': 'us.anthropic.claude-opus-4-7' });
    assert.deepEqual(result.written.map((label) => label.split('/').pop()), ['managed-settings.json', 'managed-settings.mobileconfig', 'managed-settings.reg']);
    const profile = parsePlistXml(readFileSync(join(managed, 'managed-settings.mobileconfig'), 'utf8'));
    const payload = { ...(profile.PayloadContent as Array<Record<string, unknown>>)[0] };
    for (const key of PAYLOAD_KEYS) delete payload[key];
    assert.deepEqual(payload, settings);
    const reg = parseRegFile(readFileSync(join(managed, 'managed-settings.reg'), 'utf8'));
    assert.deepEqual(JSON.parse(reg.keys.get('HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\ClaudeCode')?.get('Settings') ?? 'null'), settings);
    for (const path of ['/etc/claude-code/managed-settings.json', '/Library/Application Support/ClaudeCode/managed-settings.json', 'C:\\Program Files\\ClaudeCode\\managed-settings.json', '/Library/Managed Preferences/com.anthropic.claudecode.plist', 'HKLM\\SOFTWARE\\Policies\\ClaudeCode']) {
      assert.ok(output.includes(path), `the hints name ${path}`);
    }
    assert.match(output, /Linux and WSL/);
  });

  test('--yes takes awsCredentialExport, and switching to it from an SSO profile removes the old awsAuthRefresh', async () => {
    const w = world(PROFILE_FILES);
    writeFileSync(w.settingsPath, JSON.stringify({ awsAuthRefresh: 'aws sso login --profile sso', env: { AWS_PROFILE: 'sso' } }));
    const { result, output } = await w.run({ yes: true, auth: 'access-keys', region: 'us-east-1' }, undefined, { AWS_ACCESS_KEY_ID: KEY_ID, AWS_SECRET_ACCESS_KEY: SECRET });
    assert.equal(result.outcome, 'written', output);
    const after = JSON.parse(readFileSync(w.settingsPath, 'utf8')) as Record<string, unknown>;
    assert.equal(after.awsAuthRefresh, undefined, 'the SSO login command of the old method is gone');
    assert.ok(result.changed.includes('awsAuthRefresh'));
    const second = await w.run({ yes: true, auth: 'environment', region: 'us-east-1', awsCredentialExport: 'print-creds --json' }, undefined, { AWS_ACCESS_KEY_ID: KEY_ID, AWS_SECRET_ACCESS_KEY: SECRET });
    assert.notEqual(second.outcome, 'pins-unavailable', second.output);
    assert.equal((JSON.parse(readFileSync(w.settingsPath, 'utf8')) as Record<string, unknown>).awsCredentialExport, 'print-creds --json');
  });
});
