import { findingsFor, type Check } from '../types.js';

/** ANTHROPIC_BEDROCK_SERVICE_TIER is one of default, flex, priority, and is used where it applies. */
export const settingsServiceTier: Check = {
  id: 'settings.service-tier',
  category: 'settings',
  title: 'Service tier is valid',
  run(facts) {
    const f = findingsFor(this);
    const tier = facts.serviceTier;
    if (!tier.ok) return [f.fail('ANTHROPIC_BEDROCK_SERVICE_TIER is invalid', tier.error.message, tier.error.remediation)];
    if (!tier.value) return [f.ok('Service tier: not set', 'no X-Amzn-Bedrock-Service-Tier header is sent; Bedrock uses its default tier')];
    if (!facts.providers.value.bedrock) {
      return [
        f.warn(
          'The service tier has no effect',
          `${tier.value.source} selects ${tier.value.value}, but only Mantle is enabled and Mantle takes no service tier`,
          'unset ANTHROPIC_BEDROCK_SERVICE_TIER, or enable the Invoke API with CLAUDE_CODE_USE_BEDROCK=1',
        ),
      ];
    }
    return [f.ok(`Service tier: ${tier.value.value}`, `${tier.value.source}; sent as X-Amzn-Bedrock-Service-Tier on Invoke API calls`)];
  },
};
