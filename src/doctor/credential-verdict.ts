/**
 * One reading of "what is wrong with the credentials, if anything", derived from the facts once
 * (the STS answer, the probes' errors, the resolved key), so the credential, access and IAM
 * checks cannot contradict each other: expired temporary keys are not "long-term", a refusal
 * caused by expiry gets no IAM fix, and one cause gets one fix line (on the finding that owns it).
 */
import type { ErrorCode } from '../core/errors.js';
import type { DoctorFacts, EndpointCredentialFacts, ResolvedCredentialFact } from './facts.js';
import type { ErrorFact } from './types.js';

/** Codes that mean the request never reached a decision on the model: the credentials or the way to AWS failed. */
const CREDENTIAL_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'CREDENTIALS_EXPIRED',
  'CREDENTIALS_INVALID',
  'CREDENTIALS_NOT_FOUND',
  'CREDENTIAL_EXPORT_FAILED',
  'AUTH_REFRESH_FAILED',
  'AUTH_REFRESH_LOOP',
]);

export type CredentialProblem =
  | { readonly kind: 'expired'; readonly owner: 'credentials.expiry'; readonly error: ErrorFact }
  | { readonly kind: 'rejected'; readonly owner: 'credentials.identity'; readonly error: ErrorFact }
  | { readonly kind: 'unreachable'; readonly owner: 'settings.proxy'; readonly error: ErrorFact };

/** Whether a failure was the proxy's (the rule names of src/bedrock/failure-rules.ts). */
export function isProxyFailure(error: ErrorFact): boolean {
  const rule = error.details['failureRule'];
  return typeof rule === 'string' && rule.startsWith('proxy-');
}

/** A failure that fails the same way before AWS looks at the model: no IAM or model conclusion may be drawn from it. */
function problemOf(error: ErrorFact): CredentialProblem | undefined {
  if (error.code === 'CREDENTIALS_EXPIRED') return { kind: 'expired', owner: 'credentials.expiry', error };
  if (CREDENTIAL_CODES.has(error.code)) return { kind: 'rejected', owner: 'credentials.identity', error };
  if (isProxyFailure(error)) return { kind: 'unreachable', owner: 'settings.proxy', error };
  return undefined;
}

/** The credential problem of one endpoint group (STS first: it is asked before any probe). */
export function groupProblem(group: EndpointCredentialFacts): CredentialProblem | undefined {
  if (group.resolved && !group.resolved.ok) return problemOf(group.resolved.error);
  if (group.identity && !group.identity.ok) return problemOf(group.identity.error);
  return undefined;
}

/** The credential problem behind a failed call, if the call failed because of one. */
export function blockingProblem(facts: DoctorFacts, error: ErrorFact): CredentialProblem | undefined {
  const own = problemOf(error);
  if (own) return own;
  // An unnamed 403 while STS also refuses the credentials is the credentials, not IAM.
  if (error.code === 'ACCESS_DENIED' || error.code === 'MODEL_NOT_GRANTED') {
    for (const group of facts.credentials.perEndpoint) {
      const problem = groupProblem(group);
      if (problem && problem.kind !== 'unreachable') return problem;
    }
  }
  return undefined;
}

/** One line saying why a check draws no conclusion, pointing at the finding that carries the fix. */
export function blockedBecause(problem: CredentialProblem): string {
  const why =
    problem.kind === 'expired'
      ? 'the credentials are expired'
      : problem.kind === 'rejected'
        ? 'the credentials are rejected'
        : 'the proxy is not reachable';
  return `${why} (see ${problem.owner}), so this says nothing about access`;
}

/** A key with a session token (access key IDs starting ASIA) is temporary, whether or not an expiry time came with it. */
export function isTemporary(resolved: ResolvedCredentialFact): boolean {
  return resolved.hasSessionToken || (resolved.keyId?.startsWith('ASIA') ?? false);
}
