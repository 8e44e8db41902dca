/**
 * The one table of every environment variable and settings key cc-bedrock knows (spec §1, §2).
 * The README reference block is rendered from it (scripts/update-env-reference.mjs) and a test
 * fails when source code reads a variable this table does not list, so docs and code cannot drift.
 */

import type { ErrorCode } from '../core/errors.js';

export type EnvVarKind = 'env' | 'setting';

export type EnvVarCategory =
  | 'provider'
  | 'endpoints'
  | 'region'
  | 'credentials'
  | 'models'
  | 'headers'
  | 'network'
  | 'settings'
  | 'cc-bedrock';

export interface EnvVarEntry {
  readonly name: string;
  readonly kind: EnvVarKind;
  readonly category: EnvVarCategory;
  /** Accepted values and the default, in a few words. */
  readonly values: string;
  readonly description: string;
  /** Recognised (so doctor can explain it) but belongs to a provider cc-bedrock does not serve. */
  readonly notServed?: boolean;
  /** How a value is parsed: every read goes through src/settings/read-var.ts with this. */
  readonly parse: VarParse;
  /**
   * What a value the parser rejects does: `error` stops with a SETTINGS_TYPE_INVALID error naming
   * the variable and a fix; `warn` keeps Claude Code's own leniency (the value is ignored) and
   * says so. Switches are `warn`: Claude Code counts anything but `1`/`true` as off (spec §1).
   */
  readonly badValue: 'error' | 'warn';
  /** The CcBedrockError code of a rejected `error` value; default SETTINGS_TYPE_INVALID. */
  readonly errorCode?: ErrorCode;
  /** The warning code of a rejected `warn` value; default `variable-value-ignored` (`switch-value-unrecognised` for switches). */
  readonly warningCode?: string;
}

/** The value shapes of the table; the reader turns each into a typed value. */
export type VarParse =
  | { readonly kind: 'switch' }
  /** The AWS SDK's flags: set to anything but `false` is on (its remoteProvider test); never invalid. */
  | { readonly kind: 'aws-flag' }
  | { readonly kind: 'integer'; readonly unit: 'count' | 'tokens' | 'bytes'; readonly min: number; readonly example: number }
  | { readonly kind: 'duration'; readonly min: number; readonly example: number }
  | { readonly kind: 'url'; readonly example: string }
  /**
   * Exact spelling unless `anyCase` (Bedrock rejects `Priority`; the AWS SDK's own readers differ).
   * `hints`: a lowercase value someone is likely to try, and what to do instead (added to the fix).
   */
  | { readonly kind: 'enum'; readonly values: readonly string[]; readonly anyCase?: boolean; readonly hints?: Readonly<Record<string, string>> }
  /** A region name (src/core/region-shape.ts); anything else is not one. */
  | { readonly kind: 'region' }
  /** An http(s) proxy URL with a host (src/settings/proxy-url.ts); the value is shown with its login hidden. */
  | { readonly kind: 'proxy-url' }
  | { readonly kind: 'list' | 'text' | 'secret' | 'path' };

export type VarKind = VarParse['kind'];

const integer = (unit: 'count' | 'tokens' | 'bytes', example: number, min = 0): VarParse => ({ kind: 'integer', unit, min, example });
const duration = (example: number, min = 0): VarParse => ({ kind: 'duration', min, example });
const url = (example: string): VarParse => ({ kind: 'url', example });
const SECRET: VarParse = { kind: 'secret' };
const PATH: VarParse = { kind: 'path' };
const REGION: VarParse = { kind: 'region' };
const LIST: VarParse = { kind: 'list' };
const PROXY: VarParse = { kind: 'proxy-url' };

export const CATEGORY_TITLES: Readonly<Record<EnvVarCategory, string>> = {
  provider: 'Provider selection',
  endpoints: 'Endpoints',
  region: 'Region',
  credentials: 'Credentials',
  models: 'Models',
  headers: 'Request headers, body and caching',
  network: 'Network and timeouts',
  settings: 'Settings files',
  'cc-bedrock': 'cc-bedrock only',
};

/** Bedrock's service tiers the variable and `setup --service-tier` accept (`reserved` is chosen by ARN). */
export const SERVICE_TIERS = ['default', 'flex', 'priority'] as const;
export type ServiceTier = (typeof SERVICE_TIERS)[number];

const SWITCH = '`1`/`true` on, `0`/`false` off; default off';

interface EntryExtra {
  readonly notServed?: boolean;
  /** Default: `switch` when the values are SWITCH, else `text`. */
  readonly parse?: VarParse;
  /** Default: `warn` for switches (Claude Code's leniency), `error` for everything else. */
  readonly badValue?: 'error' | 'warn';
  readonly errorCode?: ErrorCode;
  readonly warningCode?: string;
}

