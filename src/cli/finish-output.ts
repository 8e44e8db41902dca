/**
 * How the CLI hands its output over before the process ends. `process.exit` drops whatever a
 * pipe has not taken yet (a JSON reply over 64 KiB into `| cat` arrived cut at the pipe's size,
 * with exit 0), so `main.ts` waits here until stdout and stderr have nothing queued, with a
 * deadline so a reader that never reads cannot hold the CLI forever. A reader that goes away
 * (`| head -c 20`) ends the CLI the way SIGPIPE ends other Unix tools, without a stack trace.
 */
import type { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Env } from '../core/read-env.js';
import type { RouteWarning } from '../core/route-plan.js';
import { createEnvLookup } from '../settings/effective-env.js';
import { readNumberVar } from '../settings/read-var.js';
import { ExitCode } from './io.js';

/** A stream the CLI writes to, with the name used in what it says about it. */
export interface NamedOutput {
  readonly name: 'stdout' | 'stderr';
  readonly stream: Writable;
}

export const OUTPUT_DRAIN_TIMEOUT_VARIABLE = 'CC_BEDROCK_OUTPUT_DRAIN_TIMEOUT_MS';
/**
 * The deadline counts from the reader's last progress, not from the start: a pager the user is
 * reading (`| less`) takes output in bursts minutes apart and must not be cut off, while a reader
 * that takes nothing at all for this long is stuck.
 */
const DEFAULT_DRAIN_TIMEOUT_MS = 600_000;
/** Waiting longer than this without progress is worth a line on stderr: the user sees what the CLI is waiting for. */
const NOTICE_AFTER_MS = 10_000;
/** How often the queues are looked at; `drain` only fires after a write that returned false. */
const POLL_MS = 10;

const kib = (bytes: number): string => `${Math.max(1, Math.ceil(bytes / 1024))} KiB`;
const seconds = (ms: number): string => `${Math.ceil(ms / 1000)} s`;

/** Bytes still queued on a stream that can still deliver them. */
function queued(output: NamedOutput): number {
  const { stream } = output;
  return stream.destroyed || stream.errored ? 0 : stream.writableLength;
}

/**
 * The deadline from CC_BEDROCK_OUTPUT_DRAIN_TIMEOUT_MS, or the default. Read when the command is
 * done, so an unusable value is a note (the table marks it `warn`), never a throw that would
 * replace the command's own exit status.
 */
export function drainTimeoutMs(env: Env, note: (message: string) => void): number {
  const warn = (warning: RouteWarning): void => note(`cc-bedrock: warning: ${warning.message}\n  fix: ${warning.fix ?? ''}\n`);
  return readNumberVar(createEnvLookup(env, undefined), OUTPUT_DRAIN_TIMEOUT_VARIABLE, { warn })?.value ?? DEFAULT_DRAIN_TIMEOUT_MS;
}

/**
 * Waits until every output has nothing queued (or has failed, which its error handler deals
 * with), giving up once the readers have taken nothing for `timeoutMs`. Says on `stderr` what it waits for once the wait gets long, and
 * returns the outputs whose reader did not take everything in time (empty when all arrived).
 */
export async function flushOutputs(outputs: readonly NamedOutput[], timeoutMs: number, stderr: Writable): Promise<NamedOutput[]> {
  let lastProgress = Date.now();
  let lastQueued = Infinity;
  let noticed = false;
  for (;;) {
    const pending = outputs.filter((output) => queued(output) > 0);
    if (pending.length === 0) return [];
    const total = pending.reduce((sum, output) => sum + queued(output), 0);
    if (total < lastQueued) {
      lastQueued = total;
      lastProgress = Date.now();
    }
    const waited = Date.now() - lastProgress;
    if (waited >= timeoutMs) return pending;
    if (!noticed && waited >= Math.min(NOTICE_AFTER_MS, timeoutMs / 2)) {
      noticed = true;
      const what = pending.map((output) => `${kib(queued(output))} on ${output.name}`).join(' and ');
      stderr.write(
        `cc-bedrock: waiting for the reader to take the last ${what} (giving up in ${seconds(timeoutMs - waited)}; ${OUTPUT_DRAIN_TIMEOUT_VARIABLE} sets how long)\n`,
      );
    }
    await sleep(POLL_MS);
  }
}

/** What to tell the user when `flushOutputs` gave up: the output they got is incomplete. */
export function describeUndelivered(pending: readonly NamedOutput[], timeoutMs: number): string {
  const names = pending.map((output) => output.name).join(' and ');
  return (
    `cc-bedrock: gave up after ${seconds(timeoutMs)} without progress: the reader of ${names} did not take the rest of the output, so it is incomplete\n` +
    `  fix: let the reader consume all of it (or redirect the output to a file), or raise ${OUTPUT_DRAIN_TIMEOUT_VARIABLE}\n`
  );
}

/**
 * The one handler for write errors on stdout and stderr. A closed pipe (EPIPE) ends the CLI with
 * the status shells report for SIGPIPE (Node ignores the signal itself, so the write fails
 * instead); any other failure is said on stderr (if it is not the one failing) and exits 1.
 */
export function onOutputError(outputs: readonly NamedOutput[], stderr: Writable, exit: (code: number) => void): void {
  for (const { name, stream } of outputs) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') return exit(ExitCode.brokenPipe);
      if (name !== 'stderr' && !stderr.destroyed) stderr.write(`cc-bedrock: cannot write to ${name}: ${error.message}\n`);
      exit(ExitCode.apiError);
    });
  }
}
