/**
 * The fault matrix: every upstream fault the emulator injects, through `-p` and `chat` (the built
 * CLI, spawned) and through the gateway with the official Anthropic SDK at its defaults. Each
 * call must end in a success or a clean error (an explained `cc-bedrock:` error with a fix; an
 * Anthropic API error from the SDK), within a generous bound, never a hang. The outcomes and
 * times are printed as a markdown table (kept in docs/faults.md).
 *
 * Deadlines are short here (CC_BEDROCK_FIRST_BYTE_TIMEOUT_MS / CC_BEDROCK_STREAM_IDLE_TIMEOUT_MS
 * 1.5 s) and CLAUDE_CODE_MAX_RETRIES is 2, so the matrix runs in seconds; the shape of each
 * outcome is what the defaults give, only sooner.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import Anthropic, { APIConnectionError, APIError } from '@anthropic-ai/sdk';
import type { ScenarioInput } from '../../src/emulator/index.js';
import { createGateway } from '../../src/gateway/create-gateway.js';
import { listenGateway } from '../../src/gateway/node-adapter.js';
import { resolveProxy } from '../../src/network/proxy.js';
import { nodeAgentResolver } from '../../src/network/proxy-agents.js';
import type { EnvLookup } from '../../src/core/route-plan.js';
import { cliEmulatorHarness } from '../helpers/cli-emulator.js';
import { EMULATOR_KEYS, ScriptedAuthProvider, startGatewayHarness, testPlan } from '../helpers/gateway-harness.js';
import { PLANTED_CREDENTIAL, PLANTED_ENV_KEYS } from '../helpers/secrets.js';

/** Generous bounds on "this ends": a spawned CLI (node start-up, discovery) and an in-process gateway call. */
const CLI_BOUND_MS = 60_000;
const GATEWAY_BOUND_MS = 30_000;
const DEADLINE_MS = '1500';
const STALL_MS = 8_000;
const EXPIRED = '2020-01-01T00:00:00Z';

const envOf = (values: Record<string, string>): EnvLookup => ({ get: (name) => (values[name] !== undefined ? { value: values[name]!, source: 'test env' } : undefined) });

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface Fault {
  readonly name: string;
  /** Scenario for the CLI's emulator (its credentials are the planted keys). */
  readonly scenario?: Partial<ScenarioInput>;
  /** Scenario for the gateway's emulator (its credentials are the emulator keys). */
  readonly gatewayScenario?: Partial<ScenarioInput>;
  /** The endpoint is a closed loopback port instead of the emulator. */
  readonly unreachable?: boolean;
  /** HTTPS_PROXY names a closed loopback port: a proxy that is down (the gateway's upstream agents use it too). */
  readonly deadProxy?: boolean;
}

const transient = (status: number, name: string, message: string) => ({
  faults: [{ match: { times: 2 }, error: { status, name, message, retryAfterSeconds: 0 } }],
});
const FAULTS: readonly Fault[] = [
  { name: '5xx (twice, then healthy)', scenario: transient(500, 'InternalServerException', 'boom') },
  { name: 'throttle (twice, then healthy)', scenario: transient(429, 'ThrottlingException', 'Too many requests, please wait before trying again.') },
  { name: 'stall before the first byte', scenario: { faults: [{ match: { operation: 'invoke-stream' }, delayMs: STALL_MS }] } },
  { name: 'stall after the first byte', scenario: { faults: [{ match: { operation: 'invoke-stream' }, stallStream: { afterEvents: 3, ms: STALL_MS } }] } },
  { name: 'cut stream', scenario: { faults: [{ match: { operation: 'invoke-stream' }, cutStream: { afterEvents: 3 } }] } },
  {
    name: 'expired token',
    scenario: { credentials: [{ ...PLANTED_CREDENTIAL, expiresAt: EXPIRED }] },
    gatewayScenario: { credentials: [{ accessKeyId: 'AKIAEMULATOREXAMPLE1', secretAccessKey: 'emulatorSecretAccessKey/EXAMPLE/0000000000', expiresAt: EXPIRED }] },
  },
  { name: 'unreachable endpoint (closed loopback port)', unreachable: true },
  { name: 'refused proxy (HTTPS_PROXY at a closed loopback port)', deadProxy: true },
];

type Surface = '-p' | 'chat' | 'gateway (Anthropic SDK)';
interface Outcome {
  readonly ok: boolean;
  readonly what: string;
  readonly ms: number;
}
const table = new Map<string, Map<Surface, Outcome>>();
const record = (fault: string, surface: Surface, outcome: Outcome) => {
  if (!table.has(fault)) table.set(fault, new Map());
  table.get(fault)!.set(surface, outcome);
};

const { cc } = cliEmulatorHarness({
  // The account's credentials are the planted keys unless the fault brings its own (expired ones).
  account: (overrides) => ({ ...overrides, credentials: overrides.credentials ?? [PLANTED_CREDENTIAL] }),
  env: {
    ...PLANTED_ENV_KEYS,
    CLAUDE_CODE_MAX_RETRIES: '2',
    CC_BEDROCK_FIRST_BYTE_TIMEOUT_MS: DEADLINE_MS,
    CC_BEDROCK_STREAM_IDLE_TIMEOUT_MS: DEADLINE_MS,
    CC_BEDROCK_WAIT_NOTICE_MS: '500',
  },
});

