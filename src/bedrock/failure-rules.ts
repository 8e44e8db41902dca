/**
 * The one table that says what a failure means (project issue 11): an ordered list of rules, each
 * a match on the failure facts (HTTP status, AWS error type, message pattern, socket/TLS error
 * code, proxy failure, endpoint kind, operation) that produces an error code, what to do next
 * (fail, retry, recover credentials) and the remediation. The first rule that matches wins.
 * The client, the gateway and doctor all classify through classify-failure.ts, which runs it.
 *
 * Retrying cannot fix a refused proxy, an unknown host, an untrusted certificate or rejected
 * credentials, so those rules fail at once and name the variable or file to change.
 */
import type { ErrorCode } from '../core/errors.js';
import type { RequestAuth } from '../core/auth-types.js';
import type { CallTarget } from '../core/route-plan.js';
import { profileIdsForRegion, stripProfilePrefix } from '../models/model-ids.js';
import { findModelById, isMantleFormat } from '../models/model-catalog.js';
import { pinSettingsFor } from '../models/resolve-model.js';
import type { FailureFacts } from './failure-facts.js';
import { NETWORK_RULES } from './network-failure-rules.js';

export type FailureAction =
  /** Credentials were rejected as expired: ask the AuthProvider to recover, then send again. */
  | 'recover-auth'
  /** Transient: back off (honouring Retry-After) and send again while retries remain. */
  | 'retry'
  /** Retrying cannot help. */
  | 'fail';

export interface ClassifyContext {
  readonly target: CallTarget;
  readonly authKind: RequestAuth['kind'];
  /** `count-tokens` is reported differently when Bedrock cannot count for the model. */
  readonly operation: 'messages' | 'count-tokens' | 'control-plane' | 'probe';
  /** Base model ID CountTokens was sent to, for its error message. */
  readonly countTokensModelId?: string;
}

/** What a network rule needs: the facts and what could not be reached (Bedrock, STS, SSO…). */
export interface NetworkScene {
  readonly facts: FailureFacts;
  /** "Bedrock Invoke API https://… for model X in us-east-1", "STS in us-east-1 for GetCallerIdentity". */
  readonly reach: string;
}

export interface RuleScene extends NetworkScene {
  readonly target: CallTarget;
  readonly context: ClassifyContext;
  /** "model X in R (Bedrock Invoke API URL)", or "ListInferenceProfiles in R (…)" for a control-plane call. */
  readonly where: string;
  readonly endpoint: string;
  readonly service: 'Amazon Bedrock' | 'Bedrock Mantle';
  /** "403 AccessDeniedException: upstream words". */
  readonly text: string;
  readonly mantle: boolean;
  readonly skipAuth: boolean;
}

/**
 * A configuration change that carries out a remediation, for the property test that applying
 * it makes the same failure go away. Rules whose fix is outside the configuration (an IAM grant,
 * a quota, starting a proxy) have none.
 */
export type ConfigFix = { readonly kind: 'set-env'; readonly variable: string; readonly value: string };

