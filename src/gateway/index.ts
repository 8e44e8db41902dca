/** Public surface of the gateway (docs/gateway.md). */
export { createGateway, DEFAULT_MAX_BODY_BYTES, DEFAULT_GATEWAY_RETRIES, DEFAULT_DRAIN_TIMEOUT_MS, DEFAULT_BODY_MEMORY_BYTES } from './create-gateway.js';
export { DEFAULT_STREAM_IDLE_TIMEOUT_MS, DEFAULT_FIRST_BYTE_TIMEOUT_MS } from '../bedrock/deadlines.js';
export { listenGateway } from './node-adapter.js';
export type { ListeningGateway, ListenGatewayOptions } from './node-adapter.js';
export { BETA_TABLE, applyBetaPolicy, betaOverridesFromEnv, splitBetaHeader } from './beta-policy.js';
export type { BetaDecision, BetaEntry, BetaOverrides, BetaRule } from './beta-policy.js';
export { toWireError } from './anthropic-errors.js';
export type { AnthropicErrorType, WireError } from './anthropic-errors.js';
export type { Gateway, GatewayLogger, GatewayOptions } from './types.js';
export type { GatewayRequest, GatewayResponse, GatewayResponseBody } from './exchange.js';
