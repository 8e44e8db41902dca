/**
 * The wizard's verification step (spec §9 step 5): who the credentials belong to, which Claude
 * inference profiles the account lists in the region, and which models it can really invoke,
 * each checked with a 1-token request as Claude Code's startup discovery does. Requests go
 * through the client's own runner and SDK transport (src/client), so signing, bearer auth,
 * endpoints and error mapping are exactly those of a real session.
 */
import type { Writable } from 'node:stream';
import type { AuthProvider } from '../aws/auth-types.js';
import { getCallerIdentity, type CallerIdentity } from '../aws/caller-identity.js';
import { planCredentials, type AwsCredentialPlan } from '../aws/credential-plan.js';
import { createAuthProvider } from '../aws/credentials.js';
import { listSystemInferenceProfiles } from '../client/inference-profiles.js';
import { CallRunner, defaultSleep } from '../client/runner.js';
import { BEDROCK_ANTHROPIC_VERSION, SdkClientPool, requestHeaders, withAllowedHeaders } from '../client/transport.js';
import type { CallTarget, ClientLogger } from '../client/types.js';
import { isCcBedrockError, type ErrorCode } from '../errors.js';
import { systemClock, type Clock } from '../internal/clock.js';
import type { Env } from '../internal/read-env.js';
import { resolveEndpoints } from '../routing/endpoints.js';
import { parseCustomHeaders } from '../routing/headers.js';
import type { CustomHeader, EndpointKind, EnvLookup, RoutePlan, Sourced } from '../routing/types.js';
import { GUARDRAIL_ID_HEADER, GUARDRAIL_VERSION_HEADER } from './decide-changes.js';
import type { ProbeCandidate, ProbeResult, ProbeStatus } from './model-choices.js';
import type { GuardrailSetting } from './types.js';

export interface VerifyOptions {
  /** Variables as Claude Code will see them once the answers are written. */
  readonly env: EnvLookup;
  /** The same as a plain environment, for awsCredentialExport and awsAuthRefresh commands. */
  readonly subprocessEnv: Env;
  readonly homeDir: string;
  readonly platform: NodeJS.Platform;
  readonly region: string;
  readonly awsAuthRefresh?: Sourced<string> | undefined;
  readonly awsCredentialExport?: Sourced<string> | undefined;
  readonly stderr: Writable;
  readonly warn: (message: string) => void;
  readonly fetch?: typeof fetch;
  readonly clock?: Clock;
  /** Per request. A wizard should not wait Claude Code's ten minutes for one probe. */
  readonly timeoutMs?: number;
}

export interface ProfileListing {
  /** System inference-profile IDs; undefined when listing was denied or failed. */
  readonly ids: readonly string[] | undefined;
  readonly error: string | undefined;
}

