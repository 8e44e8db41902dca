/**
 * One TCP listener serving HTTP/1.1 and cleartext HTTP/2 (h2c with prior knowledge) on the same
 * port: the AWS runtime client speaks h2c to an `http://` endpoint, everything else HTTP/1.1
 * (wire reference §0.1, §11.1). The first bytes decide: the HTTP/2 connection preface goes to an
 * http2 server, anything else to an http server. Both feed the same dispatcher.
 *
 * Robustness is part of the contract: malformed requests get an AWS-shaped 4xx, oversized
 * bodies are refused without buffering them, and no client can crash or wedge the process.
 */
import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EmulatorRequest, EmulatorResponse } from './http-types.js';

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
const CORAL_NAMESPACE = 'http://internal.amazon.com/coral/com.amazon.bedrock/';
/** A connection that sends nothing at all is dropped after this long. */
const FIRST_BYTE_TIMEOUT_MS = 30_000;
/** Hop-by-hop headers HTTP/2 forbids. */
const CONNECTION_HEADERS = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

export type Dispatch = (request: EmulatorRequest) => Promise<EmulatorResponse>;

export interface NodeServerOptions {
  readonly dispatch: Dispatch;
  readonly maxBodyBytes: () => number;
}

export interface ListeningServer {
  readonly host: string;
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

type AnyRequest = http.IncomingMessage | http2.Http2ServerRequest;
type AnyResponse = http.ServerResponse | http2.Http2ServerResponse;

function rawHeaderMap(raw: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    if (name.startsWith(':') && name !== ':authority') continue;
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  return headers;
}

function awsErrorBytes(status: number, name: string, message: string): { head: string; body: string } {
  const body = JSON.stringify({ message });
  const reason = http.STATUS_CODES[status] ?? 'Error';
  const head =
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\n` +
    `x-amzn-errortype: ${name}:${CORAL_NAMESPACE}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n`;
  return { head, body };
}

function writeHead(res: AnyResponse, response: EmulatorResponse, http2Response: boolean, closeAfter: boolean): void {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (http2Response && CONNECTION_HEADERS.has(name.toLowerCase())) continue;
    headers[name] = value;
  }
  if (closeAfter && !http2Response) headers.connection = 'close';
  if (response.body !== undefined) headers['content-length'] = String(Buffer.byteLength(response.body));
  (res as http.ServerResponse).writeHead(response.status, headers);
}

function waitDrain(res: AnyResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

function cut(res: AnyResponse): void {
  if (res instanceof http2.Http2ServerResponse) res.stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
  else res.socket?.destroy();
}

async function writeResponse(res: AnyResponse, response: EmulatorResponse, closeAfter: boolean): Promise<void> {
  const isHttp2 = res instanceof http2.Http2ServerResponse;
  if (response.delayMs) await sleep(response.delayMs);
  if (res.destroyed) return;
  writeHead(res, response, isHttp2, closeAfter);
  if (!response.stream) {
    res.end(response.body ?? '');
    return;
  }
  // Headers go out at once: the AWS SDK waits for them before reading the first event.
  (res as http.ServerResponse).flushHeaders?.();
  for (const part of response.stream) {
    if (part.delayMs) await sleep(part.delayMs);
    if (res.destroyed || res.writableEnded) return;
    if (part.kind === 'cut') {
      // Let what was written reach the client first, so "cut after N events" means N events arrived.
      await new Promise<void>((flushed) => (res as http.ServerResponse).write('', () => flushed()));
      await sleep(10);
      cut(res);
      return;
    }
    if (!(res as http.ServerResponse).write(part.bytes)) await waitDrain(res);
  }
  res.end();
}

function internalError(res: AnyResponse): void {
  if (res.headersSent) {
    cut(res);
    return;
  }
  const body = JSON.stringify({ message: 'The server encountered an internal error while processing the request.' });
  (res as http.ServerResponse).writeHead(500, {
    'content-type': 'application/json',
    'x-amzn-errortype': `InternalServerException:${CORAL_NAMESPACE}`,
    'content-length': String(Buffer.byteLength(body)),
  });
  res.end(body);
}

function handler(options: NodeServerOptions, httpVersion: '1.1' | '2') {
  return (req: AnyRequest, res: AnyResponse): void => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const limit = options.maxBodyBytes();
    const base = {
      method: req.method ?? 'GET',
      rawPath: q < 0 ? url : url.slice(0, q),
      rawQuery: q < 0 ? '' : url.slice(q + 1),
      headers: rawHeaderMap(req.rawHeaders),
      httpVersion,
    } as const;
    let answered = false;
    const answer = (request: EmulatorRequest, closeAfter: boolean): void => {
      if (answered) return;
      answered = true;
      options
        .dispatch(request)
        .then((response) => writeResponse(res, response, closeAfter))
        .catch(() => internalError(res));
    };
    const declared = Number(req.headers['content-length'] ?? 0);
    if (Number.isFinite(declared) && declared > limit) {
      // Refuse before reading; keep draining so the client can finish sending and read the answer.
      answer({ ...base, body: new Uint8Array(), bodyTooLarge: true }, true);
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      if (answered) return;
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        answer({ ...base, body: new Uint8Array(), bodyTooLarge: true }, true);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => answer({ ...base, body: Buffer.concat(chunks) }, false));
    req.on('error', () => res.destroy?.());
  };
}

/** Listens on host:port; resolves once bound (port 0 picks a free port). */
export function listenNode(options: NodeServerOptions, host: string, port: number): Promise<ListeningServer> {
  const sockets = new Set<net.Socket>();
  const h1 = http.createServer({ requestTimeout: 120_000, headersTimeout: 30_000, keepAliveTimeout: 5_000 });
  h1.on('request', handler(options, '1.1'));
  h1.on('clientError', (error: NodeJS.ErrnoException, socket: net.Socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const name = status === 408 ? 'RequestTimeoutException' : 'ValidationException';
    const message =
      status === 431
        ? 'Request header fields too large.'
        : status === 408
          ? 'The request timed out before it was complete.'
          : `The request could not be parsed as HTTP: ${error.code ?? 'malformed request'}.`;
    const { head, body } = awsErrorBytes(status, name, message);
    socket.end(head + body);
  });

  const h2 = http2.createServer({ maxSessionMemory: 64 });
  h2.on('request', handler(options, '2'));
  h2.on('session', (session: http2.ServerHttp2Session) => {
    session.on('error', () => session.destroy());
    session.setTimeout(120_000, () => session.close());
  });
  h2.on('sessionError', () => undefined);

  const tcp = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setTimeout(FIRST_BYTE_TIMEOUT_MS, () => socket.destroy());
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      const n = Math.min(buffered.length, PREFACE.length);
      const isPrefacePrefix = buffered.subarray(0, n).equals(PREFACE.subarray(0, n));
      if (isPrefacePrefix && buffered.length < PREFACE.length) return;
      socket.off('data', onData);
      socket.setTimeout(0);
      socket.pause();
      socket.unshift(buffered);
      (isPrefacePrefix ? h2 : h1).emit('connection', socket);
      if (!isPrefacePrefix) socket.resume();
    };
    socket.on('data', onData);
  });

  return new Promise((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(port, host, () => {
      tcp.off('error', reject);
      const address = tcp.address() as net.AddressInfo;
      const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      resolve({
        host: address.address,
        port: address.port,
        url: `http://${urlHost}:${address.port}`,
        close: () =>
          new Promise<void>((done) => {
            tcp.close(() => done());
            h1.closeAllConnections();
            for (const socket of sockets) socket.destroy();
          }),
      });
    });
  });
}
