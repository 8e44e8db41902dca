import type { EnvLookup, RoutePlan, Sourced } from '../core/route-plan.js';
import { readUrlVar } from '../settings/read-var.js';

function dnsSuffix(region: string): string {
  return region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
}

/** A base URL override through the variable table (absolute http(s), no credentials, no trailing slash). */
function readBaseUrl(env: EnvLookup, variable: string): Sourced<string> | undefined {
  const entry = readUrlVar(env, variable);
  return entry && { value: entry.value, source: `${variable} (${entry.source})` };
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
