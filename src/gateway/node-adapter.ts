/**
 * The one thin adapter between node:http and the gateway's `fetch`: a request becomes a WHATWG
 * Request (body buffered up to the size limit, the signal aborted when the client goes away), a
 * Response is written back with backpressure, and streams are flushed frame by frame.
 *
 * `close()` is the graceful shutdown: stop accepting connections, let the gateway drain its open
 * requests and streams, tell keep-alive clients to reconnect elsewhere (`Connection: close`),
 * then drop whatever is left.
 */
import http from 'node:http';
import type net from 'node:net';
import { errorBody } from './anthropic-errors.js';
import { DEFAULT_MAX_BODY_BYTES } from './create-gateway.js';
import { bytesRequest, rawBodyOf } from './raw-body.js';
import type { Gateway } from './types.js';

export interface ListenGatewayOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Must match the gateway's maxBodyBytes: the adapter stops buffering one byte past it. */
  readonly maxBodyBytes?: number;
  /** Keep-alive idle time; above common load-balancer idle timeouts (60 s) so the LB closes first. */
  readonly keepAliveTimeoutMs?: number;
}

export interface ListeningGateway {
  readonly host: string;
  readonly port: number;
  /** `http://HOST:PORT` (IPv6 hosts in brackets). */
  readonly url: string;
  /** Graceful: drains the gateway, then closes every connection. */
  close(): Promise<void>;
}

const STREAM_TYPES = /^(text\/event-stream|application\/vnd\.amazon\.eventstream)/i;

function requestFrom(req: http.IncomingMessage, body: Uint8Array | undefined): Request {
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    try {
      headers.append(raw[i]!, raw[i + 1]!);
    } catch {
      // A header value WHATWG refuses (control characters) is left out rather than failing the request.
    }
  }
  const path = req.url && req.url.startsWith('/') ? req.url : '/';
  const method = req.method ?? 'GET';
  return bytesRequest(`http://gateway${path}`, {
    method,
    headers,
    ...(body && method !== 'GET' && method !== 'HEAD' ? { body } : {}),
  });
}

async function writeResponse(res: http.ServerResponse, response: Response, draining: boolean): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  if (draining) headers['connection'] = 'close';
  const streaming = STREAM_TYPES.test(response.headers.get('content-type') ?? '');
  if (!response.body) {
    res.writeHead(response.status, headers);
    res.end();
    return;
  }
  if (!streaming) {
    const raw = rawBodyOf(response);
    const bytes = raw ? Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength) : Buffer.from(await response.arrayBuffer());
    headers['content-length'] = String(bytes.byteLength);
    res.writeHead(response.status, headers);
    res.end(bytes);
    return;
  }
  res.writeHead(response.status, headers);
  res.flushHeaders();
  const reader = response.body.getReader();
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

export function listenGateway(gateway: Gateway, options: ListenGatewayOptions): Promise<ListeningGateway> {
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const keepAlive = options.keepAliveTimeoutMs ?? 65_000;
  const server = http.createServer({ keepAliveTimeout: keepAlive, headersTimeout: keepAlive + 1_000, requestTimeout: 300_000 });

  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const controller = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) controller.abort(new Error('client closed the connection'));
    });
    const declared = Number(req.headers['content-length'] ?? NaN);
    const answer = (body: Uint8Array | undefined): void => {
      let request: Request;
      try {
        request = requestFrom(req, body);
      } catch {
        request = new Request('http://gateway/', { method: 'GET' });
      }
      gateway
        .fetch(request, { signal: controller.signal })
        .then((response) => writeResponse(res, response, gateway.draining))
        .catch(() => {
          if (res.headersSent) res.destroy();
          else {
            res.writeHead(500, { 'content-type': 'application/json' });
            res.end(errorBody({ type: 'api_error', message: 'Internal gateway error.' }));
          }
        });
    };
    if (req.method === 'GET' || req.method === 'HEAD') {
      req.resume();
      answer(undefined);
      return;
    }
    if (Number.isFinite(declared) && declared > limit) {
      // Answered from the declared length alone (413); the rest of the upload is discarded.
      req.resume();
      answer(new Uint8Array(0));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      if (size > limit) return;
      size += chunk.length;
      chunks.push(chunk);
    });
    req.on('end', () => answer(Buffer.concat(chunks)));
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
            const stopped = new Promise<void>((done) => server.close(() => done()));
            server.closeIdleConnections();
            await gateway.close();
            // Responses cut by the drain deadline end within a tick; then nothing may linger.
            await new Promise((done) => setImmediate(done));
            server.closeAllConnections();
            await stopped;
          })();
          return closing;
        },
      });
    });
  });
}
