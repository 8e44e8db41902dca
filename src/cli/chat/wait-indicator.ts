/**
 * The "still waiting" line of `chat`: when a reply has not started within a second, a terminal
 * shows how long it has been waiting (a cold model, throttling retries, a slow proxy), and the
 * line is erased when the first token arrives or the turn ends. Nothing is shown when output is
 * not a terminal: a piped transcript gets only the reply.
 */
import type { Writable } from 'node:stream';

export interface WaitIndicatorOptions {
  /** Whether the stream is a terminal that can erase a line. */
  readonly live: boolean;
  /** Delay before the first showing, and between updates. */
  readonly intervalMs?: number;
  /** Timers, injectable for tests. */
  readonly setInterval?: (fn: () => void, ms: number) => unknown;
  readonly clearInterval?: (handle: unknown) => void;
}

export interface WaitIndicator {
  /** Erases the line if it is shown, and stops updating it; safe to call more than once. */
  stop(): void;
}

export function startWaitIndicator(stream: Writable, options: WaitIndicatorOptions): WaitIndicator {
  if (!options.live) return { stop: () => undefined };
  const intervalMs = options.intervalMs ?? 1000;
  const set = options.setInterval ?? ((fn: () => void, ms: number) => setInterval(fn, ms).unref());
  const clear = options.clearInterval ?? ((handle: unknown) => clearInterval(handle as NodeJS.Timeout));
  let seconds = 0;
  let shown = false;
  let stopped = false;
  const handle = set(() => {
    if (stopped) return;
    seconds += intervalMs / 1000;
    stream.write(`\r\x1b[2K(waiting for the reply… ${Math.round(seconds)} s; Ctrl-C cancels)`);
    shown = true;
  }, intervalMs);
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      clear(handle);
      if (shown) stream.write('\r\x1b[2K');
    },
  };
}
