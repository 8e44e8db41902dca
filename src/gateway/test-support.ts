/**
 * Test support for the gateway's own tests (unit, contract, e2e): an emulator, a route plan
 * pointing at it, credential providers with a scripted sequence, and a gateway in front, either
 * in-process (`gateway.fetch`) or on a loopback port. Not part of the public API.
 */
import type { AuthProvider, RequestAuth } from '../aws/auth-types.js';
import { createEmulator, scenarioWith, type Emulator, type RunningEmulator, type ScenarioInput } from '../emulator/index.js';
import type { CustomHeader, EndpointKind, ResolvedModel, RoutePlan } from '../routing/types.js';
import { createGateway } from './create-gateway.js';
import { listenGateway, type ListeningGateway } from './node-adapter.js';
import type { Gateway, GatewayOptions } from './types.js';

export const EMULATOR_KEYS: RequestAuth = {
  kind: 'sigv4',
  credentials: { accessKeyId: 'AKIAEMULATOREXAMPLE1', secretAccessKey: 'emulatorSecretAccessKey/EXAMPLE/0000000000' },
};
export const EMULATOR_BEARER: RequestAuth = {
  kind: 'bearer',
  token: 'ABSKQmVkcm9ja0FQSUtleS1lbXVsLWF0LTEyMzQ1Njc4OTAxMjplbXVsYXRvckFwaUtleVNlY3JldDAwMDA=',
};

/** An AuthProvider that hands out `sequence[i]`; each recovery moves to the next entry. */
export class ScriptedAuthProvider implements AuthProvider {
  recoveries = 0;
  working = 0;
  #index = 0;
  constructor(private readonly sequence: readonly RequestAuth[]) {}
  async getAuth(): Promise<RequestAuth> {
    return this.sequence[Math.min(this.#index, this.sequence.length - 1)]!;
  }
  async recoverFromAuthFailure(): Promise<boolean> {
    this.recoveries += 1;
    if (this.#index + 1 >= this.sequence.length) return false;
    this.#index += 1;
    return true;
  }
  markWorking(): void {
    this.working += 1;
  }
}

export interface TestPlanInput {
  readonly url: string;
  readonly endpoint?: EndpointKind;
  readonly both?: boolean;
  readonly region?: string;
  readonly mainModel?: string;
  readonly customHeaders?: readonly CustomHeader[];
  readonly serviceTier?: 'default' | 'flex' | 'priority';
  readonly availableModels?: readonly string[];
  readonly modelOverrides?: Readonly<Record<string, string>>;
  readonly credentialKind?: RoutePlan['credentials']['bedrock']['kind'];
}

function resolved(role: ResolvedModel['role'], id: string, endpoint: EndpointKind, region: string): ResolvedModel {
  return { role, requested: id, wireModelId: id, endpoint, rule: 'test plan', catalogKey: undefined, betas: [], region: { value: region, source: 'test' }, discoverable: false };
}

/** A route plan for an emulator at `url` (Invoke, control plane and Mantle all there). */
export function testPlan(input: TestPlanInput): RoutePlan {
  const endpoint = input.endpoint ?? 'bedrock';
  const region = input.region ?? 'us-east-1';
  const base = input.url.replace(/\/+$/, '');
  const credential = { kind: input.credentialKind ?? ('env-keys' as const), source: 'test', detail: 'test', profile: undefined, authRefresh: undefined, credentialExport: undefined };
  const main = input.mainModel ?? (endpoint === 'mantle' ? 'anthropic.claude-opus-4-7' : 'us.anthropic.claude-sonnet-4-5-20250929-v1:0');
  return {
    providers: {
      bedrock: endpoint === 'bedrock' || input.both === true,
      mantle: endpoint === 'mantle' || input.both === true,
      label: 'test',
      source: 'test',
    },
    region: { value: region, source: 'test' },
    endpoints: {
      invoke: { value: base, source: 'ANTHROPIC_BEDROCK_BASE_URL (test)' },
      controlPlane: { value: base, source: 'ANTHROPIC_BEDROCK_BASE_URL (test)' },
      mantle: { value: `${base}/anthropic`, source: 'ANTHROPIC_BEDROCK_MANTLE_BASE_URL (test)' },
    },
    models: { main: resolved('main', main, endpoint, region), smallFast: resolved('smallFast', main, endpoint, region) },
    serviceTier: input.serviceTier ? { value: input.serviceTier, source: 'test' } : undefined,
    customHeaders: input.customHeaders ?? [],
    credentials: { bedrock: credential, mantle: credential },
    availableModels: input.availableModels ? { value: input.availableModels, source: 'test settings' } : undefined,
    modelOverrides: input.modelOverrides ?? {},
    warnings: [],
  };
}

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
