import { configuredPolicy } from '../../iam/policy.js';
import { policyTargets } from '../../iam/targets.js';
import { blockingProblem } from '../credential-verdict.js';
import type { ErrorFact } from '../types.js';
import { findingsFor, type Check } from '../types.js';

const DENIED = new Set(['MODEL_NOT_GRANTED', 'ACCESS_DENIED', 'MANTLE_NOT_GRANTED']);

/** The IAM actions (and resources) this configuration needs, and evidence that some are missing. */
export const iamActions: Check = {
  id: 'iam.actions',
  category: 'iam',
  title: 'IAM allows what the configuration needs',
  run(facts) {
    const f = findingsFor(this);
    const backing: Record<string, string[]> = {};
    for (const profile of facts.access?.applicationProfiles ?? []) {
      if (profile.result.ok) backing[profile.arn] = [...profile.result.value.modelArns];
    }
    const { targets } = policyTargets(facts.models.selections, backing);
    const bearer = {
      bedrock: facts.credentials.perEndpoint.some((group) => group.endpoints.includes('bedrock') && group.plan.ok && group.plan.value.kind === 'bearer-token'),
      mantle: facts.credentials.perEndpoint.some((group) => group.endpoints.includes('mantle') && group.plan.ok && group.plan.value.kind === 'bearer-token'),
    };
    const policy = configuredPolicy({ targets, sessionRegion: facts.region.value.value, bearerToken: bearer });
    const resourceCount = policy.policy.Statement.reduce((sum, statement) => sum + (Array.isArray(statement.Resource) ? statement.Resource.length : 1), 0);
    const needs = `needs ${policy.actions.join(', ')} on ${resourceCount} resource${resourceCount === 1 ? '' : 's'} for ${targets.length} model${targets.length === 1 ? '' : 's'}`;

    const denials: Array<{ what: string; error: ErrorFact }> = [];
    for (const probe of facts.access?.probes ?? []) {
      if (!probe.result.ok && DENIED.has(probe.result.error.code) && !blockingProblem(facts, probe.result.error)) denials.push({ what: probe.modelId, error: probe.result.error });
    }
    const list = facts.access?.listProfiles;
    if (list && !list.ok && DENIED.has(list.error.code) && !blockingProblem(facts, list.error)) denials.push({ what: 'ListInferenceProfiles', error: list.error });
    for (const profile of facts.access?.applicationProfiles ?? []) {
      if (!profile.result.ok && DENIED.has(profile.result.error.code) && !blockingProblem(facts, profile.result.error)) denials.push({ what: `GetInferenceProfile ${profile.arn}`, error: profile.result.error });
    }
    const fix = 'attach the least-privilege policy printed by `cc-bedrock iam-policy --scope configured` (or the documented one: `cc-bedrock iam-policy`), and enable model access in the Bedrock console';
    if (denials.length > 0) {
      return [f.fail('AWS denied calls this configuration makes', `${denials.map((d) => `${d.what}: ${d.error.code}`).join('; ')}. The configuration ${needs}`, fix)];
    }
    if (targets.length === 0) return [f.skip('No model to authorise', 'no configured model resolved')];
    return [f.ok('IAM actions needed', `${needs}; print the policy with \`cc-bedrock iam-policy --scope configured\``)];
  },
};
