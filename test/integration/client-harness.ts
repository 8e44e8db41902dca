/**
 * Shared setup of the client integration tests: an emulator on a loopback port, a route plan
 * built by hand for it, and credential providers. The AuthProvider here is a test double of the
 * interface (src/aws/auth-types.ts) so tests control exactly what credentials each attempt uses;
 * the real provider is exercised in client-auth.test.ts.
 */
import type { AuthProvider, RequestAuth } from '../../src/aws/auth-types.js';
import { createEmulator, scenarioWith, type Emulator, type RunningEmulator, type ScenarioInput } from '../../src/emulator/index.js';
import type { CustomHeader, EndpointKind, ResolvedModel, RoutePlan } from '../../src/routing/types.js';

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

export interface PlanInput {
  readonly url: string;
  readonly endpoint?: EndpointKind;
  readonly region?: string;
  readonly mainModel?: string;
  readonly smallFastModel?: string;
  readonly betas?: readonly string[];
  readonly serviceTier?: 'default' | 'flex' | 'priority';
  readonly customHeaders?: readonly CustomHeader[];
  readonly discoverable?: boolean;
  readonly both?: boolean;
}

function model(role: ResolvedModel['role'], id: string, endpoint: EndpointKind, region: string, betas: readonly string[], discoverable: boolean): ResolvedModel {
  return {
    role,
    requested: id,
    wireModelId: id,
    endpoint,
    rule: 'test plan',
    catalogKey: undefined,
    betas,
    region: { value: region, source: 'test' },
    discoverable,
  };
}

export function planFor(input: PlanInput): RoutePlan {
  const endpoint = input.endpoint ?? 'bedrock';
  const region = input.region ?? 'us-east-1';
  const base = input.url.replace(/\/+$/, '');
  const mainId = input.mainModel ?? (endpoint === 'mantle' ? 'anthropic.claude-opus-4-7' : 'us.anthropic.claude-sonnet-4-5-20250929-v1:0');
  const smallId = input.smallFastModel ?? (endpoint === 'mantle' ? 'anthropic.claude-haiku-4-5' : 'us.anthropic.claude-haiku-4-5-20251001-v1:0');
  const credential = {
    kind: 'env-keys' as const,
    source: 'test',
    detail: 'test',
    profile: undefined,
    authRefresh: undefined,
    credentialExport: undefined,
  };
  return {
    providers: {
      bedrock: endpoint === 'bedrock' || input.both === true,
      mantle: endpoint === 'mantle' || input.both === true,
      label: endpoint === 'mantle' ? 'Amazon Bedrock (Mantle)' : 'Amazon Bedrock',
      source: 'test',
    },
    region: { value: region, source: 'test' },
    endpoints: {
      invoke: { value: base, source: 'ANTHROPIC_BEDROCK_BASE_URL (test)' },
      controlPlane: { value: base, source: 'ANTHROPIC_BEDROCK_BASE_URL (test)' },
      mantle: { value: `${base}/anthropic`, source: 'ANTHROPIC_BEDROCK_MANTLE_BASE_URL (test)' },
    },
    models: {
      main: model('main', mainId, endpoint, region, input.betas ?? [], input.discoverable ?? false),
      smallFast: model('smallFast', smallId, endpoint, region, [], input.discoverable ?? false),
    },
    serviceTier: input.serviceTier ? { value: input.serviceTier, source: 'test' } : undefined,
    customHeaders: input.customHeaders ?? [],
    credentials: { bedrock: credential, mantle: credential },
    availableModels: undefined,
    modelOverrides: {},
    warnings: [],
  };
}

/** An AuthProvider returning a fixed sequence of credentials: `recover` moves to the next one. */
export class ScriptedAuth implements AuthProvider {
  recoveries = 0;
  working = 0;
  private index = 0;
  constructor(private readonly sequence: readonly RequestAuth[]) {}
  async getAuth(): Promise<RequestAuth> {
    return this.sequence[Math.min(this.index, this.sequence.length - 1)]!;
  }
  async recoverFromAuthFailure(): Promise<boolean> {
    this.recoveries += 1;
    if (this.index + 1 >= this.sequence.length) return false;
    this.index += 1;
    return true;
  }
  markWorking(): void {
    this.working += 1;
  }
}

export function sigv4(accessKeyId: string, secretAccessKey: string, sessionToken?: string): RequestAuth {
  return { kind: 'sigv4', credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) } };
}

export const EMULATOR_KEYS = sigv4('AKIAEMULATOREXAMPLE1', 'emulatorSecretAccessKey/EXAMPLE/0000000000');
export const EMULATOR_BEARER: RequestAuth = {
  kind: 'bearer',
  token: 'ABSKQmVkcm9ja0FQSUtleS1lbXVsLWF0LTEyMzQ1Njc4OTAxMjplbXVsYXRvckFwaUtleVNlY3JldDAwMDA=',
};

/** Records the delays the client asked to wait, without waiting. */
export function recordingSleep(): { sleep: (ms: number) => Promise<void>; delays: number[] } {
  const delays: number[] = [];
  return { delays, sleep: async (ms: number) => void delays.push(ms) };
}
