/**
 * Reads an upstream event stream frame batch by frame batch, supervised by the wire layer's
 * idle deadline (src/bedrock/deadlines.ts): a stream that sends nothing for the idle timeout is
 * abandoned (Bedrock's event stream has no keep-alive pings, so silence means trouble).
 */
import { SilenceWatch, formatWait } from '../bedrock/deadlines.js';
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
  readonly #watch: SilenceWatch;
  #closed = false;

  constructor(response: UpstreamResponse, idleMs: number, abortUpstream: () => void) {
    this.#response = response;
    this.#reader = response.chunks()[Symbol.asyncIterator]();
    this.#watch = new SilenceWatch({ limitMs: idleMs, onExpire: abortUpstream });
  }

  /** The frames completed by the next network chunk; null when the upstream ended cleanly. Throws StreamCutError. */
  async next(): Promise<StreamFrame[] | null> {
    const failure = this.#splitter.failure;
    if (failure) {
      this.cancel();
      throw new StreamCutError(failure.message, 'corrupt');
    }
    for (;;) {
      this.#watch.arm();
      let result: IteratorResult<Uint8Array>;
      try {
        result = await this.#reader.next();
      } catch (error) {
        this.close();
        if (this.#watch.expired) throw new StreamCutError(`Bedrock sent nothing for ${formatWait(this.#watch.limitMs)}`, 'idle');
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

  close(): void {
    this.#watch.stop();
    this.#closed = true;
  }

  /** Stops reading and releases the upstream connection. */
  cancel(): void {
    const wasClosed = this.#closed;
    this.close();
    if (!wasClosed) this.#response.cancel();
  }
}
