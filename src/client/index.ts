/** Public surface of the Messages client (docs/client.md). */
export { plannedTargets, encodeModelLabel } from './create-client.js';
export { createClient } from './create-client-entry.js';
export type { ClientOptions } from './create-client-entry.js';
export { openClient } from './open-client.js';
export type { OpenClientOptions, OpenedClient } from './open-client.js';
export type { BedrockClient, BedrockMessages, ClientExtras } from './create-client.js';
export { BedrockMessageStream, accumulateEvent, messageToEvents } from './message-stream.js';
export type { MessageStreamEvents } from './message-stream.js';
export {
  discoverAvailability,
  applyDiscovery,
  clearDiscoveryCache,
  discoveryCacheDir,
  fallbackCandidates,
} from './discovery.js';
export type { DiscoveryOptions, DiscoveryResult, ModelAvailability, ModelFallback, AvailabilityStatus } from './discovery.js';
// probeModel (src/client/probe.ts) takes the client's internal runner, so only the batch form is public.
export { probeAvailability, availabilityOf, isCredentialFailure } from './probe.js';
export type { ProbeTarget, ProbeAvailabilityOptions, ProbeAvailabilityResult, ProbedAvailability } from './probe.js';
export { getInferenceProfile, listSystemInferenceProfiles } from './inference-profiles.js';
export type { InferenceProfile } from './inference-profiles.js';
export { clientOptionsFromEnv } from './options-from-env.js';
export { DEFAULT_MAX_RETRIES, MAX_RETRIES_CAP, DEFAULT_TIMEOUT_MS, backoffDelay } from '../bedrock/retry-policy.js';
export { iamResourcesFor, profileSuggestions } from './errors.js';
export type {
  CallTarget,
  ClientLogger,
  CreateClientOptions,
  Message,
  MessageCountTokensParams,
  MessageCreateParams,
  MessageStreamEvent,
  MessageTokensCount,
  ModelNameResolver,
  RequestOptions,
  Sleep,
} from './types.js';
