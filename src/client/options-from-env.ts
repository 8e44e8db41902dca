/**
 * The client knobs Claude Code reads from the environment (spec §1.6): CLAUDE_CODE_MAX_RETRIES
 * (default 10, capped at 15 unless CLAUDE_CODE_RETRY_WATCHDOG is on) and API_TIMEOUT_MS
 * (default 600000, at most 2147483647). A value that is not a number is an error naming it.
 */
import type { EnvLookup } from '../core/route-plan.js';
import { DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_MS, MAX_RETRIES_CAP } from '../bedrock/retry-policy.js';
import { MAX_TIMER_MS, readNumber } from '../bedrock/timing.js';

export function clientOptionsFromEnv(env: EnvLookup): { maxRetries: number; timeoutMs: number } {
  const retries = readNumber(env, 'CLAUDE_CODE_MAX_RETRIES', DEFAULT_MAX_RETRIES);
  const watchdog = env.get('CLAUDE_CODE_RETRY_WATCHDOG')?.value.toLowerCase();
  const uncapped = watchdog === '1' || watchdog === 'true';
  const maxRetries = retries === undefined ? DEFAULT_MAX_RETRIES : Math.floor(retries.value);
  const timeout = readNumber(env, 'API_TIMEOUT_MS', DEFAULT_TIMEOUT_MS);
  return {
    maxRetries: uncapped ? maxRetries : Math.min(maxRetries, MAX_RETRIES_CAP),
    timeoutMs: timeout === undefined ? DEFAULT_TIMEOUT_MS : Math.min(Math.max(1, Math.floor(timeout.value)), MAX_TIMER_MS),
  };
}
