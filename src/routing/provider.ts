import { CcBedrockError } from '../core/errors.js';
import type { EnvLookup, ProviderSelection, RouteWarning } from '../core/route-plan.js';
import { readSwitchReading } from '../settings/read-var.js';

/** Switches for providers Claude Code supports but cc-bedrock does not serve. */
const UNSERVED_SWITCHES: ReadonlyArray<{ variable: string; provider: string }> = [
  { variable: 'CLAUDE_CODE_USE_VERTEX', provider: 'Google Vertex AI' },
  { variable: 'CLAUDE_CODE_USE_FOUNDRY', provider: 'Microsoft Foundry' },
  { variable: 'CLAUDE_CODE_USE_ANTHROPIC_AWS', provider: 'Claude Platform on AWS' },
];

type SwitchState = { on: boolean; entry: { readonly source: string } | undefined };

/**
 * A provider switch through the variable table: an unrecognised value (`yes`) counts as off, as in
 * Claude Code, with a warning, because a typo silently sending traffic to the Anthropic API is
 * exactly the failure this tool exists to surface.
 */
function readSwitch(env: EnvLookup, variable: string, warnings: RouteWarning[]): SwitchState {
  const entry = readSwitchReading(env, variable, { warn: (warning) => warnings.push(warning) });
  return { on: entry?.value === true, entry };
}

export interface ProviderResolution {
  readonly providers: ProviderSelection;
  readonly warnings: readonly RouteWarning[];
}

export function labelFor(bedrock: boolean, mantle: boolean): string {
  if (bedrock && mantle) return 'Amazon Bedrock + Amazon Bedrock (Mantle)';
  if (mantle) return 'Amazon Bedrock (Mantle)';
  if (bedrock) return 'Amazon Bedrock';
  return 'Anthropic API';
}

/**
 * Which endpoints the switches select. Throws when the configuration selects nothing
 * cc-bedrock serves: another cloud, or the Anthropic API.
 */
export function resolveProviders(env: EnvLookup): ProviderResolution {
  const warnings: RouteWarning[] = [];
  const bedrock = readSwitch(env, 'CLAUDE_CODE_USE_BEDROCK', warnings);
  const mantle = readSwitch(env, 'CLAUDE_CODE_USE_MANTLE', warnings);
  const others = UNSERVED_SWITCHES.map((s) => ({ ...s, state: readSwitch(env, s.variable, warnings) })).filter(
    (s) => s.state.on,
  );

  if (bedrock.on || mantle.on) {
    for (const other of others) {
      warnings.push({
        code: 'multiple-provider-switches',
        message: `${other.variable} (${other.state.entry?.source}) is also set; Amazon Bedrock takes precedence and ${other.provider} is ignored`,
        fix: `remove ${other.variable} so every tool on this machine agrees on one provider`,
      });
    }
    const sources: string[] = [];
    if (bedrock.on) sources.push(`CLAUDE_CODE_USE_BEDROCK (${bedrock.entry?.source})`);
    if (mantle.on) sources.push(`CLAUDE_CODE_USE_MANTLE (${mantle.entry?.source})`);
    return {
      providers: { bedrock: bedrock.on, mantle: mantle.on, label: labelFor(bedrock.on, mantle.on), source: sources.join(' + ') },
      warnings,
    };
  }

  const first = others[0];
  if (first) {
    throw new CcBedrockError(
      'PROVIDER_NOT_SERVED',
      `${first.variable} (${first.state.entry?.source}) selects ${first.provider}, which cc-bedrock does not serve`,
      { remediation: 'cc-bedrock routes through Amazon Bedrock: set CLAUDE_CODE_USE_BEDROCK=1 (or CLAUDE_CODE_USE_MANTLE=1) and unset the other switch' },
    );
  }
  throw new CcBedrockError(
    'PROVIDER_NOT_CONFIGURED',
    'Neither CLAUDE_CODE_USE_BEDROCK nor CLAUDE_CODE_USE_MANTLE is on, so Claude Code would use the Anthropic API, which cc-bedrock does not serve',
    {
      remediation:
        'export CLAUDE_CODE_USE_BEDROCK=1 (or add it to the env block of ~/.claude/settings.json), or run `cc-bedrock setup`',
    },
  );
}
