/**
 * The deadlines of the wire as the environment sets them, for the CLI, the library's callers
 * and `serve` alike. Claude Code's own variables keep their meaning where set (spec §1.6):
 * API_TIMEOUT_MS is the request timeout, so when it is set and ours is not it is also the
 * first-byte deadline of a stream; CLAUDE_STREAM_IDLE_TIMEOUT_MS (at least 300000) and, with
 * CLAUDE_ENABLE_BYTE_WATCHDOG_BEDROCK=1, CLAUDE_BYTE_STREAM_IDLE_TIMEOUT_MS (10 s to 30 min) are
 * idle watchdogs, the shorter one winning. The CC_BEDROCK_* variables beat them all.
 */
import { CcBedrockError } from '../core/errors.js';
import type { EnvLookup } from '../core/route-plan.js';
import { DEFAULT_FIRST_BYTE_TIMEOUT_MS, DEFAULT_STREAM_IDLE_TIMEOUT_MS, DEFAULT_WAIT_NOTICE_MS } from './deadlines.js';

/** The largest delay a Node.js timer takes. */
export const MAX_TIMER_MS = 2_147_483_647;
const MIN_EVENT_WATCHDOG_MS = 300_000;
const BYTE_WATCHDOG_RANGE = [10_000, 1_800_000] as const;

export interface WireTiming {
  readonly firstByteTimeoutMs: number;
  readonly streamIdleTimeoutMs: number;
  /** 0: no waiting notices. */
  readonly waitNoticeMs: number;
}

/** A non-negative number from a variable, or an error naming it. */
export function readNumber(env: EnvLookup, name: string, example: number): { value: number; source: string } | undefined {
  const entry = env.get(name);
  if (!entry) return undefined;
  const value = Number(entry.value.replace(/_/g, ''));
  if (!Number.isFinite(value) || value < 0) {
    throw new CcBedrockError('SETTINGS_TYPE_INVALID', `${name} (${entry.source}) is "${entry.value}", which is not a non-negative number`, {
      remediation: `set ${name} to a whole number such as ${example}, or unset it`,
    });
  }
  return { value, source: entry.source };
}

function millis(env: EnvLookup, name: string, example: number): number | undefined {
  const read = readNumber(env, name, example);
  return read === undefined ? undefined : Math.min(Math.max(1, Math.floor(read.value)), MAX_TIMER_MS);
}

function switchedOn(env: EnvLookup, name: string): boolean {
  const value = env.get(name)?.value.toLowerCase();
  return value === '1' || value === 'true';
}

export function wireTimingFromEnv(env: EnvLookup): WireTiming {
  const firstByte = millis(env, 'CC_BEDROCK_FIRST_BYTE_TIMEOUT_MS', DEFAULT_FIRST_BYTE_TIMEOUT_MS) ?? millis(env, 'API_TIMEOUT_MS', 600_000);
  let idle = millis(env, 'CC_BEDROCK_STREAM_IDLE_TIMEOUT_MS', DEFAULT_STREAM_IDLE_TIMEOUT_MS);
  if (idle === undefined) {
    const event = millis(env, 'CLAUDE_STREAM_IDLE_TIMEOUT_MS', MIN_EVENT_WATCHDOG_MS);
    const byteSet = switchedOn(env, 'CLAUDE_ENABLE_BYTE_WATCHDOG_BEDROCK') ? millis(env, 'CLAUDE_BYTE_STREAM_IDLE_TIMEOUT_MS', 60_000) : undefined;
    const byte = byteSet === undefined ? undefined : Math.min(Math.max(byteSet, BYTE_WATCHDOG_RANGE[0]), BYTE_WATCHDOG_RANGE[1]);
    const candidates = [event === undefined ? undefined : Math.max(event, MIN_EVENT_WATCHDOG_MS), byte].filter((ms): ms is number => ms !== undefined);
    if (candidates.length > 0) idle = Math.min(...candidates);
  }
  const notice = readNumber(env, 'CC_BEDROCK_WAIT_NOTICE_MS', DEFAULT_WAIT_NOTICE_MS);
  return {
    firstByteTimeoutMs: firstByte ?? DEFAULT_FIRST_BYTE_TIMEOUT_MS,
    streamIdleTimeoutMs: idle ?? DEFAULT_STREAM_IDLE_TIMEOUT_MS,
    waitNoticeMs: notice === undefined ? DEFAULT_WAIT_NOTICE_MS : Math.min(Math.floor(notice.value), MAX_TIMER_MS),
  };
}