export interface FailureRule<S extends NetworkScene = RuleScene> {
  /** Stable name for tests and logs. */
  readonly id: string;
  readonly code: ErrorCode;
  readonly action: FailureAction;
  readonly when: (scene: S) => boolean;
  readonly message: (scene: S) => string;
  readonly remediation: (scene: S) => string;
  readonly details?: (scene: S) => Record<string, unknown>;
  readonly fix?: (scene: S) => ConfigFix | undefined;
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

export const REFRESH_HINT =
  'refresh the credentials (e.g. `aws sso login --profile <profile>`, or fix awsAuthRefresh / awsCredentialExport) and check `aws sts get-caller-identity`';

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

/** Inference-profile IDs of the same model for the target's region, most specific first. */
export function profileSuggestions(modelId: string, region: string): string[] {
  return profileIdsForRegion(modelId, region);
}

const isExpired = (s: RuleScene) =>
  s.facts.type === 'expiredtokenexception' || EXPIRED.test(s.facts.message) || (s.mantle && s.facts.status === 401);
const isBadSignature = (s: RuleScene) => s.facts.type === 'invalidsignatureexception' || BAD_SIGNATURE.test(s.facts.message);
const isDenied = (s: RuleScene) =>
  !s.mantle && (s.facts.type === 'accessdeniedexception' || s.facts.status === 403 || NOT_GRANTED.test(s.facts.message));
/** A Mantle-format ID of the catalog's lineup (served somewhere, not necessarily in this region). */
const inMantleLineup = (id: string): boolean => isMantleFormat(id) && findModelById(id)?.mantle?.served === true;
const suggestionsOf = (s: RuleScene) => profileSuggestions(s.target.modelId, s.target.region);
/**
 * For a first-party name or alias the account cannot use (what Claude Code sends through a
 * gateway): which pin or `modelOverrides` entry sends it to a model the account does serve.
 * Empty for provider IDs and ARNs, which are pins already.
 */
function pinHint(s: RuleScene): string {
  const pins = pinSettingsFor(s.target.requested);
  if (!pins) return '';
  const override = pins.overrideKey ? ` or map it with a modelOverrides entry in the settings ("modelOverrides": {"${pins.overrideKey}": "<model ID>"})` : '';
  return `; or, to use another model for "${s.target.requested}", set ${pins.variable} to a model ID this account serves (in Claude Code's environment when it talks to a gateway)${override}`;
}
const UNAVAILABLE_FIX = 'retry later; if it persists, check the AWS Health Dashboard for Amazon Bedrock in this region';

/** Bedrock and Mantle answers, after the network rules. */
const BEDROCK_RULES: readonly FailureRule[] = [
  {
    id: 'credentials-expired',
    code: 'CREDENTIALS_EXPIRED',
    action: 'recover-auth',
    when: (s) => isExpired(s) && !s.skipAuth,
    message: (s) => `${s.service} rejected the credentials as expired for ${s.where}: ${s.text}`,
    remediation: () => REFRESH_HINT,
  },
  {
    id: 'credentials-invalid',
    code: 'CREDENTIALS_INVALID',
    action: 'fail',
    when: (s) =>
      s.facts.status === 401 || s.facts.type === 'unrecognizedclientexception' || INVALID_TOKEN.test(s.facts.message) || isBadSignature(s),
    message: (s) => `${s.service} rejected the credentials for ${s.where}: ${s.text}`,
    remediation: (s) =>
      s.skipAuth
        ? 'requests are sent unsigned (CLAUDE_CODE_SKIP_BEDROCK_AUTH / CLAUDE_CODE_SKIP_MANTLE_AUTH): the gateway in front of Bedrock must add credentials'
        : isBadSignature(s)
          ? 'the secret access key does not match the access key ID, or a proxy altered the request: re-export the key pair or fix the proxy'
          : `the access key or token is not valid for this account: ${REFRESH_HINT}`,
  },
  {
    id: 'api-key-rejected',
    code: 'CREDENTIALS_INVALID',
    action: 'fail',
    when: (s) => !s.mantle && s.facts.status === 403 && s.context.authKind === 'bearer' && BEARER_REJECTED.test(s.facts.message),
    message: (s) => `Amazon Bedrock rejected the API key (AWS_BEARER_TOKEN_BEDROCK) for ${s.where}: ${s.text}`,
    remediation: () =>
      'create a new Bedrock API key in the Bedrock console (short-term keys last at most 12 hours and work only in their region) and set AWS_BEARER_TOKEN_BEDROCK',
  },
  {
    // Mantle speaks Anthropic errors; its 403 means the account lacks the model.
    id: 'mantle-not-granted',
    code: 'MANTLE_NOT_GRANTED',
    action: 'fail',
    when: (s) => s.mantle && s.facts.status === 403,
    message: (s) => `Bedrock Mantle refused ${s.where}: ${s.text}`,
    remediation: (s) =>
      `the account is not granted ${s.target.modelId} on Mantle in ${s.target.region}; contact your AWS account team, or use the Invoke API (CLAUDE_CODE_USE_BEDROCK=1) with an inference-profile ID${pinHint(s)}`,
  },
  {
    id: 'mantle-model-not-served',
    code: 'MANTLE_MODEL_NOT_SERVED',
    action: 'fail',
    when: (s) =>
      s.mantle &&
      (s.facts.status === 400 || s.facts.status === 404) &&
      (s.facts.message.includes(s.target.modelId) || NOT_SERVED_ON_MANTLE.test(s.facts.message)),
    message: (s) => `Bedrock Mantle does not serve ${s.where}: ${s.text}`,
    remediation: (s) => {
      const where = s.facts.status === 404 ? ` in ${s.target.region}` : '';
      // A lineup ID the region lacks still goes to Mantle with both endpoints on: enabling the Invoke API alone does not help it.
      return (inMantleLineup(s.target.modelId)
        ? `Mantle does not serve ${s.target.modelId}${where}; choose a model Mantle serves there (\`cc-bedrock doctor\` probes the lineup), or send it over the Invoke API: CLAUDE_CODE_USE_BEDROCK=1 with the model's inference-profile ID in ANTHROPIC_MODEL`
        : `${s.target.modelId} is not in the Mantle lineup${where}; use a Mantle-format ID (anthropic.claude-<name>, e.g. anthropic.claude-opus-4-7) or enable both endpoints (CLAUDE_CODE_USE_BEDROCK=1 and CLAUDE_CODE_USE_MANTLE=1) so other IDs go to the Invoke API`) + pinHint(s);
    },
    // No `fix`: which lineup model a region serves is the endpoint's answer, not a catalog fact.
  },
  {
    // An unnamed 403 (often a proxy or a bearer-token problem): one credential refresh, as Claude Code would, then fail.
    id: 'unnamed-403',
    code: 'ACCESS_DENIED',
    action: 'recover-auth',
    when: (s) =>
      isDenied(s) && s.facts.status === 403 && s.facts.type !== 'accessdeniedexception' && !NOT_GRANTED.test(s.facts.message) && !s.skipAuth,
    message: (s) => `Amazon Bedrock denied ${s.where}: ${s.text}`,
    remediation: (s) => `${REFRESH_HINT}; if the credentials are current, check the IAM permissions and model access for the account in ${s.target.region}`,
  },
  {
    id: 'unsigned-denied',
    code: 'ACCESS_DENIED',
    action: 'fail',
    when: (s) => isDenied(s) && s.skipAuth && s.facts.type !== 'accessdeniedexception',
    message: (s) => `the gateway in front of Amazon Bedrock denied ${s.where}: ${s.text}`,
    remediation: () =>
      'requests are sent unsigned (CLAUDE_CODE_SKIP_BEDROCK_AUTH): the gateway must add AWS credentials or accept the headers in ANTHROPIC_CUSTOM_HEADERS',
  },
  {
    // Denied profile listing or lookup is an IAM gap, not a model grant: the remedy is the action.
    id: 'control-plane-denied',
    code: 'ACCESS_DENIED',
    action: 'fail',
    when: (s) => isDenied(s) && s.context.operation === 'control-plane',
    message: (s) => `Amazon Bedrock denied ${s.where}: ${s.text}`,
    remediation: () =>
      'allow bedrock:ListInferenceProfiles and bedrock:GetInferenceProfile on arn:aws:bedrock:*:*:inference-profile/* and arn:aws:bedrock:*:*:application-inference-profile/* (see `cc-bedrock iam-policy`); without them profile prefixes are applied blindly',
    details: () => ({ iamActions: ['bedrock:ListInferenceProfiles', 'bedrock:GetInferenceProfile'] }),
  },
  {
    id: 'model-not-granted',
    code: 'MODEL_NOT_GRANTED',
    action: 'fail',
    when: isDenied,
    message: (s) => `Amazon Bedrock denied access to ${s.where}: ${s.text}`,
    remediation: (s) =>
      `grant access to ${s.target.modelId} in ${s.target.region} (Bedrock console > Model access${/marketplace/i.test(s.facts.message) ? '; the role also needs aws-marketplace:ViewSubscriptions and aws-marketplace:Subscribe' : '; Anthropic models also need the use-case form'}) and allow bedrock:InvokeModel and bedrock:InvokeModelWithResponseStream on ${iamResourcesFor(s.target.modelId, s.target.region).join(' and ')}${pinHint(s)}`,
    details: (s) => ({
      iamActions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
      iamResources: iamResourcesFor(s.target.modelId, s.target.region),
    }),
  },
  {
    id: 'count-tokens-unsupported',
    code: 'REQUEST_INVALID',
    action: 'fail',
    when: (s) => s.context.operation === 'count-tokens' && COUNT_TOKENS_UNSUPPORTED.test(s.facts.message),
    message: (s) =>
      `Bedrock CountTokens cannot count for ${s.context.countTokensModelId ?? s.target.modelId} in ${s.target.region} (${s.endpoint}): ${s.text}`,
    remediation: () =>
      'token counting is optional: estimate locally, or count against a base model ID that supports it (CountTokens accepts base foundation-model IDs only)',
    details: (s) => ({ countTokensModelId: s.context.countTokensModelId }),
  },
  {
    id: 'on-demand-not-supported',
    code: 'ON_DEMAND_NOT_SUPPORTED',
    action: 'fail',
    when: (s) => !s.mantle && ON_DEMAND.test(s.facts.message),
    message: (s) => `${s.target.modelId} cannot be invoked on demand by its base ID in ${s.target.region} (${s.endpoint}): ${s.text}`,
    remediation: (s) => {
      const suggestions = suggestionsOf(s);
      return suggestions.length > 0
        ? `use the inference-profile ID of the same model for ${s.target.region}: ${suggestions.join(' or ')} (e.g. ANTHROPIC_MODEL=${suggestions[0]}, or --model ${suggestions[0]})`
        : `no inference profile of ${stripProfilePrefix(s.target.modelId)} is known for ${s.target.region}: run \`aws bedrock list-inference-profiles --region ${s.target.region}\` and use a profile ID it lists, or switch region (AWS_REGION)`;
    },
    details: (s) => ({ suggestedModelIds: suggestionsOf(s) }),
    fix: (s) => {
      const first = suggestionsOf(s)[0];
      return first ? { kind: 'set-env', variable: 'ANTHROPIC_MODEL', value: first } : undefined;
    },
  },
  {
    id: 'model-not-in-region',
    code: 'MODEL_NOT_IN_REGION',
    action: 'fail',
    when: (s) => !s.mantle && (INVALID_MODEL_ID.test(s.facts.message) || s.facts.type === 'resourcenotfoundexception' || s.facts.status === 404),
    message: (s) => `${s.target.modelId} is not available in ${s.target.region} (${s.endpoint}): ${s.text}`,
    remediation: (s) =>
      `run \`aws bedrock list-inference-profiles --region ${s.target.region}\` and pin an ID it lists${suggestionsOf(s)[0] ? ` (for this region's prefix: ${suggestionsOf(s)[0]})` : ''}, or switch region (AWS_REGION)${pinHint(s)}`,
    details: (s) => ({ suggestedModelIds: suggestionsOf(s) }),
    // No `fix`: the same answer comes for a model the account or region does not offer at all, where
    // the region's profile ID is a guess; only the profile listing the remediation names can tell.
  },
  {
    id: 'throttled',
    code: 'THROTTLED',
    action: 'retry',
    when: (s) => s.facts.status === 429 || ['throttlingexception', 'modelnotreadyexception', 'rate_limit_error'].includes(s.facts.type),
    message: (s) => `Amazon Bedrock throttled ${s.where}: ${s.text}`,
    remediation: (s) =>
      `wait and retry, request a higher quota for ${s.target.modelId} in ${s.target.region} (Service Quotas > Amazon Bedrock), or use a cross-region inference profile`,
  },
  {
    id: 'quota-exceeded',
    code: 'THROTTLED',
    action: 'fail',
    when: (s) => s.facts.type === 'servicequotaexceededexception',
    message: (s) => `Amazon Bedrock quota exceeded for ${s.where}: ${s.text}`,
    remediation: (s) => `request a quota increase for ${s.target.modelId} in ${s.target.region} (Service Quotas > Amazon Bedrock)`,
  },
  {
    id: 'model-timeout',
    code: 'TIMEOUT',
    action: 'retry',
    when: (s) => s.facts.status === 408 || s.facts.type === 'modeltimeoutexception',
    message: (s) => `the model timed out for ${s.where}: ${s.text}`,
    remediation: () => 'retry, or shorten the request (fewer tokens in or out)',
  },
  {
    id: 'too-large',
    code: 'REQUEST_TOO_LARGE',
    action: 'fail',
    when: (s) => s.facts.status === 413 || /payload|request entity too large|exceeds .*bytes/i.test(s.facts.message),
    message: (s) => `the request for ${s.where} is too large: ${s.text}`,
    remediation: () => 'Bedrock accepts at most 20 MB per request: shrink images and documents or drop history',
  },
  {
    id: 'server-error',
    code: 'UPSTREAM_UNAVAILABLE',
    action: 'retry',
    when: (s) => (s.facts.status !== undefined && s.facts.status >= 500) || ['serviceunavailableexception', 'internalserverexception'].includes(s.facts.type),
    message: (s) => `${s.service} failed for ${s.where}: ${s.text}`,
    remediation: () => UNAVAILABLE_FIX,
  },
  {
    id: 'request-invalid',
    code: 'REQUEST_INVALID',
    action: 'fail',
    when: (s) => s.facts.status === 400 || s.facts.status === 422 || s.facts.type === 'validationexception' || s.facts.type === 'invalid_request_error',
    message: (s) => `${s.service} rejected the request for ${s.where}: ${s.text}`,
    remediation: (s) =>
      TOO_LONG.test(s.facts.message)
        ? 'the conversation is longer than the model accepts: compact or drop history, or use a 1M-context variant ([1m]) where the model has one'
        : 'fix the request parameters named in the message (Bedrock accepts a subset of the Messages API)',
  },
  {
    id: 'stream-failed',
    code: 'STREAM_INTERRUPTED',
    action: 'fail',
    when: (s) => s.facts.phase === 'stream-frame',
    message: (s) => `the response stream for ${s.where} failed: ${s.text}`,
    remediation: () => 'retry the request',
  },
];

/** Every rule, in the order they are tried. The last one matches anything. */
export const FAILURE_RULES: readonly FailureRule[] = [
  {
    id: 'aborted',
    code: 'STREAM_INTERRUPTED',
    action: 'fail',
    when: (s) => s.facts.phase === 'abort',
    message: (s) => `request for ${s.where} was aborted by the caller`,
    remediation: () => 'nothing to do: the caller cancelled the request',
    details: () => ({ aborted: true }),
  },
  {
    id: 'timeout',
    code: 'TIMEOUT',
    action: 'retry',
    when: (s) => s.facts.phase === 'timeout',
    message: (s) => `request for ${s.where} timed out`,
    remediation: () => 'raise API_TIMEOUT_MS, check network access to the endpoint, or retry later',
  },
  ...NETWORK_RULES,
  ...BEDROCK_RULES,
  {
    id: 'unknown',
    code: 'UPSTREAM_ERROR',
    action: 'fail',
    when: () => true,
    message: (s) => `${s.service} failed for ${s.where}: ${s.text}`,
    remediation: () => 'retry; if it persists, report the request ID to AWS support',
  },
];
