/**
 * Turns every Bedrock and Mantle failure into a CcBedrockError whose message names the model,
 * region and endpoint and whose remediation says the fix, and decides what the client does next:
 * refresh credentials and retry, back off and retry, or fail at once.
 *
 * Claude Code treats every 403 as a credential problem and retries it for minutes; here only an
 * expired token is healed, and a missing grant fails immediately with the grant to ask for.
 */
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from '@anthropic-ai/sdk/core/error';
import { CcBedrockError, type ErrorCode } from '../errors.js';
import { proxyFailureOf } from '../network/proxy.js';
import type { RequestAuth } from '../aws/auth-types.js';
import type { CallTarget } from './types.js';
import { profileIdsForRegion, stripProfilePrefix } from './model-ids.js';
import { pinSettingsFor } from '../models/resolve-model.js';

/** What went wrong upstream, extracted from whatever the SDK threw. */
export interface UpstreamFailure {
  /** HTTP status; undefined for an exception frame inside a 200 stream, a dropped connection or a timeout. */
  readonly status: number | undefined;
  /** `ThrottlingException`, `modelStreamErrorException`, Mantle's `invalid_request_error`… */
  readonly errorType: string | undefined;
  /** The upstream's own words, secrets removed. */
  readonly message: string;
  readonly retryAfterMs: number | undefined;
  readonly requestId: string | undefined;
  readonly phase: 'http' | 'stream-frame' | 'network' | 'timeout' | 'abort' | 'unknown';
}

export type FailureAction =
  /** Credentials were rejected as expired: ask the AuthProvider to recover, then send again. */
  | 'recover-auth'
  /** Transient: back off (honouring Retry-After) and send again while retries remain. */
  | 'retry'
  /** Retrying cannot help. */
  | 'fail';

export interface ClassifiedFailure {
  readonly action: FailureAction;
  /** The error to throw when the action is `fail` or retries run out. */
  readonly error: CcBedrockError;
  readonly failure: UpstreamFailure;
}

const SECRET_PLACEHOLDER = '<redacted>';

/** Secret strings of the auth in use, so an upstream message that echoes one cannot leak it. */
export function secretsOf(auth: RequestAuth | undefined): string[] {
  if (!auth) return [];
  if (auth.kind === 'bearer') return [auth.token];
  if (auth.kind === 'sigv4') {
    return [auth.credentials.secretAccessKey, auth.credentials.sessionToken].filter(
      (value): value is string => typeof value === 'string' && value.length > 0,
    );
  }
  return [];
}

export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 8) out = out.split(secret).join(SECRET_PLACEHOLDER);
  }
  return out;
}

function parseRetryAfter(headers: Headers | undefined, now: number): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '') {
    const value = Number(ms);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const raw = headers.get('retry-after');
  if (raw === null || raw.trim() === '') return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(raw);
  if (!Number.isNaN(date)) return Math.max(0, date - now);
  return undefined;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/**
 * The AWS error name as the AWS SDK resolves it (wire formats §3.1): `x-amzn-ErrorType` header,
 * then body `code`, then `__type`, each cut at `:` and after `#`.
 */
function awsErrorType(headers: Headers | undefined, body: Record<string, unknown> | undefined): string | undefined {
  const clean = (raw: string) => {
    const first = raw.split(',')[0]!.split(':')[0]!;
    const hash = first.lastIndexOf('#');
    return (hash >= 0 ? first.slice(hash + 1) : first).trim() || undefined;
  };
  const header = headers?.get('x-amzn-errortype');
  if (header) return clean(header);
  const code = str(body?.['code']) ?? str(body?.['Code']);
  if (code) return clean(code);
  const type = str(body?.['__type']);
  return type ? clean(type) : undefined;
}

/** Reads what the SDK threw into one shape. */
export function describeUpstreamFailure(error: unknown, secrets: readonly string[], now: number): UpstreamFailure {
  const scrub = (text: string) => scrubSecrets(text, secrets);
  if (error instanceof APIUserAbortError) {
    return { status: undefined, errorType: undefined, message: 'request aborted', retryAfterMs: undefined, requestId: undefined, phase: 'abort' };
  }
  if (error instanceof APIConnectionTimeoutError) {
    return { status: undefined, errorType: undefined, message: 'request timed out', retryAfterMs: undefined, requestId: undefined, phase: 'timeout' };
  }
  if (error instanceof APIConnectionError) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return { status: undefined, errorType: undefined, message: scrub(`${error.message}${cause}`), retryAfterMs: undefined, requestId: undefined, phase: 'network' };
  }
  if (error instanceof APIError) {
    const body = asRecord(error.error);
    const nested = asRecord(body?.['error']);
    const headers = error.headers instanceof Headers ? error.headers : undefined;
    const message =
      str(nested?.['message']) ?? str(body?.['message']) ?? str(body?.['Message']) ?? (error.status ? `HTTP ${error.status}` : error.message);
    const errorType = awsErrorType(headers, body) ?? str(nested?.['type']);
    const requestId = headers?.get('x-amzn-requestid') ?? headers?.get('x-amzn-request-id') ?? headers?.get('request-id') ?? undefined;
    return {
      status: error.status,
      errorType,
      message: scrub(message),
      retryAfterMs: parseRetryAfter(headers, now),
      requestId: requestId ?? undefined,
      phase: error.status === undefined ? 'stream-frame' : 'http',
    };
  }
  if (error instanceof Error) {
    const abort = error.name === 'AbortError';
    return {
      status: undefined,
      errorType: abort ? undefined : error.name !== 'Error' && error.name !== 'TypeError' ? error.name : undefined,
      message: scrub(error.message),
      retryAfterMs: undefined,
      requestId: undefined,
      phase: abort ? 'abort' : 'unknown',
    };
  }
  return { status: undefined, errorType: undefined, message: scrub(String(error)), retryAfterMs: undefined, requestId: undefined, phase: 'unknown' };
}