function env(name: string, category: EnvVarCategory, values: string, description: string, extra: EntryExtra = {}): EnvVarEntry {
  const parse: VarParse = extra.parse ?? (values === SWITCH ? { kind: 'switch' } : { kind: 'text' });
  const badValue = extra.badValue ?? (parse.kind === 'switch' ? 'warn' : 'error');
  const codes = { ...(extra.errorCode ? { errorCode: extra.errorCode } : {}), ...(extra.warningCode ? { warningCode: extra.warningCode } : {}) };
  return { name, kind: 'env', category, values, description, ...(extra.notServed ? { notServed: true } : {}), parse, badValue, ...codes };
}

function setting(name: string, category: EnvVarCategory, values: string, description: string): EnvVarEntry {
  return { name, kind: 'setting', category, values, description, parse: { kind: 'text' }, badValue: 'error' };
}

const TIERS = ['OPUS', 'SONNET', 'HAIKU', 'FABLE'] as const;

function tierEntries(): EnvVarEntry[] {
  const out: EnvVarEntry[] = [];
  for (const tier of TIERS) {
    const alias = tier.toLowerCase();
    const base = `ANTHROPIC_DEFAULT_${tier}_MODEL`;
    const roles: Record<string, string> = {
      OPUS: '`opus` (and `opusplan` in plan mode)',
      SONNET: '`sonnet` (and `opusplan` outside plan mode)',
      HAIKU: '`haiku` and the background (small/fast) model',
      FABLE: '`fable`',
    };
    const also: Record<string, string> = { FABLE: ' Also how Fable 5 is recognised for automatic fallback.' };
    out.push(env(base, 'models', 'alias target: model ID, inference profile or ARN', `Pins what ${roles[tier]} resolves to; a pinned ID is sent as-is and not probed.${also[tier] ?? ''}`));
    out.push(env(`${base}_NAME`, 'models', 'text; default the model ID', `Picker display name for the pinned ${alias} model.`));
    out.push(env(`${base}_DESCRIPTION`, 'models', `text; default \`Custom ${alias[0]?.toUpperCase()}${alias.slice(1)} model\``, `Picker description for the pinned ${alias} model.`));
    out.push(env(`${base}_SUPPORTED_CAPABILITIES`, 'models', 'comma list of `effort`, `xhigh_effort`, `max_effort`, `thinking`, `adaptive_thinking`, `interleaved_thinking`', `Capabilities of the pinned ${alias} model; unset means detect from the model ID.`));
  }
  return out;
}

