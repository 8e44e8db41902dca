import { CcBedrockError } from '../core/errors.js';
import type { EnvLookup, RoutePlan, Sourced } from '../core/route-plan.js';

function dnsSuffix(region: string): string {
  return region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
}

function readBaseUrl(env: EnvLookup, variable: string): Sourced<string> | undefined {
  const entry = env.get(variable);
  if (!entry) return undefined;
  let url: URL;
  try {
    url = new URL(entry.value);
  } catch {
    // The value is not echoed: a scheme-less `user:password@host` would print the password.
    throw new CcBedrockError('SETTINGS_TYPE_INVALID', `${variable} (${entry.source}) is not an absolute URL`, {
      remediation: `set ${variable} to an absolute http(s) URL such as https://bedrock-runtime.us-east-1.amazonaws.com, or unset it`,
    });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new CcBedrockError('SETTINGS_TYPE_INVALID', `${variable} (${entry.source}) must be an http or https URL, not ${url.protocol}`, {
      remediation: `set ${variable} to an absolute https URL, or unset it`,
    });
  }
  if (url.username || url.password) {
    // Credentials in a base URL would be printed by status and logged by every proxy on the way.
    throw new CcBedrockError('SETTINGS_TYPE_INVALID', `${variable} (${entry.source}) must not embed a user name or password`, {
      remediation: `remove the credentials from ${variable}; put gateway credentials in ANTHROPIC_CUSTOM_HEADERS instead`,
    });
  }
  return { value: entry.value.replace(/\/+$/, ''), source: `${variable} (${entry.source})` };
}

/**
 * Invoke, control-plane and Mantle base URLs (spec §5.4, §13.2). With ANTHROPIC_BEDROCK_BASE_URL
 * set, inference-profile listing goes to the same base URL, as Claude Code does since v2.0.71.
 */
export function resolveEndpoints(env: EnvLookup, region: Sourced<string>): RoutePlan['endpoints'] {
  const suffix = dnsSuffix(region.value);
  const regionNote = `region ${region.value}`;
  const invokeOverride = readBaseUrl(env, 'ANTHROPIC_BEDROCK_BASE_URL');
  const mantleOverride = readBaseUrl(env, 'ANTHROPIC_BEDROCK_MANTLE_BASE_URL');
  return {
    invoke: invokeOverride ?? { value: `https://bedrock-runtime.${region.value}.${suffix}`, source: regionNote },
    controlPlane: invokeOverride ?? { value: `https://bedrock.${region.value}.${suffix}`, source: regionNote },
    mantle: mantleOverride ?? { value: `https://bedrock-mantle.${region.value}.api.aws/anthropic`, source: regionNote },
  };
}