export function endpointLabel(target: Pick<CallTarget, 'endpoint' | 'baseURL'>): string {
  return target.endpoint === 'mantle' ? `Bedrock Mantle endpoint ${target.baseURL}` : `Bedrock Invoke API ${target.baseURL}`;
}

function where(target: CallTarget): string {
  return `model ${target.modelId} in ${target.region} (${endpointLabel(target)})`;
}

/**
 * For a first-party name or alias the account cannot use: which pin or `modelOverrides` entry
 * sends it to a model the account does serve (empty for provider IDs, which are pins already).
 */
function pinHint(target: CallTarget): string {
  const pins = pinSettingsFor(target.requested);
  if (!pins) return '';
  const override = pins.overrideKey ? ` or map it with a modelOverrides entry in the settings ("modelOverrides": {"${pins.overrideKey}": "<model ID>"})` : '';
  return `; or, to use another model for "${target.requested}", set ${pins.variable} to a model ID this account serves (in Claude Code's environment when it talks to a gateway)${override}`;
}

function upstreamText(failure: UpstreamFailure): string {
  const status = failure.status !== undefined ? `${failure.status} ` : '';
  const type = failure.errorType ? `${failure.errorType}: ` : '';
  return `${status}${type}${failure.message}`;
}

function makeError(
  code: ErrorCode,
  message: string,
  remediation: string,
  target: CallTarget,
  failure: UpstreamFailure,
  cause: unknown,
  extra: Record<string, unknown> = {},
): CcBedrockError {
  return new CcBedrockError(code, message, {
    remediation,
    cause,
    status: failure.status,
    details: {
      model: target.modelId,
      requested: target.requested,
      region: target.region,
      endpoint: target.endpoint,
      baseURL: target.baseURL,
      ...(failure.errorType ? { upstreamErrorType: failure.errorType } : {}),
      ...(failure.requestId ? { requestId: failure.requestId } : {}),
      ...extra,
    },
  });
}

/** IAM resources a grant must cover for a Bedrock model ID (spec §11). */
export function iamResourcesFor(modelId: string, region: string): string[] {
  if (modelId.startsWith('arn:')) {
    return [modelId, `arn:aws:bedrock:*::foundation-model/*`];
  }
  const base = stripProfilePrefix(modelId);
  const resources: string[] = [];
  if (base !== modelId) resources.push(`arn:aws:bedrock:${region}:<account-id>:inference-profile/${modelId}`);
  // A cross-region profile routes to several regions, so the foundation model must be allowed in all of them.
  resources.push(`arn:aws:bedrock:${base !== modelId ? '*' : region}::foundation-model/${base}`);
  return resources;
}

