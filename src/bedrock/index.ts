/** The Bedrock wire layer shared by the client and the gateway: retry policy, deadlines, stream supervision. */
export * from './retry-policy.js';
export * from './deadlines.js';
export * from './timing.js';
