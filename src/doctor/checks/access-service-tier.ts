import { findingsFor, type Check } from '../types.js';

/** Bedrock accepts ANTHROPIC_BEDROCK_SERVICE_TIER for the main model in this region. */
export const accessServiceTier: Check = {
  id: 'access.service-tier',
  category: 'access',
  title: 'The service tier is accepted',
  run(facts) {
    const f = findingsFor(this);
    const tier = facts.serviceTier.ok ? facts.serviceTier.value : undefined;
    if (!tier) return [f.skip('No service tier to check', facts.serviceTier.ok ? 'ANTHROPIC_BEDROCK_SERVICE_TIER is not set' : 'the tier is invalid (see settings.service-tier)')];
    const access = facts.access;
    if (!access) return [f.skip('Service tier not probed (--offline)', 'probing sends a 1-token request to Bedrock')];
    if (access.skipped) return [f.skip('Service tier not probed', access.skipped)];
    const main = access.probes.find((probe) => probe.selections.some((selection) => selection.id === 'main'));
    if (!main) return [f.skip('Service tier not probed', 'the main model was not probed')];
    if (main.endpoint !== 'bedrock') return [f.skip('Service tier not used', 'the main model is on Mantle, which takes no service tier')];
    if (main.result.ok) return [f.ok(`Service tier ${tier.value} accepted`, `Bedrock answered ${main.modelId} in ${main.region} with X-Amzn-Bedrock-Service-Tier: ${tier.value}`)];
    const plain = access.withoutTier;
    if (plain?.result.ok) {
      return [
        f.fail(
          `Bedrock refuses service tier ${tier.value}`,
          `${main.modelId} in ${main.region} answers without a tier but not with ${tier.value} (${tier.source}): ${main.result.error.message}`,
          `unset ANTHROPIC_BEDROCK_SERVICE_TIER, or choose a tier this model offers in ${main.region} (default, flex or priority)`,
        ),
      ];
    }
    return [f.skip('Service tier not decided', `${main.modelId} is not invokable even without a tier (see access.models)`)];
  },
};
