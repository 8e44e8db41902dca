import { chosenSelections, versionBefore } from '../check-helpers.js';
import type { DoctorFacts } from '../facts.js';
import { findingsFor, type Check, type Finding } from '../types.js';

/** The Claude Code version that introduced each model (spec §7.1). */
const MODEL_MINIMUM: Readonly<Record<string, string>> = {
  'claude-opus-5': '2.1.219',
  'claude-sonnet-5': '2.1.197',
  'claude-fable-5': '2.1.170',
  'claude-opus-4-8': '2.1.154',
  'claude-opus-4-7': '2.1.111',
};

interface Requirement {
  readonly feature: string;
  readonly minimum: string;
  /** What an older Claude Code does instead. */
  readonly otherwise: string;
}

function requirements(facts: DoctorFacts): Requirement[] {
  const out: Requirement[] = [];
  if (facts.providers.value.mantle) {
    out.push({ feature: 'the Mantle endpoint (CLAUDE_CODE_USE_MANTLE)', minimum: '2.1.94', otherwise: 'ignores CLAUDE_CODE_USE_MANTLE' });
  }
  if (facts.serviceTier.ok && facts.serviceTier.value) {
    out.push({ feature: 'ANTHROPIC_BEDROCK_SERVICE_TIER', minimum: '2.1.122', otherwise: 'sends no service tier header' });
  }
  if (Object.keys(facts.models.modelOverrides).length > 0) {
    out.push({ feature: 'modelOverrides', minimum: '2.1.73', otherwise: 'ignores modelOverrides and calls the built-in model IDs' });
  }
  if (facts.models.enforceAvailableModels) {
    out.push({ feature: 'enforceAvailableModels', minimum: '2.1.175', otherwise: 'lets the Default model bypass availableModels' });
  }
  if (facts.models.regionPrefix) {
    out.push({ feature: 'ANTHROPIC_BEDROCK_REGION_PREFIX', minimum: '2.1.224', otherwise: 'derives the profile prefix from the region only' });
  }
  if (facts.credentials.credentialExport) {
    out.push({
      feature: 'awsCredentialExport running even when the default chain has credentials',
      minimum: '2.1.141',
      otherwise: 'skips awsCredentialExport whenever ambient AWS credentials work (cross-account credentials are ignored)',
    });
  }
  for (const selection of chosenSelections(facts)) {
    const key = selection.resolved?.catalogKey;
    const minimum = key ? MODEL_MINIMUM[key] : undefined;
    if (minimum) out.push({ feature: `${key} (${selection.label})`, minimum, otherwise: 'does not know the model (wrong context window, capabilities and defaults)' });
  }
  return out;
}

/** Features this configuration uses that the `claude` on PATH is too old for. */
export const settingsClaudeCodeVersion: Check = {
  id: 'settings.claude-code-version',
  category: 'settings',
  title: 'Installed Claude Code supports this configuration',
  run(facts) {
    const f = findingsFor(this);
    const claude = facts.claudeCode;
    if (claude.status === 'not-found') {
      return [f.skip('Claude Code is not on PATH', `no claude executable in the ${claude.searched} PATH directories; nothing to compare (cc-bedrock itself needs no Claude Code)`)];
    }
    if (!claude.version) {
      return [
        f.warn(
          `Could not read the version of ${claude.path}`,
          `\`claude --version\` ${claude.error ? `failed: ${claude.error}` : `printed "${claude.output}"`}`,
          'run `claude --version` yourself; reinstall Claude Code if it does not start',
        ),
      ];
    }
    const version = claude.version;
    const missing = requirements(facts).filter((requirement) => versionBefore(version, requirement.minimum));
    const out: Finding[] = missing.map((requirement) =>
      f.warn(
        `Claude Code ${version} is too old for ${requirement.feature}`,
        `${claude.path} is v${version}; ${requirement.feature} needs v${requirement.minimum}+, so this Claude Code ${requirement.otherwise}`,
        'update Claude Code: `claude update` (or `npm install -g @anthropic-ai/claude-code@latest`)',
      ),
    );
    if (out.length === 0) out.push(f.ok(`Claude Code ${version}`, `${claude.path} supports every feature this configuration uses`));
    return out;
  },
};
