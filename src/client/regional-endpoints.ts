/**
 * Where a call for a model in a given region goes. A model whose region differs from the session
 * region (ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION, `cc-bedrock models --region`) goes to that
 * region's endpoints, unless the base URL was set explicitly (a gateway or an emulator), which
 * then serves every region.
 */
import { resolveEndpoints } from '../routing/endpoints.js';
import type { EnvLookup, RoutePlan } from '../core/route-plan.js';

const emptyEnv: EnvLookup = { get: () => undefined };

function defaultEndpointsFor(region: string): RoutePlan['endpoints'] {
  return resolveEndpoints(emptyEnv, { value: region, source: 'model region' });
}

export function baseUrlFor(plan: RoutePlan, kind: keyof RoutePlan['endpoints'], region: string): string {
  const configured = plan.endpoints[kind].value;
  if (region === plan.region.value) return configured;
  const sessionDefault = defaultEndpointsFor(plan.region.value)[kind].value;
  return configured === sessionDefault ? defaultEndpointsFor(region)[kind].value : configured;
}

/** The plan's endpoints as a session in `region` would have them (the plan's own for its region). */
export function endpointsForRegion(plan: RoutePlan, region: string): RoutePlan['endpoints'] {
  if (region === plan.region.value) return plan.endpoints;
  const source = `${plan.region.value} endpoints moved to region ${region}`;
  return {
    invoke: { value: baseUrlFor(plan, 'invoke', region), source },
    controlPlane: { value: baseUrlFor(plan, 'controlPlane', region), source },
    mantle: { value: baseUrlFor(plan, 'mantle', region), source },
  };
}
