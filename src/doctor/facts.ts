/**
 * Doctor gathers everything once: the configuration (the one resolver, collecting every problem), the
 * environment, the installed Claude Code, credentials and, unless offline, live probes. Checks
 * are pure functions of the resulting `DoctorFacts`, so tests can edit facts instead of machines.
 *
 * Facts never hold a secret: environment values are reduced to a display form (hidden for
 * anything credential-like) and a fingerprint, credentials to their kind, masked key ID and
 * expiry.
 */
import { createHash } from 'node:crypto';
import type { Writable } from 'node:stream';
import type { AwsCredentialPlan } from '../aws/credential-plan.js';
import { runCredentialExport } from '../aws/credential-export.js';
import { discoveryCacheDir } from '../client/availability-cache.js';
import { systemClock, type Clock } from '../core/clock.js';
import type { Env } from '../core/read-env.js';
import { maskKeyId } from '../core/redact.js';
import { PROXY_VARIABLES, inspectProxy, loadNetworkFetch, type ProxyInspection, type ProxySummary } from '../network/proxy.js';
import type { CallerIdentity } from '../aws/caller-identity.js';
import type { EndpointKind, RouteWarning, Sourced } from '../core/route-plan.js';
import { findEnvVar } from '../settings/env-vars.js';
import type { SettingsScope } from '../settings/load-settings.js';
import { readRegionVar, rejectedVarValues, type VarRejection } from '../settings/read-var.js';
import { resolveConfiguration, type ConfigurationSnapshot, type InspectOptions, type ProviderFacts, type Selection } from '../routing/resolve-configuration.js';
import { detectClaudeCode, type ClaudeCodeFact } from './claude-code.js';
import type { OnlineFacts } from './online-facts.js';
import { toErrorFact, type Attempt, type ErrorFact } from './types.js';

export type { ClaudeCodeFact } from './claude-code.js';

// ---------------------------------------------------------------------------------------------
// Shapes

export interface SettingsFileFact {
  readonly scope: SettingsScope;
  readonly label: string;
  readonly exists: boolean;
  readonly unknownKeys: readonly string[];
  readonly errors: readonly ErrorFact[];
  /** Names in this file's `env` block (valid entries). */
  readonly envNames: readonly string[];
}

/** A variable's value as doctor may show it. */
export interface EnvValueFact {
  /** The value, or undefined when it is hidden (credentials, tokens, header blocks, URLs with user info). */
  readonly display: string | undefined;
  /** Equal values have equal fingerprints; used only for comparison, never shown. */
  readonly fingerprint: string;
  /** Empty or whitespace: unset for Claude Code (a settings entry of "" cancels a shell export). */
  readonly empty: boolean;
}

export interface EnvVariableFact {
  readonly name: string;
  readonly shell: EnvValueFact | undefined;
  /** Every settings file whose env block sets it, lowest precedence first. */
  readonly settings: ReadonlyArray<{ readonly label: string; readonly scope: SettingsScope; readonly value: EnvValueFact }>;
}

export interface ExportFact {
  readonly source: string;
  readonly program: string;
  readonly result:
    | { readonly ok: true; readonly keyId: string; readonly hasSessionToken: boolean; readonly expiresAt: number | undefined }
    | { readonly ok: false; readonly problem: string };
}

export interface ResolvedCredentialFact {
  readonly kind: 'none' | 'bearer' | 'sigv4';
  readonly keyId: string | undefined;
  readonly hasSessionToken: boolean;
  readonly expiresAt: number | undefined;
}

export interface EndpointCredentialFacts {
  readonly endpoints: readonly EndpointKind[];
  readonly plan: Attempt<AwsCredentialPlan>;
  /** Undefined when not attempted (offline). */
  readonly resolved: Attempt<ResolvedCredentialFact> | undefined;
  /** Undefined when not attempted (offline, no SigV4 credentials). */
  readonly identity: Attempt<CallerIdentity> | undefined;
}

export interface ProbeFact {
  /** Selections this probe answers for. */
  readonly selections: ReadonlyArray<Pick<Selection, 'id' | 'kind' | 'label'> & { readonly pinned: boolean }>;
  readonly modelId: string;
  readonly endpoint: EndpointKind;
  readonly region: string;
  readonly serviceTier: string | undefined;
  readonly result: Attempt<true>;
}

export interface AccessFacts {
  /** Why nothing was probed, when nothing was. */
  readonly skipped: string | undefined;
  readonly probes: readonly ProbeFact[];
  /** The main model probed again without the service tier, when the probe with it failed. */
  readonly withoutTier: { readonly modelId: string; readonly result: Attempt<true> } | undefined;
  /** ListInferenceProfiles in the session region; undefined when Bedrock is not used. */
  readonly listProfiles: Attempt<{ readonly count: number }> | undefined;
  readonly applicationProfiles: ReadonlyArray<{
    readonly arn: string;
    readonly result: Attempt<{ readonly backingModelId: string | undefined; readonly modelArns: readonly string[] }>;
  }>;
  /** Every Mantle ID of the catalog lineup, probed; undefined when Mantle is off. */
  readonly mantleLineup: ReadonlyArray<{ readonly mantleId: string; readonly displayName: string; readonly result: Attempt<true> }> | undefined;
}

