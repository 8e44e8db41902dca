import { findingsFor, type Check, type Finding } from '../types.js';

/** ANTHROPIC_CUSTOM_HEADERS parses as "Name: value" lines; guardrail headers come in pairs. */
export const settingsCustomHeaders: Check = {
  id: 'settings.custom-headers',
  category: 'settings',
  title: 'Custom headers are well-formed',
  run(facts) {
    const f = findingsFor(this);
    const headers = facts.customHeaders;
    if (!headers.ok) return [f.fail('ANTHROPIC_CUSTOM_HEADERS is malformed', headers.error.message, headers.error.remediation)];
    const out: Finding[] = headers.value.warnings.map((warning) => f.warn('A custom header needs attention', warning.message, warning.fix));
    if (out.length === 0) {
      out.push(
        f.ok(
          headers.value.names.length ? `Custom headers: ${headers.value.names.join(', ')}` : 'Custom headers: none',
          headers.value.names.length ? 'sent (and signed) on every model call; values are not shown' : 'ANTHROPIC_CUSTOM_HEADERS is not set',
        ),
      );
    }
    return out;
  },
};
