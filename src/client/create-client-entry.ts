/**
 * The library's `createClient`: with options, the Messages client for a plan you resolved
 * (src/client/create-client.ts); with no arguments, the client for this process's Claude Code
 * configuration, like `new AnthropicBedrock()` reads its environment. `processInputs` below is
 * the one place in the library that reads `process.*`; everything under it is pure.
 */
import { homedir } from 'node:os';
import type { RouteWarning } from '../core/route-plan.js';
import { createClient as createPlannedClient, type BedrockClient, type ClientExtras } from './create-client.js';
import { openClient, type OpenClientOptions } from './open-client.js';
import type { CreateClientOptions } from './types.js';

/** Everything `createClient(options)` takes: the plan, its credential providers, and tuning. */
export type ClientOptions = CreateClientOptions & ClientExtras;

/**
 * The inputs of the no-argument `createClient()`: `process.env`, `os.homedir()`,
 * `process.cwd()`, `process.platform`, `process.stderr` for credential commands' output, and
 * each distinct route warning as a Node process warning (type `CcBedrockWarning`, the fix in
 * its detail), which `process.on('warning')` can take over.
 */
export function processInputs(): OpenClientOptions {
  const seen = new Set<string>();
  const warn = (warning: RouteWarning): void => {
    if (seen.has(warning.message)) return;
    seen.add(warning.message);
    process.emitWarning(warning.message, { type: 'CcBedrockWarning', code: warning.code, ...(warning.fix ? { detail: `fix: ${warning.fix}` } : {}) });
  };
  return { env: process.env, homeDir: homedir(), cwd: process.cwd(), platform: process.platform, stderr: process.stderr, warn };
}

/**
 * Creates an Anthropic-shaped Messages client (`messages.create`, `messages.stream`,
 * `messages.countTokens`) that talks to Amazon Bedrock the way Claude Code does.
 *
 * Called with no arguments it reads this process's configuration as Claude Code would: the
 * environment, the settings files under the home and working directories, the AWS config and
 * credentials; it resolves the route plan, runs availability discovery (cached on disk) and
 * resolves to the client. Throws (rejects with) a `CcBedrockError` naming what to fix.
 * To pass the environment yourself, use `openClient`.
 *
 * Called with options it returns, synchronously, the client for a route plan you resolved with
 * `resolveRoutePlan` and credential providers from `createAuthProvider`.
 *
 * @example
 * ```ts
 * import { createClient } from 'cc-bedrock';
 *
 * const client = await createClient();
 * const message = await client.messages.create({ max_tokens: 1024, messages: [{ role: 'user', content: 'Hi' }] });
 * ```
 */
export function createClient(): Promise<BedrockClient>;
/**
 * Creates the Messages client for a route plan you resolved yourself.
 *
 * @param options - `plan` from `resolveRoutePlan`, `auth` providers from `createAuthProvider`
 *   for the `bedrock` and `mantle` endpoints, and optional tuning (`maxRetries`, `timeoutMs`,
 *   `fetch`, `logger`, `env` so model names resolve with the user's pins).
 *
 * @example
 * ```ts
 * import { createAuthProvider, createClient, resolveRoutePlan } from 'cc-bedrock';
 *
 * const { plan, envLookup, effectiveEnv } = await resolveRoutePlan({ env, homeDir, cwd, platform });
 * const auth = (endpoint: 'bedrock' | 'mantle') => createAuthProvider({
 *   plan: plan.credentials[endpoint], env: envLookup, subprocessEnv: effectiveEnv, homeDir,
 *   region: plan.region.value, stderr: process.stderr, warn: console.warn,
 * });
 * const client = createClient({ plan, auth: { bedrock: auth('bedrock'), mantle: auth('mantle') }, env: envLookup });
 * ```
 */
export function createClient(options: ClientOptions): BedrockClient;
export function createClient(options?: ClientOptions): BedrockClient | Promise<BedrockClient> {
  if (options) return createPlannedClient(options);
  return openClient(processInputs()).then((opened) => opened.client);
}
