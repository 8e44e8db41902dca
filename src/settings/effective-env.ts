import type { Env } from '../core/read-env.js';
import type { EnvLookup, Sourced } from '../core/route-plan.js';
import type { LoadedSettings } from './load-settings.js';

export const SHELL_ENV_SOURCE = 'shell env';

/** EnvLookup plus what subprocesses and `status` need. */
export interface EffectiveEnv extends EnvLookup {
  /**
   * The environment Claude Code runs with: the process environment with the merged settings
   * `env` block written over it. A settings entry that is empty (or only whitespace) removes
   * the variable, the way a `""` entry cancels a shell export.
   */
  effectiveEnv(): Record<string, string>;
  /** Where the effective value of `name` comes from; undefined when it is unset. */
  sourceOf(name: string): string | undefined;
}

/** `~/.claude/settings.json env`, or `managed settings env (<file>)` for a managed file. */
export function settingsEnvSource(loaded: LoadedSettings, name: string): string | undefined {
  const label = loaded.origins[`env.${name}`];
  if (label === undefined) return undefined;
  return loaded.originScopes[`env.${name}`] === 'managed' ? `managed settings env (${label})` : `${label} env`;
}

/**
 * Variables as Claude Code sees them (spec §3.4): the settings `env` block replaces the
 * inherited value; values are trimmed and an empty value means unset.
 */
export function createEnvLookup(processEnv: Env, loaded: LoadedSettings | undefined): EffectiveEnv {
  const settingsEnv: Readonly<Record<string, string>> = loaded?.merged.env ?? {};
  const has = (name: string): boolean => Object.prototype.hasOwnProperty.call(settingsEnv, name);

  const get = (name: string): Sourced<string> | undefined => {
    if (has(name)) {
      const value = settingsEnv[name]?.trim() ?? '';
      if (value === '') return undefined;
      return { value, source: (loaded && settingsEnvSource(loaded, name)) ?? 'settings env' };
    }
    const value = processEnv[name]?.trim();
    if (value === undefined || value === '') return undefined;
    return { value, source: SHELL_ENV_SOURCE };
  };

  return {
    get,
    sourceOf: (name) => get(name)?.source,
    effectiveEnv: () => {
      const out: Record<string, string> = {};
      for (const [name, value] of Object.entries(processEnv)) {
        if (value !== undefined) out[name] = value;
      }
      for (const [name, value] of Object.entries(settingsEnv)) {
        if (value.trim() === '') delete out[name];
        else out[name] = value;
      }
      return out;
    },
  };
}
