import type { EnvLookup } from '../../src/core/route-plan.js';

/** The source label of a variable set in the user settings' `env` block. */
export const SETTINGS_ENV_SOURCE = '~/.claude/settings.json env';

/**
 * The EnvLookup contract over two plain records: the settings `env` block over the shell, values
 * trimmed, an empty value meaning unset (an empty settings value hides the shell's).
 */
export function settingsOverShellLookup(shell: Record<string, string>, settings: Record<string, string> = {}): EnvLookup {
  return {
    get(name) {
      for (const [values, source] of [
        [settings, SETTINGS_ENV_SOURCE],
        [shell, 'shell env'],
      ] as const) {
        const raw = values[name];
        if (raw === undefined) continue;
        const value = raw.trim();
        return value === '' ? undefined : { value, source };
      }
      return undefined;
    },
  };
}
