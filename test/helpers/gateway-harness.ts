/**
 * The gateway's contract and e2e tests: an emulator, a route plan pointing at it, credentials
 * with a scripted sequence, and a gateway in front, either in-process (`gateway.fetch`) or on a
 * loopback port.
 */
import type { RequestAuth } from '../../src/core/auth-types.js';
import { createEmulator, scenarioWith, type Emulator, type RunningEmulator, type ScenarioInput } from '../../src/emulator/index.js';
import type { RoutePlan } from '../../src/core/route-plan.js';
import { createGateway } from '../../src/gateway/create-gateway.js';
import { listenGateway, type ListeningGateway } from '../../src/gateway/node-adapter.js';
import type { Gateway, GatewayOptions } from '../../src/gateway/types.js';
import { EMULATOR_KEYS, ScriptedAuthProvider, testPlan, type TestPlanInput } from './test-plan.js';

export { EMULATOR_BEARER, EMULATOR_KEYS, ScriptedAuthProvider, testPlan, type TestPlanInput } from './test-plan.js';

export interface GatewayHarnessOptions {
  readonly scenario?: Partial<ScenarioInput>;
  readonly plan?: Omit<TestPlanInput, 'url'>;
  /** Credentials the gateway uses upstream, in order (recoveries advance). Default: the emulator's keys. */
  readonly auth?: readonly RequestAuth[];
  readonly gateway?: Partial<Omit<GatewayOptions, 'plan' | 'auth'>>;
  /** Bind the gateway to a loopback port too (default true). */
  readonly listen?: boolean;
  /** Upstream through the emulator's in-process fetch instead of its socket (default false). */
  readonly inProcessUpstream?: boolean;
}

export interface GatewayHarness {
  readonly emulator: Emulator;
  readonly emulatorServer: RunningEmulator | undefined;
  readonly emulatorUrl: string;
  readonly gateway: Gateway;
  readonly auth: ScriptedAuthProvider;
  /** `http://127.0.0.1:PORT` when listening, else `http://gateway.test`. */
  readonly url: string;
  readonly listener: ListeningGateway | undefined;
  readonly plan: RoutePlan;
  /** Every log line the gateway wrote, as JSON text. */
  readonly logs: string[];
  close(): Promise<void>;
}

export async function startGatewayHarness(options: GatewayHarnessOptions = {}): Promise<GatewayHarness> {
  const emulator = createEmulator(options.scenario ? { scenario: scenarioWith(options.scenario) } : {});
  const emulatorServer = options.inProcessUpstream ? undefined : await emulator.listen({ host: '127.0.0.1', port: 0 });
  const emulatorUrl = emulatorServer?.url ?? 'http://emulator.test';
  const plan = testPlan({ url: emulatorUrl, ...options.plan });
  const auth = new ScriptedAuthProvider(options.auth ?? [EMULATOR_KEYS]);
  const logs: string[] = [];
  const gateway = createGateway({
    plan,
    auth: { bedrock: auth, mantle: auth },
    logger: (line) => logs.push(JSON.stringify(line)),
    maxRetries: 0,
    ...(options.inProcessUpstream ? { fetch: emulator.fetch as typeof fetch } : {}),
    ...options.gateway,
  });
  const listener = options.listen === false ? undefined : await listenGateway(gateway, { host: '127.0.0.1', port: 0, ...(options.gateway?.maxBodyBytes ? { maxBodyBytes: options.gateway.maxBodyBytes } : {}) });
  return {
    emulator,
    emulatorServer,
    emulatorUrl,
    gateway,
    auth,
    url: listener?.url ?? 'http://gateway.test',
    listener,
    plan,
    logs,
    async close() {
      if (listener) await listener.close();
      else await gateway.close();
      if (emulatorServer) await emulatorServer.close();
    },
  };
}
