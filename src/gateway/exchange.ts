/**
 * A request and its answer as the gateway's handlers see them: plain data, whichever server
 * produced it. Two thin adapters sit at the edge: node:http (node-adapter.ts, what `serve`
 * runs) builds these straight from the socket's parsed message, and `Gateway.fetch` converts
 * WHATWG Request/Response for in-process use (tests, embedding in another server).
 *
 * Why not WHATWG objects throughout: building a Request, its Headers and a Response per call
 * (undici's body extraction, web streams) measured at a quarter of the gateway's CPU per
 * proxied call, and the gateway's added latency is the number its users judge it by.
 */
import { readLimited } from '../core/read-limited.js';

export interface GatewayRequest {
  /** Upper-case. */
  readonly method: string;
  /** Path and query as received, e.g. `/v1/messages?beta=true`. */
  readonly target: string;
  /** A header by lower-case name; repeated headers joined with `, `. */
  header(name: string): string | null;
  /**
   * The body as kept. Adapters keep none of a body past the gateway's limit (the WHATWG one at
   * most one chunk past it), so a body longer than the limit is refused without being held whole.
   */
  readonly body: Uint8Array;
  /**
   * The adapter did not keep the body because the gateway's budget for request bodies in
   * flight was spent (BodyBudget): the gateway answers 429.
   */
  readonly overBudget?: boolean;
  /** Bytes the client sent, when the adapter kept fewer (past the size limit or the budget). Default: the body's length. */
  readonly bodyLength?: number;
  /**
   * Registers the gateway's one listener for the client going away before its answer was
   * complete (optional). The node:http adapter offers it so no AbortSignal is made per request;
   * callers of `handle` may pass `signal` instead.
   */
  onAbandoned?(listener: (reason: Error) => void): void;
}

/** A body in memory is written at once; a stream is written chunk by chunk as it is pulled. */
export type GatewayResponseBody = Uint8Array | string | ReadableStream<Uint8Array> | undefined;

export interface GatewayResponse {
  readonly status: number;
  /** Lower-case names. Length and connection headers are the adapter's business. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: GatewayResponseBody;
  /**
   * Call once the answer has been handed to the socket (or given up on): the request's metrics
   * and log line are written then, after the answer rather than before it. Both adapters call
   * it; so must anyone serving `Gateway.handle` answers by other means. Streamed answers account
   * for themselves when their body ends, and carry no `sent`.
   */
  readonly sent?: () => void;
}

export function isStreamBody(body: GatewayResponseBody): body is ReadableStream<Uint8Array> {
  return typeof body === 'object' && body !== null && !(body instanceof Uint8Array);
}

export function jsonResponse(value: unknown, headers: Readonly<Record<string, string>>, status = 200): GatewayResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(value) };
}

/** The bytes of a response body held in memory as text (error bodies, test assertions). */
export function bodyText(body: GatewayResponseBody): string {
  if (body === undefined) return '';
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  throw new TypeError('a streamed body has no text until it is read');
}

/**
 * A WHATWG Request as a GatewayRequest, its body read up to one chunk past `limit` (a declared
 * length above the limit is not read at all: the core answers 413 from the header).
 */
export async function fromWebRequest(request: Request, limit: number): Promise<GatewayRequest> {
  let target = '/';
  try {
    const url = new URL(request.url);
    target = `${url.pathname}${url.search}`;
  } catch {
    // An unparsable URL routes nowhere: the core answers 404.
  }
  const method = request.method.toUpperCase();
  const declared = Number(request.headers.get('content-length') ?? NaN);
  // A declared length over the limit is refused from the header alone, without reading.
  const readable = method !== 'GET' && method !== 'HEAD' && !(declared > limit);
  const { bytes: body } = readable ? await readLimited(request.body, limit) : { bytes: new Uint8Array(0) };
  const headers = request.headers;
  return { method, target, header: (name) => headers.get(name), body };
}

export function toWebResponse(response: GatewayResponse): Response {
  const { body } = response;
  const init = { status: response.status, headers: response.headers };
  if (body === undefined) return new Response(null, init);
  if (typeof body === 'string') return new Response(body, init);
  return new Response(body as Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array>, init);
}

