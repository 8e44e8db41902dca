/**
 * Runs the rule table of failure-rules.ts: turns every Bedrock and Mantle failure into a
 * CcBedrockError whose message names the model (or the control-plane call), region and endpoint
 * and whose remediation says the fix, and decides what the caller does next: refresh
 * credentials and retry, back off and retry, or fail at once.
 *
 * Claude Code treats every 403 as a credential problem and retries it for minutes; here only an
 * expired token is healed, and a missing grant fails immediately with the grant to ask for.
 */
import { CcBedrockError } from '../core/errors.js';
import type { CallTarget } from '../core/route-plan.js';
import { failureFacts, type UpstreamFailure } from './failure-facts.js';
import { NETWORK_RULES } from './network-failure-rules.js';
import {
  FAILURE_RULES,
  type ClassifyContext,
  type FailureAction,
  type FailureRule,
  type NetworkScene,
  type RuleScene,
} from './failure-rules.js';

export interface ClassifiedFailure {
  readonly action: FailureAction;
  /** The error to throw when the action is `fail` or retries run out. */
  readonly error: CcBedrockError;
  readonly failure: UpstreamFailure;
  /** The rule that matched, for tests and logs. */
  readonly rule: string;
}

export function endpointLabel(target: Pick<CallTarget, 'endpoint' | 'baseURL'>): string {
  return target.endpoint === 'mantle' ? `Bedrock Mantle endpoint ${target.baseURL}` : `Bedrock Invoke API ${target.baseURL}`;
}

/** A control-plane target's "model ID" is the operation's name (ListInferenceProfiles): never call it a model. */
function subjectOf(context: ClassifyContext): string {
  const { target } = context;
  return context.operation === 'control-plane' ? `${target.modelId} in ${target.region}` : `model ${target.modelId} in ${target.region}`;
}

function upstreamText(failure: UpstreamFailure): string {
  const status = failure.status !== undefined ? `${failure.status} ` : '';
  const type = failure.errorType ? `${failure.errorType}: ` : '';
  return `${status}${type}${failure.message}`;
}

export function sceneOf(cause: unknown, failure: UpstreamFailure, context: ClassifyContext): RuleScene {
  const { target } = context;
  const mantle = target.endpoint === 'mantle';
  const endpoint = endpointLabel(target);
  const subject = subjectOf(context);
  return {
    facts: failureFacts(cause, failure),
    reach: `${endpoint} for ${subject}`,
    target,
    context,
    where: `${subject} (${endpoint})`,
    endpoint,
    service: mantle ? 'Bedrock Mantle' : 'Amazon Bedrock',
    text: upstreamText(failure),
    mantle,
    skipAuth: context.authKind === 'none',
  };
}

/** The first rule of the table that matches the scene (the table ends in a catch-all). */
export function matchRule<S extends NetworkScene>(rules: readonly FailureRule<S>[], scene: S): FailureRule<S> | undefined {
  return rules.find((rule) => rule.when(scene));
}

/** Decides what a failure means. `cause` is kept on the error (it carries no secrets: the SDK never attaches request headers). */
export function classifyFailure(cause: unknown, failure: UpstreamFailure, context: ClassifyContext): ClassifiedFailure {
  const scene = sceneOf(cause, failure, context);
  const rule = matchRule(FAILURE_RULES, scene)!;
  const { target } = context;
  const error = new CcBedrockError(rule.code, rule.message(scene), {
    remediation: rule.remediation(scene),
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
      failureRule: rule.id,
      ...(rule.details?.(scene) ?? {}),
    },
  });
  return { action: rule.action, error, failure, rule: rule.id };
}

/**
 * The network rules alone, for calls that are not Bedrock's (STS, SSO, the credential chain):
 * a refused proxy, an unknown host or an untrusted certificate read the same everywhere.
 * Undefined when the failure is not one of those (the caller keeps its own description).
 */
export function classifyNetworkFailure(
  cause: unknown,
  reach: string,
): { readonly code: CcBedrockError['code']; readonly action: FailureAction; readonly message: string; readonly remediation: string; readonly rule: string } | undefined {
  const message = cause instanceof Error ? cause.message : String(cause);
  const facts = failureFacts(cause, { status: undefined, errorType: undefined, message, retryAfterMs: undefined, requestId: undefined, phase: 'network' });
  if (!facts.proxy && !facts.networkCode) return undefined;
  const scene: NetworkScene = { facts, reach };
  const rule = matchRule(NETWORK_RULES, scene);
  // The catch-all `network` rule describes Bedrock endpoints; other callers keep their own words for it.
  if (!rule || rule.id === 'network') return undefined;
  return { code: rule.code, action: rule.action, message: rule.message(scene), remediation: rule.remediation(scene), rule: rule.id };
}
