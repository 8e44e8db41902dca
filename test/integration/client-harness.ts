/**
 * Shared setup of the client integration tests: an emulator on a loopback port; route plans and
 * scripted credentials come from test/helpers/test-plan.ts.
 */
import { createEmulator, scenarioWith, type Emulator, type RunningEmulator, type ScenarioInput } from '../../src/emulator/index.js';

export { EMULATOR_BEARER, EMULATOR_KEYS, ScriptedAuthProvider, sigv4, testPlan, type TestPlanInput } from '../helpers/test-plan.js';

export interface Harness {
  readonly emulator: Emulator;
  readonly server: RunningEmulator;
  readonly url: string;
  close(): Promise<void>;
}

export async function startEmulator(scenario?: Partial<ScenarioInput>): Promise<Harness> {
  const emulator = createEmulator({ scenario: scenario ? scenarioWith(scenario) : undefined });
  const server = await emulator.listen({ host: '127.0.0.1', port: 0 });
  return { emulator, server, url: server.url, close: () => server.close() };
}

/** Records the delays the client asked to wait, without waiting. */
export function recordingSleep(): { sleep: (ms: number) => Promise<void>; delays: number[] } {
  const delays: number[] = [];
  return { delays, sleep: async (ms: number) => void delays.push(ms) };
}
