/**
 * The route plan: what a request will be sent to, how, and why. Every resolved value carries
 * the source it came from so `status` and `doctor` can explain it.
 */

/** A value and where it came from, e.g. `{ value: 'eu-west-1', source: 'AWS_REGION from ~/.claude/settings.json env' }`. */
export interface Sourced<T> {
  readonly value: T;
  readonly source: string;
}

/** The two Bedrock endpoints Claude Code talks to: the Invoke API (`bedrock`) and Bedrock Mantle (`mantle`). */
export type EndpointKind = 'bedrock' | 'mantle';

/** Which providers the switches select. `anthropic` means neither Bedrock switch is on. */
export interface ProviderSelection {
  readonly bedrock: boolean;
  readonly mantle: boolean;
  /** `Amazon Bedrock`, `Amazon Bedrock (Mantle)`, `Amazon Bedrock + Amazon Bedrock (Mantle)`, `Anthropic API`. */
  readonly label: string;
  readonly source: string;
}

/** The two models a plan resolves: the main model and the small, fast one (ANTHROPIC_DEFAULT_HAIKU_MODEL and friends). */
export type ModelRole = 'main' | 'smallFast';

/** A model name resolved for the wire: the ID sent, its endpoint and region, betas, and where the choice came from. */
export interface ResolvedModel {
  readonly role: ModelRole;
  /** What the user (or the default) asked for, before any rewriting: `opus`, `claude-opus-4-7[1m]`, an ARN… */
  readonly requested: string;
  /** The exact ID that goes on the wire: the Invoke path label, or `body.model` on Mantle. */
  readonly wireModelId: string;
  readonly endpoint: EndpointKind;
  /** Human explanation of the rule that chose it: `ANTHROPIC_DEFAULT_OPUS_MODEL pin (shell env)`. */
  readonly rule: string;
  /** Catalog key when the model is recognised (`claude-opus-4-6`), also for ARNs once resolved. */
  readonly catalogKey: string | undefined;
  /** Betas this selection needs, e.g. `context-1m-2025-08-07` for a `[1m]` variant. */
  readonly betas: readonly string[];
  readonly region: Sourced<string>;
  /**
   * True when the ID is a built-in default of an unpinned tier: Claude Code checks these with
   * ListInferenceProfiles and a 1-token probe; pinned and overridden IDs are sent as-is.
   */
  readonly discoverable: boolean;
}

/** Where the credentials of an endpoint come from (bearer token, an AWS credential source, none when auth is skipped). */
export type CredentialKind =
  | 'skip-auth'
  | 'bearer-token'
  | 'credential-export'
  | 'env-keys'
  | 'profile-sso'
  | 'profile-process'
  | 'profile-assume-role'
  | 'profile-static'
  | 'profile-login'
  | 'web-identity'
  | 'container'
  | 'instance-metadata'
  | 'default-chain';

/** Which credential source *will* be used. Nothing is fetched to build this; no secret appears in it. */
export interface CredentialPlan {
  readonly kind: CredentialKind;
  /** Where the choice came from: `AWS_BEARER_TOKEN_BEDROCK (shell env)`, `profile "dev" in ~/.aws/config`. */
  readonly source: string;
  /** Safe description: masked key ID, profile name, command name. Never a secret. */
  readonly detail: string;
  readonly profile: string | undefined;
  /** `awsAuthRefresh` command when configured (commands are configuration, not secrets). */
  readonly authRefresh: Sourced<string> | undefined;
  readonly credentialExport: Sourced<string> | undefined;
}

/** A header from ANTHROPIC_CUSTOM_HEADERS, sent (and signed) with every request. */
export interface CustomHeader {
  readonly name: string;
  readonly value: string;
  /** `guardrail`, `trace`, or `custom`: guardrail headers are recognised so doctor and the gateway can reason about them. */
  readonly role: 'guardrail' | 'trace' | 'custom';
}

/** Something in the configuration that works but is probably not what was meant, with its fix. */
export interface RouteWarning {
  readonly code: string;
  readonly message: string;
  readonly fix?: string;
}

/**
 * Everything a request needs to reach Bedrock the way Claude Code would send it: providers,
 * region, endpoints, model IDs, custom headers, credential sources and warnings. Built by
 * `resolveRoutePlan`; executed by the client from `createClient`. Holds no secret values.
 */
export interface RoutePlan {
  readonly providers: ProviderSelection;
  readonly region: Sourced<string>;
  readonly endpoints: {
    /** Invoke API base, e.g. `https://bedrock-runtime.us-east-1.amazonaws.com`. */
    readonly invoke: Sourced<string>;
    /** Control plane base (inference profiles), the Invoke base when `ANTHROPIC_BEDROCK_BASE_URL` is set. */
    readonly controlPlane: Sourced<string>;
    /** Mantle base, e.g. `https://bedrock-mantle.us-east-1.api.aws/anthropic`. */
    readonly mantle: Sourced<string>;
  };
  readonly models: {
    readonly main: ResolvedModel;
    readonly smallFast: ResolvedModel;
  };
  readonly serviceTier: Sourced<'default' | 'flex' | 'priority'> | undefined;
  readonly customHeaders: readonly CustomHeader[];
  readonly credentials: {
    readonly bedrock: CredentialPlan;
    readonly mantle: CredentialPlan;
  };
  readonly availableModels: Sourced<readonly string[]> | undefined;
  readonly modelOverrides: Readonly<Record<string, string>>;
  /**
   * The managed source's own `modelOverrides`, when a managed file has any: with a managed
   * `availableModels`, first-party IDs given directly resolve through these only (spec §3.3).
   */
  readonly managedModelOverrides?: Readonly<Record<string, string>>;
  /** `availableModels` came from managed settings. */
  readonly availableModelsManaged?: boolean;
  /** `enforceAvailableModels` is on: `default` resolves to the first usable allowlist entry. */
  readonly enforceAvailableModels?: boolean;
  readonly warnings: readonly RouteWarning[];
}

/**
 * Looks up an effective variable: the merged settings `env` block over the process environment,
 * empty meaning unset. Returns the trimmed value with a source such as
 * `~/.claude/settings.json env` or `shell env`.
 */
export interface EnvLookup {
  get(name: string): Sourced<string> | undefined;
}

/** Where a call went: every error and every stream names these. */
export interface CallTarget {
  /** The exact ID on the wire (Invoke path label or Mantle `body.model`). */
  readonly modelId: string;
  /** What the caller asked for (`opus`, `claude-sonnet-4-6[1m]`, …). */
  readonly requested: string;
  readonly endpoint: EndpointKind;
  readonly region: string;
  /** Base URL the call is sent to. */
  readonly baseURL: string;
  readonly betas: readonly string[];
  readonly catalogKey: string | undefined;
}
