/**
 * The shared event-stream vectors (aws-c-event-stream set, as shipped by aws-sdk-go) through the
 * emulator's codec: positive frames decode to the documented headers and payload and re-encode
 * byte for byte; negative frames are refused. Then the frames the emulator itself writes for
 * Bedrock are checked against the wire reference's worked example. Provenance:
 * test/fixtures/eventstream/PROVENANCE.md.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Int64, type MessageHeaders } from '@smithy/eventstream-codec';
import { decodeFrames, encodeChunk, encodeException, eventStreamCodec } from '../../src/emulator/event-stream.js';
import { packageRoot } from '../../src/emulator/scenario.js';

const root = join(packageRoot(), 'test', 'fixtures', 'eventstream', 'aws-sdk-go');

interface DecodedVector {
  total_length: number;
  headers_length: number;
  prelude_crc: number;
  headers: { name: string; type: number; value: unknown }[];
  payload: string;
  message_crc: number;
}

const b64 = (value: unknown): Uint8Array => Buffer.from(String(value), 'base64');

/** The vector's header description in the codec's tagged form. */
function toHeaders(vector: DecodedVector): MessageHeaders {
  const headers: MessageHeaders = {};
  for (const h of vector.headers) {
    switch (h.type) {
      case 0:
      case 1:
        headers[h.name] = { type: 'boolean', value: h.value as boolean };
        break;
      case 2:
        headers[h.name] = { type: 'byte', value: h.value as number };
        break;
      case 3:
        headers[h.name] = { type: 'short', value: h.value as number };
        break;
      case 4:
        headers[h.name] = { type: 'integer', value: h.value as number };
        break;
      case 5:
        headers[h.name] = { type: 'long', value: Int64.fromNumber(h.value as number) };
        break;
      case 6:
        headers[h.name] = { type: 'binary', value: b64(h.value) };
        break;
      case 7:
        headers[h.name] = { type: 'string', value: Buffer.from(b64(h.value)).toString('utf8') };
        break;
      case 8:
        headers[h.name] = { type: 'timestamp', value: new Date(h.value as number) };
        break;
      case 9: {
        const hex = Buffer.from(b64(h.value)).toString('hex');
        headers[h.name] = { type: 'uuid', value: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}` };
        break;
      }
      default:
        throw new Error(`unknown header type ${h.type}`);
    }
  }
  return headers;
}

function comparable(headers: MessageHeaders): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, header] of Object.entries(headers)) {
    const value = header.value;
    out[name] =
      value instanceof Int64
        ? { type: header.type, value: value.valueOf() }
        : value instanceof Date
          ? { type: header.type, value: value.getTime() }
          : value instanceof Uint8Array
            ? { type: header.type, value: Buffer.from(value).toString('hex') }
            : { type: header.type, value };
  }
  return out;
}

describe('event-stream vectors through the emulator codec', () => {
  const positives = readdirSync(join(root, 'encoded', 'positive')).sort();
  const negatives = readdirSync(join(root, 'encoded', 'negative')).sort();

  test('the vector set is complete', () => {
    assert.deepEqual(positives, ['all_headers', 'empty_message', 'int32_header', 'payload_no_headers', 'payload_one_str_header']);
    assert.deepEqual(negatives, ['corrupted_header_len', 'corrupted_headers', 'corrupted_length', 'corrupted_payload']);
  });

  for (const name of positives) {
    test(`${name}: decodes to the documented message and re-encodes byte for byte`, () => {
      const encoded = new Uint8Array(readFileSync(join(root, 'encoded', 'positive', name)));
      const vector = JSON.parse(readFileSync(join(root, 'decoded', 'positive', name), 'utf8')) as DecodedVector;
      assert.equal(encoded.byteLength, vector.total_length);
      const view = new DataView(encoded.buffer, encoded.byteOffset, encoded.byteLength);
      assert.equal(view.getUint32(4), vector.headers_length);
      assert.equal(view.getUint32(8), vector.prelude_crc >>> 0);
      assert.equal(view.getUint32(encoded.byteLength - 4), vector.message_crc >>> 0);

      const message = eventStreamCodec.decode(encoded);
      assert.deepEqual(comparable(message.headers), comparable(toHeaders(vector)));
      assert.equal(Buffer.from(message.body).toString('base64'), vector.payload);

      const reencoded = eventStreamCodec.encode({ headers: toHeaders(vector), body: b64(vector.payload) });
      assert.equal(Buffer.from(reencoded).toString('hex'), Buffer.from(encoded).toString('hex'));
    });
  }

  for (const name of negatives) {
    test(`${name}: is refused`, () => {
      const encoded = new Uint8Array(readFileSync(join(root, 'encoded', 'negative', name)));
      const reason = readFileSync(join(root, 'decoded', 'negative', name), 'utf8').trim();
      assert.ok(reason.length > 0);
      assert.throws(() => eventStreamCodec.decode(encoded));
    });
  }

  test('the empty message is 00000010 00000000 05c248eb 7d98c8ff', () => {
    const empty = eventStreamCodec.encode({ headers: {}, body: new Uint8Array() });
    assert.equal(Buffer.from(empty).toString('hex'), '0000001000000000' + '05c248eb7d98c8ff');
  });
});

describe('frames the emulator writes for bedrock-runtime', () => {
  test('a chunk carrying message_stop is the 135-byte frame of the wire reference §2.3', () => {
    const frame = encodeChunk({ type: 'message_stop' });
    const hex = Buffer.from(frame).toString('hex');
    assert.equal(frame.byteLength, 135);
    assert.equal(hex.slice(0, 24), '00000087' + '0000004b' + '87ea2bf3');
    assert.equal(hex.slice(-8), 'ba48ab22');
    const [message] = decodeFrames(frame);
    assert.ok(message);
    assert.deepEqual(Object.keys(message.headers), [':event-type', ':content-type', ':message-type']);
    const payload = JSON.parse(Buffer.from(message.body).toString('utf8')) as { bytes: string };
    assert.deepEqual(JSON.parse(Buffer.from(payload.bytes, 'base64').toString('utf8')), { type: 'message_stop' });
  });

  test('an exception frame names the ResponseStream member and carries the message', () => {
    const frame = encodeException('modelStreamErrorException', { message: 'boom', originalStatusCode: 500 });
    const [message] = decodeFrames(frame);
    assert.ok(message);
    assert.equal(message.headers[':message-type']?.value, 'exception');
    assert.equal(message.headers[':exception-type']?.value, 'modelStreamErrorException');
    assert.deepEqual(JSON.parse(Buffer.from(message.body).toString('utf8')), { message: 'boom', originalStatusCode: 500 });
  });

  test('decodeFrames reads back-to-back frames and stops at a truncated tail', () => {
    const a = encodeChunk({ type: 'ping' });
    const b = encodeChunk({ type: 'message_stop' });
    const joined = Buffer.concat([a, b, b.subarray(0, 20)]);
    assert.equal(decodeFrames(joined).length, 2);
  });
});
