/** Public surface of the Bedrock emulator. */
export { createEmulator } from './emulator.js';
export type { Emulator, EmulatorOptions, ListenOptions, RunningEmulator } from './emulator.js';
export type { EmulatorState, ReceivedRequest, Surface } from './state.js';
export {
  defaultScenario,
  defaultScenarioPath,
  loadScenarioFile,
  parseScenario,
  scenarioSchema,
  scenarioWith,
} from './scenario.js';
export type { Scenario, ScenarioInput, ScenarioFault, ScenarioReply, ScenarioModel } from './scenario.js';
export { emulatorEnvironment } from './environment.js';
export type { FetchLike } from './fetch-adapter.js';
export type { EmulatorRequest, EmulatorResponse } from './http-types.js';