export interface VerifySession {
  readonly credentials: AwsCredentialPlan;
  readonly endpoints: RoutePlan['endpoints'];
  /** STS identity for SigV4 credentials; undefined for a Bedrock API key. */
  identity(): Promise<CallerIdentity | undefined>;
  listProfiles(): Promise<ProfileListing>;
  /** Probes in parallel (bounded), reporting each finished probe. */
  probe(candidates: readonly ProbeCandidate[], onProgress?: (done: number, total: number) => void): Promise<ProbeResult[]>;
  /** One request through the guardrail, on a model known to be invokable. */
  checkGuardrail(model: ProbeCandidate, guardrail: GuardrailSetting): Promise<ProbeResult>;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const PROBE_CONCURRENCY = 4;
const silentLogger: ClientLogger = { debug() {}, warn() {} };

/** Failures that are about the credentials, not the model: verification stops on them. */
const CREDENTIAL_CODES: ReadonlySet<ErrorCode> = new Set([
  'CREDENTIALS_NOT_FOUND',
  'CREDENTIALS_INVALID',
  'CREDENTIALS_EXPIRED',
  'AUTH_REFRESH_LOOP',
  'AUTH_REFRESH_FAILED',
  'CREDENTIAL_EXPORT_FAILED',
]);

export function isCredentialFailure(error: unknown): boolean {
  return isCcBedrockError(error) && CREDENTIAL_CODES.has(error.code);
}

/** The same classification as the client's discovery (src/client/discovery.ts statusOf). */
function probeStatusOf(error: unknown): { status: ProbeStatus; reason: string } {
  if (!isCcBedrockError(error)) return { status: 'unknown', reason: error instanceof Error ? error.message : String(error) };
  const denied: ErrorCode[] = ['MODEL_NOT_GRANTED', 'ACCESS_DENIED', 'MANTLE_NOT_GRANTED'];
  const missing: ErrorCode[] = ['MODEL_NOT_IN_REGION', 'ON_DEMAND_NOT_SUPPORTED', 'MANTLE_MODEL_NOT_SERVED', 'MODEL_UNKNOWN'];
  if (denied.includes(error.code)) return { status: 'denied', reason: error.message };
  if (missing.includes(error.code)) return { status: 'not-found', reason: error.message };
  return { status: 'unknown', reason: error.message };
}

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export async function openVerifySession(options: VerifyOptions): Promise<VerifySession> {
  const region: Sourced<string> = { value: options.region, source: 'setup answer' };
  const endpoints = resolveEndpoints(options.env, region);
  const credentialInput = {
    env: options.env,
    homeDir: options.homeDir,
    ...(options.awsAuthRefresh ? { awsAuthRefresh: options.awsAuthRefresh } : {}),
    ...(options.awsCredentialExport ? { awsCredentialExport: options.awsCredentialExport } : {}),
  };
  const [bedrockPlan, mantlePlan] = await Promise.all([
    planCredentials({ ...credentialInput, endpoint: 'bedrock' }),
    planCredentials({ ...credentialInput, endpoint: 'mantle' }),
  ]);
  const clock = options.clock ?? systemClock;
  const fetchFn = options.fetch ?? globalThis.fetch;
  const providerFor = (plan: AwsCredentialPlan): AuthProvider =>
    createAuthProvider({
      plan,
      env: options.env,
      subprocessEnv: options.subprocessEnv,
      homeDir: options.homeDir,
      region: options.region,
      stderr: options.stderr,
      warn: options.warn,
      clock,
      fetch: fetchFn,
      platform: options.platform,
    });
  const auth: Record<EndpointKind, AuthProvider> = { bedrock: providerFor(bedrockPlan), mantle: providerFor(mantlePlan) };
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const runner = new CallRunner({
    pool: new SdkClientPool({ fetch: fetchFn, timeoutMs }),
    auth,
    clock,
    sleep: defaultSleep,
    random: Math.random,
    logger: silentLogger,
    maxRetries: 1,
  });
  // A malformed ANTHROPIC_CUSTOM_HEADERS would fail every real request too; the wizard reports it up front.
  const customHeaders: readonly CustomHeader[] = parseCustomHeaders(options.env).headers;

  const targetOf = (candidate: ProbeCandidate): CallTarget => ({
    modelId: candidate.id,
    requested: candidate.id,
    endpoint: candidate.endpoint,
    region: options.region,
    baseURL: candidate.endpoint === 'mantle' ? endpoints.mantle.value : endpoints.invoke.value,
    betas: [],
    catalogKey: candidate.catalogKey,
  });

  const send = async (candidate: ProbeCandidate, headers: readonly CustomHeader[]): Promise<ProbeResult> => {
    try {
      await runner.run({
        target: targetOf(candidate),
        operation: 'probe',
        maxRetries: 1,
        send: (sdk, requestAuth) =>
          sdk.messages.create(
            (candidate.endpoint === 'bedrock'
              ? { model: candidate.id, max_tokens: 1, messages: [{ role: 'user', content: '.' }], anthropic_version: BEDROCK_ANTHROPIC_VERSION }
              : { model: candidate.id, max_tokens: 1, messages: [{ role: 'user', content: '.' }] }) as never,
            { headers: withAllowedHeaders(requestHeaders({ endpoint: candidate.endpoint, authKind: requestAuth.kind, customHeaders: headers })) },
          ) as unknown as Promise<unknown>,
      });
      return { candidate, status: 'available' };
    } catch (error) {
      if (isCredentialFailure(error)) throw error;
      return { candidate, ...probeStatusOf(error) };
    }
  };

  return {
    credentials: bedrockPlan,
    endpoints,
    async identity() {
      if (bedrockPlan.kind === 'bearer-token' || bedrockPlan.kind === 'skip-auth') return undefined;
      const requestAuth = await auth.bedrock.getAuth();
      return getCallerIdentity(requestAuth, { env: options.env, region: options.region, fetch: fetchFn });
    },
    async listProfiles() {
      try {
        const { profiles } = await listSystemInferenceProfiles(runner, { region: options.region, baseURL: endpoints.controlPlane.value, maxRetries: 1 });
        return { ids: profiles.map((profile) => profile.inferenceProfileId), error: undefined };
      } catch (error) {
        if (isCredentialFailure(error)) throw error;
        // Narrow API-key policies often lack bedrock:ListInferenceProfiles; the catalog stands in.
        return { ids: undefined, error: error instanceof Error ? error.message : String(error) };
      }
    },
    async probe(candidates, onProgress) {
      let done = 0;
      onProgress?.(0, candidates.length);
      return mapLimited(candidates, PROBE_CONCURRENCY, async (candidate) => {
        const result = await send(candidate, customHeaders);
        done += 1;
        onProgress?.(done, candidates.length);
        return result;
      });
    },
    async checkGuardrail(model, guardrail) {
      const others = customHeaders.filter((header) => header.role !== 'guardrail');
      return send(model, [
        ...others,
        { name: GUARDRAIL_ID_HEADER, value: guardrail.id, role: 'guardrail' },
        { name: GUARDRAIL_VERSION_HEADER, value: guardrail.version, role: 'guardrail' },
      ]);
    },
  };
}
