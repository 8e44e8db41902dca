import type { LoadedSettings } from '../settings/load-settings.js';
import { resolveConfiguration, type InspectOptions } from './resolve-configuration.js';
import type { EnvLookup, RoutePlan } from '../core/route-plan.js';
import type { Env } from '../core/read-env.js';

/** The inputs of `resolveRoutePlan`: environment, home and working directory, platform, `--model` and `--settings`. */
export type ResolveRoutePlanOptions = Omit<InspectOptions, 'mode'>;

/** What `resolveRoutePlan` returns: the plan, the settings it read, and the effective environment (settings `env` over the process's). */
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
 *
 * @example
 * ```ts
 * import { homedir } from 'node:os';
 * import { resolveRoutePlan } from 'cc-bedrock';
 *
 * const { plan } = await resolveRoutePlan({ env: process.env, homeDir: homedir(), cwd: process.cwd(), platform: process.platform });
 * console.log(plan.models.main.wireModelId, plan.region.value);
 * ```
 */
export async function resolveRoutePlan(options: ResolveRoutePlanOptions): Promise<RouteResolution> {
  const snapshot = await resolveConfiguration({ ...options, mode: 'first-error' });
  if (!snapshot.plan || !snapshot.settings) throw new Error('resolveConfiguration returned no plan without a problem');
  return { plan: snapshot.plan, settings: snapshot.settings, envLookup: snapshot.envLookup, effectiveEnv: snapshot.effectiveEnv };
}
