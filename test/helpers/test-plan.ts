/**
 * Route plans and credentials for tests that drive the client or the gateway against the
 * emulator: a plan built by hand for an emulator URL (Invoke, control plane and Mantle all
 * there), and an AuthProvider test double that hands out a scripted sequence of credentials so a
 * test controls exactly what each attempt uses (the real provider is tested in
 * test/integration/aws-credentials.test.ts and client-auth.test.ts).
 */
import type { AuthProvider, RequestAuth } from '../../src/core/auth-types.js';
import type { CustomHeader, EndpointKind, ResolvedModel, RoutePlan } from '../../src/core/route-plan.js';

export function sigv4(accessKeyId: string, secretAccessKey: string, sessionToken?: string): RequestAuth {
  return { kind: 'sigv4', credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) } };
}

/** The default scenario's access keys and Bedrock API key. */
export const EMULATOR_KEYS = sigv4('AKIAEMULATOREXAMPLE1', 'emulatorSecretAccessKey/EXAMPLE/0000000000');
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
  /** Both providers on (Invoke and Mantle). */
  readonly both?: boolean;
  readonly region?: string;
  readonly mainModel?: string;
  readonly smallFastModel?: string;
  /** Betas the main model's resolution carries. */
  readonly betas?: readonly string[];
  /** Built-in defaults of unpinned tiers (discovery checks them). */
  readonly discoverable?: boolean;
  readonly customHeaders?: readonly CustomHeader[];
  readonly serviceTier?: 'default' | 'flex' | 'priority';
  readonly availableModels?: readonly string[];
  readonly modelOverrides?: Readonly<Record<string, string>>;
  readonly credentialKind?: RoutePlan['credentials']['bedrock']['kind'];
}

function model(role: ResolvedModel['role'], id: string, endpoint: EndpointKind, region: string, betas: readonly string[], discoverable: boolean): ResolvedModel {
  return { role, requested: id, wireModelId: id, endpoint, rule: 'test plan', catalogKey: undefined, betas, region: { value: region, source: 'test' }, discoverable };
}

/** A route plan for an emulator at `url`. */
export function testPlan(input: TestPlanInput): RoutePlan {
  const endpoint = input.endpoint ?? 'bedrock';
  const region = input.region ?? 'us-east-1';
  const base = input.url.replace(/\/+$/, '');
  const mainId = input.mainModel ?? (endpoint === 'mantle' ? 'anthropic.claude-opus-4-7' : 'us.anthropic.claude-sonnet-4-5-20250929-v1:0');
  const smallId = input.smallFastModel ?? (endpoint === 'mantle' ? 'anthropic.claude-haiku-4-5' : 'us.anthropic.claude-haiku-4-5-20251001-v1:0');
  const discoverable = input.discoverable ?? false;
  const credential = { kind: input.credentialKind ?? ('env-keys' as const), source: 'test', detail: 'test', profile: undefined, authRefresh: undefined, credentialExport: undefined };
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
      main: model('main', mainId, endpoint, region, input.betas ?? [], discoverable),
      smallFast: model('smallFast', smallId, endpoint, region, [], discoverable),
    },
    serviceTier: input.serviceTier ? { value: input.serviceTier, source: 'test' } : undefined,
    customHeaders: input.customHeaders ?? [],
    credentials: { bedrock: credential, mantle: credential },
    availableModels: input.availableModels ? { value: input.availableModels, source: 'test settings' } : undefined,
    modelOverrides: input.modelOverrides ?? {},
    warnings: [],
  };
}
