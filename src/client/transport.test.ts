import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import type { RequestAuth } from '../core/auth-types.js';
import { SdkClientPool, createBufferedFetch, withAllowedHeaders } from './transport.js';

const BASE = 'http://127.0.0.1:9';
const keys = (accessKeyId: string, sessionToken?: string): RequestAuth => ({
  kind: 'sigv4',
  credentials: { accessKeyId, secretAccessKey: 'secret/EXAMPLE/0000', ...(sessionToken ? { sessionToken } : {}) },
});

const message = { id: 'msg_1', type: 'message', role: 'assistant', model: 'm', content: [{ type: 'text', text: '.' }], stop_reason: 'max_tokens', stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 } };

/** A fetch that records what the SDK hands it and answers one message; nothing leaves the process. */
function recordingFetch(): { fetch: typeof fetch; requests: { url: string; headers: Headers }[] } {
  const requests: { url: string; headers: Headers }[] = [];
  const fake = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    requests.push({ url: String(input), headers: new Headers(init?.headers) });
    return new Response(JSON.stringify(message), { status: 200, headers: { 'content-type': 'application/json' } });
  };
  return { fetch: fake as typeof fetch, requests };
}

describe('SdkClientPool', () => {
  test('one SDK client per endpoint, base URL, region and credential, however the credential is handed over', () => {
    const pool = new SdkClientPool({ fetch: recordingFetch().fetch, timeoutMs: 1000 });
    const auth = keys('AKIAPOOLTEST00000001');
    const first = pool.get('bedrock', BASE, 'us-east-1', auth);
    assert.equal(pool.get('bedrock', BASE, 'us-east-1', auth), first);
    // A provider hands out a new wrapper each time; equal credentials are the same credential.
    assert.equal(pool.get('bedrock', BASE, 'us-east-1', { kind: 'sigv4', credentials: { ...(auth as { credentials: object }).credentials } as never }), first);
    assert.notEqual(pool.get('bedrock', BASE, 'us-west-2', auth), first, 'the region is part of the signature');
    assert.notEqual(pool.get('mantle', BASE, 'us-east-1', auth), first);
  });

  test('rotated keys, a new session token or a new API key get a new client', () => {
    const pool = new SdkClientPool({ fetch: recordingFetch().fetch, timeoutMs: 1000 });
    const original = pool.get('bedrock', BASE, 'us-east-1', keys('AKIAPOOLTEST00000001', 'token-1'));
    const refreshed = pool.get('bedrock', BASE, 'us-east-1', keys('AKIAPOOLTEST00000001', 'token-2'));
    assert.notEqual(refreshed, original, 'a new session token is never signed with the old client');
    assert.notEqual(pool.get('bedrock', BASE, 'us-east-1', keys('AKIAPOOLTEST00000002', 'token-2')), refreshed);
    const bearer = pool.get('mantle', BASE, 'us-east-1', { kind: 'bearer', token: 'key-one' });
    assert.equal(pool.get('mantle', BASE, 'us-east-1', { kind: 'bearer', token: 'key-one' }), bearer);
    assert.notEqual(pool.get('mantle', BASE, 'us-east-1', { kind: 'bearer', token: 'key-two' }), bearer);
  });

  test('only the SDK headers and the ones we allowed reach fetch; a bearer token is written last', async () => {
    const recorder = recordingFetch();
    const pool = new SdkClientPool({ fetch: recorder.fetch, timeoutMs: 1000 });
    const sdk = pool.get('mantle', BASE, 'us-east-1', { kind: 'bearer', token: 'api-key-value' });
    await sdk.messages.create({ model: 'm', max_tokens: 1, messages: [{ role: 'user', content: '.' }] }, {
      headers: { 'x-not-ours': 'dropped', authorization: 'Bearer smuggled', ...withAllowedHeaders({ 'X-Team': 'platform' }) },
    });
    const [request] = recorder.requests;
    assert.ok(request);
    assert.equal(request.headers.get('x-team'), 'platform');
    assert.equal(request.headers.get('x-not-ours'), null);
    assert.equal(request.headers.get('x-cc-bedrock-allowed-headers'), null, 'the marker never goes on the wire');
    assert.equal(request.headers.get('authorization'), 'Bearer api-key-value');
    assert.ok([...request.headers.keys()].some((name) => name.startsWith('x-stainless-')), 'the SDK platform headers stay, as Claude Code sends them');
  });
});

