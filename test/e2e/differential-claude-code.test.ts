/**
 * Differential test against the real Claude Code (node_modules/.bin/claude, 2.1.197): both CLIs
 * run `-p` with the same environment, settings and flags against their own emulator, and the
 * main model call each sent is compared: model ID, path, SigV4 region and service, auth kind,
 * service-tier header and custom headers (reference-behaviour.md, rows marked "match"). The rows
 * marked "better" are asserted to differ exactly as designed.
 *
 * Isolation (the approach of claude-code-bedrock.test.ts): each case runs in a private network
 * namespace (`unshare -n`, loopback only) when the machine allows it, this file re-run as the
 * namespace child that starts the emulators and both CLIs and prints a JSON report. Always, also
 * without a namespace: a throwaway HOME per run, telemetry, error reporting, auto-update and
 * non-essential traffic off, and every proxy variable pointed at a loopback sink that answers 403
 * with only loopback exempt (NO_PROXY); each case asserts the sink was never contacted.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultScenario, scenarioWith, type ReceivedRequest, type ScenarioInput } from '../../src/emulator/index.js';
import { startUpstream } from '../helpers/cli-emulator.js';
import { repoRoot } from '../helpers/repo-root.js';
import { hermeticEnv, runCli, runProcess, type CliResult } from '../helpers/run-cli.js';
import { createTempHomePool } from '../helpers/temp-home.js';

const CLAUDE = join(repoRoot(), 'node_modules', '.bin', 'claude');
const EMULATOR_KEYS = { AWS_ACCESS_KEY_ID: 'AKIAEMULATOREXAMPLE1', AWS_SECRET_ACCESS_KEY: 'emulatorSecretAccessKey/EXAMPLE/0000000000' };
const EMULATOR_API_KEY = defaultScenario().apiKeys[0]!.token;
const GUARDRAIL_HEADERS = 'X-Amzn-Bedrock-GuardrailIdentifier: emulatorguard\nX-Amzn-Bedrock-GuardrailVersion: 1\nX-Team: platform';

const homes = createTempHomePool();

let sink: Promise<{ server: Server; url: string; connections: string[] }> | undefined;

/** A loopback proxy that refuses everything and remembers who asked. */
function proxySink(): Promise<{ server: Server; url: string; connections: string[] }> {
  sink ??= (async () => {
    const connections: string[] = [];
    const server = createServer((socket) => {
      socket.once('data', (data) => {
        connections.push(data.toString('utf8').split('\r\n')[0] ?? '');
        socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
      });
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    server.unref();
    return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, connections };
  })();
  return sink;
}

interface Case {
  readonly env?: Record<string, string | undefined>;
  readonly args?: readonly string[];
  readonly files?: Record<string, string | object>;
  readonly scenario?: Partial<ScenarioInput>;
}

/** What one CLI sent for the main call, in the terms reference-behaviour.md compares. */
interface Wire {
  readonly modelId: string | undefined;
  readonly path: string;
  readonly query: string;
  readonly authKind: string | undefined;
  readonly region: string | undefined;
  readonly service: string | undefined;
  readonly serviceTier: string | undefined;
  readonly customHeaders: Readonly<Record<string, string | undefined>>;
}

interface Outcome {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly log: readonly ReceivedRequest[];
  /** The last model call that is not a 1-token probe; undefined when none was sent. */
  readonly main: Wire | undefined;
  /** Model IDs of the 1-token availability probes, sorted. */
  readonly probes: readonly string[];
}

const CUSTOM_HEADER_NAMES = ['x-amzn-bedrock-guardrailidentifier', 'x-amzn-bedrock-guardrailversion', 'x-team'];
const MODEL_OPERATIONS = new Set(['invoke', 'invoke-stream', 'mantle-messages']);
const isProbe = (entry: ReceivedRequest) => (entry.body as { max_tokens?: number } | undefined)?.max_tokens === 1;

function wireOf(entry: ReceivedRequest): Wire {
  const auth = (entry.auth ?? {}) as { kind?: string; region?: string; service?: string };
  const body = entry.body as { model?: string } | undefined;
  return {
    modelId: entry.operation === 'mantle-messages' ? body?.model : entry.modelId,
    path: entry.path,
    query: entry.query,
    authKind: auth.kind,
    region: auth.region,
    service: auth.service,
    serviceTier: entry.headers['x-amzn-bedrock-service-tier'],
    customHeaders: Object.fromEntries(CUSTOM_HEADER_NAMES.map((name) => [name, entry.headers[name]])),
  };
}

function runClaude(args: readonly string[], env: Record<string, string>, cwd: string): Promise<CliResult> {
  return runProcess(CLAUDE, args, { cwd, env, stdin: 'ignore', timeoutMs: 120_000 });
}

async function runTool(tool: 'claude' | 'cc-bedrock', input: Case): Promise<Outcome> {
  const upstream = await startUpstream(scenarioWith(input.scenario ?? {}));
  const { emulator, url } = upstream;
  const home = homes.create(input.files ?? {});
  const sinkUrl = (await proxySink()).url;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    ...hermeticEnv(home),
    DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1',
    DISABLE_AUTOUPDATER: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    HTTPS_PROXY: sinkUrl,
    HTTP_PROXY: sinkUrl,
    ALL_PROXY: sinkUrl,
    https_proxy: sinkUrl,
    http_proxy: sinkUrl,
    NO_PROXY: '127.0.0.1,localhost',
    no_proxy: '127.0.0.1,localhost',
    CLAUDE_CODE_USE_BEDROCK: '1',
    ANTHROPIC_BEDROCK_BASE_URL: url,
    ANTHROPIC_BEDROCK_MANTLE_BASE_URL: `${url}/anthropic`,
    AWS_REGION: 'us-east-1',
    ...EMULATOR_KEYS,
  };
  for (const [name, value] of Object.entries(input.env ?? {})) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  const args = ['-p', 'say hi', ...(input.args ?? [])];
  try {
    const result = tool === 'claude' ? await runClaude(args, env, home.cwd) : await runCli(args, { cwd: home.cwd, env });
    const log = [...emulator.state.received];
    const models = log.filter((entry) => MODEL_OPERATIONS.has(entry.operation));
    const mainEntry = models.filter((entry) => !isProbe(entry)).at(-1);
    return {
      ...result,
      log,
      main: mainEntry ? wireOf(mainEntry) : undefined,
      probes: models.filter(isProbe).map((entry) => wireOf(entry).modelId ?? '').sort(),
    };
  } finally {
    await upstream.close();
  }
}

