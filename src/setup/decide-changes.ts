/**
 * What the wizard writes, given its answers and the file as it is: a pure function, the place
 * where every "which variables, and which ones go away" decision is made (spec §9: the `env`
 * block of the chosen settings file; unrelated variables are never touched).
 */
import type { SettingsChange } from '../settings/write-settings.js';
import { KEEP, PIN_FAMILIES, PIN_VARIABLE, type Choice, type GuardrailSetting, type SetupAnswers } from './types.js';

/** Variables that hold a credential this wizard manages; one method's variables replace the others'. */
export const CREDENTIAL_VARIABLES = ['AWS_PROFILE', 'AWS_BEARER_TOKEN_BEDROCK', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'] as const;

/** Variables whose values are secrets: never printed, and written only when the user chose so. */
export const SECRET_VARIABLES: ReadonlySet<string> = new Set(['AWS_BEARER_TOKEN_BEDROCK', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']);

export const GUARDRAIL_ID_HEADER = 'X-Amzn-Bedrock-GuardrailIdentifier';
export const GUARDRAIL_VERSION_HEADER = 'X-Amzn-Bedrock-GuardrailVersion';
const GUARDRAIL_HEADER_NAMES = new Set([GUARDRAIL_ID_HEADER.toLowerCase(), GUARDRAIL_VERSION_HEADER.toLowerCase()]);

export interface PlannedChanges {
  readonly change: SettingsChange;
  /** Secret variables the file holds after this change (only because the user chose that method). */
  readonly secretsStored: readonly string[];
}

function headerName(line: string): string {
  const colon = line.indexOf(':');
  return colon > 0 ? line.slice(0, colon).trim().toLowerCase() : '';
}

/** The guardrail named in ANTHROPIC_CUSTOM_HEADERS, when both of its headers are there. */
export function guardrailFromHeaders(headers: string | undefined): GuardrailSetting | undefined {
  if (!headers) return undefined;
  let id: string | undefined;
  let version: string | undefined;
  for (const line of headers.split(/\r?\n/)) {
    const value = line.slice(line.indexOf(':') + 1).trim();
    if (headerName(line) === GUARDRAIL_ID_HEADER.toLowerCase()) id = value;
    if (headerName(line) === GUARDRAIL_VERSION_HEADER.toLowerCase()) version = value;
  }
  return id !== undefined && version !== undefined ? { id, version } : undefined;
}

/**
 * ANTHROPIC_CUSTOM_HEADERS with the guardrail replaced (or removed): other headers stay as they
 * are, in their order, and the guardrail pair goes at the end. Undefined when nothing is left.
 */
export function withGuardrailHeaders(existing: string | undefined, guardrail: GuardrailSetting | undefined): string | undefined {
  const others = (existing ?? '')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '' && !GUARDRAIL_HEADER_NAMES.has(headerName(line)));
  const lines = guardrail ? [...others, `${GUARDRAIL_ID_HEADER}: ${guardrail.id}`, `${GUARDRAIL_VERSION_HEADER}: ${guardrail.version}`] : others;
  return lines.length > 0 ? lines.join('\n') : undefined;
}

class ChangeBuilder {
  readonly set: Record<string, string> = {};
  readonly unset: string[] = [];

  constructor(private readonly current: Readonly<Record<string, unknown>>) {}

  put(name: string, value: string): void {
    this.set[name] = value;
  }

  /** Removes a variable only if the file has it: an absent variable is not a change. */
  remove(name: string): void {
    if (Object.prototype.hasOwnProperty.call(this.current, name) && !this.unset.includes(name)) this.unset.push(name);
  }

  apply<T>(name: string, choice: Choice<T>, toText: (value: T) => string): void {
    if (choice.kind === 'set') this.put(name, toText(choice.value));
    else if (choice.kind === 'unset') this.remove(name);
  }
}

/**
 * The settings change for a set of answers. `currentEnv` is the target file's `env` block and
 * `currentSettings` its top level; they decide what "keep" and "remove" mean.
 */
export function planSetupChanges(
  answers: SetupAnswers,
  currentEnv: Readonly<Record<string, unknown>>,
  currentSettings: Readonly<Record<string, unknown>> = {},
): PlannedChanges {
  const env = new ChangeBuilder(currentEnv);
  env.put('CLAUDE_CODE_USE_BEDROCK', '1');
  // Always explicit: Claude Code up to v2.1.171 reads no region from ~/.aws (spec §5.2), and a
  // written region keeps the choice the user confirmed even if the profile's region changes.
  env.put('AWS_REGION', answers.region);

  const keep = new Set<string>();
  const { auth } = answers;
  switch (auth.method) {
    case 'profile':
      env.put('AWS_PROFILE', auth.profile);
      keep.add('AWS_PROFILE');
      break;
    case 'api-key':
      if (auth.apiKey !== undefined) env.put('AWS_BEARER_TOKEN_BEDROCK', auth.apiKey);
      keep.add('AWS_BEARER_TOKEN_BEDROCK');
      break;
    case 'access-keys':
      keep.add('AWS_ACCESS_KEY_ID').add('AWS_SECRET_ACCESS_KEY');
      if (auth.keys) {
        env.put('AWS_ACCESS_KEY_ID', auth.keys.accessKeyId);
        env.put('AWS_SECRET_ACCESS_KEY', auth.keys.secretAccessKey);
        if (auth.keys.sessionToken) {
          env.put('AWS_SESSION_TOKEN', auth.keys.sessionToken);
          keep.add('AWS_SESSION_TOKEN');
        }
      } else if (Object.prototype.hasOwnProperty.call(currentEnv, 'AWS_SESSION_TOKEN')) {
        keep.add('AWS_SESSION_TOKEN');
      }
      break;
    case 'environment':
      break;
  }
  // The other methods' variables go: a leftover AWS_PROFILE would beat new access keys in the
  // AWS SDK, and a leftover API key would beat everything (spec §4.3).
  for (const name of CREDENTIAL_VARIABLES) if (!keep.has(name)) env.remove(name);

  for (const family of PIN_FAMILIES) env.apply(PIN_VARIABLE[family], answers.pins[family], (id) => id);
  env.apply('ANTHROPIC_BEDROCK_SERVICE_TIER', answers.serviceTier, (tier) => tier);
  env.apply('CLAUDE_CODE_USE_MANTLE', answers.mantle, () => '1');

  if (answers.guardrail.kind !== 'keep') {
    const existing = typeof currentEnv.ANTHROPIC_CUSTOM_HEADERS === 'string' ? currentEnv.ANTHROPIC_CUSTOM_HEADERS : undefined;
    const headers = withGuardrailHeaders(existing, answers.guardrail.kind === 'set' ? answers.guardrail.value : undefined);
    if (headers === undefined) env.remove('ANTHROPIC_CUSTOM_HEADERS');
    else env.put('ANTHROPIC_CUSTOM_HEADERS', headers);
  }

  const set: Record<string, unknown> = {};
  const unset: string[] = [];
  const topLevel = (key: string, choice: Choice<unknown> = KEEP, removeIfKept: boolean): void => {
    if (choice.kind === 'set') set[key] = choice.value;
    else if ((choice.kind === 'unset' || removeIfKept) && key in currentSettings) unset.push(key);
  };
  // The old method's top-level settings go with its variables unless asked for: an SSO login
  // command is meaningless with keys or an API key, and awsCredentialExport wins over every
  // method but the environment's (spec §4.3), so a leftover would silently override the new one.
  const keepsRefresh = auth.method === 'profile' || auth.method === 'environment';
  topLevel('awsAuthRefresh', answers.awsAuthRefresh, !keepsRefresh);
  topLevel('awsCredentialExport', answers.awsCredentialExport, auth.method !== 'environment');
  topLevel('availableModels', answers.availableModels, false);
  topLevel('modelOverrides', answers.modelOverrides, false);

  // A value equal to the file's is not a change: it must not move keys or trigger a write.
  for (const [name, value] of Object.entries(env.set)) {
    if (currentEnv[name] === value) delete env.set[name];
  }
  for (const [key, value] of Object.entries(set)) {
    if (JSON.stringify(currentSettings[key]) === JSON.stringify(value)) delete set[key];
  }

  return {
    change: {
      env: { set: env.set, unset: env.unset },
      ...(Object.keys(set).length ? { set } : {}),
      ...(unset.length ? { unset } : {}),
    },
    secretsStored: [...keep].filter((name) => SECRET_VARIABLES.has(name)),
  };
}

/** The command the docs suggest for an SSO profile (spec §6.5). */
export function ssoRefreshCommand(profile: string): string {
  return /^[A-Za-z0-9._-]+$/.test(profile) ? `aws sso login --profile ${profile}` : `aws sso login --profile '${profile.replace(/'/g, "'\\''")}'`;
}
