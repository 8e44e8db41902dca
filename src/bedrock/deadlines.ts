/**
 * Deadlines of the Bedrock wire, shared by the client and the gateway: the first-byte deadline
 * (from sending a streaming request to its response), the idle deadline (between two pieces of a
 * stream), and the waiting notices a user sees meanwhile. Bedrock's event stream has no
 * keep-alive pings, so silence past these limits means the call is dead, not slow.
 */

/** A streaming call whose response has not begun after this long is given up (CC_BEDROCK_FIRST_BYTE_TIMEOUT_MS). */
export const DEFAULT_FIRST_BYTE_TIMEOUT_MS = 90_000;
/** A stream that sends nothing for this long is abandoned (CC_BEDROCK_STREAM_IDLE_TIMEOUT_MS). */
export const DEFAULT_STREAM_IDLE_TIMEOUT_MS = 90_000;
/** How often a silent wait is reported to the user (CC_BEDROCK_WAIT_NOTICE_MS). */
export const DEFAULT_WAIT_NOTICE_MS = 10_000;

/** What a caller is waiting for, said while it waits. */
export interface WaitingFacts {
  /** `response`: the streaming request is sent and nothing came back; `stream`: the stream went quiet. */
  readonly phase: 'response' | 'stream';
  /** Host of the endpoint, e.g. `bedrock-runtime.us-east-1.amazonaws.com`. */
  readonly host: string;
  readonly modelId: string;
  /** Milliseconds without a byte so far. */
  readonly waitedMs: number;
  /** The wait is given up at this many milliseconds without a byte. */
  readonly limitMs: number;
}

export type OnWaiting = (facts: WaitingFacts) => void;

/** `90 s`, `1.2 s`, `250 ms`: how a wait or a limit reads in a message. */
export function formatWait(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return ms < 10_000 ? `${Math.round(ms / 100) / 10} s` : `${Math.round(ms / 1000)} s`;
}

export interface SilenceWatchOptions {
  /** Silence after which `onExpire` runs once. */
  readonly limitMs: number;
  readonly onExpire: () => void;
  /** Called every `noticeEveryMs` of silence before the limit. */
  readonly onWaiting?: ((waitedMs: number) => void) | undefined;
  readonly noticeEveryMs?: number | undefined;
}

/**
 * Watches one silence at a time: `arm()` when a wait begins or a byte arrives, `stop()` when the
 * wait is over. One timer, refreshed per byte (no new timer on the hot path); with notices it
 * wakes at each notice and at the limit.
 */
export class SilenceWatch {
  readonly #options: SilenceWatchOptions;
  readonly #step: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** The timer runs with `#step`; after a notice it runs with the remainder instead. */
  #stepTimer = false;
  #since = 0;
  #expired = false;

  constructor(options: SilenceWatchOptions) {
    this.#options = options;
    const notice = options.onWaiting && options.noticeEveryMs !== undefined && options.noticeEveryMs > 0 ? options.noticeEveryMs : Infinity;
    this.#step = Math.min(notice, options.limitMs);
  }

  get expired(): boolean {
    return this.#expired;
  }

  get limitMs(): number {
    return this.#options.limitMs;
  }

  /** A wait begins (or a byte arrived): the silence is counted from now. */
  arm(): void {
    if (this.#expired) return;
    if (this.#step !== this.#options.limitMs) this.#since = performance.now();
    if (this.#timer && this.#stepTimer) {
      this.#timer.refresh();
      return;
    }
    this.#schedule(this.#step, true);
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(ms: number, step: boolean): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#stepTimer = step;
    this.#timer = setTimeout(() => this.#wake(), ms);
    this.#timer.unref?.();
  }

  #wake(): void {
    this.#timer = undefined;
    const { limitMs } = this.#options;
    const waited = this.#step === limitMs ? limitMs : performance.now() - this.#since;
    if (waited >= limitMs - 1) {
      this.#expired = true;
      this.#options.onExpire();
      return;
    }
    this.#options.onWaiting?.(Math.round(waited));
    const left = limitMs - waited;
    if (left > this.#step) this.#schedule(this.#step, true);
    else this.#schedule(left, false);
  }
}

/** Anything a deadline can stop (the gateway's Cancellation, an AbortController). */
export interface Abortable {
  abort(reason: unknown): void;
}

interface Deadline {
  readonly at: number;
  readonly target: Abortable;
  readonly reason: unknown;
}

/**
 * Deadlines of many calls in flight, checked by one interval timer while there are any, instead
 * of a timer set and cleared per call (the gateway's hot path). A deadline fires up to a tenth of
 * the shortest timeout late (at most a second), which limits measured in seconds do not notice.
 */
export class DeadlineSweep {
  readonly #pending = new Set<Deadline>();
  readonly #periodMs: number;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(shortestTimeoutMs: number) {
    this.#periodMs = Math.max(5, Math.min(1_000, Math.floor(shortestTimeoutMs / 10)));
  }

  add(target: Abortable, timeoutMs: number, reason: unknown): object {
    const deadline: Deadline = { at: performance.now() + timeoutMs, target, reason };
    this.#pending.add(deadline);
    if (!this.#timer) {
      this.#timer = setInterval(() => this.#sweep(), this.#periodMs);
      this.#timer.unref?.();
    }
    return deadline;
  }

  delete(deadline: object): void {
    this.#pending.delete(deadline as Deadline);
  }

  #sweep(): void {
    if (this.#pending.size === 0) {
      clearInterval(this.#timer);
      this.#timer = undefined;
      return;
    }
    const now = performance.now();
    for (const deadline of this.#pending) {
      if (deadline.at > now) continue;
      this.#pending.delete(deadline);
      deadline.target.abort(deadline.reason);
    }
  }
}
