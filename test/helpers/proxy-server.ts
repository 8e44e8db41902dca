/**
 * A forward proxy on 127.0.0.1 for tests: CONNECT tunnels and absolute-form HTTP requests, with an
 * optional Basic login, recording everything that passes. It forwards to loopback targets only
 * (anything else is answered 403 and recorded), so a test can never reach the outside through it.
 *
 * Tunnels are opaque byte pipes, but the tests' targets speak plain HTTP inside them (the
 * emulator, fake SSO portals), so the request lines seen in a tunnel are recorded too: that is
 * how a test checks that a Bedrock call itself, not just some connection, took the proxy.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, isIP, type AddressInfo, type Socket } from 'node:net';

export interface ProxyRecord {
  /** `CONNECT` for a tunnel, else the forwarded request's method. */
  readonly method: string;
  /** `host:port` for a tunnel, the absolute URL for a forwarded request. */
  readonly target: string;
  /** The Proxy-Authorization header as received (tests compare it; never print it). */
  readonly proxyAuthorization: string | undefined;
  /** 200 when forwarded or tunnelled; 407 without the right login; 403 for a non-loopback target; 502 when the target refused. */
  status: number;
  /** For tunnels: `METHOD /path` of each plain-HTTP request seen inside. */
  readonly tunnelled: string[];
}

export interface LoopbackProxy {
  /** `http://127.0.0.1:PORT`, without credentials. */
  readonly url: string;
  readonly port: number;
  readonly records: ProxyRecord[];
  /** The proxy URL with a login in it (percent-encoded as needed). */
  urlWithLogin(username: string, password: string): string;
  /**
   * Every HTTP request that passed (status 200), as `METHOD http://host:port/path`: forwarded
   * requests as sent, tunnelled ones from the request lines seen in their tunnel.
   */
  requests(): string[];
  close(): Promise<void>;
}

export interface LoopbackProxyOptions {
  /** Require this Basic login (407 with Proxy-Authenticate otherwise). */
  readonly login?: { readonly username: string; readonly password: string };
}

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1']);
const REQUEST_LINE = /(?:^|\r\n)(GET|HEAD|POST|PUT|DELETE|PATCH|OPTIONS) (\/\S*) HTTP\/1\.[01]\r\n/g;

function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return LOOPBACK_NAMES.has(bare) || (isIP(bare) === 4 && bare.startsWith('127.'));
}

/** `host:port` split, IPv6 brackets removed. */
function splitAuthority(authority: string): { host: string; port: number } | undefined {
  const match = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(authority);
  if (!match) return undefined;
  return { host: match[1]!.replace(/^\[(.*)\]$/, '$1'), port: Number(match[2]) };
}

export async function startLoopbackProxy(options: LoopbackProxyOptions = {}): Promise<LoopbackProxy> {
  const records: ProxyRecord[] = [];
  const sockets = new Set<Socket>();
  const expected = options.login ? `Basic ${Buffer.from(`${options.login.username}:${options.login.password}`).toString('base64')}` : undefined;

  const authorized = (req: IncomingMessage): boolean => expected === undefined || req.headers['proxy-authorization'] === expected;

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const record: ProxyRecord = { method: req.method ?? 'GET', target: req.url ?? '', proxyAuthorization: req.headers['proxy-authorization'], status: 0, tunnelled: [] };
    records.push(record);
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      record.status = 400;
      res.writeHead(400).end('absolute-form request expected');
      return;
    }
    if (!authorized(req)) {
      record.status = 407;
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="test"' }).end();
      return;
    }
    if (target.protocol !== 'http:' || !isLoopback(target.hostname)) {
      record.status = 403;
      res.writeHead(403).end('the test proxy forwards to loopback http targets only');
      return;
    }
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = httpRequest(
      { host: target.hostname.replace(/^\[(.*)\]$/, '$1'), port: target.port || 80, path: `${target.pathname}${target.search}`, method: req.method, headers },
      (answer) => {
        record.status = 200;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      record.status = 502;
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    req.pipe(upstream);
  };

  const onConnect = (req: IncomingMessage, client: Socket, head: Buffer): void => {
    const record: ProxyRecord = { method: 'CONNECT', target: req.url ?? '', proxyAuthorization: req.headers['proxy-authorization'], status: 0, tunnelled: [] };
    records.push(record);
    const refuse = (status: number, reason: string, extra = ''): void => {
      record.status = status;
      client.end(`HTTP/1.1 ${status} ${reason}\r\n${extra}content-length: 0\r\n\r\n`);
    };
    if (!authorized(req)) return refuse(407, 'Proxy Authentication Required', 'proxy-authenticate: Basic realm="test"\r\n');
    const authority = splitAuthority(req.url ?? '');
    if (!authority || !isLoopback(authority.host)) return refuse(403, 'Forbidden');
    const upstream = connect(authority.port, authority.host, () => {
      record.status = 200;
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    client.on('data', (chunk: Buffer) => {
      for (const match of chunk.toString('latin1').matchAll(REQUEST_LINE)) record.tunnelled.push(`${match[1]} ${match[2]}`);
    });
    upstream.on('error', () => {
      if (record.status === 0) refuse(502, 'Bad Gateway');
      else client.destroy();
    });
    client.on('error', () => upstream.destroy());
  };

  const server: Server = createServer(onRequest);
  server.on('connect', onConnect);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    port,
    records,
    urlWithLogin: (username, password) => `http://${encodeURIComponent(username)}:${encodeURIComponent(password)}@127.0.0.1:${port}`,
    requests: () =>
      records
        .filter((record) => record.status === 200)
        .flatMap((record) => (record.method === 'CONNECT' ? record.tunnelled.map((line) => line.replace(' ', ` http://${record.target}`)) : [`${record.method} ${record.target}`])),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
