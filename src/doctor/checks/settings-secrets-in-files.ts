import { findingsFor, type Check, type Finding } from '../types.js';

const SECRET_VARIABLES = ['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_BEARER_TOKEN_BEDROCK', 'ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'ANTHROPIC_AWS_API_KEY'];

/** Credentials in the project settings file, which is meant to be committed to the repository. */
export const settingsSecretsInFiles: Check = {
  id: 'settings.secrets-in-files',
  category: 'settings',
  title: 'No credentials in shared settings files',
  run(facts) {
    const f = findingsFor(this);
    const out: Finding[] = [];
    for (const file of facts.settings.files) {
      if (file.scope !== 'project') continue;
      const found = file.envNames.filter((name) => SECRET_VARIABLES.includes(name));
      if (found.length === 0) continue;
      out.push(
        f.warn(
          `${file.label} holds credentials`,
          `the env block of ${file.label} sets ${found.join(', ')}; this file is shared with everyone who clones the repository (values are not shown)`,
          `Move ${found.join(', ')} out of ${file.label}: into ~/.claude/settings.json or .claude/settings.local.json, or better an AWS profile (aws configure sso) with AWS_PROFILE; then rotate the exposed credentials.`,
        ),
      );
    }
    if (out.length === 0) out.push(f.ok('No credentials in project settings', 'the project settings file sets no secret variables'));
    return out;
  },
};
