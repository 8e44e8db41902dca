/**
 * cc-bedrock as a library: `createClient()` reads Claude Code's Bedrock configuration and gives
 * an Anthropic-shaped Messages client; the pieces under it (route plan, credentials, discovery)
 * are exported for explicit use, plus the local Bedrock emulator and the gateway. Named
 * re-exports only; every export carries TSDoc, and every options type of an exported function is
 * exported too (test/integration/library-surface.test.ts).
 */
export { CcBedrockError, isCcBedrockError } from './core/errors.js';
export type { ErrorCode, CcBedrockErrorOptions } from './core/errors.js';
export type { Env } from './core/read-env.js';

export type {
  CredentialKind,
  CredentialPlan,
  CustomHeader,
  EndpointKind,
  EnvLookup,
  ModelRole,
  ProviderSelection,
  ResolvedModel,
  RoutePlan,
  RouteWarning,
  Sourced,
} from './core/route-plan.js';
export { resolveRoutePlan } from './routing/resolve-route-plan.js';
export { resolveConfiguration } from './routing/resolve-configuration.js';
export type { ResolveRoutePlanOptions, RouteResolution } from './routing/resolve-route-plan.js';
export type { ConfigurationSnapshot, InspectOptions, PlanPart, PlanProblem, Selection } from './routing/resolve-configuration.js';

export { loadSettings, userSettingsPath } from './settings/load-settings.js';
export type { LoadedSettings, LoadSettingsOptions, SettingsFile, SettingsScope } from './settings/load-settings.js';
export { createEnvLookup } from './settings/effective-env.js';
export { ENV_VARS } from './settings/env-vars.js';

export { resolveRegion } from './aws/region.js';
export type { ResolveRegionOptions } from './aws/region.js';
export { planCredentials } from './aws/credential-plan.js';
export type { PlanCredentialsOptions } from './aws/credential-plan.js';
export { createAuthProvider } from './aws/credentials.js';
export type { AuthProviderOptions } from './aws/credentials.js';
export { getCallerIdentity } from './aws/caller-identity.js';
export type { CallerIdentityOptions } from './aws/caller-identity.js';
export type { AuthProvider, AwsCredentials, RequestAuth } from './core/auth-types.js';

export { MODEL_CATALOG, findModelById, isMantleFormat } from './models/model-catalog.js';
export type { CatalogModel } from './models/model-catalog.js';
export { planNameContext, resolveModels, resolveModelName } from './models/resolve-model.js';
export type { ModelNameContext, ModelResolutionInput } from './models/resolve-model.js';

export { resolveProxy, bypassesProxy, proxyFailureOf, loadNetworkFetch } from './network/proxy.js';
export { redactProxyUrl } from './settings/proxy-url.js';
export type { ProxyConfig, ProxyFailureKind } from './network/proxy.js';

export { createClient, openClient, discoverAvailability, applyDiscovery } from './client/index.js';
export type { BedrockClient, BedrockMessages, ClientOptions, DiscoveryOptions, DiscoveryResult, OpenClientOptions, OpenedClient } from './client/index.js';

export { createEmulator, emulatorEnvironment, defaultScenario, scenarioWith } from './emulator/index.js';
export type { Emulator, EmulatorOptions, ListenOptions, RunningEmulator, Scenario, ScenarioInput } from './emulator/index.js';

export { createGateway, listenGateway } from './gateway/index.js';
export type { Gateway, GatewayOptions, GatewayLogger, ListenGatewayOptions, ListeningGateway } from './gateway/index.js';
