/**
 * The one thin adapter between node:http and the gateway's `handle`: a request becomes a
 * GatewayRequest (body buffered within the size limit and the gateway's body budget,
 * `onAbandoned` told when the client goes away), the answer is written back at once or, for streams, chunk by chunk with
 * backpressure.
 *
 * `close()` is the graceful shutdown (docs/gateway.md): while the gateway drains its open requests
 * and streams, the listener still answers, new connections included (`/healthz` 503, anything
 * else 529 with `Connection: close`), so load balancers see the instance leave instead of a
 * refused connection; streams cut at the drain deadline get to write their error event; then the
 * listener closes and whatever is left is dropped.
 */
import http from 'node:http';
import type net from 'node:net';
import { errorBody } from './anthropic-errors.js';
import { DEFAULT_MAX_BODY_BYTES } from './create-gateway.js';
import { isStreamBody, type GatewayRequest, type GatewayResponse } from './exchange.js';
import type { Gateway } from './types.js';

/** The inputs of `listenGateway`: the address to listen on, the body limit and keep-alive time. */
export interface ListenGatewayOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Must match the gateway's maxBodyBytes: the adapter keeps no body past it (only counts the bytes). */
  readonly maxBodyBytes?: number;
  /** Keep-alive idle time; above common load-balancer idle timeouts (60 s) so the LB closes first. */
  readonly keepAliveTimeoutMs?: number;
}

/** A gateway listening over HTTP, from `listenGateway`: its address and a graceful `close()`. */
export interface ListeningGateway {
  readonly host: string;
  readonly port: number;
  /** `http://HOST:PORT` (IPv6 hosts in brackets). */
  readonly url: string;
  /** Graceful: drains the gateway, then closes every connection. */
  close(): Promise<void>;
}

/** The request as plain data; `onAbandoned` is how the gateway learns that the client left. */
class NodeExchange implements GatewayRequest {
  readonly method: string;
  readonly target: string;
  abandoned: ((reason: Error) => void) | undefined;
  #body: Uint8Array;

  constructor(
    private readonly req: http.IncomingMessage,
    body: Uint8Array,
    readonly overBudget: boolean,
    readonly bodyLength: number,
  ) {
    this.#body = body;
    this.method = (req.method ?? 'GET').toUpperCase();
    // Absolute-form and asterisk-form targets route nowhere, as any path the gateway does not serve.
    this.target = req.url && req.url.startsWith('/') ? req.url : '/';
  }

  header(name: string): string | null {
    // node:http already lower-cases names and joins repeated headers with ", ".
    const value = this.req.headers[name];
    return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
  }

  onAbandoned(listener: (reason: Error) => void): void {
    this.abandoned = listener;
  }

  get body(): Uint8Array {
    return this.#body;
  }

  /** Drops the body once it has gone upstream: a long stream must not keep a 20 MB upload alive. */
  releaseBody(): void {
    this.#body = EMPTY;
  }
}

async function writeResponse(res: http.ServerResponse, response: GatewayResponse, draining: boolean): Promise<void> {
  const headers: Record<string, string> = { ...response.headers };
  if (draining) headers['connection'] = 'close';
  const { body } = response;
  if (!isStreamBody(body)) {
    try {
      if (body !== undefined) headers['content-length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength);
      res.writeHead(response.status, headers);
      res.end(body);
    } finally {
      response.sent?.();
    }
    return;
  }
  res.writeHead(response.status, headers);
  res.flushHeaders();
  const reader = body.getReader();
  const onClose = (): void => {
    if (!res.writableFinished) void reader.cancel().catch(() => undefined);
  };
  res.on('close', onClose);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (res.destroyed) {
        await reader.cancel().catch(() => undefined);
        return;
      }
      if (!res.write(value)) {
        await new Promise<void>((resolve) => {
          const go = (): void => {
            res.off('drain', go);
            res.off('close', go);
            resolve();
          };
          res.on('drain', go);
          res.on('close', go);
        });
      }
    }
    res.end();
  } catch {
    // The gateway ends failed streams with an error event; an exception here means the stream
    // itself broke, and the only honest signal left is to drop the connection.
    res.destroy();
  } finally {
    res.off('close', onClose);
  }
}

const EMPTY = new Uint8Array(0);
/** How long shutdown waits, after the gateway's drain, for answers still being written. */
const WRITE_GRACE_MS = 2_000;