export interface DoctorFacts {
  readonly now: number;
  readonly offline: boolean;
  readonly settings: {
    readonly files: readonly SettingsFileFact[];
    readonly warnings: readonly RouteWarning[];
    readonly loadError: ErrorFact | undefined;
  };
  readonly env: {
    /** Names set (non-empty) in the shell environment. */
    readonly shellNames: readonly string[];
    /** Every variable some settings file's env block sets. */
    readonly variables: readonly EnvVariableFact[];
    /** The proxy every AWS and Bedrock call goes through (resolveProxy), credentials hidden; undefined when direct. */
    readonly proxy: ProxyFact | undefined;
    /** Every set table variable whose value the reader rejects (src/settings/read-var.ts), in table order. */
    readonly rejectedValues: readonly VarRejection[];
    /** A proxy variable is set to something that is not a usable proxy URL: Claude Code would not start. */
    readonly proxyError: (ErrorFact & { readonly variable: string; readonly source: string }) | undefined;
  };
  readonly claudeCode: ClaudeCodeFact;
  readonly providers: ProviderFacts;
  readonly region: {
    readonly value: Sourced<string>;
    readonly warnings: readonly RouteWarning[];
    /** AWS_REGION when it holds a region name (settings env or shell); a malformed one is settings.variable-values'. */
    readonly awsRegionVariable: Sourced<string> | undefined;
  };
  readonly endpoints: ConfigurationSnapshot['endpoints'];
  readonly serviceTier: ConfigurationSnapshot['serviceTier'];
  readonly customHeaders: Attempt<{ readonly names: readonly string[]; readonly warnings: readonly RouteWarning[] }>;
  readonly models: {
    readonly selections: readonly Selection[];
    /** Warnings of the session resolution (small/fast region rules, deprecated names). */
    readonly warnings: readonly RouteWarning[];
    readonly error: ErrorFact | undefined;
    readonly availableModels: Sourced<readonly string[]> | undefined;
    readonly modelOverrides: Readonly<Record<string, string>>;
    readonly regionPrefix: Sourced<string> | undefined;
    readonly enforceAvailableModels: boolean;
  };
  readonly credentials: {
    readonly perEndpoint: readonly EndpointCredentialFacts[];
    readonly authRefresh: Sourced<string> | undefined;
    readonly credentialExport: Sourced<string> | undefined;
    readonly export: ExportFact | undefined;
    /** Warnings the credential provider reported while resolving (never command output). */
    readonly providerWarnings: readonly string[];
  };
  readonly access: AccessFacts | undefined;
}

export interface ProxyFact extends ProxySummary {
  /** Proxy variables also set, to another value, that lose to `variable` in Claude Code's order. */
  readonly shadowed: ReadonlyArray<{ readonly variable: string; readonly source: string }>;
}

// ---------------------------------------------------------------------------------------------
// Environment values

const SHOWABLE_CATEGORIES = new Set(['provider', 'endpoints', 'region', 'models', 'settings', 'cc-bedrock']);
const SECRET_NAME = /SECRET|TOKEN|PASSWORD|PASSPHRASE|API_KEY|CREDENTIAL|AUTH|COOKIE|_KEY$/i;

/** Whether doctor may print a variable's value: only configuration knobs, never credential material. */
export function isShowableVariable(name: string): boolean {
  if (SECRET_NAME.test(name) || name === 'ANTHROPIC_CUSTOM_HEADERS') return false;
  const entry = findEnvVar(name);
  if (entry) return SHOWABLE_CATEGORIES.has(entry.category) || name === 'AWS_PROFILE' || name === 'AWS_CONFIG_FILE' || name === 'AWS_SHARED_CREDENTIALS_FILE';
  return /^(AWS_REGION|AWS_DEFAULT_REGION|AWS_PROFILE)$/.test(name);
}

function valueFact(name: string, value: string): EnvValueFact {
  const trimmed = value.trim();
  const fingerprint = createHash('sha256').update(`${name}\u0000${trimmed}`).digest('hex').slice(0, 16);
  let display: string | undefined;
  if (isShowableVariable(name) && !/:\/\/[^/]*@/.test(trimmed)) display = trimmed.length > 120 ? `${trimmed.slice(0, 117)}...` : trimmed;
  return { display, fingerprint, empty: trimmed === '' };
}

