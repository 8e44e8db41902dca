/**
 * How the gateway's bytes reach Bedrock. The default is node:http/https with keep-alive agents:
 * on the hot path it costs a fraction of the CPU of `fetch` (undici's WHATWG layer measured at
 * 2-4x the CPU per proxied call on loopback), and connections to Bedrock are pooled and reused.
 * A `fetch` function can be injected instead (tests hand in the emulator's in-process fetch).
 * Either way handlers see one small interface, so a streamed body is read chunk by chunk and a
 * JSON body once, without a WHATWG Response wrapped around a Node stream.
 */
import http from 'node:http';
import https from 'node:https';
import type { Cancellation } from './cancellation.js';

export interface UpstreamResponse {
  readonly status: number;
  readonly ok: boolean;
  header(name: string): string | null;
  /** All response headers (only built on demand: error paths). */
  headers(): Headers;
  /** The whole body (at most `limit` bytes; the rest is discarded). */
  bytes(limit?: number): Promise<Uint8Array>;
  /** The body as it arrives. Iterating to the end, or `cancel()`, releases the connection. */
  chunks(): AsyncIterable<Uint8Array>;
  cancel(): void;
}

export interface UpstreamRequest {
  readonly url: URL;
  readonly method: string;
  /** The caller's own object for this one request: the transport may add the length header to it. */
  readonly headers: Record<string, string>;
  readonly body: Uint8Array | string | undefined;
  readonly cancel: Cancellation;
}

export type UpstreamTransport = (request: UpstreamRequest) => Promise<UpstreamResponse>;

async function collect(chunks: AsyncIterable<Uint8Array>, limit: number, cancel: () => void): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of chunks) {
    parts.push(chunk);
    size += chunk.byteLength;
    if (size >= limit) {
      cancel();
      break;
    }
  }
  const all = parts.length === 1 ? parts[0]! : Buffer.concat(parts, size);
  return all.byteLength > limit ? all.subarray(0, limit) : all;
}

/**
 * The whole body of a node response. A small reply usually arrives with its headers, so by the
 * time the caller asks, node has parsed all of it into the stream's buffer (`complete`): it is
 * taken from there at once, and the caller answers its own client before node's end-of-response
 * bookkeeping (stream end, socket back to the pool), which is queued behind it. Otherwise it is
 * collected from events: an async iterator over the stream costs several times as much per call,
 * and this is on every proxied JSON reply.
 */
function collectMessage(incoming: http.IncomingMessage, limit: number): Promise<Uint8Array> {
  if (incoming.complete && incoming.readableFlowing === null && incoming.readableLength <= limit) {
    const buffered = incoming.read() as Buffer | null;
    // Reading the last byte ends the stream (and frees the socket) on a later tick; resume covers
    // a stream that had nothing buffered and so never saw its end.
    if (buffered === null) incoming.resume();
    return Promise.resolve(buffered ?? new Uint8Array(0));
  }
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    let settled = false;
    const done = (): void => {
      if (settled) return;
      settled = true;
      const all = parts.length === 1 ? parts[0]! : Buffer.concat(parts, size);
      resolve(all.byteLength > limit ? all.subarray(0, limit) : all);
    };
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      reject(error);
    };
    incoming.on('data', (chunk: Buffer) => {
      if (settled) return;
      parts.push(chunk);
      size += chunk.byteLength;
      if (size >= limit) {
        done();
        incoming.destroy();
      }
    });
    incoming.once('end', done);
    incoming.once('error', fail);
    incoming.once('close', () => {
      // Every complete body closes too: only an early close is a failure (and worth an Error's stack trace).
      if (!settled) fail(new Error('the connection closed before the response body was complete'));
    });
  });
}

/**
 * One response header from node's raw list (repeats joined with ", "), without `headers`: that
 * getter builds an object of every header Bedrock sent, on each reply, for the two or three
 * the gateway reads.
 */
export function rawHeader(raw: readonly string[], lowerName: string): string | null {
  let value: string | null = null;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length !== lowerName.length || name.toLowerCase() !== lowerName) continue;
    value = value === null ? raw[i + 1]! : `${value}, ${raw[i + 1]!}`;
  }
  return value;
}

