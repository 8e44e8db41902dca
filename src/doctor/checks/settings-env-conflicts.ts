import { findingsFor, type Check, type Finding } from '../types.js';

/** A variable exported in the shell and set differently in a settings env block: the settings value wins. */
export const settingsEnvConflicts: Check = {
  id: 'settings.env-conflicts',
  category: 'settings',
  title: 'Shell environment and settings env agree',
  run(facts) {
    const f = findingsFor(this);
    const out: Finding[] = [];
    for (const variable of facts.env.variables) {
      const winner = variable.settings[variable.settings.length - 1];
      const shell = variable.shell;
      if (!winner || !shell || shell.empty) continue;
      if (winner.value.fingerprint === shell.fingerprint) continue;
      const shellText = shell.display !== undefined ? `"${shell.display}"` : 'a value (hidden)';
      const detail = winner.value.empty
        ? `${variable.name} is exported in the shell as ${shellText}, but the env block of ${winner.label} sets it to "", which unsets it for Claude Code and cc-bedrock`
        : `${variable.name} is exported in the shell as ${shellText}, but the env block of ${winner.label} sets ${
            winner.value.display !== undefined ? `"${winner.value.display}"` : 'another value (hidden)'
          }; Claude Code and cc-bedrock use the settings value`;
      out.push(
        f.warn(
          `${variable.name} differs between the shell and ${winner.label}`,
          detail,
          `Make them agree: remove env.${variable.name} from ${winner.label}, or unset ${variable.name} in the shell (unset ${variable.name}).`,
        ),
      );
    }
    if (out.length === 0) out.push(f.ok('No conflicts', 'no variable is set one way in the shell and another way in a settings env block'));
    return out;
  },
};
