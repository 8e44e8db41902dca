/**
 * Control-plane reads Claude Code makes at startup: ListInferenceProfiles (SYSTEM_DEFINED,
 * paginated) and GetInferenceProfile for an application inference profile ARN, whose backing
 * model decides capabilities, 1M support and the CountTokens base ID. Sent through the Bedrock
 * SDK client so signing (SigV4 service `bedrock`) and bearer auth match the model calls.
 */
import { CcBedrockError } from '../core/errors.js';
import { findModelById, parseBedrockArn } from '../models/model-catalog.js';
import type { CallRunner } from './runner.js';
import { withAllowedHeaders } from './transport.js';
import type { CallTarget } from './types.js';

export interface InferenceProfile {
  readonly inferenceProfileId: string;
  readonly inferenceProfileArn: string;
  readonly inferenceProfileName: string | undefined;
  readonly type: string | undefined;
  readonly status: string | undefined;
  /** Foundation-model ARNs the profile routes to. */
  readonly modelArns: readonly string[];
  /** The foundation model behind the profile (`anthropic.claude-…`), from its first model ARN. */
  readonly backingModelId: string | undefined;
  /** Catalog key of the backing model when the catalog knows it. */
  readonly catalogKey: string | undefined;
}

/** Safety bound on pagination: real accounts have tens of system profiles, never thousands of pages. */
const MAX_PAGES = 50;

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

export function toInferenceProfile(raw: unknown): InferenceProfile | undefined {
  const record = asRecord(raw);
  if (!record) return undefined;
  const id = typeof record['inferenceProfileId'] === 'string' ? record['inferenceProfileId'] : undefined;
  const arn = typeof record['inferenceProfileArn'] === 'string' ? record['inferenceProfileArn'] : undefined;
  if (!id && !arn) return undefined;
  const models = Array.isArray(record['models']) ? record['models'] : [];
  const modelArns = models
    .map((model) => asRecord(model)?.['modelArn'])
    .filter((value): value is string => typeof value === 'string');
  const first = modelArns.map((value) => parseBedrockArn(value)).find((parsed) => parsed?.resourceType === 'foundation-model');
  const backingModelId = first?.resourceId;
  return {
    inferenceProfileId: id ?? arn!,
    inferenceProfileArn: arn ?? id!,
    inferenceProfileName: typeof record['inferenceProfileName'] === 'string' ? record['inferenceProfileName'] : undefined,
    type: typeof record['type'] === 'string' ? record['type'] : undefined,
    status: typeof record['status'] === 'string' ? record['status'] : undefined,
    modelArns,
    backingModelId,
    catalogKey: backingModelId ? findModelById(backingModelId)?.key : undefined,
  };
}

function controlTarget(label: string, region: string, baseURL: string): CallTarget {
  return { modelId: label, requested: label, endpoint: 'bedrock', region, baseURL, betas: [], catalogKey: undefined };
}

export interface ListProfilesInput {
  readonly region: string;
  /** Control-plane base URL (the Invoke base when ANTHROPIC_BEDROCK_BASE_URL is set). */
  readonly baseURL: string;
  readonly signal?: AbortSignal | undefined;
  readonly maxRetries?: number;
}

/** `GET /inference-profiles?type=SYSTEM_DEFINED`, following `nextToken`. Returns the profiles and how many pages were fetched. */
export async function listSystemInferenceProfiles(
  runner: CallRunner,
  input: ListProfilesInput,
): Promise<{ profiles: InferenceProfile[]; calls: number }> {
  const target = controlTarget('ListInferenceProfiles', input.region, input.baseURL);
  const profiles: InferenceProfile[] = [];
  let nextToken: string | undefined;
  let calls = 0;
  do {
    calls += 1;
    const query: Record<string, string> = { type: 'SYSTEM_DEFINED', ...(nextToken ? { nextToken } : {}) };
    const page = await runner.run({
      target,
      operation: 'control-plane',
      signal: input.signal,
      ...(input.maxRetries !== undefined ? { maxRetries: input.maxRetries } : {}),
      send: (sdk) =>
        sdk.get('/inference-profiles', { query, headers: withAllowedHeaders({}), ...(input.signal ? { signal: input.signal } : {}) }) as unknown as Promise<unknown>,
    });
    const record = asRecord(page);
    const summaries = Array.isArray(record?.['inferenceProfileSummaries']) ? (record!['inferenceProfileSummaries'] as unknown[]) : [];
    for (const summary of summaries) {
      const profile = toInferenceProfile(summary);
      if (profile) profiles.push(profile);
    }
    nextToken = typeof record?.['nextToken'] === 'string' && record['nextToken'] ? record['nextToken'] : undefined;
  } while (nextToken && calls < MAX_PAGES);
  return { profiles, calls };
}

export interface GetProfileInput {
  readonly arn: string;
  readonly region: string;
  readonly baseURL: string;
  readonly signal?: AbortSignal | undefined;
}

/** `GET /inference-profiles/{fully encoded ARN}` (GetInferenceProfile). */
export async function getInferenceProfile(runner: CallRunner, input: GetProfileInput): Promise<InferenceProfile> {
  const target = controlTarget(input.arn, input.region, input.baseURL);
  const raw = await runner.run({
    target,
    operation: 'control-plane',
    signal: input.signal,
    send: (sdk) =>
      sdk.get(`/inference-profiles/${encodeURIComponent(input.arn)}`, {
        headers: withAllowedHeaders({}),
        ...(input.signal ? { signal: input.signal } : {}),
      }) as unknown as Promise<unknown>,
  });
  const profile = toInferenceProfile(raw);
  if (!profile) {
    throw new CcBedrockError('UPSTREAM_ERROR', `GetInferenceProfile for ${input.arn} in ${input.region} (${input.baseURL}) returned no profile`, {
      remediation: 'check the ARN and that the endpoint is the Bedrock control plane (or a gateway that implements it)',
      details: { arn: input.arn, region: input.region, baseURL: input.baseURL },
    });
  }
  return profile;
}
