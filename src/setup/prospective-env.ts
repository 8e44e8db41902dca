/**
 * The environment Claude Code will see once the wizard's change is written: the current
 * effective variables (settings `env` over the shell) with the change applied on top. Used to
 * verify credentials and models before anything is written.
 */
import { readEnv, type Env } from '../core/read-env.js';
import { SHELL_ENV_SOURCE, type EffectiveEnv } from '../settings/effective-env.js';
import type { SettingsEnvChange } from '../settings/write-settings.js';
import type { EnvLookup, Sourced } from '../core/route-plan.js';

export interface ProspectiveEnv {
  readonly lookup: EnvLookup;
  readonly subprocessEnv: Record<string, string>;
}

/**
 * `base` with `change` applied as if written to a file that wins over every other source. A
 * removed variable falls back to the shell's value, as it will once the file no longer sets it.
 * (Files of higher precedence than the target are reported separately as warnings.)
 */
export function prospectiveEnv(base: EffectiveEnv, processEnv: Env, change: SettingsEnvChange, label: string): ProspectiveEnv {
  const set = change.set ?? {};
  const unset = new Set(change.unset ?? []);
  const has = (name: string): boolean => Object.prototype.hasOwnProperty.call(set, name);
  const lookup: EnvLookup = {
    get(name: string): Sourced<string> | undefined {
      if (has(name)) {
        const value = set[name]?.trim() ?? '';
        return value === '' ? undefined : { value, source: `${label} env` };
      }
      if (unset.has(name)) {
        const value = readEnv(processEnv, name);
        return value === undefined ? undefined : { value, source: SHELL_ENV_SOURCE };
      }
      return base.get(name);
    },
  };
  const subprocessEnv = base.effectiveEnv();
  for (const name of unset) {
    const value = processEnv[name];
    if (value === undefined) delete subprocessEnv[name];
    else subprocessEnv[name] = value;
  }
  for (const [name, value] of Object.entries(set)) subprocessEnv[name] = value;
  return { lookup, subprocessEnv };
}
