import { findingsFor, type Check, type Finding } from '../types.js';

/** CLAUDE_CODE_USE_BEDROCK / CLAUDE_CODE_USE_MANTLE select a provider cc-bedrock serves. */
export const settingsProvider: Check = {
  id: 'settings.provider',
  category: 'settings',
  title: 'Provider switches select Amazon Bedrock',
  run(facts) {
    const f = findingsFor(this);
    const { providers } = facts;
    if (providers.error) {
      return [
        f.fail(
          'No Amazon Bedrock provider is selected',
          `${providers.error.message}. The other checks assume CLAUDE_CODE_USE_BEDROCK=1.`,
          providers.error.remediation,
        ),
      ];
    }
    const out: Finding[] = providers.warnings.map((warning) => f.warn('A provider switch is ignored', warning.message, warning.fix));
    out.unshift(f.ok(`Provider: ${providers.value.label}`, `selected by ${providers.value.source}`));
    return out;
  },
};
