import type { Env } from '../internal/read-env.js';
import { loadSettings, type LoadedSettings } from '../settings/load-settings.js';
import { createEnvLookup } from '../settings/effective-env.js';
import { resolveRegion } from '../aws/region.js';
import { planCredentials } from '../aws/credential-plan.js';
import { resolveModels } from '../models/resolve-model.js';
import { resolveProviders } from './provider.js';
import { resolveEndpoints } from './endpoints.js';
import { parseCustomHeaders, resolveServiceTier } from './headers.js';
import type { EnvLookup, RoutePlan, RouteWarning, Sourced } from './types.js';

export interface ResolveRoutePlanOptions {
  /** The process environment (settings `env` blocks are layered over it). */
  readonly env: Env;
  readonly homeDir: string;
  readonly cwd: string;
  readonly platform: NodeJS.Platform;
  /** `--model`. */
  readonly modelFlag?: string;
  /** `--settings <file-or-json>`. */
  readonly settingsFlag?: string;
  /** System inference-profile IDs from ListInferenceProfiles, when discovery has run. */
  readonly discoveredProfileIds?: readonly string[];
}

export interface RouteResolution {
  readonly plan: RoutePlan;
  readonly settings: LoadedSettings;
  /** Settings env over process env: what subprocesses (credential commands) must see. */
  readonly envLookup: EnvLookup;
  readonly effectiveEnv: Env;
}

function sourcedSetting<T>(settings: LoadedSettings, key: string, value: T | undefined): Sourced<T> | undefined {
  if (value === undefined) return undefined;
  return { value, source: settings.originOf(key) ?? 'settings' };
}

/**
 * settings + env → route plan. Pure apart from reading the settings and AWS config files:
 * nothing is sent anywhere and no credential is fetched.
 */
export async function resolveRoutePlan(options: ResolveRoutePlanOptions): Promise<RouteResolution> {
  const settings = loadSettings({
    homeDir: options.homeDir,
    cwd: options.cwd,
    platform: options.platform,
    env: options.env,
    settingsFlag: options.settingsFlag,
  });
  const envLookup = createEnvLookup(options.env, settings);
  const warnings: RouteWarning[] = [...settings.warnings];

  const { providers, warnings: providerWarnings } = resolveProviders(envLookup);
  warnings.push(...providerWarnings);

  const { region, warnings: regionWarnings } = await resolveRegion({ env: envLookup, homeDir: options.homeDir });
  warnings.push(...regionWarnings);

  const endpoints = resolveEndpoints(envLookup, region);
  const serviceTier = resolveServiceTier(envLookup);
  const { headers: customHeaders, warnings: headerWarnings } = parseCustomHeaders(envLookup);
  warnings.push(...headerWarnings);
  if (serviceTier && !providers.bedrock) {
    warnings.push({
      code: 'service-tier-mantle',
      message: `${serviceTier.source} is set but only Mantle is enabled; Mantle takes no service tier, so the header is not sent`,
      fix: 'unset ANTHROPIC_BEDROCK_SERVICE_TIER, or enable the Invoke API with CLAUDE_CODE_USE_BEDROCK=1',
    });
  }

  const merged = settings.merged;
  const modelOverrides: Record<string, string> = { ...(merged.modelOverrides ?? {}) };
  const availableModels = sourcedSetting(settings, 'availableModels', merged.availableModels);
  const managedFiles = settings.files.filter((f) => f.scope === 'managed' && f.settings?.modelOverrides);
  // Spec §3.3: with a managed allowlist, Anthropic IDs given directly resolve only through the
  // managed source's own modelOverrides, so a user file cannot point an allowed name elsewhere.
  const managedModelOverrides = managedFiles.length
    ? Object.assign({}, ...managedFiles.map((f) => f.settings?.modelOverrides)) as Record<string, string>
    : undefined;
  const models = resolveModels({
    env: envLookup,
    modelFlag: options.modelFlag,
    settingsModel: sourcedSetting(settings, 'model', merged.model),
    modelOverrides,
    managedModelOverrides,
    availableModels,
    availableModelsManaged: settings.originScopeOf('availableModels') === 'managed',
    enforceAvailableModels: merged.enforceAvailableModels === true,
    providers,
    region,
    mantleBaseUrlOverridden: envLookup.get('ANTHROPIC_BEDROCK_MANTLE_BASE_URL') !== undefined,
    discoveredProfileIds: options.discoveredProfileIds,
  });
  warnings.push(...models.warnings);

  const awsAuthRefresh = sourcedSetting(settings, 'awsAuthRefresh', merged.awsAuthRefresh);
  const awsCredentialExport = sourcedSetting(settings, 'awsCredentialExport', merged.awsCredentialExport);
  const credentialInput = { env: envLookup, homeDir: options.homeDir, awsAuthRefresh, awsCredentialExport };
  const [bedrockCredentials, mantleCredentials] = await Promise.all([
    planCredentials({ ...credentialInput, endpoint: 'bedrock' }),
    planCredentials({ ...credentialInput, endpoint: 'mantle' }),
  ]);
  const credentials = { bedrock: bedrockCredentials, mantle: mantleCredentials };

  const plan: RoutePlan = {
    providers,
    region,
    endpoints,
    models: { main: models.main, smallFast: models.smallFast },
    serviceTier,
    customHeaders,
    credentials,
    availableModels,
    modelOverrides,
    warnings,
  };
  return { plan, settings, envLookup, effectiveEnv: envLookup.effectiveEnv() };
}
