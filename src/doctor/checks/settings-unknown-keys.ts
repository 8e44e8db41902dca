import { findingsFor, type Check, type Finding } from '../types.js';

/**
 * Settings keys Claude Code reads besides the ones cc-bedrock uses (code.claude.com/docs/en/settings).
 * A key in neither list is ignored by both, which is almost always a typo or a stale key.
 */
const CLAUDE_CODE_SETTINGS_KEYS: ReadonlySet<string> = new Set([
  '$schema',
  'advisorModel',
  'allowedMcpServers',
  'allowManagedHooksOnly',
  'allowManagedPermissionRulesOnly',
  'alwaysThinkingEnabled',
  'attribution',
  'autoCompactEnabled',
  'autoMemoryEnabled',
  'autoUpdatesChannel',
  'claudeMdExcludes',
  'cleanupPeriodDays',
  'companyAnnouncements',
  'deniedMcpServers',
  'disableAllHooks',
  'disableAutoMode',
  'disabledMcpjsonServers',
  'effortLevel',
  'enableAllProjectMcpServers',
  'enabledMcpjsonServers',
  'enabledPlugins',
  'extraKnownMarketplaces',
  'feedbackSurveyRate',
  'fileSuggestion',
  'forceLoginMethod',
  'forceLoginOrgUUID',
  'hooks',
  'includeCoAuthoredBy',
  'includeGitInstructions',
  'language',
  'otelHeadersHelper',
  'outputStyle',
  'permissions',
  'plansDirectory',
  'prefersReducedMotion',
  'respectGitignore',
  'sandbox',
  'showTurnDuration',
  'skipWebFetchPreflight',
  'spinnerTipsEnabled',
  'spinnerTipsOverride',
  'spinnerVerbs',
  'statusLine',
  'strictKnownMarketplaces',
  'switchModelsOnFlag',
  'terminalProgressBarEnabled',
  'theme',
  'verbose',
]);

/** Misspelled and unknown settings keys (the loader's "did you mean" plus keys nobody reads). */
export const settingsUnknownKeys: Check = {
  id: 'settings.unknown-keys',
  category: 'settings',
  title: 'Settings keys are known',
  run(facts) {
    const f = findingsFor(this);
    const out: Finding[] = [];
    const misspelled = facts.settings.warnings.filter((warning) => warning.code === 'SETTINGS_KEY_MISSPELLED');
    for (const file of facts.settings.files) {
      for (const key of file.unknownKeys) {
        const hint = misspelled.find((warning) => warning.message.startsWith(`${file.label}: unknown key ${key} `));
        if (hint) {
          out.push(f.warn(`${file.label}: "${key}" is not a setting`, hint.message, hint.fix));
        } else if (!CLAUDE_CODE_SETTINGS_KEYS.has(key)) {
          out.push(
            f.warn(
              `${file.label}: "${key}" is not a setting`,
              `${file.label} has the key ${key}, which neither Claude Code nor cc-bedrock reads; it is ignored`,
              `Remove ${key} from ${file.label}, or correct its spelling (the keys are listed at https://code.claude.com/docs/en/settings).`,
            ),
          );
        }
      }
    }
    if (out.length === 0) out.push(f.ok('Every settings key is known', 'no misspelled or unknown keys in any settings file'));
    return out;
  },
};