/** Every environment variable cc-bedrock reads, with what it does and its default: the one description of each. */
export const ENV_VARS: readonly EnvVarEntry[] = [
  // provider
  // Claude Code's switches (spec §1): anything but 1/true/0/false counts as off; cc-bedrock warns (badValue: warn).
  env('CLAUDE_CODE_USE_BEDROCK', 'provider', SWITCH, 'Route inference to Amazon Bedrock (Invoke API).'),
  env('CLAUDE_CODE_USE_MANTLE', 'provider', SWITCH, 'Route inference to the Bedrock Mantle endpoint (Anthropic Messages shape); may be combined with CLAUDE_CODE_USE_BEDROCK.'),
  env('CLAUDE_CODE_USE_VERTEX', 'provider', SWITCH, 'Google Vertex AI provider: recognised and reported, not served by cc-bedrock.', { notServed: true }),
  env('CLAUDE_CODE_USE_FOUNDRY', 'provider', SWITCH, 'Microsoft Foundry provider: recognised and reported, not served by cc-bedrock.', { notServed: true }),
  env('CLAUDE_CODE_USE_ANTHROPIC_AWS', 'provider', SWITCH, 'Claude Platform on AWS (not Bedrock): recognised and reported, not served; Bedrock wins when both are set.', { notServed: true }),
  env('ANTHROPIC_AWS_BASE_URL', 'provider', 'URL; default `https://aws-external-anthropic.{region}.api.aws`', 'Claude Platform on AWS endpoint: recognised, not served.', { notServed: true , parse: url('https://aws-external-anthropic.us-east-1.api.aws') }),
  env('ANTHROPIC_AWS_WORKSPACE_ID', 'provider', 'workspace ID', 'Claude Platform on AWS workspace (`anthropic-workspace-id`): recognised, not served.', { notServed: true }),
  env('ANTHROPIC_AWS_API_KEY', 'provider', 'secret', 'Claude Platform on AWS API key (`x-api-key`): recognised, not served.', { notServed: true , parse: SECRET }),
  env('CLAUDE_CODE_SKIP_ANTHROPIC_AWS_AUTH', 'provider', SWITCH, 'Claude Platform on AWS without authentication: recognised, not served.', { notServed: true }),
  env('CLAUDE_CODE_PROVIDER_MANAGED_BY_HOST', 'provider', 'any non-empty value', 'Set by embedding hosts: provider, endpoint and auth variables from settings files are ignored.'),
  env('ANTHROPIC_BASE_URL', 'provider', 'URL', 'Anthropic API (or gateway) base URL; not used for Bedrock routing, which uses ANTHROPIC_BEDROCK_BASE_URL.', { parse: url('https://api.anthropic.com') }),

  // endpoints
  env('ANTHROPIC_BEDROCK_BASE_URL', 'endpoints', 'URL; default `https://bedrock-runtime.{region}.amazonaws.com`', 'Bedrock runtime endpoint (VPC endpoint, LLM gateway); also used for inference-profile listing. Empty means unset.', { parse: url('https://bedrock-runtime.us-east-1.amazonaws.com') }),
  env('ANTHROPIC_BEDROCK_MANTLE_BASE_URL', 'endpoints', 'URL; default derived from the region (`bedrock-mantle.{region}.api.aws`)', 'Mantle endpoint override.', { parse: url('https://bedrock-mantle.us-east-1.api.aws/anthropic') }),
  env('AWS_ENDPOINT_URL', 'endpoints', 'URL', 'AWS SDK endpoint override for every AWS service (STS, SSO) called while resolving credentials.', { parse: url('https://vpce-0123.sts.us-east-1.vpce.amazonaws.com') }),
  env('AWS_ENDPOINT_URL_STS', 'endpoints', 'URL', 'AWS SDK endpoint override for STS (GetCallerIdentity, AssumeRole).', { parse: url('https://sts.us-east-1.amazonaws.com') }),

  // region
  env('AWS_REGION', 'region', 'region name, e.g. `us-east-1`', 'Bedrock region: first in the resolution order; a value not shaped like a region is ignored.', { parse: REGION, badValue: 'warn', warningCode: 'region-invalid' }),
  env('AWS_DEFAULT_REGION', 'region', 'region name', 'Second in the region resolution order; a value not shaped like a region is ignored.', { parse: REGION, badValue: 'warn', warningCode: 'region-invalid' }),
  env('ANTHROPIC_BEDROCK_REGION_PREFIX', 'region', '`us`, `eu`, `apac`, `jp`, `au`, `global`; default derived from the region', 'Preferred cross-region inference-profile prefix for built-in model IDs; ignored in GovCloud.'),
  env('ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION', 'region', 'region name', 'Region of the background (small/fast) model; on Bedrock only with ANTHROPIC_DEFAULT_HAIKU_MODEL or ANTHROPIC_SMALL_FAST_MODEL set; a value not shaped like a region is ignored.', { parse: REGION, badValue: 'warn', warningCode: 'MODEL_SMALL_FAST_REGION_INVALID' }),

  // credentials
  env('AWS_PROFILE', 'credentials', 'profile name; default `default`', 'Active AWS profile for credentials and the profile region.'),
  env('AWS_CONFIG_FILE', 'credentials', 'path; default `~/.aws/config`', 'Location of the shared AWS config file.', { parse: PATH }),
  env('AWS_SHARED_CREDENTIALS_FILE', 'credentials', 'path; default `~/.aws/credentials`', 'Location of the shared AWS credentials file.', { parse: PATH }),
  env('AWS_ACCESS_KEY_ID', 'credentials', 'access key ID', 'Static credentials from the environment (first in the default chain); shown masked.'),
  env('AWS_SECRET_ACCESS_KEY', 'credentials', 'secret', 'Secret for AWS_ACCESS_KEY_ID; never printed.', { parse: SECRET }),
  env('AWS_SESSION_TOKEN', 'credentials', 'secret', 'Session token for temporary environment credentials; never printed.', { parse: SECRET }),
  env('AWS_BEARER_TOKEN_BEDROCK', 'credentials', 'secret', 'Bedrock API key: `Authorization: Bearer` on Invoke, `x-api-key` on Mantle; beats the credential chain; never printed. Empty means unset.', { parse: SECRET }),
  env('AWS_CREDENTIAL_EXPIRATION', 'credentials', 'ISO-8601 time', 'Expiry of the environment credentials, so they are refreshed before they lapse.'),
  env('AWS_WEB_IDENTITY_TOKEN_FILE', 'credentials', 'path', 'Web identity token file (EKS, GitHub OIDC) for AssumeRoleWithWebIdentity.', { parse: PATH }),
  env('AWS_ROLE_ARN', 'credentials', 'IAM role ARN', 'Role assumed with AWS_WEB_IDENTITY_TOKEN_FILE.'),
  env('AWS_ROLE_SESSION_NAME', 'credentials', 'name', 'Session name for the web identity role.'),
  env('AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'credentials', 'path', 'ECS task-role credentials endpoint (relative to 169.254.170.2).'),
  env('AWS_CONTAINER_CREDENTIALS_FULL_URI', 'credentials', 'URL', 'Container credentials endpoint (EKS Pod Identity, Greengrass).'),
  env('AWS_CONTAINER_AUTHORIZATION_TOKEN', 'credentials', 'secret', 'Authorization header for the container credentials endpoint; never printed.', { parse: SECRET }),
  env('AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE', 'credentials', 'path', 'File holding the container credentials authorization token (EKS Pod Identity).', { parse: PATH }),
  env('AWS_EC2_METADATA_DISABLED', 'credentials', '`true` disables; default enabled', 'Skip the EC2 instance metadata service in the credential chain.', { parse: { kind: 'aws-flag' } }),
  env('AWS_EC2_METADATA_SERVICE_ENDPOINT', 'credentials', 'URL; default `http://169.254.169.254`', 'Instance metadata service endpoint for instance-role credentials.'),
  env('AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE', 'credentials', '`IPv4` or `IPv6`; default `IPv4`', 'Which default instance metadata endpoint to use; another value is ignored (IPv4).', { parse: { kind: 'enum', values: ['IPv4', 'IPv6'], anyCase: true }, badValue: 'warn' }),
  env('AWS_EC2_METADATA_V1_DISABLED', 'credentials', '`true` disables; default enabled', 'Refuse the IMDSv1 fallback when an IMDSv2 token cannot be fetched.', { parse: { kind: 'aws-flag' } }),
  env('CLAUDE_CODE_SKIP_BEDROCK_AUTH', 'credentials', SWITCH, 'Send Bedrock requests unsigned (a gateway adds credentials); pair with ANTHROPIC_BEDROCK_BASE_URL.'),
  env('CLAUDE_CODE_SKIP_MANTLE_AUTH', 'credentials', SWITCH, 'Send Mantle requests without SigV4 or `x-api-key`; pair with ANTHROPIC_BEDROCK_MANTLE_BASE_URL.'),
  env('CLAUDE_CODE_SKIP_AWS_CRED_CACHE', 'credentials', SWITCH, 'Resolve the AWS credential chain on every request instead of caching it.'),
  // Claude Code ignores an unusable value and keeps 60 s; so does cc-bedrock, saying so (warn).
  env('CLAUDE_CODE_AWS_CHAIN_RESOLVE_TIMEOUT_MS', 'credentials', 'milliseconds; default `60000`', 'Maximum wait for one credential-chain resolve.', { parse: duration(60_000, 1), badValue: 'warn' }),
  env('ANTHROPIC_AUTH_TOKEN', 'credentials', 'secret', 'Gateway token sent as `Authorization: Bearer`; never used to sign Bedrock requests.', { parse: SECRET }),
  env('ANTHROPIC_API_KEY', 'credentials', 'secret', 'Anthropic API key; not used on Bedrock.', { parse: SECRET }),
  setting('awsAuthRefresh', 'credentials', 'shell command', 'Refreshes credentials in `~/.aws` (e.g. `aws sso login`); run only when an STS check or a request fails; output shown.'),
  setting('awsCredentialExport', 'credentials', 'shell command', 'Prints credentials as JSON (`{"Credentials":{...}}` or the flat process format); always run when set; output never shown.'),
  setting('apiKeyHelper', 'credentials', 'shell command', 'Anthropic/gateway key helper; not a Bedrock credential source and never breaks SigV4.'),

  // models
  env('ANTHROPIC_MODEL', 'models', 'alias or model ID', 'Main model; beats the `model` setting, loses to `--model`.'),
  env('ANTHROPIC_DEFAULT_MODEL', 'models', 'alias or model ID', 'Starting model when no file sets `model`; ignored for `default`, `inherit`, `opusplan`, `haiku`.'),
  ...tierEntries(),
  env('ANTHROPIC_CUSTOM_MODEL_OPTION', 'models', 'model ID', 'Adds one extra picker entry (not validated; must be in availableModels when that is set).'),
  env('ANTHROPIC_CUSTOM_MODEL_OPTION_NAME', 'models', 'text', 'Display name of the extra picker entry.'),
  env('ANTHROPIC_CUSTOM_MODEL_OPTION_DESCRIPTION', 'models', 'text; default `Custom model (<model-id>)`', 'Description of the extra picker entry.'),
  env('ANTHROPIC_CUSTOM_MODEL_OPTION_SUPPORTED_CAPABILITIES', 'models', 'comma list of capabilities', 'Capabilities of the extra picker entry.'),
  env('ANTHROPIC_SMALL_FAST_MODEL', 'models', 'model ID', 'Deprecated name of ANTHROPIC_DEFAULT_HAIKU_MODEL for the background model; still honoured.'),
  env('CLAUDE_CODE_SUBAGENT_MODEL', 'models', 'alias or model ID; `inherit` = unset', 'Model for all subagents; checked against availableModels.'),
  env('CLAUDE_CODE_DISABLE_1M_CONTEXT', 'models', SWITCH, 'Removes 1M-context variants and holds native-1M models to 200K.'),
  env('CLAUDE_CODE_MAX_CONTEXT_TOKENS', 'models', 'tokens', 'Context window assumed for unrecognised model IDs.', { parse: integer('tokens', 200_000, 1) }),
  env('CLAUDE_CODE_DISABLE_UNKNOWN_MODEL_WINDOW_ENFORCEMENT', 'models', SWITCH, 'Do not enforce a context window for unrecognised model IDs.'),
  env('CLAUDE_CODE_AUTO_COMPACT_WINDOW', 'models', 'tokens', 'Context size at which auto-compaction starts.', { parse: integer('tokens', 160_000, 1) }),
  env('CLAUDE_CODE_DISABLE_LEGACY_MODEL_REMAP', 'models', SWITCH, 'Disables the Opus 4.0/4.1 remap on the Anthropic API; the remap never runs on Bedrock.'),
  env('FALLBACK_FOR_ALL_PRIMARY_MODELS', 'models', 'any non-empty value', 'Every model stops retrying on repeated overload when no fallback chain is set.'),
  env('CLAUDE_CODE_MAX_OUTPUT_TOKENS', 'models', 'tokens; default per model, 32000 for unknown IDs', 'Max output tokens; values above the model cap are lowered to the cap.', { parse: integer('tokens', 32_000, 1) }),
  env('MAX_THINKING_TOKENS', 'models', 'tokens; `0` omits `thinking` on Bedrock', 'Fixed thinking budget (at least 1024, below max output).', { parse: integer('tokens', 16_000) }),
  env('CLAUDE_CODE_DISABLE_THINKING', 'models', SWITCH, 'Never send a `thinking` parameter.'),
  env('CLAUDE_CODE_DISABLE_ADAPTIVE_THINKING', 'models', SWITCH, 'Use a fixed thinking budget on adaptive-thinking models.'),
  env('DISABLE_INTERLEAVED_THINKING', 'models', SWITCH, 'Do not request interleaved thinking.'),
  env('CLAUDE_CODE_EFFORT_LEVEL', 'models', 'effort level', 'Effort level for models that support it.'),
  env('CLAUDE_CODE_ALWAYS_ENABLE_EFFORT', 'models', SWITCH, 'Send effort even where support is not detected.'),
  setting('model', 'models', 'alias or model ID', 'Initial model for new sessions; loses to ANTHROPIC_MODEL and `--model`.'),
  setting('availableModels', 'models', 'array of aliases, version prefixes or IDs', 'Model allowlist, enforced everywhere; a managed list replaces all lower lists, other lists concatenate.'),
  setting('enforceAvailableModels', 'models', '`true`/`false`; default `false`', "Make the Default model obey availableModels; read only from managed settings when they exist."),
  setting('modelOverrides', 'models', 'object: Anthropic model ID -> provider ID or ARN', 'Per-version mapping to provider IDs (e.g. application inference profiles); merged key by key.'),
  setting('fallbackModel', 'models', 'model or array (max 3 after dedupe)', 'Fallback chain on overload; the highest-precedence file wins whole.'),

  // headers
  env('ANTHROPIC_CUSTOM_HEADERS', 'headers', '`Name: Value` lines', 'Extra headers on every model call (Bedrock and Mantle), SigV4-signed; guardrail headers recognised.'),
  env('ANTHROPIC_BEDROCK_SERVICE_TIER', 'headers', '`default`, `flex`, `priority`; default unset', 'Sent as `X-Amzn-Bedrock-Service-Tier` on Bedrock calls; an invalid value is an error.', {
    parse: { kind: 'enum', values: SERVICE_TIERS, hints: { reserved: 'reserved capacity is used by passing a provisioned-throughput ARN as the model, not through this variable' } },
    errorCode: 'SERVICE_TIER_INVALID',
  }),
  env('ANTHROPIC_BETAS', 'headers', 'comma list', 'Extra `anthropic-beta` values.', { parse: LIST }),
  env('CLAUDE_CODE_EXTRA_BODY', 'headers', 'JSON object', 'Merged into the top level of every request body.'),
  env('CLAUDE_CODE_ATTRIBUTION_HEADER', 'headers', '`0` omits; default on', 'System-prompt attribution block (`x-anthropic-billing-header`).'),
  env('CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS', 'headers', SWITCH, 'Strip Anthropic-specific betas and beta tool-schema fields.'),
  env('CLAUDE_CODE_ENABLE_FINE_GRAINED_TOOL_STREAMING', 'headers', '`0` opts out, `1` forces on; default per model', 'Fine-grained tool streaming beta.'),
  env('DISABLE_PROMPT_CACHING', 'headers', SWITCH, 'Disable prompt caching for all models.'),
  env('DISABLE_PROMPT_CACHING_HAIKU', 'headers', SWITCH, 'Disable prompt caching for Haiku models.'),
  env('DISABLE_PROMPT_CACHING_SONNET', 'headers', SWITCH, 'Disable prompt caching for Sonnet models.'),
  env('DISABLE_PROMPT_CACHING_OPUS', 'headers', SWITCH, 'Disable prompt caching for Opus models.'),
  env('DISABLE_PROMPT_CACHING_FABLE', 'headers', SWITCH, 'Disable prompt caching for Fable models.'),
  env('ENABLE_PROMPT_CACHING_1H', 'headers', SWITCH, 'Request the 1-hour cache TTL (default 5 minutes on Bedrock).'),
  env('ENABLE_PROMPT_CACHING_1H_BEDROCK', 'headers', SWITCH, 'Deprecated alias of ENABLE_PROMPT_CACHING_1H; still honoured.'),
  env('FORCE_PROMPT_CACHING_5M', 'headers', SWITCH, 'Force the 5-minute cache TTL; beats ENABLE_PROMPT_CACHING_1H.'),

  // network
  env('HTTPS_PROXY', 'network', '`http://` or `https://` URL, optional `user:password@`; no SOCKS', 'Proxy for every Bedrock, Mantle and AWS call (STS, SSO, the gateway upstream); the first set of `https_proxy`, `HTTPS_PROXY`, `http_proxy`, `HTTP_PROXY` is used for all requests. A value that is not such a URL stops the launch, naming the variable.', { parse: PROXY }),
  env('https_proxy', 'network', 'URL', 'Lowercase HTTPS_PROXY; checked first.', { parse: PROXY }),
  env('HTTP_PROXY', 'network', 'URL', 'Proxy used when neither `https_proxy` nor `HTTPS_PROXY` is set (for https targets too).', { parse: PROXY }),
  env('http_proxy', 'network', 'URL', 'Lowercase HTTP_PROXY; checked before it.', { parse: PROXY }),
  env('NO_PROXY', 'network', 'comma or space list of `host`, `.domain`, `host:port`, IP, CIDR; `*` bypasses all', 'Hosts reached directly: a domain covers its subdomains; loopback is proxied unless listed.', { parse: LIST }),
  env('no_proxy', 'network', 'list', 'Lowercase NO_PROXY; checked first.', { parse: LIST }),
  env('NODE_EXTRA_CA_CERTS', 'network', 'PEM file path', 'Extra CA certificates (TLS-inspecting proxies).', { parse: PATH }),
  env('CLAUDE_CODE_CERT_STORE', 'network', '`bundled`, `system`, or both; default `bundled,system`', 'Which CA stores are trusted.'),
  env('CLAUDE_CODE_CLIENT_CERT', 'network', 'PEM file path', 'mTLS client certificate.', { parse: PATH }),
  env('CLAUDE_CODE_CLIENT_KEY', 'network', 'PEM file path', 'mTLS client key.', { parse: PATH }),
  env('CLAUDE_CODE_CLIENT_KEY_PASSPHRASE', 'network', 'secret', 'Passphrase of the mTLS client key; never printed.', { parse: SECRET }),
  env('CLAUDE_CODE_DISABLE_MTLS_RELOAD_ON_STALE_CONNECTION', 'network', SWITCH, 'Do not re-read mTLS files after connection errors.'),
  env('CLAUDE_CODE_PROXY_RESOLVES_HOSTS', 'network', SWITCH, 'Let the proxy resolve host names (cc-bedrock always does: its tunnels name the host).'),
  env('API_TIMEOUT_MS', 'network', 'milliseconds; default `600000`, max `2147483647`', 'Request timeout.', { parse: duration(600_000) }),
  env('CLAUDE_CODE_MAX_RETRIES', 'network', 'count; default `10`, capped at 15', 'Retries per request.', { parse: integer('count', 10) }),
  env('CLAUDE_CODE_RETRY_WATCHDOG', 'network', SWITCH, 'Lifts the 15-retry cap.'),
  env('API_FORCE_IDLE_TIMEOUT', 'network', '`0` off, `1` on; default on for Bedrock', '5-minute response-body idle timeout.'),
  env('CLAUDE_ENABLE_BYTE_WATCHDOG_BEDROCK', 'network', SWITCH, 'Byte-level idle watchdog on Bedrock event streams.'),
  env('CLAUDE_STREAM_IDLE_TIMEOUT_MS', 'network', 'milliseconds; min `300000`', 'Stream idle watchdog timeout.', { parse: duration(300_000) }),
  env('CLAUDE_BYTE_STREAM_IDLE_TIMEOUT_MS', 'network', 'milliseconds; 10 s to 30 min', 'Byte watchdog timeout.', { parse: duration(60_000) }),
  env('CLAUDE_CODE_DISABLE_BEDROCK_CONTENT_TYPE_GUARD', 'network', SWITCH, 'Skip the check that a Bedrock stream is `application/vnd.amazon.eventstream`.'),

  // settings
  env('CLAUDE_CONFIG_DIR', 'settings', 'directory; default `~/.claude`', 'Where the user `settings.json` is read (and written by setup).', { parse: PATH }),
  setting('env', 'settings', 'object: name -> string', 'Variables applied over the shell environment (and to subprocesses); `""` unsets a shell export; merged key by key.'),

  // cc-bedrock
  env('CC_BEDROCK_MANAGED_SETTINGS_DIR', 'cc-bedrock', 'directory; default per OS (`/etc/claude-code` on Linux)', 'Where managed-settings.json and managed-settings.d/ are read; for tests and non-standard installs.', { parse: PATH }),
  env('NO_COLOR', 'cc-bedrock', 'any non-empty value', 'No colour in cc-bedrock output (FAIL/WARN/ok marks), even on a terminal.'),
  env('FORCE_COLOR', 'cc-bedrock', '`1`/`true` on, `0`/`false` off; default: colour only on a terminal', 'Colour cc-bedrock output even when it is not a terminal (or, `0`, never); wins over NO_COLOR.'),
  env('CC_BEDROCK_CACHE_DIR', 'cc-bedrock', 'directory', 'Where the model discovery and availability cache, and the Claude Code version last read, are kept.', { parse: PATH }),
  env('CC_BEDROCK_FIRST_BYTE_TIMEOUT_MS', 'cc-bedrock', 'milliseconds; default 90000 (API_TIMEOUT_MS when only that is set)', 'A streaming call (CLI, library, `serve`) whose response has not begun after this long ends with a TIMEOUT error, not retried.', { parse: duration(90_000) }),
  env('CC_BEDROCK_STREAM_IDLE_TIMEOUT_MS', 'cc-bedrock', 'milliseconds; default 90000 (CLAUDE_STREAM_IDLE_TIMEOUT_MS / the byte watchdog when only those are set)', 'A stream that sends nothing for this long is abandoned; `serve` ends it with an SSE `error` event.', { parse: duration(90_000) }),
  env('CC_BEDROCK_WAIT_NOTICE_MS', 'cc-bedrock', 'milliseconds; default 10000; `0` off', '`-p` and `chat`: how often a silent wait is reported on stderr (what is awaited, for how long, when it is given up).', { parse: duration(10_000) }),
  env('CC_BEDROCK_GATEWAY_MAX_RETRIES', 'cc-bedrock', 'whole number; default 2', '`serve`: upstream retries of throttling, outages and dropped connections before the error goes to the client.', { parse: integer('count', 2) }),
  env('CC_BEDROCK_GATEWAY_DRAIN_TIMEOUT_MS', 'cc-bedrock', 'milliseconds; default 30000', '`serve`: how long shutdown waits for open requests and streams before cutting them.', { parse: duration(30_000) }),
  // The floor is the gateway's largest request body (DEFAULT_MAX_BODY_BYTES; read-var.test.ts keeps them equal).
  env('CC_BEDROCK_GATEWAY_BODY_MEMORY_BYTES', 'cc-bedrock', 'bytes; default 268435456 (256 MiB), at least 20971520', '`serve`: request-body bytes held across all requests at once; a body that finds the budget spent gets 429 with Retry-After.', { parse: integer('bytes', 268_435_456, 20_971_520) }),
  env('CC_BEDROCK_GATEWAY_ALLOW_BETAS', 'cc-bedrock', 'comma-separated beta names', '`serve`: anthropic-beta values forwarded whatever the gateway beta table says.', { parse: LIST }),
  env('CC_BEDROCK_GATEWAY_DROP_BETAS', 'cc-bedrock', 'comma-separated beta names', '`serve`: anthropic-beta values the gateway always drops.', { parse: LIST }),
  // cc-bedrock's own switch: no Claude Code leniency to keep, so `yes` is an error, not a silent off.
  env('CC_BEDROCK_GUARDRAIL_TAGGING', 'cc-bedrock', SWITCH, '`serve`: wrap the latest user turn in guardContent tags for the Prompt-Attack filter (needs a guardrail header).', { badValue: 'error' }),
  // Read at exit, once the command's status is known: throwing there would lose it, so a bad value warns.
  env('CC_BEDROCK_OUTPUT_DRAIN_TIMEOUT_MS', 'cc-bedrock', 'milliseconds; default 600000', 'How long the CLI waits at exit for the reader of stdout/stderr to take more of the output (a pager may pause); after that long without progress it says the output is incomplete and exits 1.', { parse: duration(600_000, 1), badValue: 'warn' }),
  env('AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED', 'cc-bedrock', '`true` (the CLI default) or `false`', "The AWS SDK's Node-version notice; the CLI turns it off unless set."),
];

/** A variable name users write that Claude Code never reads, and the name they meant. */
export interface MisnamedVariable {
  readonly name: string;
  readonly correct: string;
  readonly note: string;
}

export const MISNAMED_VARIABLES: readonly MisnamedVariable[] = [
  { name: 'ANTHROPIC_BEDROCK_ENDPOINT_URL', correct: 'ANTHROPIC_BEDROCK_BASE_URL', note: 'seen in user configs (issue #72876)' },
  { name: 'ANTHROPIC_BEDROCK_URL', correct: 'ANTHROPIC_BEDROCK_BASE_URL', note: 'the endpoint variable ends in _BASE_URL' },
  { name: 'ANTHROPIC_BEDROCK_ENDPOINT', correct: 'ANTHROPIC_BEDROCK_BASE_URL', note: 'the endpoint variable ends in _BASE_URL' },
  { name: 'ANTHROPIC_BEDROCK_MANTLE_URL', correct: 'ANTHROPIC_BEDROCK_MANTLE_BASE_URL', note: 'the endpoint variable ends in _BASE_URL' },
  { name: 'ANTHROPIC_MANTLE_BASE_URL', correct: 'ANTHROPIC_BEDROCK_MANTLE_BASE_URL', note: 'Mantle variables start with ANTHROPIC_BEDROCK_' },
  { name: 'ANTHROPIC_BEDROCK_REGION', correct: 'AWS_REGION', note: 'the region comes from AWS_REGION, AWS_DEFAULT_REGION or the profile' },
  { name: 'ANTHROPIC_SMALL_FAST_MODEL_REGION', correct: 'ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION', note: 'the name contains _AWS_' },
  { name: 'ANTHROPIC_SERVICE_TIER', correct: 'ANTHROPIC_BEDROCK_SERVICE_TIER', note: 'the tier variable is Bedrock-specific' },
  { name: 'CLAUDE_USE_BEDROCK', correct: 'CLAUDE_CODE_USE_BEDROCK', note: 'provider switches start with CLAUDE_CODE_' },
  { name: 'CLAUDE_CODE_USE_BEDROCK_MANTLE', correct: 'CLAUDE_CODE_USE_MANTLE', note: 'the Mantle switch is CLAUDE_CODE_USE_MANTLE' },
  { name: 'CLAUDE_CODE_SKIP_AUTH', correct: 'CLAUDE_CODE_SKIP_BEDROCK_AUTH', note: 'the skip switch names the provider' },
  { name: 'AWS_BEDROCK_BEARER_TOKEN', correct: 'AWS_BEARER_TOKEN_BEDROCK', note: 'word order is AWS_BEARER_TOKEN_BEDROCK' },
  { name: 'AWS_BEDROCK_API_KEY', correct: 'AWS_BEARER_TOKEN_BEDROCK', note: 'Bedrock API keys go in AWS_BEARER_TOKEN_BEDROCK' },
  { name: 'BEDROCK_API_KEY', correct: 'AWS_BEARER_TOKEN_BEDROCK', note: 'Bedrock API keys go in AWS_BEARER_TOKEN_BEDROCK' },
  { name: 'AWS_BEARER_TOKEN', correct: 'AWS_BEARER_TOKEN_BEDROCK', note: 'the name ends in _BEDROCK' },
  { name: 'AWS_DEFAULT_PROFILE', correct: 'AWS_PROFILE', note: 'AWS CLI v1 legacy name; the AWS SDK reads AWS_PROFILE' },
  { name: 'CLAUDE_CODE_MAX_OUTPUT_TOKEN', correct: 'CLAUDE_CODE_MAX_OUTPUT_TOKENS', note: 'plural TOKENS' },
  ...TIERS.map((tier) => ({
    name: `ANTHROPIC_DEFAULT_${tier}_MODEL_SUPPORTS`,
    correct: `ANTHROPIC_DEFAULT_${tier}_MODEL_SUPPORTED_CAPABILITIES`,
    note: 'renamed from the v2.1.84 _SUPPORTS name',
  })),
];

const BY_NAME = new Map(ENV_VARS.map((entry) => [entry.name, entry]));
const MISNAMED_BY_NAME = new Map(MISNAMED_VARIABLES.map((entry) => [entry.name, entry]));

export function findEnvVar(name: string): EnvVarEntry | undefined {
  return BY_NAME.get(name);
}

/**
 * A name that is not a real variable but is close to one: the known wrong names above, or a
 * known variable written in the wrong case (variable names are case-sensitive outside Windows).
 */
export function findMisnamedVariable(name: string): MisnamedVariable | undefined {
  const listed = MISNAMED_BY_NAME.get(name);
  if (listed) return listed;
  if (BY_NAME.has(name)) return undefined;
  const upper = BY_NAME.get(name.toUpperCase());
  if (upper?.kind === 'env') return { name, correct: upper.name, note: 'variable names are case-sensitive' };
  return undefined;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The README reference block (between the env-reference markers), generated from the table. */
export function renderEnvReference(): string {
  const lines: string[] = [
    '<!-- Generated from src/settings/env-vars.ts by scripts/update-env-reference.mjs; do not edit by hand. -->',
    '',
    'Variables are read from the shell and from the `env` block of the settings files (the block wins);',
    'values are trimmed and an empty value means unset. Settings keys are read from managed settings,',
    '`--settings`, `.claude/settings.local.json`, `.claude/settings.json` and `~/.claude/settings.json`,',
    'highest precedence first.',
  ];
  for (const category of Object.keys(CATEGORY_TITLES) as EnvVarCategory[]) {
    const entries = ENV_VARS.filter((entry) => entry.category === category);
    if (entries.length === 0) continue;
    lines.push('', `### ${CATEGORY_TITLES[category]}`, '', '| Name | Kind | Values / default | Description |', '|---|---|---|---|');
    for (const entry of entries) {
      const kind = entry.kind === 'env' ? 'env' : 'setting';
      lines.push(`| \`${entry.name}\` | ${kind} | ${cell(entry.values)} | ${cell(entry.description)} |`);
    }
  }
  lines.push('', '### Names that do not exist', '', '`doctor` reports these when it finds them.', '', '| Written | Correct name | Note |', '|---|---|---|');
  for (const entry of MISNAMED_VARIABLES) {
    lines.push(`| \`${entry.name}\` | \`${entry.correct}\` | ${cell(entry.note)} |`);
  }
  return lines.join('\n');
}
