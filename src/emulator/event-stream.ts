/**
 * AWS event-stream frames as bedrock-runtime streams them (wire reference §2): one `chunk` event
 * per Anthropic streaming event, its JSON base64-encoded inside `{"bytes": …}`, and exception
 * frames for in-stream errors. Framing and CRCs come from @smithy/eventstream-codec, the codec
 * the AWS SDK decodes with.
 */
import { EventStreamCodec, type Message } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';

export const eventStreamCodec = new EventStreamCodec(toUtf8, fromUtf8);

const stringHeader = (value: string) => ({ type: 'string' as const, value });

/** A `chunk` event carrying one Anthropic streaming event. */
export function encodeChunk(event: unknown): Uint8Array {
  const payload = JSON.stringify({ bytes: Buffer.from(JSON.stringify(event)).toString('base64') });
  return eventStreamCodec.encode({
    headers: {
      ':event-type': stringHeader('chunk'),
      ':content-type': stringHeader('application/json'),
      ':message-type': stringHeader('event'),
    },
    body: fromUtf8(payload),
  });
}

/** A modelled exception frame, e.g. `modelStreamErrorException` or `throttlingException`. */
export function encodeException(exceptionType: string, body: Record<string, unknown>): Uint8Array {
  return eventStreamCodec.encode({
    headers: {
      ':exception-type': stringHeader(exceptionType),
      ':content-type': stringHeader('application/json'),
      ':message-type': stringHeader('exception'),
    },
    body: fromUtf8(JSON.stringify(body)),
  });
}

/** Decodes every complete frame in a buffer (tests and the request log use it). */
export function decodeFrames(bytes: Uint8Array): Message[] {
  const messages: Message[] = [];
  let offset = 0;
  while (offset + 4 <= bytes.byteLength) {
    const view = new DataView(bytes.buffer, bytes.byteOffset + offset, 4);
    const length = view.getUint32(0, false);
    if (length < 16 || offset + length > bytes.byteLength) break;
    messages.push(eventStreamCodec.decode(bytes.subarray(offset, offset + length)));
    offset += length;
  }
  return messages;
}
