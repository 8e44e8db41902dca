/**
 * `setup` flags turned into answers: every knob the wizard can set has a flag, so `--yes` can do
 * what the questions do. `none` removes a setting.
 */
import { CcBedrockError } from '../core/errors.js';
import { AUTH_METHODS, KEEP, UNSET, setTo, type AuthMethod, type Choice, type GuardrailSetting } from './types.js';

import { SERVICE_TIERS, type ServiceTier } from '../settings/env-vars.js';

export { SERVICE_TIERS, type ServiceTier };
export const GUARDRAIL_ID = /^(arn:aws[a-z-]*:bedrock:[a-z0-9-]+:\d{12}:guardrail\/)?[a-z0-9]+$/;
export const GUARDRAIL_VERSION = /^(DRAFT|[1-9][0-9]{0,7})$/;

export function parseAuthFlag(value: string | undefined): AuthMethod | undefined {
  if (value === undefined) return undefined;
  if ((AUTH_METHODS as readonly string[]).includes(value)) return value as AuthMethod;
  throw new CcBedrockError('USAGE', `--auth ${value} is not a method`, { remediation: `pass one of ${AUTH_METHODS.join(', ')}` });
}

export function parseServiceTierFlag(value: string | undefined): Choice<ServiceTier> {
  if (value === undefined) return KEEP;
  if (value === 'none') return UNSET;
  if ((SERVICE_TIERS as readonly string[]).includes(value)) return setTo(value as ServiceTier);
  throw new CcBedrockError('SERVICE_TIER_INVALID', `--service-tier ${value} is not a Bedrock service tier`, {
    remediation: `pass one of ${SERVICE_TIERS.join(', ')}`,
  });
}

export function guardrailFromFlags(id: string | undefined, version: string | undefined, current: GuardrailSetting | undefined): Choice<GuardrailSetting> {
  if (id === undefined) {
    if (version === undefined) return KEEP;
    if (!current) {
      throw new CcBedrockError('USAGE', '--guardrail-version was given without --guardrail-id, and no guardrail is configured', {
        remediation: 'pass --guardrail-id <id> with --guardrail-version',
      });
    }
    id = current.id;
  }
  if (id.trim().toLowerCase() === 'none') return UNSET;
  if (!GUARDRAIL_ID.test(id.trim())) {
    throw new CcBedrockError('USAGE', `--guardrail-id ${id} is not a guardrail identifier`, {
      remediation: 'pass the guardrail ID (lowercase letters and digits) or its ARN, or none to remove the guardrail',
    });
  }
  const chosenVersion = (version ?? current?.version ?? '1').trim();
  if (!GUARDRAIL_VERSION.test(chosenVersion)) {
    throw new CcBedrockError('USAGE', `--guardrail-version ${chosenVersion} is not a guardrail version`, {
      remediation: 'pass a version number such as 1, or DRAFT',
    });
  }
  return setTo({ id: id.trim(), version: chosenVersion });
}

/** `--aws-auth-refresh` / `--aws-credential-export`: a shell command, or none to remove the setting. */
export function commandFromFlag(flag: string, value: string | undefined): Choice<string> {
  if (value === undefined) return KEEP;
  const command = value.trim();
  if (command.toLowerCase() === 'none') return UNSET;
  if (command === '') throw new CcBedrockError('USAGE', `${flag} needs a command`, { remediation: `pass the command Claude Code should run, or ${flag} none to remove the setting` });
  return setTo(command);
}

/** `--available-models sonnet,haiku`: the allowlist, or none to remove it. */
export function availableModelsFromFlag(value: string | undefined): Choice<readonly string[]> {
  if (value === undefined) return KEEP;
  if (value.trim().toLowerCase() === 'none') return UNSET;
  const entries = value.split(',').map((entry) => entry.trim());
  if (entries.some((entry) => entry === '')) {
    throw new CcBedrockError('USAGE', `--available-models ${JSON.stringify(value)} has an empty entry`, {
      remediation: 'pass a comma-separated list such as sonnet,claude-haiku-4-5, or none to remove availableModels',
    });
  }
  return setTo(entries);
}

/** `--model-override <anthropic-id>=<bedrock-id-or-arn>`, repeatable; `none` removes modelOverrides. */
export function modelOverridesFromFlag(values: readonly string[] | undefined): Choice<Readonly<Record<string, string>>> {
  if (values === undefined || values.length === 0) return KEEP;
  if (values.length === 1 && values[0]?.trim().toLowerCase() === 'none') return UNSET;
  const overrides: Record<string, string> = {};
  for (const value of values) {
    const at = value.indexOf('=');
    const from = value.slice(0, at).trim();
    const to = value.slice(at + 1).trim();
    if (at <= 0 || from === '' || to === '') {
      throw new CcBedrockError('USAGE', `--model-override ${JSON.stringify(value)} is not <anthropic-model-id>=<bedrock-id-or-arn>`, {
        remediation: 'pass e.g. --model-override claude-opus-4-7=arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc, or --model-override none',
      });
    }
    overrides[from] = to;
  }
  return setTo(overrides);
}
