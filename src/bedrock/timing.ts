/**
 * The deadlines of the wire as the environment sets them, for the CLI, the library's callers
 * and `serve` alike. Claude Code's own variables keep their meaning where set (spec §1.6):
 * API_TIMEOUT_MS is the request timeout, so when it is set and ours is not it is also the
 * first-byte deadline of a stream; CLAUDE_STREAM_IDLE_TIMEOUT_MS (at least 300000) and, with
 * CLAUDE_ENABLE_BYTE_WATCHDOG_BEDROCK=1, CLAUDE_BYTE_STREAM_IDLE_TIMEOUT_MS (10 s to 30 min) are
 * idle watchdogs, the shorter one winning. The CC_BEDROCK_* variables beat them all.
 */
import type { EnvLookup } from '../core/route-plan.js';
import { readNumberVar, readSwitchVar, type ReadVarOptions } from '../settings/read-var.js';
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

/** A timer delay from a duration variable of the table, kept within what a Node.js timer takes. */
export function timerMs(env: EnvLookup, name: string): number | undefined {
  const read = readNumberVar(env, name);
  return read === undefined ? undefined : Math.min(Math.max(1, read.value), MAX_TIMER_MS);
}

/** `options.warn` hears about a switch value Claude Code would count as off (`yes`). */
export function wireTimingFromEnv(env: EnvLookup, options: ReadVarOptions = {}): WireTiming {
  const firstByte = timerMs(env, 'CC_BEDROCK_FIRST_BYTE_TIMEOUT_MS') ?? timerMs(env, 'API_TIMEOUT_MS');
  let idle = timerMs(env, 'CC_BEDROCK_STREAM_IDLE_TIMEOUT_MS');
  if (idle === undefined) {
    const event = timerMs(env, 'CLAUDE_STREAM_IDLE_TIMEOUT_MS');
    const byteSet = readSwitchVar(env, 'CLAUDE_ENABLE_BYTE_WATCHDOG_BEDROCK', options) ? timerMs(env, 'CLAUDE_BYTE_STREAM_IDLE_TIMEOUT_MS') : undefined;
    const byte = byteSet === undefined ? undefined : Math.min(Math.max(byteSet, BYTE_WATCHDOG_RANGE[0]), BYTE_WATCHDOG_RANGE[1]);
    const candidates = [event === undefined ? undefined : Math.max(event, MIN_EVENT_WATCHDOG_MS), byte].filter((ms): ms is number => ms !== undefined);
    if (candidates.length > 0) idle = Math.min(...candidates);
  }
  const notice = readNumberVar(env, 'CC_BEDROCK_WAIT_NOTICE_MS');
  return {
    firstByteTimeoutMs: firstByte ?? DEFAULT_FIRST_BYTE_TIMEOUT_MS,
    streamIdleTimeoutMs: idle ?? DEFAULT_STREAM_IDLE_TIMEOUT_MS,
    waitNoticeMs: notice === undefined ? DEFAULT_WAIT_NOTICE_MS : Math.min(notice.value, MAX_TIMER_MS),
  };
}
