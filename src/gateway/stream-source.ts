/**
 * Reads an upstream event stream frame batch by frame batch, with an idle watchdog: a stream
 * that sends nothing for the idle timeout is abandoned (Bedrock's event stream has no keep-alive
 * pings, so silence means trouble).
 */
import { FrameSplitter, type StreamFrame } from './event-stream.js';
import type { UpstreamResponse } from './upstream-transport.js';

export class StreamCutError extends Error {
  override readonly name = 'StreamCutError';
  constructor(
    message: string,
    readonly reason: 'idle' | 'cut' | 'truncated' | 'corrupt',
  ) {
    super(message);
  }
}

export class FrameSource {
  readonly #reader: AsyncIterator<Uint8Array>;
  readonly #response: UpstreamResponse;
  readonly #splitter = new FrameSplitter();
  readonly #idleMs: number;
  readonly #abortUpstream: () => void;
  #idle = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  constructor(response: UpstreamResponse, idleMs: number, abortUpstream: () => void) {
    this.#response = response;
    this.#reader = response.chunks()[Symbol.asyncIterator]();
    this.#idleMs = idleMs;
    this.#abortUpstream = abortUpstream;
  }

  /** The frames completed by the next network chunk; null when the upstream ended cleanly. Throws StreamCutError. */
  async next(): Promise<StreamFrame[] | null> {
    const failure = this.#splitter.failure;
    if (failure) {
      this.cancel();
      throw new StreamCutError(failure.message, 'corrupt');
    }
    for (;;) {
      this.#arm();
      let result: IteratorResult<Uint8Array>;
      try {
        result = await this.#reader.next();
      } catch (error) {
        this.close();
        if (this.#idle) throw new StreamCutError(`Bedrock sent nothing for ${this.#idleMs < 1000 ? `${this.#idleMs} ms` : `${Math.round(this.#idleMs / 1000)} s`}`, 'idle');
        throw new StreamCutError(`the connection to Bedrock broke mid-stream (${(error as Error)?.message ?? String(error)})`, 'cut');
      }
      if (result.done) {
        this.close();
        if (this.#splitter.pendingBytes > 0) {
          throw new StreamCutError(`Bedrock's stream ended inside a frame (${this.#splitter.pendingBytes} bytes of it arrived)`, 'truncated');
        }
        return null;
      }
      let frames: StreamFrame[];
      try {
        frames = this.#splitter.push(result.value);
      } catch (error) {
        this.cancel();
        throw new StreamCutError((error as Error).message, 'corrupt');
      }
      if (frames.length > 0) return frames;
    }
  }

  #arm(): void {
    if (this.#timer) {
      this.#timer.refresh();
      return;
    }
    this.#timer = setTimeout(() => {
      this.#idle = true;
      this.#abortUpstream();
    }, this.#idleMs);
    this.#timer.unref?.();
  }

  close(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#closed = true;
  }

  /** Stops reading and releases the upstream connection. */
  cancel(): void {
    const wasClosed = this.#closed;
    this.close();
    if (!wasClosed) this.#response.cancel();
  }
}
