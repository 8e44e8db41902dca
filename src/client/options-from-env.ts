/**
 * The client knobs Claude Code reads from the environment (spec §1.6): CLAUDE_CODE_MAX_RETRIES
 * (default 10, capped at 15 unless CLAUDE_CODE_RETRY_WATCHDOG is on) and API_TIMEOUT_MS
 * (default 600000, at most 2147483647). A value that is not a number is an error naming it.
 */
import type { EnvLookup } from '../core/route-plan.js';
import { DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_MS, MAX_RETRIES_CAP } from '../bedrock/retry-policy.js';
import { timerMs } from '../bedrock/timing.js';
import { readNumberVar, readSwitchVar, type ReadVarOptions } from '../settings/read-var.js';

/** `options.warn` hears about a switch value Claude Code would count as off (`yes`). */
export function clientOptionsFromEnv(env: EnvLookup, options: ReadVarOptions = {}): { maxRetries: number; timeoutMs: number } {
  const maxRetries = readNumberVar(env, 'CLAUDE_CODE_MAX_RETRIES')?.value ?? DEFAULT_MAX_RETRIES;
  const uncapped = readSwitchVar(env, 'CLAUDE_CODE_RETRY_WATCHDOG', options);
  return {
    maxRetries: uncapped ? maxRetries : Math.min(maxRetries, MAX_RETRIES_CAP),
    timeoutMs: timerMs(env, 'API_TIMEOUT_MS') ?? DEFAULT_TIMEOUT_MS,
  };
}
