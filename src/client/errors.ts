/**
 * The client's view of failures. Classification itself is the rule table in src/bedrock
 * (failure-rules.ts, run by classify-failure.ts), shared with the gateway and doctor; this file
 * re-exports it for the client's callers and keeps the guardrail outcome, which is not a failure
 * of the call but a turn Bedrock answered by blocking it.
 */
import { CcBedrockError } from '../core/errors.js';
import { endpointLabel } from '../bedrock/classify-failure.js';
import { asRecord } from '../bedrock/failure-facts.js';
import type { CallTarget } from '../core/route-plan.js';

export {
  classifyFailure,
  classifyNetworkFailure,
  endpointLabel,
  type ClassifiedFailure,
} from '../bedrock/classify-failure.js';
export { scrubSecrets, secretsOf, type UpstreamFailure } from '../bedrock/failure-facts.js';
export { describeUpstreamFailure } from '../bedrock/sdk-failure.js';
export {
  iamResourcesFor,
  profileSuggestions,
  type ClassifyContext,
  type FailureAction,
} from '../bedrock/failure-rules.js';

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
    `Amazon Bedrock guardrail${id}${version} blocked the turn for model ${target.modelId} in ${target.region} (${endpointLabel(target)})${reply}`,
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
