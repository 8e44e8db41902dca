import { blockedBecause, blockingProblem } from '../credential-verdict.js';
import { findingsFor, type Check, type Finding } from '../types.js';

/** ListInferenceProfiles (profile discovery) and GetInferenceProfile (application inference profiles). */
export const accessInferenceProfiles: Check = {
  id: 'access.inference-profiles',
  category: 'access',
  title: 'Inference profiles can be listed and looked up',
  run(facts) {
    const f = findingsFor(this);
    const access = facts.access;
    if (!access) return [f.skip('Control plane not called (--offline)', 'listing inference profiles calls Bedrock')];
    if (access.skipped) return [f.skip('Control plane not called', access.skipped)];
    const out: Finding[] = [];
    const list = access.listProfiles;
    if (list?.ok) {
      out.push(f.ok(`ListInferenceProfiles: ${list.value.count} system profiles`, `in ${facts.region.value.value}; built-in models are matched against them`));
    } else if (list && blockingProblem(facts, list.error)) {
      out.push(f.skip('ListInferenceProfiles not judged', blockedBecause(blockingProblem(facts, list.error)!)));
    } else if (list && list.error.code !== 'ACCESS_DENIED') {
      // Not a refusal: the fix is the failure's own (network, proxy, throttling), not an IAM grant.
      out.push(f.warn('ListInferenceProfiles failed', `${list.error.message}; built-in models then get the region prefix without an availability check`, list.error.remediation));
    } else if (list) {
      out.push(
        f.warn(
          'ListInferenceProfiles is refused',
          `${list.error.message}; built-in models then get the region prefix without an availability check`,
          `allow bedrock:ListInferenceProfiles on arn:aws:bedrock:${facts.region.value.value}:<account-id>:inference-profile/* (see \`cc-bedrock iam-policy --scope configured\`)`,
        ),
      );
    }
    for (const profile of access.applicationProfiles) {
      if (profile.result.ok) {
        out.push(f.ok(`Application inference profile resolves`, `${profile.arn} is backed by ${profile.result.value.backingModelId ?? 'an unrecognised model'}`));
      } else {
        out.push(
          f.warn(
            'GetInferenceProfile is refused',
            `${profile.arn}: ${profile.result.error.message}; without it the backing model is unknown and the first request per model may need a retry with another request shape`,
            `allow bedrock:GetInferenceProfile on ${profile.arn}`,
          ),
        );
      }
    }
    if (out.length === 0) out.push(f.skip('Control plane not used', 'the Invoke API is off and no application inference profile is configured'));
    return out;
  },
};