/** A loopback server whose answer each test sets; it records what arrived. */
interface TestServer {
  readonly url: string;
  handle: (request: IncomingMessage, body: string, response: ServerResponse) => void;
  readonly received: { method: string; path: string; headers: IncomingMessage['headers']; body: string; remotePort: number | undefined }[];
  close(): Promise<void>;
}

async function startServer(): Promise<TestServer> {
  const received: TestServer['received'] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ method: request.method ?? '', path: request.url ?? '', headers: request.headers, body, remotePort: request.socket.remotePort });
      state.handle(request, body, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const state: TestServer = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    handle: (_request, _body, response) => response.end(),
    received,
    close: () =>
      new Promise<void>((resolve) => {
        // Kept-alive client connections would hold the server open.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return state;
}

/** A fallback that must not be reached, or that records the call and answers for the global fetch. */
function fallbackSpy(): { fetch: typeof fetch; calls: { input: unknown; init: RequestInit | undefined }[] } {
  const calls: { input: unknown; init: RequestInit | undefined }[] = [];
  const fake = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    calls.push({ input, init });
    return new Response('from the fallback', { status: 200 });
  };
  return { fetch: fake as typeof fetch, calls };
}

describe('createBufferedFetch', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.close());

  test('sends the method, headers and body, answers status, headers and body, and keeps the connection', async () => {
    server.received.length = 0;
    server.handle = (_request, body, response) => {
      response.writeHead(201, 'Created', [
        ['Content-Type', 'application/json'],
        ['X-Multi', 'a'],
        ['X-Multi', 'b'],
      ]);
      response.end(JSON.stringify({ echo: body }));
    };
    const spy = fallbackSpy();
    const fetchFn = createBufferedFetch(spy.fetch);
    const send = () =>
      fetchFn(`${server.url}/model/m/invoke?x=1`, { method: 'post', headers: new Headers({ 'Content-Type': 'application/json', 'X-Team': 'platform' }), body: '{"max_tokens":1}' });
    const first = await send();
    assert.equal(first.status, 201);
    assert.equal(first.statusText, 'Created');
    assert.equal(first.headers.get('content-type'), 'application/json');
    assert.equal(first.headers.get('x-multi'), 'a, b');
    assert.deepEqual(await first.json(), { echo: '{"max_tokens":1}' });
    await send();

    const [one, two] = server.received;
    assert.equal(one?.method, 'POST');
    assert.equal(one?.path, '/model/m/invoke?x=1');
    assert.equal(one?.headers['x-team'], 'platform');
    assert.equal(one?.headers['content-length'], '16');
    assert.equal(one?.body, '{"max_tokens":1}');
    assert.equal(two?.remotePort, one?.remotePort, 'the second request reuses the kept-alive connection');
    assert.equal(spy.calls.length, 0);
  });

  test('a redirect is sent again through the fallback, which follows it as the global fetch always did', async () => {
    server.handle = (_request, _body, response) => {
      response.writeHead(307, { location: '/elsewhere' });
      response.end('moved');
    };
    const spy = fallbackSpy();
    const init = { method: 'POST', body: '{}' };
    const response = await createBufferedFetch(spy.fetch)(`${server.url}/model/m/invoke`, init);
    assert.equal(await response.text(), 'from the fallback');
    assert.deepEqual(spy.calls, [{ input: `${server.url}/model/m/invoke`, init }]);
  });

  test('a stream body, a Request, another scheme or an undici dispatcher go to the fallback untouched', async () => {
    server.received.length = 0;
    const spy = fallbackSpy();
    const fetchFn = createBufferedFetch(spy.fetch);
    const stream = new ReadableStream({ start: (controller) => controller.close() });
    await fetchFn(`${server.url}/a`, { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
    await fetchFn(new Request(`${server.url}/b`));
    await fetchFn('data:text/plain,hello');
    await fetchFn(`${server.url}/c`, { dispatcher: {} } as RequestInit);
    assert.equal(spy.calls.length, 4);
    assert.equal(server.received.length, 0, 'nothing was sent by the buffered path');
  });

  test('a compressed body is decoded as the global fetch decodes it; a 204 has no body', async () => {
    server.handle = (request, _body, response) => {
      if (request.url === '/empty') {
        response.writeHead(204);
        response.end();
        return;
      }
      if (request.url === '/twice') {
        response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'br, gzip' });
        response.end(gzipSync(brotliCompressSync(JSON.stringify({ twice: true }))));
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      response.end(gzipSync(JSON.stringify({ ok: true })));
    };
    const fetchFn = createBufferedFetch(fallbackSpy().fetch);
    assert.deepEqual(await (await fetchFn(`${server.url}/zipped`)).json(), { ok: true });
    assert.deepEqual(await (await fetchFn(`${server.url}/twice`)).json(), { twice: true }, 'codings are undone last first');
    const empty = await fetchFn(`${server.url}/empty`);
    assert.equal(empty.status, 204);
    assert.equal(empty.body, null);
  });

  test('failures have the global fetch shape: TypeError "fetch failed" with the cause', async () => {
    const closed = await startServer();
    const refusedUrl = `${closed.url}/model/m/invoke`;
    await closed.close();
    const fetchFn = createBufferedFetch(fallbackSpy().fetch);
    const ours = await fetchFn(refusedUrl, { method: 'POST', body: '{}' }).then(
      () => assert.fail('a refused connection must reject'),
      (error: unknown) => error,
    );
    const global = await fetch(refusedUrl, { method: 'POST', body: '{}' }).then(
      () => assert.fail('a refused connection must reject'),
      (error: unknown) => error,
    );
    for (const error of [ours, global]) {
      assert.ok(error instanceof TypeError);
      assert.equal(error.message, 'fetch failed');
      assert.equal((error.cause as { code?: string }).code, 'ECONNREFUSED');
    }

    server.handle = (_request, _body, response) => {
      response.writeHead(200, { 'content-length': '100' });
      response.write('{"partial":');
      setTimeout(() => response.destroy(), 10);
    };
    await assert.rejects(fetchFn(`${server.url}/cut`), (error: unknown) => error instanceof TypeError && error.message === 'fetch failed');
  });

  test("an abort rejects with the signal's reason, before the request and while waiting for the answer", async () => {
    const fetchFn = createBufferedFetch(fallbackSpy().fetch);
    const early = new AbortController();
    early.abort();
    await assert.rejects(fetchFn(`${server.url}/x`, { signal: early.signal }), (error: unknown) => error === early.signal.reason);

    const late = new AbortController();
    server.handle = () => late.abort();
    await assert.rejects(fetchFn(`${server.url}/y`, { method: 'POST', body: '{}', signal: late.signal }), (error: unknown) => {
      assert.equal(error, late.signal.reason);
      assert.equal((error as Error).name, 'AbortError');
      return true;
    });
  });

  test('carries a signed SDK request and its answer', async () => {
    server.received.length = 0;
    server.handle = (_request, _body, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(message));
    };
    const pool = new SdkClientPool({ fetch: createBufferedFetch(fallbackSpy().fetch), timeoutMs: 5000 });
    const sdk = pool.get('bedrock', server.url, 'us-east-1', keys('AKIAPOOLTEST00000001'));
    const answer = await sdk.messages.create({ model: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', max_tokens: 1, messages: [{ role: 'user', content: '.' }] });
    assert.equal(answer.id, 'msg_1');
    const [request] = server.received;
    assert.equal(request?.path, '/model/us.anthropic.claude-sonnet-4-5-20250929-v1:0/invoke');
    assert.equal(request?.headers.host, new URL(server.url).host);
    assert.match(String(request?.headers.authorization), /^AWS4-HMAC-SHA256 Credential=AKIAPOOLTEST00000001\/\d{8}\/us-east-1\/bedrock\/aws4_request, SignedHeaders=[^,]*host/);
    assert.deepEqual(Object.keys(JSON.parse(request?.body ?? '{}')).sort(), ['anthropic_version', 'max_tokens', 'messages'], 'the model went into the path');
  });
});
