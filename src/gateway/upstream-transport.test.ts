import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type net from 'node:net';
import { Cancellation } from './cancellation.js';
import { nodeHttpTransport, rawHeader } from './upstream-transport.js';

describe('node:http upstream transport', () => {
  let server: http.Server;
  let base: string;
  let connections = 0;
  const transport = nodeHttpTransport();

  before(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      const body = Buffer.from(`{"path":"${req.url}","pad":"${'x'.repeat(200)}"}`);
      if (req.url === '/empty') {
        res.writeHead(204).end();
      } else if (req.url === '/slow') {
        // Headers and the first half now, the rest later: the body is not complete when asked for.
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
        res.write(body.subarray(0, 50));
        setTimeout(() => res.end(body.subarray(50)), 30);
      } else {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
        res.end(body);
      }
    });
    server.on('connection', (_socket: net.Socket) => {
      connections += 1;
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  });

  after(async () => {
    transport.close();
    await new Promise((resolve) => server.close(resolve));
  });

  const get = (path: string) => transport({ url: new URL(`${base}${path}`), method: 'GET', headers: {}, body: undefined, cancel: new Cancellation() });

  test('a reply that arrived with its headers and one that trickles in both come back whole', async () => {
    for (const path of ['/small', '/slow']) {
      const response = await get(path);
      assert.equal(response.status, 200);
      const parsed = JSON.parse(Buffer.from(await response.bytes()).toString('utf8')) as { path: string; pad: string };
      assert.equal(parsed.path, path);
      assert.equal(parsed.pad.length, 200);
    }
  });

  test('an empty body is empty; a limit cuts the body', async () => {
    assert.equal((await (await get('/empty')).bytes()).byteLength, 0);
    assert.equal((await (await get('/small')).bytes(16)).byteLength, 16);
  });

  test('the connection goes back to the pool after a body read either way', async () => {
    // The socket is released on a tick after the body was handed over (the read comes first).
    const tick = () => new Promise((resolve) => setImmediate(resolve));
    await (await get('/small')).bytes();
    await tick();
    const before = connections;
    for (const path of ['/small', '/slow', '/small', '/empty', '/small']) {
      await (await get(path)).bytes();
      await tick();
    }
    assert.equal(connections, before, 'every request reused the kept-alive connection');
  });
});

describe('rawHeader', () => {
  test('finds a header whatever its case, joins repeats and answers null when absent', () => {
    const raw = ['Content-Type', 'application/json', 'X-Amzn-Bedrock-Input-Token-Count', '12', 'x-amzn-bedrock-input-token-count', '13', 'Retry-After', '2'];
    assert.equal(rawHeader(raw, 'content-type'), 'application/json');
    assert.equal(rawHeader(raw, 'retry-after'), '2');
    assert.equal(rawHeader(raw, 'x-amzn-bedrock-input-token-count'), '12, 13');
    assert.equal(rawHeader(raw, 'x-amzn-requestid'), null);
    assert.equal(rawHeader([], 'content-type'), null);
  });
});
