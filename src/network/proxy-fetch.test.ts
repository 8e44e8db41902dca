import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type Agent, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { settingsOverShellLookup } from '../../test/helpers/env-lookup.js';
import { startLoopbackProxy, type LoopbackProxy } from '../../test/helpers/proxy-server.js';
import { getCallerIdentity } from '../aws/caller-identity.js';
import { startFakeSts } from '../../test/helpers/fake-sts.js';
import { directFetchOf } from './direct-fetch.js';
import { nodeAgentFor, nodeAgentResolver } from './proxy-agents.js';
import { createNetworkFetch } from './proxy-fetch.js';
import { proxyFailureOf, resolveProxy, type ProxyConfig } from './proxy.js';

const PASSWORD = 'pr0xy-pa$$:w@rd';

/** A loopback target that echoes method, path and body. */
let target: Server;
let targetUrl: string;
let open: LoopbackProxy;
let guarded: LoopbackProxy;

before(async () => {
  target = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => res.end(`${req.method} ${req.url} ${Buffer.concat(chunks).toString('utf8')}`.trimEnd()));
  });
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
  open = await startLoopbackProxy();
  guarded = await startLoopbackProxy({ login: { username: 'alice', password: PASSWORD } });
});

after(async () => {
  await Promise.all([open.close(), guarded.close(), new Promise<void>((resolve) => target.close(() => resolve()))]);
});

function config(env: Record<string, string>): ProxyConfig {
  const resolved = resolveProxy(settingsOverShellLookup(env));
  assert.ok(resolved);
  return resolved;
}

