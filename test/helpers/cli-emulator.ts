/**
 * The end-to-end harness: the built `cc-bedrock` spawned with a hermetic environment against a
 * local Bedrock emulator on a loopback port, every run's output checked for planted secrets.
 */
import { after } from 'node:test';
import { createEmulator, scenarioWith, type Emulator, type ReceivedRequest, type Scenario, type ScenarioInput } from '../../src/emulator/index.js';
import { hermeticEnv, runCli, type CliResult } from './run-cli.js';
import { PLANTED_CREDENTIAL, assertNoSecrets } from './secrets.js';
import { createTempHomePool, type TempHome } from './temp-home.js';

/** Environment for a spawned CLI; a variable set to undefined is left out (unset). */
export type ChildEnv = Record<string, string | undefined>;

/** The default account, with the planted keys as its credentials so every run can leak-check them. */
export function plantedAccount(overrides: Partial<ScenarioInput> = {}): ScenarioInput {
  return { ...overrides, credentials: [PLANTED_CREDENTIAL] };
}

/** A running emulator and the base URL it answers on (no trailing slash). */
export interface Upstream {
  readonly emulator: Emulator;
  readonly url: string;
  close(): Promise<void>;
}

/** Starts an emulator of `scenario` on 127.0.0.1, on a free port. */
export async function startUpstream(scenario: Scenario | ScenarioInput): Promise<Upstream> {
  const emulator = createEmulator({ scenario });
  const server = await emulator.listen({ host: '127.0.0.1', port: 0 });
  return { emulator, url: server.url.replace(/\/+$/, ''), close: () => server.close() };
}

/** Points the Bedrock runtime, Mantle and STS clients at the emulator answering on `url`. */
export function emulatorEndpoints(url: string): Record<string, string> {
  return {
    ANTHROPIC_BEDROCK_BASE_URL: url,
    ANTHROPIC_BEDROCK_MANTLE_BASE_URL: `${url}/anthropic`,
    AWS_ENDPOINT_URL_STS: url,
  };
}

/** Bedrock switched on, in `region`, with every endpoint at the emulator answering on `url`. */
export function bedrockOnEmulator(url: string, region = 'us-east-1'): Record<string, string> {
  return { CLAUDE_CODE_USE_BEDROCK: '1', AWS_REGION: region, ...emulatorEndpoints(url) };
}

export interface EmulatorRun extends CliResult {
  /** What the emulator received during this run. */
  readonly log: readonly ReceivedRequest[];
}

export interface EmulatorRunOptions {
  readonly home?: TempHome;
  readonly env?: ChildEnv;
  readonly input?: string;
  readonly scenario?: Partial<ScenarioInput>;
  /** Reuse an emulator (several runs against one account); otherwise one is started for the run. */
  readonly upstream?: Upstream;
}

export interface CliEmulatorHarnessOptions {
  /** The emulated account, given a test's scenario overrides; `plantedAccount` when omitted. */
  readonly account?: (overrides: Partial<ScenarioInput>) => ScenarioInput;
  /** Variables every run gets on top of Bedrock-on-the-emulator in us-east-1 (credentials, say). */
  readonly env?: ChildEnv;
}

export interface CliEmulatorHarness {
  /** Starts an emulator of the harness's account with these scenario overrides. */
  upstream(overrides?: Partial<ScenarioInput>): Promise<Upstream>;
  /** A temp tree (see createTempHome), removed after the file's tests. */
  newHome(files?: Record<string, string | object>): TempHome;
  /**
   * Runs `cc-bedrock <args>` against an emulator (its own, one per run so the tests of a suite can
   * run at the same time, unless `upstream` is given), fails if the output holds a planted secret,
   * and returns the result with what the emulator received.
   */
  cc(args: string[], options?: EmulatorRunOptions): Promise<EmulatorRun>;
}

/** The harness of one test file; registers an `after` hook that removes its temp homes. */
export function cliEmulatorHarness(options: CliEmulatorHarnessOptions = {}): CliEmulatorHarness {
  const account = options.account ?? plantedAccount;
  const homes = createTempHomePool();
  after(() => homes.cleanup());

  const upstream = (overrides: Partial<ScenarioInput> = {}) => startUpstream(scenarioWith(account(overrides)));
  const newHome = (files: Record<string, string | object> = {}) => homes.create(files);

  async function cc(args: string[], run: EmulatorRunOptions = {}): Promise<EmulatorRun> {
    const own = run.upstream ? undefined : await upstream(run.scenario);
    const target = run.upstream ?? own!;
    try {
      target.emulator.state.reset();
      const home = run.home ?? newHome();
      const env = { ...hermeticEnv(home), ...bedrockOnEmulator(target.url), ...options.env, ...run.env };
      const result = await runCli(args, { cwd: home.cwd, env, ...(run.input !== undefined ? { input: run.input } : {}) });
      assertNoSecrets(result.stdout + result.stderr, `cc-bedrock ${args.join(' ')}`);
      return { ...result, log: [...target.emulator.state.received] };
    } finally {
      await own?.close();
    }
  }

  return { upstream, newHome, cc };
}