const EXPIRED = /security token included in the request is expired|token has expired|expiredtoken/i;
const INVALID_TOKEN = /security token included in the request is invalid/i;
const BAD_SIGNATURE = /signature we calculated does not match/i;
const BEARER_REJECTED = /api key|authentication failed/i;
const NOT_GRANTED = /don't have access to the model|do not have access to the model|model access is denied|aws marketplace|use case details/i;
const ON_DEMAND = /on-demand throughput isn.t supported/i;
const INVALID_MODEL_ID = /provided model identifier is invalid|model identifier is invalid|failed to satisfy constraint.*modelId/i;
const NOT_SERVED_ON_MANTLE = /not supported on this endpoint|model .* (?:is not|isn't) (?:supported|available|served)|unknown model|model not found|does not exist/i;
const TOO_LONG = /too long|too many tokens|exceeds? .*context|prompt is too long/i;
const COUNT_TOKENS_UNSUPPORTED = /doesn't support counting tokens|does not support counting tokens/i;

export interface ClassifyContext {
  readonly target: CallTarget;
  readonly authKind: RequestAuth['kind'];
  /** `count-tokens` is reported differently when Bedrock cannot count for the model. */
  readonly operation: 'messages' | 'count-tokens' | 'control-plane' | 'probe';
  /** Base model ID CountTokens was sent to, for its error message. */
  readonly countTokensModelId?: string;
}

/** Inference-profile IDs of the same model for the target's region, most specific first. */
export function profileSuggestions(modelId: string, region: string): string[] {
  return profileIdsForRegion(modelId, region);
}

/** Decides what a failure means. `cause` is kept on the error (it carries no secrets: the SDK never attaches request headers). */
export function classifyFailure(cause: unknown, failure: UpstreamFailure, context: ClassifyContext): ClassifiedFailure {
  const { target } = context;
  const fail = (error: CcBedrockError): ClassifiedFailure => ({ action: 'fail', error, failure });
  const retry = (error: CcBedrockError): ClassifiedFailure => ({ action: 'retry', error, failure });
  const recover = (error: CcBedrockError): ClassifiedFailure => ({ action: 'recover-auth', error, failure });
  const text = upstreamText(failure);
  const type = (failure.errorType ?? '').toLowerCase();
  const status = failure.status;
  const mantle = target.endpoint === 'mantle';
  const skipAuth = context.authKind === 'none';
  const refreshHint =
    'refresh the credentials (e.g. `aws sso login --profile <profile>`, or fix awsAuthRefresh / awsCredentialExport) and check `aws sts get-caller-identity`';

  if (failure.phase === 'abort') {
    return fail(makeError('STREAM_INTERRUPTED', `request for ${where(target)} was aborted by the caller`, 'nothing to do: the caller cancelled the request', target, failure, cause, { aborted: true }));
  }
  if (failure.phase === 'timeout') {
    return retry(
      makeError('TIMEOUT', `request for ${where(target)} timed out`, 'raise API_TIMEOUT_MS, check network access to the endpoint, or retry later', target, failure, cause),
    );
  }
  if (failure.phase === 'network') {
    // A proxy that refuses the login or the tunnel answers the same way on every attempt.
    const proxyFailure = proxyFailureOf(cause);
    if (proxyFailure === 'login-refused' || proxyFailure === 'tunnel-refused') {
      return fail(
        makeError(
          'NETWORK',
          `the proxy ${proxyFailure === 'login-refused' ? 'refused its login' : 'refused the connection'} to ${endpointLabel(target)} for model ${target.modelId} in ${target.region}: ${failure.message}`,
          proxyFailure === 'login-refused'
            ? 'fix the user and password in the proxy URL (HTTPS_PROXY / HTTP_PROXY, percent-encoded), or ask the proxy administrators for access'
            : 'ask the proxy administrators to allow the endpoint, or list its host in NO_PROXY if it is reachable directly',
          target,
          failure,
          cause,
        ),
      );
    }
    return retry(
      makeError(
        'NETWORK',
        `could not reach ${endpointLabel(target)} for model ${target.modelId} in ${target.region}: ${failure.message}`,
        'check the network, proxy (HTTPS_PROXY) and the endpoint URL (ANTHROPIC_BEDROCK_BASE_URL / ANTHROPIC_BEDROCK_MANTLE_BASE_URL)',
        target,
        failure,
        cause,
      ),
    );
  }

  // Credentials.
  const expired = type === 'expiredtokenexception' || EXPIRED.test(failure.message) || (mantle && status === 401);
  if (expired && !skipAuth) {
    return recover(
      makeError(
        'CREDENTIALS_EXPIRED',
        `${mantle ? 'Bedrock Mantle' : 'Amazon Bedrock'} rejected the credentials as expired for ${where(target)}: ${text}`,
        refreshHint,
        target,
        failure,
        cause,
      ),
    );
  }
  if (status === 401 || type === 'unrecognizedclientexception' || type === 'invalidsignatureexception' || INVALID_TOKEN.test(failure.message) || BAD_SIGNATURE.test(failure.message)) {
    const signature = type === 'invalidsignatureexception' || BAD_SIGNATURE.test(failure.message);
    return fail(
      makeError(
        'CREDENTIALS_INVALID',
        `${mantle ? 'Bedrock Mantle' : 'Amazon Bedrock'} rejected the credentials for ${where(target)}: ${text}`,
        skipAuth
          ? 'requests are sent unsigned (CLAUDE_CODE_SKIP_BEDROCK_AUTH / CLAUDE_CODE_SKIP_MANTLE_AUTH): the gateway in front of Bedrock must add credentials'
          : signature
            ? 'the secret access key does not match the access key ID, or a proxy altered the request: re-export the key pair or fix the proxy'
            : `the access key or token is not valid for this account: ${refreshHint}`,
        target,
        failure,
        cause,
      ),
    );
  }
  if (!mantle && status === 403 && context.authKind === 'bearer' && BEARER_REJECTED.test(failure.message)) {
    return fail(
      makeError(
        'CREDENTIALS_INVALID',
        `Amazon Bedrock rejected the API key (AWS_BEARER_TOKEN_BEDROCK) for ${where(target)}: ${text}`,
        'create a new Bedrock API key in the Bedrock console (short-term keys last at most 12 hours and work only in their region) and set AWS_BEARER_TOKEN_BEDROCK',
        target,
        failure,
        cause,
      ),
    );
  }

  // Mantle speaks Anthropic errors; its 403 means the account lacks the model.
  if (mantle && status === 403) {
    return fail(
      makeError(
        'MANTLE_NOT_GRANTED',
        `Bedrock Mantle refused ${where(target)}: ${text}`,
        `the account is not granted ${target.modelId} on Mantle in ${target.region}; contact your AWS account team, or use the Invoke API (CLAUDE_CODE_USE_BEDROCK=1) with an inference-profile ID${pinHint(target)}`,
        target,
        failure,
        cause,
      ),
    );
  }
  if (mantle && (status === 400 || status === 404) && (failure.message.includes(target.modelId) || NOT_SERVED_ON_MANTLE.test(failure.message))) {
    return fail(
      makeError(
        'MANTLE_MODEL_NOT_SERVED',
        `Bedrock Mantle does not serve ${where(target)}: ${text}`,
        `${target.modelId} is not in the Mantle lineup${status === 404 ? ` of ${target.region}` : ''}; use a Mantle-format ID (anthropic.claude-<name>, e.g. anthropic.claude-opus-4-7) or enable both endpoints (CLAUDE_CODE_USE_BEDROCK=1 and CLAUDE_CODE_USE_MANTLE=1) so other IDs go to the Invoke API${pinHint(target)}`,
        target,
        failure,
        cause,
      ),
    );
  }

  if (!mantle && (type === 'accessdeniedexception' || status === 403 || NOT_GRANTED.test(failure.message))) {
    if (status === 403 && type !== 'accessdeniedexception' && !NOT_GRANTED.test(failure.message) && !skipAuth) {
      // An unnamed 403 (often a proxy or a bearer-token problem): one credential refresh, as Claude Code would, then fail.
      return recover(
        makeError(
          'ACCESS_DENIED',
          `Amazon Bedrock denied ${where(target)}: ${text}`,
          `${refreshHint}; if the credentials are current, check the IAM permissions and model access for the account in ${target.region}`,
          target,
          failure,
          cause,
        ),
      );
    }
    if (skipAuth && type !== 'accessdeniedexception') {
      return fail(
        makeError(
          'ACCESS_DENIED',
          `the gateway in front of Amazon Bedrock denied ${where(target)}: ${text}`,
          'requests are sent unsigned (CLAUDE_CODE_SKIP_BEDROCK_AUTH): the gateway must add AWS credentials or accept the headers in ANTHROPIC_CUSTOM_HEADERS',
          target,
          failure,
          cause,
        ),
      );
    }
    if (context.operation === 'control-plane') {
      // Denied profile listing or lookup is an IAM gap, not a model grant: the remedy is the action.
      return fail(
        makeError(
          'ACCESS_DENIED',
          `Amazon Bedrock denied the inference-profile lookup in ${target.region} (${endpointLabel(target)}): ${text}`,
          'allow bedrock:ListInferenceProfiles and bedrock:GetInferenceProfile on arn:aws:bedrock:*:*:inference-profile/* and arn:aws:bedrock:*:*:application-inference-profile/* (see `cc-bedrock iam-policy`); without them profile prefixes are applied blindly',
          target,
          failure,
          cause,
          { iamActions: ['bedrock:ListInferenceProfiles', 'bedrock:GetInferenceProfile'] },
        ),
      );
    }
    const resources = iamResourcesFor(target.modelId, target.region);
    const marketplace = /marketplace/i.test(failure.message);
    return fail(
      makeError(
        'MODEL_NOT_GRANTED',
        `Amazon Bedrock denied access to ${where(target)}: ${text}`,
        `grant access to ${target.modelId} in ${target.region} (Bedrock console > Model access${marketplace ? '; the role also needs aws-marketplace:ViewSubscriptions and aws-marketplace:Subscribe' : '; Anthropic models also need the use-case form'}) and allow bedrock:InvokeModel and bedrock:InvokeModelWithResponseStream on ${resources.join(' and ')}${pinHint(target)}`,
        target,
        failure,
        cause,
        { iamActions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'], iamResources: resources },
      ),
    );
  }

  if (context.operation === 'count-tokens' && COUNT_TOKENS_UNSUPPORTED.test(failure.message)) {
    return fail(
      makeError(
        'REQUEST_INVALID',
        `Bedrock CountTokens cannot count for ${context.countTokensModelId ?? target.modelId} in ${target.region} (${endpointLabel(target)}): ${text}`,
        'token counting is optional: estimate locally, or count against a base model ID that supports it (CountTokens accepts base foundation-model IDs only)',
        target,
        failure,
        cause,
        { countTokensModelId: context.countTokensModelId },
      ),
    );
  }

  if (!mantle && ON_DEMAND.test(failure.message)) {
    const suggestions = profileSuggestions(target.modelId, target.region);
    return fail(
      makeError(
        'ON_DEMAND_NOT_SUPPORTED',
        `${target.modelId} cannot be invoked on demand by its base ID in ${target.region} (${endpointLabel(target)}): ${text}`,
        suggestions.length > 0
          ? `use the inference-profile ID of the same model for ${target.region}: ${suggestions.join(' or ')} (e.g. ANTHROPIC_MODEL=${suggestions[0]}, or --model ${suggestions[0]})`
          : `no inference profile of ${stripProfilePrefix(target.modelId)} is known for ${target.region}: run \`aws bedrock list-inference-profiles --region ${target.region}\` and use a profile ID it lists, or switch region (AWS_REGION)`,
        target,
        failure,
        cause,
        { suggestedModelIds: suggestions },
      ),
    );
  }

  if (!mantle && (INVALID_MODEL_ID.test(failure.message) || type === 'resourcenotfoundexception' || status === 404)) {
    const suggestions = profileSuggestions(target.modelId, target.region);
    return fail(
      makeError(
        'MODEL_NOT_IN_REGION',
        `${target.modelId} is not available in ${target.region} (${endpointLabel(target)}): ${text}`,
        `run \`aws bedrock list-inference-profiles --region ${target.region}\` and pin an ID it lists (for this region's prefix: ${suggestions[0] ?? target.modelId}), or switch region (AWS_REGION)${pinHint(target)}`,
        target,
        failure,
        cause,
        { suggestedModelIds: suggestions },
      ),
    );
  }

  if (status === 429 || type === 'throttlingexception' || type === 'modelnotreadyexception' || type === 'rate_limit_error') {
    return retry(
      makeError(
        'THROTTLED',
        `Amazon Bedrock throttled ${where(target)}: ${text}`,
        `wait and retry, request a higher quota for ${target.modelId} in ${target.region} (Service Quotas > Amazon Bedrock), or use a cross-region inference profile`,
        target,
        failure,
        cause,
      ),
    );
  }
  if (type === 'servicequotaexceededexception') {
    return fail(
      makeError(
        'THROTTLED',
        `Amazon Bedrock quota exceeded for ${where(target)}: ${text}`,
        `request a quota increase for ${target.modelId} in ${target.region} (Service Quotas > Amazon Bedrock)`,
        target,
        failure,
        cause,
      ),
    );
  }
  if (status === 408 || type === 'modeltimeoutexception') {
    return retry(makeError('TIMEOUT', `the model timed out for ${where(target)}: ${text}`, 'retry, or shorten the request (fewer tokens in or out)', target, failure, cause));
  }
  if (status === 413 || /payload|request entity too large|exceeds .*bytes/i.test(failure.message)) {
    return fail(makeError('REQUEST_TOO_LARGE', `the request for ${where(target)} is too large: ${text}`, 'Bedrock accepts at most 20 MB per request: shrink images and documents or drop history', target, failure, cause));
  }
  if (status !== undefined && status >= 500) {
    return retry(
      makeError(
        'UPSTREAM_UNAVAILABLE',
        `${mantle ? 'Bedrock Mantle' : 'Amazon Bedrock'} failed for ${where(target)}: ${text}`,
        'retry later; if it persists, check the AWS Health Dashboard for Amazon Bedrock in this region',
        target,
        failure,
        cause,
      ),
    );
  }
  if (type === 'serviceunavailableexception' || type === 'internalserverexception') {
    return retry(
      makeError('UPSTREAM_UNAVAILABLE', `Amazon Bedrock failed for ${where(target)}: ${text}`, 'retry later; if it persists, check the AWS Health Dashboard for Amazon Bedrock in this region', target, failure, cause),
    );
  }
  if (status === 400 || status === 422 || type === 'validationexception' || type === 'invalid_request_error') {
    return fail(
      makeError(
        'REQUEST_INVALID',
        `${mantle ? 'Bedrock Mantle' : 'Amazon Bedrock'} rejected the request for ${where(target)}: ${text}`,
        TOO_LONG.test(failure.message)
          ? 'the conversation is longer than the model accepts: compact or drop history, or use a 1M-context variant ([1m]) where the model has one'
          : 'fix the request parameters named in the message (Bedrock accepts a subset of the Messages API)',
        target,
        failure,
        cause,
      ),
    );
  }
  if (failure.phase === 'stream-frame') {
    return fail(
      makeError('STREAM_INTERRUPTED', `the response stream for ${where(target)} failed: ${text}`, 'retry the request', target, failure, cause),
    );
  }
  return fail(
    makeError('UPSTREAM_ERROR', `${mantle ? 'Bedrock Mantle' : 'Amazon Bedrock'} failed for ${where(target)}: ${text}`, 'retry; if it persists, report the request ID to AWS support', target, failure, cause),
  );
}

/** Body key Bedrock adds when a guardrail acted (wire formats §10). */
export const GUARDRAIL_ACTION_KEY = 'amazon-bedrock-guardrailAction';
export const GUARDRAIL_TRACE_KEY = 'amazon-bedrock-trace';

export function guardrailIntervened(value: unknown): boolean {
  const record = asRecord(value);
  return record?.[GUARDRAIL_ACTION_KEY] === 'INTERVENED';
}

/** Facts about the guardrail that acted, safe to show (IDs and versions, no content). */
export function guardrailFacts(trace: unknown, headers: readonly { name: string; value: string }[]): Record<string, unknown> {
  const facts: Record<string, unknown> = {};
  for (const header of headers) {
    const lower = header.name.toLowerCase();
    if (lower === 'x-amzn-bedrock-guardrailidentifier') facts['guardrailIdentifier'] = header.value;
    if (lower === 'x-amzn-bedrock-guardrailversion') facts['guardrailVersion'] = header.value;
  }
  const guardrail = asRecord(asRecord(trace)?.['guardrail']);
  if (guardrail) facts['trace'] = guardrail;
  return facts;
}

export function guardrailError(
  target: CallTarget,
  blockedText: string,
  facts: Record<string, unknown>,
): CcBedrockError {
  const id = typeof facts['guardrailIdentifier'] === 'string' ? ` ${facts['guardrailIdentifier']}` : '';
  const version = typeof facts['guardrailVersion'] === 'string' ? ` (version ${facts['guardrailVersion']})` : '';
  const reply = blockedText ? `: "${blockedText}"` : '';
  return new CcBedrockError(
    'GUARDRAIL_INTERVENED',
    `Amazon Bedrock guardrail${id}${version} blocked the turn for ${where(target)}${reply}`,
    {
      remediation:
        'rephrase the request or ask the guardrail owner to adjust it; the blocked reply is not an assistant message, so do not add it (or the prompt that triggered it) to the conversation',
      details: {
        model: target.modelId,
        region: target.region,
        endpoint: target.endpoint,
        baseURL: target.baseURL,
        blockedText,
        ...facts,
      },
    },
  );
}
