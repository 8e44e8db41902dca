/**
 * Bodies the gateway already holds as bytes, remembered next to the WHATWG Request/Response
 * that carries them. The node adapter and the handlers use this to skip a round trip through
 * web streams for every buffered body (the largest fixed CPU cost per proxied call after the
 * syscalls); anything else reading the objects sees an ordinary body.
 */
const bodies = new WeakMap<Request | Response, Uint8Array>();

/** A Response whose body the adapter can write without reading it back through a stream. */
export function bytesResponse(bytes: Uint8Array | string, init: ResponseInit): Response {
  const raw = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
  const response = new Response(raw, init);
  bodies.set(response, raw);
  return response;
}

/** A Request built from a body that is already in memory. */
export function bytesRequest(url: string, init: RequestInit & { body?: Uint8Array }): Request {
  const request = new Request(url, init);
  if (init.body) bodies.set(request, init.body);
  return request;
}

/** The bytes behind a Request or Response, when they were registered here and not read yet. */
export function rawBodyOf(message: Request | Response): Uint8Array | undefined {
  const raw = bodies.get(message);
  return raw !== undefined && !message.bodyUsed ? raw : undefined;
}
