/**
 * Bedrock's response stream (`application/vnd.amazon.eventstream`, wire formats §2) as the
 * gateway reads it: complete frames cut from arbitrarily split network chunks, each kept as its
 * original bytes (for the byte-for-byte passthrough) and decoded by the AWS codec (for the SSE
 * transcoding of `/v1/messages`, token metrics and guardrail detection).
 */
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';

const codec = new EventStreamCodec(toUtf8, fromUtf8);
/** Prelude (12) + message CRC (4): the smallest frame. */
const MIN_FRAME = 16;
/** Bedrock chunks are small; a frame claiming more than this is corruption, not a reply. */
const MAX_FRAME = 16 * 1024 * 1024;

export type StreamFrame =
  /** A `chunk` event: `json` is the Anthropic streaming event exactly as Bedrock encoded it. */
  | { readonly kind: 'event'; readonly bytes: Uint8Array; readonly json: string; readonly type: string; readonly event: Record<string, unknown> }
  /** A modelled exception (`throttlingException`, `modelStreamErrorException`, …) or an unmodelled error frame. */
  | { readonly kind: 'exception'; readonly bytes: Uint8Array; readonly errorType: string; readonly message: string }
  /** Anything else (unknown event types are skipped by every SDK, wire formats §1.6). */
  | { readonly kind: 'other'; readonly bytes: Uint8Array };

export class EventStreamCorruptError extends Error {
  override readonly name = 'EventStreamCorruptError';
}

function headerString(headers: Record<string, { type: string; value: unknown }>, name: string): string | undefined {
  const header = headers[name];
  return header && header.type === 'string' && typeof header.value === 'string' ? header.value : undefined;
}

function decodeFrame(bytes: Uint8Array): StreamFrame {
  let message;
  try {
    message = codec.decode(bytes);
  } catch (error) {
    throw new EventStreamCorruptError(`corrupt event-stream frame: ${(error as Error).message}`);
  }
  const headers = message.headers as Record<string, { type: string; value: unknown }>;
  const messageType = headerString(headers, ':message-type');
  if (messageType === 'event' && headerString(headers, ':event-type') === 'chunk') {
    const payload = JSON.parse(toUtf8(message.body)) as { bytes?: unknown };
    if (typeof payload.bytes !== 'string') return { kind: 'other', bytes };
    const json = Buffer.from(payload.bytes, 'base64').toString('utf8');
    const event = JSON.parse(json) as Record<string, unknown>;
    // Chunks without a string `type` are dropped by the Anthropic SDK too (wire formats §2.5).
    if (typeof event['type'] !== 'string') return { kind: 'other', bytes };
    return { kind: 'event', bytes, json, type: event['type'], event };
  }
  if (messageType === 'exception') {
    let text = toUtf8(message.body);
    try {
      const parsed = JSON.parse(text) as { message?: unknown; Message?: unknown };
      text = String(parsed.message ?? parsed.Message ?? text);
    } catch {
      // The raw payload is the message.
    }
    return { kind: 'exception', bytes, errorType: headerString(headers, ':exception-type') ?? 'exception', message: text };
  }
  if (messageType === 'error') {
    return {
      kind: 'exception',
      bytes,
      errorType: headerString(headers, ':error-code') ?? 'error',
      message: headerString(headers, ':error-message') ?? 'the stream reported an error',
    };
  }
  return { kind: 'other', bytes };
}

/**
 * Cuts complete frames out of a byte stream. `push` returns the frames a chunk completed; a
 * partial frame waits for the next chunk (at most one frame is ever held back).
 */
export class FrameSplitter {
  #pending: Uint8Array = new Uint8Array(0);
  #failure: EventStreamCorruptError | undefined;

  /**
   * The frames a chunk completed. A corrupt frame throws, but only after the good frames before
   * it were handed out: those are returned first and the error comes with the next call.
   */
  push(chunk: Uint8Array): StreamFrame[] {
    if (this.#failure) throw this.#failure;
    let buffer = this.#pending.byteLength ? Buffer.concat([this.#pending, chunk]) : chunk;
    const frames: StreamFrame[] = [];
    let offset = 0;
    try {
      while (buffer.byteLength - offset >= 4) {
        const view = new DataView(buffer.buffer, buffer.byteOffset + offset, 4);
        const length = view.getUint32(0, false);
        if (length < MIN_FRAME || length > MAX_FRAME) throw new EventStreamCorruptError(`event-stream frame length ${length} is out of range`);
        if (buffer.byteLength - offset < length) break;
        frames.push(decodeFrame(buffer.subarray(offset, offset + length)));
        offset += length;
      }
    } catch (error) {
      this.#failure = error instanceof EventStreamCorruptError ? error : new EventStreamCorruptError(`undecodable event-stream frame: ${(error as Error).message}`);
      this.#pending = new Uint8Array(0);
      if (frames.length === 0) throw this.#failure;
      return frames;
    }
    buffer = buffer.subarray(offset);
    // Copy the remainder so a large network chunk is not kept alive by a few trailing bytes.
    this.#pending = buffer.byteLength ? Uint8Array.from(buffer) : new Uint8Array(0);
    return frames;
  }

  /** A corrupt frame was met after good ones; the next push throws it. */
  get failure(): EventStreamCorruptError | undefined {
    return this.#failure;
  }

  /** Bytes of an unfinished frame: non-zero at the end of the stream means it was cut. */
  get pendingBytes(): number {
    return this.#pending.byteLength;
  }
}

/** Encodes an exception frame the way bedrock-runtime does (used to end a passthrough stream cleanly). */
export function encodeExceptionFrame(exceptionType: string, message: string): Uint8Array {
  return codec.encode({
    headers: {
      ':exception-type': { type: 'string', value: exceptionType },
      ':content-type': { type: 'string', value: 'application/json' },
      ':message-type': { type: 'string', value: 'exception' },
    },
    body: fromUtf8(JSON.stringify({ message })),
  });
}

/** Token counts carried by stream events (message_start input, message_delta running output total). */
export function usageOf(event: Record<string, unknown>): { input?: number; output?: number } {
  if (event['type'] === 'message_start') {
    const usage = (event['message'] as { usage?: Record<string, unknown> } | undefined)?.usage;
    return { ...(typeof usage?.['input_tokens'] === 'number' ? { input: usage['input_tokens'] } : {}), ...(typeof usage?.['output_tokens'] === 'number' ? { output: usage['output_tokens'] } : {}) };
  }
  if (event['type'] === 'message_delta') {
    const usage = event['usage'] as Record<string, unknown> | undefined;
    return typeof usage?.['output_tokens'] === 'number' ? { output: usage['output_tokens'] } : {};
  }
  return {};
}
