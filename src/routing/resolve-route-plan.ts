import type { LoadedSettings } from '../settings/load-settings.js';
import { resolveConfiguration, type InspectOptions } from './resolve-configuration.js';
import type { EnvLookup, RoutePlan } from '../core/route-plan.js';
import type { Env } from '../core/read-env.js';

export type ResolveRoutePlanOptions = Omit<InspectOptions, 'mode'>;

export interface RouteResolution {
  readonly plan: RoutePlan;
  readonly settings: LoadedSettings;
  /** Settings env over process env: what subprocesses (credential commands) must see. */
  readonly envLookup: EnvLookup;
  readonly effectiveEnv: Env;
}

/**
 * settings + env → route plan, stopping at the first problem (thrown as the CcBedrockError the
 * part raised). The same resolution as `resolveConfiguration`, which collects every problem
 * instead: a session and `doctor` can never disagree on what is sent. Pure apart from reading
 * the settings and AWS config files: nothing is sent anywhere and no credential is fetched.
 */
export async function resolveRoutePlan(options: ResolveRoutePlanOptions): Promise<RouteResolution> {
  const snapshot = await resolveConfiguration({ ...options, mode: 'first-error' });
  if (!snapshot.plan || !snapshot.settings) throw new Error('resolveConfiguration returned no plan without a problem');
  return { plan: snapshot.plan, settings: snapshot.settings, envLookup: snapshot.envLookup, effectiveEnv: snapshot.effectiveEnv };
}
