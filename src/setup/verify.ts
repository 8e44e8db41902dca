/**
 * The wizard's verification step (spec §9 step 5): who the credentials belong to, which Claude
 * inference profiles the account lists in the region, and which models it can really invoke,
 * each checked with a 1-token request as Claude Code's startup discovery does. Requests go
 * through the client's own runner and SDK transport (src/client), so signing, bearer auth,
 * endpoints and error mapping are exactly those of a real session.
 */
import type { Writable } from 'node:stream';
import type { AuthProvider } from '../core/auth-types.js';
import { getCallerIdentity, type CallerIdentity } from '../aws/caller-identity.js';
import { planCredentials, type AwsCredentialPlan } from '../aws/credential-plan.js';
import { createAuthProvider } from '../aws/credentials.js';
import { listSystemInferenceProfiles } from '../client/inference-profiles.js';
import { createProbeRunner, isCredentialFailure, probeCallTarget, probeModel } from '../client/probe.js';
import type { CallTarget } from '../core/route-plan.js';
import { systemClock, type Clock } from '../core/clock.js';
import type { Env } from '../core/read-env.js';
import { resolveEndpoints } from '../routing/endpoints.js';
import { parseCustomHeaders } from '../routing/headers.js';
import type { CustomHeader, EndpointKind, EnvLookup, RoutePlan, Sourced } from '../core/route-plan.js';
import { GUARDRAIL_ID_HEADER, GUARDRAIL_VERSION_HEADER } from './decide-changes.js';
import type { ProbeCandidate, ProbeResult } from './model-choices.js';
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

/** Failures that are about the credentials, not the model: verification stops on them. */
export { isCredentialFailure };

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
  // Every call below says its own retries (one, as discovery).
  const runner = createProbeRunner({ auth, fetch: fetchFn, timeoutMs, clock });
  // A malformed ANTHROPIC_CUSTOM_HEADERS would fail every real request too; the wizard reports it up front.
  const customHeaders: readonly CustomHeader[] = parseCustomHeaders(options.env).headers;

  const targetOf = (candidate: ProbeCandidate): CallTarget =>
    probeCallTarget(endpoints, { modelId: candidate.id, endpoint: candidate.endpoint, region: options.region, catalogKey: candidate.catalogKey });

  // The probe of session discovery (src/client/probe.ts); it throws credential failures, which end verification.
  const send = async (candidate: ProbeCandidate, headers: readonly CustomHeader[]): Promise<ProbeResult> => {
    const outcome = await probeModel(targetOf(candidate), { runner, customHeaders: headers, maxRetries: 1 });
    return outcome.status === 'available' ? { candidate, status: 'available' } : { candidate, status: outcome.status, ...(outcome.reason !== undefined ? { reason: outcome.reason } : {}) };
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
