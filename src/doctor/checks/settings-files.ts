import { findingsFor, type Check, type Finding } from '../types.js';

/** Every settings file parses and holds the types Claude Code expects; precedence surprises. */
export const settingsFiles: Check = {
  id: 'settings.files',
  category: 'settings',
  title: 'Settings files parse and are well-typed',
  run(facts) {
    const f = findingsFor(this);
    if (facts.settings.loadError) {
      return [f.fail('The settings files could not be read', facts.settings.loadError.message, facts.settings.loadError.remediation)];
    }
    const out: Finding[] = [];
    for (const file of facts.settings.files) {
      for (const error of file.errors) {
        out.push(f.fail(`${file.label} (${file.scope} settings) has an error`, error.message, error.remediation));
      }
    }
    for (const warning of facts.settings.warnings) {
      if (warning.code === 'SETTINGS_ENFORCE_NOT_MANAGED') out.push(f.warn('A setting is ignored because managed settings exist', warning.message, warning.fix));
    }
    if (out.length === 0) {
      const existing = facts.settings.files.filter((file) => file.exists);
      out.push(
        f.ok(
          'Settings files parse',
          existing.length === 0
            ? 'no settings file exists; only the environment configures Claude Code'
            : `read ${existing.map((file) => `${file.label} (${file.scope})`).join(', ')}`,
        ),
      );
    }
    return out;
  },
};