function proxyFacts(snapshot: ConfigurationSnapshot, inspection: ProxyInspection): Pick<DoctorFacts['env'], 'proxy' | 'proxyError'> {
  if (!inspection.ok) {
    return { proxy: undefined, proxyError: { ...toErrorFact(inspection.error), variable: inspection.variable, source: inspection.source } };
  }
  const proxy = inspection.proxy;
  if (!proxy) return { proxy: undefined, proxyError: undefined };
  const chosen = snapshot.envLookup.get(proxy.variable)?.value;
  const shadowed = PROXY_VARIABLES.slice(PROXY_VARIABLES.indexOf(proxy.variable as (typeof PROXY_VARIABLES)[number]) + 1).flatMap((variable) => {
    const entry = snapshot.envLookup.get(variable);
    return entry && entry.value !== chosen ? [{ variable, source: entry.source }] : [];
  });
  return { proxy: { ...proxy.summary(), shadowed }, proxyError: undefined };
}

function envFacts(env: Env, snapshot: ConfigurationSnapshot, proxy: ProxyInspection): DoctorFacts['env'] {
  const shellNames = Object.entries(env)
    .filter(([, value]) => value !== undefined && value.trim() !== '')
    .map(([name]) => name)
    .sort();
  const byName = new Map<string, { shell: EnvValueFact | undefined; settings: Array<{ label: string; scope: SettingsScope; value: EnvValueFact }> }>();
  for (const file of snapshot.settings?.files ?? []) {
    for (const [name, value] of Object.entries(file.settings?.env ?? {})) {
      let entry = byName.get(name);
      if (!entry) {
        const shellValue = env[name];
        entry = { shell: shellValue === undefined ? undefined : valueFact(name, shellValue), settings: [] };
        byName.set(name, entry);
      }
      entry.settings.push({ label: file.label, scope: file.scope, value: valueFact(name, value) });
    }
  }
  // By code unit, not localeCompare: its first call loads ICU collation, ~10 ms of every status.
  const variables = [...byName.entries()].map(([name, entry]) => ({ name, ...entry })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { shellNames, variables, rejectedValues: rejectedVarValues(snapshot.envLookup), ...proxyFacts(snapshot, proxy) };
}

// ---------------------------------------------------------------------------------------------
// Credentials

const EXPORT_TIMEOUT_MS = 30_000;

export type CredentialGroup = { endpoints: EndpointKind[]; plan: Attempt<AwsCredentialPlan> };

export function credentialGroups(snapshot: ConfigurationSnapshot): Array<{ endpoints: EndpointKind[]; plan: Attempt<AwsCredentialPlan> }> {
  const used: EndpointKind[] = [];
  if (snapshot.providers.value.bedrock) used.push('bedrock');
  if (snapshot.providers.value.mantle) used.push('mantle');
  const groups: Array<{ endpoints: EndpointKind[]; plan: Attempt<AwsCredentialPlan> }> = [];
  for (const endpoint of used) {
    const plan = snapshot.credentials[endpoint];
    const same = groups.find(
      (group) =>
        group.plan.ok && plan.ok && group.plan.value.kind === plan.value.kind && group.plan.value.source === plan.value.source,
    );
    if (same) same.endpoints.push(endpoint);
    else groups.push({ endpoints: [endpoint], plan });
  }
  return groups;
}

function configuredSetting(snapshot: ConfigurationSnapshot, key: 'authRefresh' | 'credentialExport'): Sourced<string> | undefined {
  const { bedrock, mantle } = snapshot.credentials;
  return (bedrock.ok ? bedrock.value[key] : undefined) ?? (mantle.ok ? mantle.value[key] : undefined);
}

async function runExport(snapshot: ConfigurationSnapshot): Promise<ExportFact | undefined> {
  const setting = configuredSetting(snapshot, 'credentialExport');
  if (!setting) return undefined;
  const program = setting.value.trim().split(/\s+/)[0] ?? '';
  const result = await runCredentialExport(setting, { env: snapshot.effectiveEnv, timeoutMs: EXPORT_TIMEOUT_MS });
  if (!result.ok) return { source: setting.source, program, result: { ok: false, problem: result.problem } };
  return {
    source: setting.source,
    program,
    result: {
      ok: true,
      keyId: maskKeyId(result.credentials.accessKeyId),
      hasSessionToken: result.credentials.sessionToken !== undefined,
      expiresAt: result.credentials.expiration?.getTime(),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Gathering

export interface GatherFactsOptions extends InspectOptions {
  /** Skip everything that calls AWS (credential resolution, STS, probes). */
  readonly offline: boolean;
  /** Where a credential provider would print; doctor never runs awsAuthRefresh, so nothing is. */
  readonly stderr: Writable;
  readonly clock?: Clock;
  readonly fetch?: typeof fetch;
  /** Injected in tests; defaults to `claude --version` of the first `claude` on PATH (cached, see claude-code.ts). */
  readonly detectClaudeCode?: (env: Env, platform: NodeJS.Platform) => Promise<ClaudeCodeFact>;
  /** The configuration, when the caller (status) has resolved it already with these options. */
  readonly snapshot?: ConfigurationSnapshot;
}

/** Everything doctor needs, gathered once. Never throws for a configuration or upstream problem. */
export async function gatherFacts(options: GatherFactsOptions): Promise<DoctorFacts> {
  const clock = options.clock ?? systemClock;
  const snapshot = options.snapshot ?? (await resolveConfiguration(options));
  const { envLookup } = snapshot;
  // Asked while the rest is gathered; the version cache lives where model discovery keeps its own.
  const claudeCode = (options.detectClaudeCode ?? ((env, platform) => detectClaudeCode(env, platform, { cacheDir: discoveryCacheDir(envLookup, options.homeDir) })))(
    options.env,
    options.platform,
  ).catch((error: unknown): ClaudeCodeFact => ({ status: 'found', path: 'claude', version: undefined, output: '', error: toErrorFact(error).message }));

  const settingsFiles: SettingsFileFact[] = (snapshot.settings?.files ?? []).map((file) => ({
    scope: file.scope,
    label: file.label,
    exists: file.exists,
    unknownKeys: file.unknownKeys,
    errors: file.errors.map(toErrorFact),
    envNames: Object.keys(file.settings?.env ?? {}),
  }));

  const exportFact = await runExport(snapshot).catch(() => undefined);
  const groups = credentialGroups(snapshot);
  const proxy = inspectProxy(envLookup);
  let online: OnlineFacts | undefined;
  if (options.offline) {
    online = undefined;
  } else if (!proxy.ok) {
    // Going direct instead would test a route Claude Code never takes (it refuses to start).
    online = {
      perEndpoint: groups.map((group) => ({ endpoints: group.endpoints, plan: group.plan, resolved: undefined, identity: undefined })),
      access: {
        skipped: `${proxy.variable} (${proxy.source}) is not a usable proxy URL, so nothing was sent (see settings.proxy)`,
        probes: [],
        withoutTier: undefined,
        listProfiles: undefined,
        applicationProfiles: [],
        mantleLineup: undefined,
      },
      credentialWarnings: [],
    };
  } else {
    // Credentials, STS and probes go through the proxy a session would use.
    const networkFetch = options.fetch ?? (await loadNetworkFetch(proxy.proxy));
    const onlineOptions = networkFetch ? { ...options, fetch: networkFetch } : options;
    // The client and the AWS SDK are loaded only when something is sent: --offline stays fast.
    online = await (await import('./online-facts.js')).gatherOnlineFacts(snapshot, groups, onlineOptions, clock);
  }
  const perEndpoint: EndpointCredentialFacts[] =
    online?.perEndpoint ?? groups.map((group) => ({ endpoints: group.endpoints, plan: group.plan, resolved: undefined, identity: undefined }));
  const access = online?.access;
  const credentialWarnings = online?.credentialWarnings ?? [];

  const headers = snapshot.customHeaders;
  const awsRegionVariable = readRegionVar(envLookup, 'AWS_REGION');
  return {
    now: clock(),
    offline: options.offline,
    settings: {
      files: settingsFiles,
      warnings: snapshot.settings?.warnings ?? [],
      loadError: snapshot.settingsError,
    },
    env: envFacts(options.env, snapshot, proxy),
    claudeCode: await claudeCode,
    providers: snapshot.providers,
    region: {
      value: snapshot.region.region,
      warnings: snapshot.region.warnings,
      awsRegionVariable: awsRegionVariable ? { value: awsRegionVariable.value, source: awsRegionVariable.source } : undefined,
    },
    endpoints: snapshot.endpoints,
    serviceTier: snapshot.serviceTier,
    customHeaders: headers.ok
      ? { ok: true, value: { names: headers.value.headers.map((header) => header.name), warnings: headers.value.warnings } }
      : headers,
    models: {
      selections: snapshot.selections,
      warnings: snapshot.models.ok ? snapshot.models.value.warnings : [],
      error: snapshot.models.ok ? undefined : snapshot.models.error,
      availableModels: snapshot.availableModels,
      modelOverrides: snapshot.modelOverrides,
      regionPrefix: envLookup.get('ANTHROPIC_BEDROCK_REGION_PREFIX'),
      enforceAvailableModels: snapshot.settings?.merged.enforceAvailableModels === true,
    },
    credentials: {
      perEndpoint,
      authRefresh: configuredSetting(snapshot, 'authRefresh'),
      credentialExport: configuredSetting(snapshot, 'credentialExport'),
      export: exportFact,
      providerWarnings: [...new Set(credentialWarnings)],
    },
    access,
  };
}