interface Report {
  readonly claude: Outcome;
  readonly ours: Outcome;
  readonly isolation: 'netns' | 'proxy';
  /** Requests that reached the proxy sink: anything trying to leave the machine. */
  readonly escaped: readonly string[];
}

async function both(input: Case, isolation: Report['isolation']): Promise<Report> {
  const [claude, ours] = await Promise.all([runTool('claude', input), runTool('cc-bedrock', input)]);
  return { claude, ours, isolation, escaped: [...(await proxySink()).connections] };
}

/** Models with a global profile in the catalog, with only that profile. */
const GLOBAL_ONLY_MODELS = defaultScenario()
  .models.filter((model) => model.profiles.includes('global'))
  .map((model) => ({ ...model, profiles: ['global'] }));

/** Every configuration both CLIs run with; a namespace child gets the name and runs one. */
const CASES = {
  region: {
    env: { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'us-west-2', ANTHROPIC_BEDROCK_SERVICE_TIER: 'priority', ANTHROPIC_CUSTOM_HEADERS: GUARDRAIL_HEADERS },
    args: ['--model', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0'],
  },
  settingsEnv: {
    env: { AWS_REGION: 'eu-west-1', ANTHROPIC_MODEL: 'opus' },
    files: {
      'home/.claude/settings.json': {
        env: {
          AWS_REGION: 'us-west-2',
          ANTHROPIC_DEFAULT_OPUS_MODEL: 'us.anthropic.claude-opus-4-8',
          ANTHROPIC_DEFAULT_SONNET_MODEL: 'us.anthropic.claude-sonnet-4-6',
          ANTHROPIC_DEFAULT_HAIKU_MODEL: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
        },
      },
    },
    args: ['--model', 'haiku'],
  },
  profileRegion: {
    // With AWS_PROFILE set the AWS SDK ignores environment keys, so the profile carries its own.
    env: { AWS_REGION: undefined, AWS_PROFILE: 'dev', AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined },
    files: {
      'home/.aws/config': '[default]\nregion = us-west-2\n[profile dev]\nregion = eu-central-1\n',
      'home/.aws/credentials': `[dev]\naws_access_key_id = ${EMULATOR_KEYS.AWS_ACCESS_KEY_ID}\naws_secret_access_key = ${EMULATOR_KEYS.AWS_SECRET_ACCESS_KEY}\n`,
    },
  },
  mantle: {
    env: { CLAUDE_CODE_USE_BEDROCK: undefined, CLAUDE_CODE_USE_MANTLE: '1', ANTHROPIC_BEDROCK_SERVICE_TIER: 'flex', ANTHROPIC_CUSTOM_HEADERS: 'X-Team: platform' },
    args: ['--model', 'anthropic.claude-haiku-4-5'],
  },
  globalOnlyBearer: {
    scenario: { models: GLOBAL_ONLY_MODELS },
    env: { AWS_BEARER_TOKEN_BEDROCK: EMULATOR_API_KEY, AWS_ACCESS_KEY_ID: 'AKIAUNKNOWNKEY000001', AWS_SECRET_ACCESS_KEY: 'unknownSecret0000000000000000000000000000' },
  },
  firstPartyName: { args: ['--model', 'claude-opus-4-7'] },
  invalidTier: { env: { ANTHROPIC_BEDROCK_SERVICE_TIER: 'turbo-invalid' } },
  availableModels: {
    files: { 'home/.claude/settings.json': { availableModels: ['sonnet', 'haiku'] } },
    args: ['--model', 'opus'],
  },
} satisfies Record<string, Case>;
type CaseName = keyof typeof CASES;

const CHILD_FLAG = 'CC_BEDROCK_DIFFERENTIAL_CASE';
const REPORT_MARK = 'CC_BEDROCK_DIFFERENTIAL_REPORT ';

function netnsAvailable(): boolean {
  // CC_BEDROCK_E2E_ISOLATION=proxy forces the fallback (to exercise it where unshare works).
  if (process.platform !== 'linux' || process.env.CC_BEDROCK_E2E_ISOLATION === 'proxy') return false;
  const probe = spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up'], { stdio: 'ignore', timeout: 10_000 });
  return probe.status === 0;
}

const useNetns = process.env[CHILD_FLAG] ? false : netnsAvailable();

/** Runs a case in a fresh network namespace (this file in child mode), else here behind the proxy sink. */
async function run(name: CaseName): Promise<Report> {
  if (!useNetns) return both(CASES[name], 'proxy');
  const self = fileURLToPath(import.meta.url);
  const nodeArgs = [...process.execArgv.filter((arg) => !arg.startsWith('--test')), self];
  const quoted = [process.execPath, ...nodeArgs].map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`).join(' ');
  const env: Record<string, string | undefined> = { ...process.env, [CHILD_FLAG]: name };
  delete env['NODE_TEST_CONTEXT'];
  const child = spawn('unshare', ['-n', 'sh', '-c', `ip link set lo up && exec ${quoted}`], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const line = stdout.split('\n').find((entry) => entry.startsWith(REPORT_MARK));
  assert.ok(line, `namespace child for ${name} produced no report (exit ${code}); stderr: ${stderr.slice(0, 2000)}`);
  return JSON.parse(line.slice(REPORT_MARK.length)) as Report;
}

async function compare(name: CaseName): Promise<Report> {
  const report = await run(name);
  assert.deepEqual(report.escaped, [], `${name}: a process tried to reach a non-loopback address (${report.isolation})`);
  return report;
}

function describeOutcome(outcome: Outcome): string {
  return `exit ${outcome.code}\nstdout: ${outcome.stdout.slice(0, 400)}\nstderr: ${outcome.stderr.slice(0, 800)}\nlog: ${outcome.log.map((entry) => `${entry.method} ${entry.path} ${entry.status}`).join(' | ')}`;
}

const childCase = process.env[CHILD_FLAG] as CaseName | undefined;

if (childCase) {
  const report = await both(CASES[childCase], 'netns');
  process.stdout.write(`${REPORT_MARK}${JSON.stringify(report)}\n`);
  homes.cleanup();
} else {
  after(() => homes.cleanup());
  assert.ok(existsSync(CLAUDE), `Claude Code is not installed at ${CLAUDE} (devDependency @anthropic-ai/claude-code)`);

  describe('differential: Claude Code 2.1.197 and cc-bedrock -p send the same main call ("match" rows)', { concurrency: 3 }, () => {
    test('AWS_REGION beats AWS_DEFAULT_REGION; an explicit us. ID stays us. in eu-west-1; service tier and custom (guardrail) headers', async () => {
      const { claude, ours } = await compare('region');
      assert.ok(claude.main, describeOutcome(claude));
      assert.deepEqual(ours.main, claude.main, describeOutcome(ours));
      assert.equal(claude.main.modelId, 'us.anthropic.claude-sonnet-4-5-20250929-v1:0');
      // Bedrock refuses a us. profile in eu-west-1; cc-bedrock warns before sending and explains after.
      assert.equal(ours.code, 1);
      assert.match(ours.stderr, /warning: --model flag selects us\.anthropic\.claude-sonnet-4-5-20250929-v1:0, a United States \(us\.\) inference profile, but requests go to eu-west-1/);
      assert.match(ours.stderr, /The provided model identifier is invalid\.\n {2}fix: [^\n]*eu\.anthropic\.claude-sonnet-4-5-20250929-v1:0/);
      assert.equal(claude.main.path, '/model/us.anthropic.claude-sonnet-4-5-20250929-v1:0/invoke-with-response-stream');
      assert.deepEqual([claude.main.authKind, claude.main.service, claude.main.region, claude.main.serviceTier], ['sigv4', 'bedrock', 'eu-west-1', 'priority']);
      assert.deepEqual(claude.main.customHeaders, { 'x-amzn-bedrock-guardrailidentifier': 'emulatorguard', 'x-amzn-bedrock-guardrailversion': '1', 'x-team': 'platform' });
      // Same discovery rules: the unpinned tiers' built-in defaults for the region's geo prefix.
      assert.deepEqual(ours.probes, claude.probes);
      assert.deepEqual(claude.probes, ['eu.anthropic.claude-haiku-4-5-20251001-v1:0', 'eu.anthropic.claude-opus-4-6-v1', 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0']);
    });

    test('the settings env block overrides the process env; --model beats ANTHROPIC_MODEL; pins resolve aliases and are not probed', async () => {
      const { claude, ours } = await compare('settingsEnv');
      assert.ok(claude.main, describeOutcome(claude));
      assert.equal(ours.code, 0, describeOutcome(ours));
      assert.deepEqual(ours.main, claude.main);
      assert.equal(claude.main.modelId, 'us.anthropic.claude-haiku-4-5-20251001-v1:0');
      assert.equal(claude.main.region, 'us-west-2');
      assert.deepEqual(ours.probes, claude.probes);
      assert.deepEqual(claude.probes, []);
    });

    test('the region of the active profile in ~/.aws/config sets the SigV4 scope and the geo prefix', async () => {
      const { claude, ours } = await compare('profileRegion');
      assert.ok(claude.main, describeOutcome(claude));
      assert.equal(ours.code, 0, describeOutcome(ours));
      assert.deepEqual(ours.main, claude.main);
      assert.equal(claude.main.modelId, 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0');
      assert.equal(claude.main.region, 'eu-central-1');
    });

    test('Mantle: /anthropic/v1/messages?beta=true, SigV4 service bedrock-mantle, the Mantle ID in the body, no service tier', async () => {
      const { claude, ours } = await compare('mantle');
      assert.ok(claude.main, describeOutcome(claude));
      assert.equal(ours.code, 0, describeOutcome(ours));
      assert.deepEqual(ours.main, claude.main);
      assert.deepEqual([claude.main.path, claude.main.query, claude.main.service, claude.main.modelId, claude.main.serviceTier], ['/anthropic/v1/messages', 'beta=true', 'bedrock-mantle', 'anthropic.claude-haiku-4-5', undefined]);
      assert.equal(claude.main.customHeaders['x-team'], 'platform');
      // better: the probe checks the model actually requested, not always Opus 4.7
      assert.deepEqual(claude.probes, ['anthropic.claude-opus-4-7']);
      assert.deepEqual(ours.probes, ['anthropic.claude-haiku-4-5']);
    });

    test('ListInferenceProfiles listing only global profiles makes the default global; a Bedrock API key is Bearer and AWS keys are ignored', async () => {
      const { claude, ours } = await compare('globalOnlyBearer');
      assert.ok(claude.main, describeOutcome(claude));
      assert.equal(ours.code, 0, describeOutcome(ours));
      assert.deepEqual(ours.main, claude.main);
      assert.equal(claude.main.modelId, 'global.anthropic.claude-sonnet-4-5-20250929-v1:0');
      assert.equal(claude.main.authKind, 'bearer');
      for (const entry of ours.log) assert.equal((entry.auth as { kind?: string } | undefined)?.kind, 'bearer');
    });
  });

  describe('differential: the "better" rows differ as designed', { concurrency: 3 }, () => {
    test('a first-party --model name: Claude Code sends it raw (Bedrock rejects it), cc-bedrock resolves it to the Bedrock profile ID', async () => {
      const { claude, ours } = await compare('firstPartyName');
      assert.equal(claude.main?.modelId, 'claude-opus-4-7', describeOutcome(claude));
      assert.equal(claude.main?.path, '/model/claude-opus-4-7/invoke-with-response-stream');
      assert.equal(ours.code, 0, describeOutcome(ours));
      assert.equal(ours.main?.modelId, 'us.anthropic.claude-opus-4-7');
      assert.deepEqual({ ...ours.main, modelId: undefined, path: undefined }, { ...claude.main, modelId: undefined, path: undefined });
    });

    test('an invalid service tier: Claude Code sends it, cc-bedrock refuses locally naming the variable and the valid tiers', async () => {
      const { claude, ours } = await compare('invalidTier');
      assert.equal(claude.main?.serviceTier, 'turbo-invalid', describeOutcome(claude));
      assert.equal(ours.code, 2, describeOutcome(ours));
      assert.match(ours.stderr, /ANTHROPIC_BEDROCK_SERVICE_TIER/);
      assert.match(ours.stderr, /default[^\n]*flex[^\n]*priority/);
      assert.equal(ours.log.length, 0);
    });

    test('availableModels in -p: Claude Code silently runs another model, cc-bedrock refuses naming the allowed entries', async () => {
      const { claude, ours } = await compare('availableModels');
      assert.equal(claude.main?.modelId, 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', describeOutcome(claude));
      assert.equal(ours.code, 2, describeOutcome(ours));
      assert.match(ours.stderr, /not allowed by availableModels[^\n]*allowed: "sonnet", "haiku"/);
      assert.equal(ours.log.filter((entry) => MODEL_OPERATIONS.has(entry.operation)).length, 0);
    });
  });
}