/** Wraps a WHATWG Response (from an injected fetch). */
export function fromFetchResponse(response: Response): UpstreamResponse {
  const cancel = (): void => {
    void response.body?.cancel().catch(() => undefined);
  };
  const chunks = (): AsyncIterable<Uint8Array> => (response.body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() })) as unknown as AsyncIterable<Uint8Array>;
  return {
    status: response.status,
    ok: response.ok,
    header: (name) => response.headers.get(name),
    headers: () => response.headers,
    bytes: (limit = Number.MAX_SAFE_INTEGER) => collect(chunks(), limit, cancel),
    chunks,
    cancel,
  };
}

export function fetchTransport(fetchFn: typeof fetch): UpstreamTransport {
  return async (request) =>
    fromFetchResponse(
      await fetchFn(request.url, {
        method: request.method,
        headers: request.headers,
        ...(request.body !== undefined ? { body: request.body } : {}),
        signal: request.cancel.signal,
      }),
    );
}

export interface NodeHttpTransportOptions {
  /** An agent for this URL instead of the transport's own (a proxy agent); undefined keeps the pool. */
  readonly agentFor?: (url: URL) => http.Agent | undefined;
}

/**
 * node:http(s) with keep-alive. Agents are per transport instance, so a gateway's pool of
 * Bedrock connections lives and dies with the gateway.
 */
export function nodeHttpTransport(options: NodeHttpTransportOptions = {}): UpstreamTransport & { close(): void } {
  const agents = {
    'http:': new http.Agent({ keepAlive: true, keepAliveMsecs: 15_000, scheduling: 'lifo' }),
    'https:': new https.Agent({ keepAlive: true, keepAliveMsecs: 15_000, scheduling: 'lifo' }),
  };
  const transport = (request: UpstreamRequest): Promise<UpstreamResponse> =>
    new Promise((resolve, reject) => {
      const { url } = request;
      const module = url.protocol === 'https:' ? https : http;
      const proxyAgent = options.agentFor?.(url);
      const agent = proxyAgent ?? (url.protocol === 'https:' ? agents['https:'] : agents['http:']);
      // The headers object is the caller's own, built for this one request.
      const { headers } = request;
      if (request.body !== undefined) headers['content-length'] = String(Buffer.byteLength(request.body));
      let outgoing: http.ClientRequest;
      try {
        outgoing = module.request(
          {
            protocol: url.protocol,
            hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
            port: url.port || undefined,
            path: `${url.pathname}${url.search}`,
            method: request.method,
            headers,
            agent,
          },
          (incoming) => {
            const status = incoming.statusCode ?? 0;
            let consumed = false;
            const cancel = (): void => {
              if (!incoming.destroyed) incoming.destroy();
            };
            const chunks = (): AsyncIterable<Uint8Array> => {
              consumed = true;
              return incoming;
            };
            resolve({
              status,
              ok: status >= 200 && status < 300,
              header: (name) => rawHeader(incoming.rawHeaders, name.toLowerCase()),
              headers: () => {
                const all = new Headers();
                for (const [name, value] of Object.entries(incoming.headers)) {
                  if (value !== undefined) all.set(name, Array.isArray(value) ? value.join(', ') : value);
                }
                return all;
              },
              bytes: (limit = Number.MAX_SAFE_INTEGER) => (consumed ? Promise.resolve(new Uint8Array(0)) : ((consumed = true), collectMessage(incoming, limit))),
              chunks,
              cancel,
            });
          },
        );
      } catch (error) {
        reject(error);
        return;
      }
      // Aborting by hand: node's `signal` option wires the request into the stream machinery's
      // end-of-stream tracking, a cost on every call for an event that almost never happens.
      const { cancel } = request;
      const onAbort = (reason: unknown): void => {
        outgoing.destroy(reason instanceof Error ? reason : new Error('aborted'));
      };
      cancel.onAbort(onAbort);
      outgoing.once('close', () => cancel.offAbort(onAbort));
      outgoing.on('error', reject);
      if (proxyAgent && url.protocol === 'http:') {
        // http-proxy-agent rewrites a request for the proxy once it is connected and, under
        // DEBUG=http-proxy-agent, prints what was already written, headers (session token)
        // included: nothing is written before the socket is there.
        outgoing.once('socket', () => outgoing.end(request.body));
      } else {
        outgoing.end(request.body);
      }
    });
  return Object.assign(transport, {
    close(): void {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  });
}