/** Serves a gateway from `createGateway` over HTTP on `options.host`/`options.port`; resolves once it listens. */
export function listenGateway(gateway: Gateway, options: ListenGatewayOptions): Promise<ListeningGateway> {
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const keepAlive = options.keepAliveTimeoutMs ?? 65_000;
  const server = http.createServer({ keepAliveTimeout: keepAlive, headersTimeout: keepAlive + 1_000, requestTimeout: 300_000 });
  // A client may half-close its socket once the request is written (`shutdown(SHUT_WR)`, net's
  // `end()`): that ends its upload, not its interest in the answer. node:http's default treats the
  // FIN as abandonment (aborts the request, ends the socket) and the client gets nothing; with
  // half-open allowed the answer is written and the socket ended after it. Idle half-closed
  // sockets still go by the keep-alive and request timeouts. (node has read this property since
  // v0.x; its typings leave it out.)
  (server as http.Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;

  // Answers being written (a stream can take minutes): shutdown lets them finish their last bytes.
  const writing = new Set<Promise<void>>();
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    let exchange: NodeExchange | undefined;
    res.on('close', () => {
      if (!res.writableFinished) exchange?.abandoned?.(new Error('client closed the connection'));
    });
    const declared = Number(req.headers['content-length'] ?? NaN);
    // The body's bytes are reserved against the gateway's budget while this adapter holds them:
    // the declared length up front, or chunk by chunk for a chunked upload.
    const budget = gateway.bodyBudget;
    let reserved = 0;
    let overBudget = false;
    let answered = false;
    const reserve = (total: number): boolean => {
      if (total <= reserved) return true;
      if (!budget.take(total - reserved)) return false;
      reserved = total;
      return true;
    };
    const giveBack = (): void => {
      budget.give(reserved);
      reserved = 0;
    };
    res.on('close', () => {
      if (!answered) giveBack();
    });
    const answer = (body: Uint8Array, received = body.byteLength): void => {
      answered = true;
      const current = new NodeExchange(req, body, overBudget, received);
      exchange = current;
      const written = gateway
        .handle(current)
        .then((response) => {
          // The upstream call has been made (or refused): the body is not needed any more.
          giveBack();
          current.releaseBody();
          return writeResponse(res, response, gateway.draining);
        })
        .catch(() => {
          if (res.headersSent) res.destroy();
          else {
            res.writeHead(500, { 'content-type': 'application/json' });
            res.end(errorBody({ type: 'api_error', message: 'Internal gateway error.' }));
          }
        })
        .finally(() => {
          giveBack();
          writing.delete(written);
        });
      writing.add(written);
    };
    if (req.method === 'GET' || req.method === 'HEAD') {
      req.resume();
      answer(EMPTY);
      return;
    }
    if (Number.isFinite(declared) && declared > limit) {
      // Answered from the declared length alone (413); the rest of the upload is discarded.
      req.resume();
      answer(EMPTY);
      return;
    }
    if (Number.isFinite(declared) && !reserve(declared)) overBudget = true;
    let chunks: Buffer[] = [];
    let received = 0;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (!overBudget && received <= limit && reserve(received)) {
        chunks.push(chunk);
        return;
      }
      // Past the size limit (413) or the budget (429): what was kept goes, the rest is only counted.
      if (received <= limit) overBudget = true;
      chunks = [];
      giveBack();
    });
    req.on('end', () => {
      const kept = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      chunks = [];
      answer(kept, received);
    });
    req.on('error', () => res.destroy());
  });

  server.on('clientError', (error: NodeJS.ErrnoException, socket: net.Socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const body = errorBody({ type: 'invalid_request_error', message: `the request could not be parsed as HTTP (${error.code ?? 'malformed'})` });
    socket.end(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      const address = server.address() as net.AddressInfo;
      const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      let closing: Promise<void> | undefined;
      resolve({
        host: address.address,
        port: address.port,
        url: `http://${urlHost}:${address.port}`,
        close: () => {
          closing ??= (async () => {
            // Still listening: during the drain new connections get 503/529 answers, not refusals.
            await gateway.close();
            // The gateway has ended what it cut; their last bytes (the error event) go out, briefly bounded.
            await Promise.race([Promise.allSettled([...writing]), new Promise((done) => setTimeout(done, WRITE_GRACE_MS).unref())]);
            const stopped = new Promise<void>((done) => server.close(() => done()));
            server.closeAllConnections();
            await stopped;
          })();
          return closing;
        },
      });
    });
  });
}
