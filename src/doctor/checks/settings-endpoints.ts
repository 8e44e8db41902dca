import { findingsFor, type Check, type Finding } from '../types.js';

/** ANTHROPIC_BEDROCK_BASE_URL and ANTHROPIC_BEDROCK_MANTLE_BASE_URL are usable URLs. */
export const settingsEndpoints: Check = {
  id: 'settings.endpoints',
  category: 'settings',
  title: 'Endpoint base URLs are valid',
  run(facts) {
    const f = findingsFor(this);
    const out: Finding[] = facts.endpoints.errors.map((error) => f.fail('An endpoint URL is invalid', error.message, error.remediation));
    if (out.length === 0) {
      const { invoke, mantle } = facts.endpoints.value;
      const parts = [];
      if (facts.providers.value.bedrock) parts.push(`Invoke API ${invoke.value} (${invoke.source})`);
      if (facts.providers.value.mantle) parts.push(`Mantle ${mantle.value} (${mantle.source})`);
      out.push(f.ok('Endpoints', parts.join('; ') || `Invoke API ${invoke.value} (${invoke.source})`));
    }
    return out;
  },
};