/** A base fetch that counts what it is asked to send (and sends it). */
function countingBase(): { fetch: typeof fetch; urls: string[] } {
  const urls: string[] = [];
  return {
    urls,
    fetch: ((input: string | URL | Request, init?: RequestInit) => {
      urls.push(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
      return globalThis.fetch(input, init);
    }) as typeof fetch,
  };
}

function nodeGet(url: string, agent: Agent | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('createNetworkFetch', () => {
  test('without a proxy it is the base fetch itself', () => {
    const base = countingBase().fetch;
    assert.equal(createNetworkFetch(undefined, base), base);
  });

  test('sends through the proxy (a CONNECT tunnel) and answers the target response', async () => {
    const before = open.records.length;
    const base = countingBase();
    const networkFetch = createNetworkFetch(config({ HTTPS_PROXY: open.url }), base.fetch);
    const response = await networkFetch(`${targetUrl}/hello?x=1`, { method: 'POST', body: 'payload', headers: { 'content-type': 'text/plain' } });
    assert.equal(response.status, 200);
    assert.equal(await response.text(), 'POST /hello?x=1 payload');
    assert.deepEqual(base.urls, [], 'the base fetch was not used');
    const records = open.records.slice(before);
    assert.equal(records[0]?.method, 'CONNECT');
    assert.equal(records[0]?.target, new URL(targetUrl).host);
    assert.ok(open.requests().includes(`POST ${targetUrl}/hello?x=1`), JSON.stringify(open.requests()));
  });

  test('a WHATWG Request from the global fetch is taken apart and sent whole', async () => {
    const networkFetch = createNetworkFetch(config({ HTTPS_PROXY: open.url }));
    const response = await networkFetch(new Request(`${targetUrl}/as-request`, { method: 'PUT', body: 'request body' }));
    assert.equal(await response.text(), 'PUT /as-request request body');
    assert.ok(open.requests().includes(`PUT ${targetUrl}/as-request`));
  });

  test('basic credentials in the proxy URL become Proxy-Authorization', async () => {
    const networkFetch = createNetworkFetch(config({ HTTPS_PROXY: guarded.urlWithLogin('alice', PASSWORD) }));
    const response = await networkFetch(`${targetUrl}/with-login`);
    assert.equal(await response.text(), 'GET /with-login');
    const record = guarded.records.find((entry) => entry.tunnelled.includes('GET /with-login'));
    assert.equal(record?.proxyAuthorization, `Basic ${Buffer.from(`alice:${PASSWORD}`).toString('base64')}`);
  });

  test('a wrong login fails the way fetch fails, naming the proxy (redacted) and the variable', async () => {
    const networkFetch = createNetworkFetch(config({ HTTPS_PROXY: guarded.urlWithLogin('alice', 'wrong-secret') }));
    await assert.rejects(networkFetch(`${targetUrl}/refused`), (error: Error) => {
      assert.ok(error instanceof TypeError);
      assert.equal(error.message, `fetch failed: the proxy http://****:****@127.0.0.1:${guarded.port} (HTTPS_PROXY, shell env) refused the login (407 Proxy Authentication Required): check the user name and password in HTTPS_PROXY`);
      // Recognisable through wrappers such as the SDK's APIConnectionError, for a caller deciding on retries.
      assert.equal(proxyFailureOf(new Error('Connection error.', { cause: error })), 'login-refused');
      return true;
    });
    assert.ok(guarded.records.some((entry) => entry.status === 407));
    assert.ok(!guarded.requests().some((line) => line.endsWith('/refused')));
  });

  test('a proxy that refuses the target, and one that is not listening, are named as the cause', async () => {
    const networkFetch = createNetworkFetch(config({ https_proxy: open.url }));
    await assert.rejects(networkFetch('http://192.0.2.1:8080/not-loopback'), (error: Error) => {
      assert.match(error.message, /^fetch failed: the proxy http:\/\/127\.0\.0\.1:\d+ \(https_proxy, shell env\) refused to open a tunnel to 192\.0\.2\.1:8080 \(HTTP 403\)/);
      assert.equal(proxyFailureOf(error), 'tunnel-refused');
      return true;
    });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const nowhere = createNetworkFetch(config({ HTTP_PROXY: `http://127.0.0.1:${port}` }));
    await assert.rejects(nowhere(`${targetUrl}/x`), (error: Error) => {
      assert.equal(error.message, `fetch failed: could not connect to the proxy http://127.0.0.1:${port} (HTTP_PROXY, shell env): ECONNREFUSED`);
      assert.equal(proxyFailureOf(error), 'unreachable');
      return true;
    });
  });

  test('NO_PROXY hosts go through the base fetch; the proxy sees nothing', async () => {
    const before = open.records.length;
    const base = countingBase();
    const networkFetch = createNetworkFetch(config({ HTTPS_PROXY: open.url, NO_PROXY: 'localhost,127.0.0.1' }), base.fetch);
    assert.equal(await (await networkFetch(`${targetUrl}/direct`)).text(), 'GET /direct');
    assert.deepEqual(base.urls, [`${targetUrl}/direct`]);
    assert.equal(open.records.length, before);
    assert.equal(proxyFailureOf(new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') })), undefined);
  });

  test('directFetchOf gives back the base of a network fetch, and any other fetch unchanged', () => {
    const base = countingBase().fetch;
    const networkFetch = createNetworkFetch(config({ HTTPS_PROXY: open.url }), base);
    assert.notEqual(networkFetch, base);
    assert.equal(directFetchOf(networkFetch), base);
    assert.equal(directFetchOf(base), base);
  });

  test('STS through FetchHttpHandler and the network fetch: the AWS call takes the proxy', async () => {
    const sts = await startFakeSts(['AKIAPROXYTEST0000001']);
    try {
      const networkFetch = createNetworkFetch(config({ HTTPS_PROXY: open.url }));
      const identity = await getCallerIdentity(
        { kind: 'sigv4', credentials: { accessKeyId: 'AKIAPROXYTEST0000001', secretAccessKey: 'not-checked-by-the-fake' } },
        { env: settingsOverShellLookup({ AWS_ENDPOINT_URL_STS: sts.url }), region: 'us-east-1', fetch: networkFetch },
      );
      assert.equal(identity.account, '123456789012');
      assert.ok(open.requests().includes(`POST ${sts.url}/`), JSON.stringify(open.requests()));
    } finally {
      await sts.close();
    }
  });
});

describe('nodeAgentFor', () => {
  test('http targets go through the proxy as absolute-form requests, with the login', async () => {
    const proxy = config({ HTTPS_PROXY: guarded.urlWithLogin('alice', PASSWORD) });
    const agent = nodeAgentFor(new URL(targetUrl), proxy);
    assert.ok(agent);
    assert.equal(await nodeGet(`${targetUrl}/via-agent`, agent), 'GET /via-agent');
    const record = guarded.records.find((entry) => entry.target === `${targetUrl}/via-agent`);
    assert.equal(record?.method, 'GET');
    assert.equal(record?.status, 200);
    assert.equal(record?.proxyAuthorization, `Basic ${Buffer.from(`alice:${PASSWORD}`).toString('base64')}`);
  });

  test('https targets get a CONNECT agent with the login; agents are reused per proxy and scheme', async () => {
    const proxy = config({ HTTPS_PROXY: guarded.urlWithLogin('alice', PASSWORD) });
    const https = nodeAgentFor(new URL('https://bedrock-runtime.us-east-1.amazonaws.com/model/x/invoke'), proxy);
    assert.ok(https instanceof HttpsProxyAgent);
    assert.equal(nodeAgentFor(new URL('https://sts.us-east-1.amazonaws.com/'), config({ HTTPS_PROXY: guarded.urlWithLogin('alice', PASSWORD) })), https);
    assert.notEqual(nodeAgentFor(new URL('http://example.com/'), proxy), https);
    // The tunnel itself, driven over plain HTTP to the loopback target (TLS would start inside it).
    assert.equal(await nodeGet(`${targetUrl}/tunnelled`, https), 'GET /tunnelled');
    const record = guarded.records.find((entry) => entry.tunnelled.includes('GET /tunnelled'));
    assert.equal(record?.method, 'CONNECT');
    assert.equal(record?.proxyAuthorization, `Basic ${Buffer.from(`alice:${PASSWORD}`).toString('base64')}`);
  });

  test('no agent without a proxy, for NO_PROXY hosts, or for other schemes', () => {
    assert.equal(nodeAgentFor(new URL(targetUrl), undefined), undefined);
    assert.equal(nodeAgentFor(new URL(targetUrl), config({ HTTPS_PROXY: open.url, NO_PROXY: '127.0.0.1' })), undefined);
    assert.equal(nodeAgentFor(new URL('ws://127.0.0.1:1/'), config({ HTTPS_PROXY: open.url })), undefined);
    assert.equal(nodeAgentResolver(undefined), undefined);
    const resolver = nodeAgentResolver(config({ HTTPS_PROXY: open.url }));
    assert.ok(resolver?.(new URL(targetUrl)));
  });
});
