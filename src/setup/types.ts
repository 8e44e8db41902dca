/**
 * Shared vocabulary of the setup wizard: the answers it collects and the one seam through which
 * it asks questions. Everything that decides what to write takes these plain values, so it is
 * tested without a terminal.
 */

/** The four authentication methods of Claude Code's wizard (spec §9). */
export type AuthMethod = 'profile' | 'api-key' | 'access-keys' | 'environment';
export const AUTH_METHODS: readonly AuthMethod[] = ['profile', 'api-key', 'access-keys', 'environment'];

export type PinFamily = 'opus' | 'sonnet' | 'haiku';
export const PIN_FAMILIES: readonly PinFamily[] = ['opus', 'sonnet', 'haiku'];

export const PIN_VARIABLE: Readonly<Record<PinFamily, string>> = {
  opus: 'ANTHROPIC_DEFAULT_OPUS_MODEL',
  sonnet: 'ANTHROPIC_DEFAULT_SONNET_MODEL',
  haiku: 'ANTHROPIC_DEFAULT_HAIKU_MODEL',
};

/** `keep` leaves whatever the file has; `unset` removes it; `set` writes the value. */
export type Choice<T> = { readonly kind: 'keep' } | { readonly kind: 'unset' } | { readonly kind: 'set'; readonly value: T };

export const KEEP = { kind: 'keep' } as const;
export const UNSET = { kind: 'unset' } as const;
export function setTo<T>(value: T): Choice<T> {
  return { kind: 'set', value };
}

export type AuthAnswer =
  | { readonly method: 'profile'; readonly profile: string }
  /** `apiKey` undefined: keep the key already in the file. */
  | { readonly method: 'api-key'; readonly apiKey: string | undefined }
  | {
      readonly method: 'access-keys';
      /** undefined: keep the keys already in the file. */
      readonly keys: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string | undefined } | undefined;
    }
  | { readonly method: 'environment' };

export interface GuardrailSetting {
  readonly id: string;
  readonly version: string;
}

export interface SetupAnswers {
  readonly auth: AuthAnswer;
  readonly region: string;
  readonly pins: Readonly<Record<PinFamily, Choice<string>>>;
  readonly serviceTier: Choice<'default' | 'flex' | 'priority'>;
  readonly guardrail: Choice<GuardrailSetting>;
  readonly mantle: Choice<true>;
  /** The `awsAuthRefresh` top-level setting (an SSO login command). */
  readonly awsAuthRefresh: Choice<string>;
  /** The `awsCredentialExport` top-level setting (a command printing credentials JSON). */
  readonly awsCredentialExport?: Choice<string> | undefined;
  /** The `availableModels` allowlist. */
  readonly availableModels?: Choice<readonly string[]> | undefined;
  /** `modelOverrides`: Anthropic model ID → Bedrock ID or ARN. */
  readonly modelOverrides?: Choice<Readonly<Record<string, string>>> | undefined;
}

export interface SelectChoice<T> {
  readonly value: T;
  readonly name: string;
  readonly description?: string;
}

/**
 * How the wizard asks. The terminal implementation (src/cli/prompts.ts) wraps @inquirer/prompts;
 * tests script the answers, and an unexpected question fails them.
 */
export interface Prompter {
  select<T>(question: { message: string; choices: readonly SelectChoice<T>[]; default?: T }): Promise<T>;
  input(question: {
    message: string;
    default?: string;
    validate?: (value: string) => true | string;
    /** How the final answer is echoed (masking an access key ID). */
    displayFinal?: (value: string) => string;
  }): Promise<string>;
  /** A secret: never echoed. */
  password(question: { message: string; validate?: (value: string) => true | string }): Promise<string>;
  confirm(question: { message: string; default?: boolean }): Promise<boolean>;
}

/** Thrown by a Prompter when the user interrupts (Ctrl-C): nothing has been written. */
export class SetupCancelled extends Error {
  override readonly name = 'SetupCancelled';
}

/** How a setup run ended; the CLI turns it into an exit code and, with --json, prints it. */
export type SetupOutcome = 'written' | 'unchanged' | 'declined' | 'cancelled' | 'verification-failed' | 'pins-unavailable';

export interface SetupResult {
  readonly outcome: SetupOutcome;
  /** The settings file, as shown to users (`~/.claude/settings.json`); undefined before it was chosen. */
  readonly target?: string | undefined;
  /** Every file written, as shown: the settings file, and for --managed its .mobileconfig and .reg. */
  readonly written: readonly string[];
  /** Setting paths that change (`env.AWS_REGION`, `awsAuthRefresh`); no values, they can be secrets. */
  readonly changed: readonly string[];
}
