import { CcBedrockError } from '../core/errors.js';
import { isSecretHeaderName } from '../core/redact.js';
import type { CustomHeader, EnvLookup, RoutePlan, RouteWarning } from '../core/route-plan.js';
import type { ServiceTier } from '../settings/env-vars.js';
import { readEnumVar } from '../settings/read-var.js';

/**
 * ANTHROPIC_BEDROCK_SERVICE_TIER. Claude Code copies any value into the header unchecked and
 * Bedrock then rejects the call; we refuse it locally and name the allowed values instead.
 */
export function resolveServiceTier(env: EnvLookup): RoutePlan['serviceTier'] {
  // The table's enum parser throws SERVICE_TIER_INVALID naming the allowed values.
  const entry = readEnumVar(env, 'ANTHROPIC_BEDROCK_SERVICE_TIER');
  if (!entry) return undefined;
  return { value: entry.value as ServiceTier, source: `ANTHROPIC_BEDROCK_SERVICE_TIER (${entry.source})` };
}

const GUARDRAIL_HEADERS = new Set(['x-amzn-bedrock-guardrailidentifier', 'x-amzn-bedrock-guardrailversion']);
// RFC 9110 token characters.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export interface CustomHeadersResolution {
  readonly headers: readonly CustomHeader[];
  readonly warnings: readonly RouteWarning[];
}

/**
 * ANTHROPIC_CUSTOM_HEADERS: newline-separated `Name: value` lines (a literal `\n` inside JSON
 * strings is already a newline by the time it gets here). A malformed line is an error naming
 * its line number; the line itself is never echoed because header values are often tokens.
 */
export function parseCustomHeaders(env: EnvLookup): CustomHeadersResolution {
  const entry = env.get('ANTHROPIC_CUSTOM_HEADERS');
  if (!entry) return { headers: [], warnings: [] };
  const headers: CustomHeader[] = [];
  const warnings: RouteWarning[] = [];
  const lines = entry.value.split(/\r?\n/);
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (colon <= 0 || !HEADER_NAME.test(name)) {
      throw new CcBedrockError(
        'CUSTOM_HEADERS_INVALID',
        `ANTHROPIC_CUSTOM_HEADERS (${entry.source}) line ${index + 1} of ${lines.length} is not "Name: value"` +
          (colon <= 0 ? ' (no colon)' : ' (the name has characters a header name cannot have)'),
        { remediation: 'write one header per line as "Name: value", e.g. "X-Amzn-Bedrock-GuardrailIdentifier: gr-123\\nX-Amzn-Bedrock-GuardrailVersion: 1"' },
      );
    }
    const value = line.slice(colon + 1).trim();
    const lower = name.toLowerCase();
    const role: CustomHeader['role'] = GUARDRAIL_HEADERS.has(lower)
      ? 'guardrail'
      : lower === 'x-amzn-bedrock-trace'
        ? 'trace'
        : 'custom';
    headers.push({ name, value, role });
  });

  const has = (lower: string) => headers.some((h) => h.name.toLowerCase() === lower);
  if (has('x-amzn-bedrock-guardrailidentifier') !== has('x-amzn-bedrock-guardrailversion')) {
    warnings.push({
      code: 'guardrail-incomplete',
      message: 'ANTHROPIC_CUSTOM_HEADERS sets only one of X-Amzn-Bedrock-GuardrailIdentifier and X-Amzn-Bedrock-GuardrailVersion; Bedrock rejects a guardrail without both',
      fix: 'add the missing header, e.g. "X-Amzn-Bedrock-GuardrailVersion: 1"',
    });
  }
  if (has('authorization')) {
    warnings.push({
      code: 'custom-authorization-header',
      message: 'ANTHROPIC_CUSTOM_HEADERS sets Authorization; it is dropped on requests cc-bedrock signs (SigV4 or a Bedrock API key) and sent only with skip-auth',
      fix: 'remove Authorization from ANTHROPIC_CUSTOM_HEADERS unless a gateway behind CLAUDE_CODE_SKIP_BEDROCK_AUTH needs it',
    });
  }
  return { headers, warnings };
}

/** Header values are shown by status; anything that may carry a credential is masked. */
export function displayHeaderValue(header: Pick<CustomHeader, 'name' | 'value'>): string {
  return isSecretHeaderName(header.name) ? `<hidden, ${header.value.length} characters>` : header.value;
}