/** A CLI run's outcome: the reply, or one explained error (message and fix), never a stack trace or a kill. */
function cliOutcome(run: { code: number | null; stdout: string; stderr: string }, ms: number, chat: boolean): Outcome {
  assert.notEqual(run.code, null, `the CLI was killed (hung):\n${run.stderr}`);
  assert.doesNotMatch(run.stderr, /\n\s+at .+\(.+:\d+:\d+\)/, 'no stack trace');
  if (/You said: hi/.test(run.stdout)) {
    if (!chat) assert.equal(run.code, 0, run.stderr);
    return { ok: true, what: `reply (exit ${run.code})`, ms };
  }
  const error = /^cc-bedrock: (?!waiting|warning)(.*)\n {2}fix: /m.exec(run.stderr);
  assert.ok(error, `an explained error on stderr:\n${run.stderr}`);
  if (!chat) assert.ok(run.code === 1 || run.code === 2, `exit code ${run.code}`);
  const summary = error[1]!.replace(/us\.anthropic\.\S+/g, '<model>').replace(/127\.0\.0\.1:\d+/g, '<endpoint>').slice(0, 80);
  return { ok: false, what: `exit ${run.code}: ${summary}${error[1]!.length > 80 ? '…' : ''}`, ms };
}

describe('fault matrix', { concurrency: 3 }, () => {
  after(() => {
    const surfaces: Surface[] = ['-p', 'chat', 'gateway (Anthropic SDK)'];
    const lines = [`| fault | ${surfaces.join(' | ')} |`, `|---|${surfaces.map(() => '---').join('|')}|`];
    for (const [fault, row] of table) {
      const cells = surfaces.map((surface) => {
        const outcome = row.get(surface);
        return outcome ? `${outcome.ok ? 'success' : 'clean error'}: ${outcome.what.replace(/\|/g, '\\|')} (${(outcome.ms / 1000).toFixed(1)} s)` : '—';
      });
      lines.push(`| ${fault} | ${cells.join(' | ')} |`);
    }
    console.log(`\n${lines.join('\n')}\n`);
  });

  for (const fault of FAULTS) {
    for (const surface of ['-p', 'chat'] as const) {
      test(`${fault.name} through ${surface}`, async () => {
        const env = fault.unreachable
          ? { ANTHROPIC_BEDROCK_BASE_URL: `http://127.0.0.1:${await closedPort()}` }
          : fault.deadProxy
            ? { HTTPS_PROXY: `http://127.0.0.1:${await closedPort()}` }
            : {};
        const started = Date.now();
        const run = await cc(surface === '-p' ? ['-p', 'hi'] : ['chat'], {
          env,
          ...(fault.scenario ? { scenario: fault.scenario } : {}),
          ...(surface === 'chat' ? { input: 'hi\n/exit\n' } : {}),
        });
        const ms = Date.now() - started;
        record(fault.name, surface, cliOutcome(run, ms, surface === 'chat'));
        // Nothing reaches Bedrock past a proxy that is down, and the fix names the variable.
        if (fault.deadProxy) {
          assert.equal(run.log.length, 0);
          assert.match(run.stderr, /fix: HTTPS_PROXY names http:\/\/127\.0\.0\.1:\d+, where no proxy answers/);
        }
        // A silent wait is never silent on the terminal.
        if (fault.name.startsWith('stall')) assert.match(run.stderr, /^cc-bedrock: waiting for the (first byte|stream) from /m);
        assert.ok(ms < CLI_BOUND_MS, `ended after ${ms} ms`);
      });
    }

    test(`${fault.name} through the gateway with the Anthropic SDK`, async () => {
      const gatewayOptions = { maxRetries: 2, firstByteTimeoutMs: Number(DEADLINE_MS), streamIdleTimeoutMs: Number(DEADLINE_MS) };
      let url: string;
      let close: () => Promise<void>;
      if (fault.unreachable) {
        const auth = new ScriptedAuthProvider([EMULATOR_KEYS]);
        const gateway = createGateway({ plan: testPlan({ url: `http://127.0.0.1:${await closedPort()}` }), auth: { bedrock: auth, mantle: auth }, ...gatewayOptions });
        const listener = await listenGateway(gateway, { host: '127.0.0.1', port: 0 });
        url = listener.url;
        close = () => listener.close();
      } else {
        const agentFor = fault.deadProxy ? nodeAgentResolver(resolveProxy(envOf({ HTTPS_PROXY: `http://127.0.0.1:${await closedPort()}` }))) : undefined;
        const harness = await startGatewayHarness({
          ...(fault.gatewayScenario ?? fault.scenario ? { scenario: fault.gatewayScenario ?? fault.scenario } : {}),
          gateway: { ...gatewayOptions, ...(agentFor ? { agentFor } : {}) },
        });
        url = harness.url;
        close = () => harness.close();
      }
      try {
        // The SDK at its defaults (2 retries of its own), as an application would use it.
        const sdk = new Anthropic({ baseURL: url, apiKey: 'unused' });
        const started = Date.now();
        let outcome: Outcome;
        try {
          const message = await sdk.messages.stream({ model: 'sonnet', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] }).finalMessage();
          assert.equal(message.type, 'message');
          outcome = { ok: true, what: 'reply', ms: Date.now() - started };
        } catch (error) {
          assert.ok(error instanceof APIError && !(error instanceof APIConnectionError), `an Anthropic API error, got ${String(error)}`);
          const type = (error.error as { error?: { type?: string } } | undefined)?.error?.type ?? (error.error as { type?: string } | undefined)?.type;
          outcome = { ok: false, what: `${error.status ?? 'SSE error event'} ${type ?? ''}`.trim(), ms: Date.now() - started };
        }
        record(fault.name, 'gateway (Anthropic SDK)', outcome);
        assert.ok(outcome.ms < GATEWAY_BOUND_MS, `ended after ${outcome.ms} ms`);
      } finally {
        await close();
      }
    });
  }
});
