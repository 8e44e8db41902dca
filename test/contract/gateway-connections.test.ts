/**
 * The gateway's sockets and memory under awkward clients: a client that half-closes its socket
 * after the request still gets its answer, and request bodies share one memory budget (a body
 * over the per-request limit is 413, one that finds the budget spent is 429 with Retry-After),
 * which returns to zero once the requests are done.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { startGatewayHarness, type GatewayHarness } from '../helpers/gateway-harness.js';

/** Writes `payload`, half-closes (FIN), and collects whatever comes back until the server closes. */
function halfClosedExchange(url: string, payload: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port: Number(port), host: hostname, allowHalfOpen: true });
    let answer = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('close', () => resolve(answer));
    socket.on('error', (error) => (answer ? resolve(answer) : reject(error)));
    socket.setTimeout(15_000, () => socket.destroy(new Error('no answer within 15 s')));
    socket.write(payload, () => socket.end());
  });
}

describe('half-closed client sockets', () => {
  let harness: GatewayHarness;
  before(async () => {
    harness = await startGatewayHarness();
  });
  after(() => harness.close());

  test('a request followed by end() (FIN) is still answered, then the socket is closed', async () => {
    const body = JSON.stringify({ model: 'sonnet', max_tokens: 20, messages: [{ role: 'user', content: 'half closed' }] });
    const post = `POST /v1/messages HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    const answer = await halfClosedExchange(harness.url, post);
    assert.match(answer, /^HTTP\/1\.1 200 /, `no answer to a half-closed request: ${JSON.stringify(answer.slice(0, 200))}`);
    assert.match(answer, /You said: half closed/);

    const health = await halfClosedExchange(harness.url, 'GET /healthz HTTP/1.1\r\nHost: gateway\r\n\r\n');
    assert.match(health, /^HTTP\/1\.1 200 /);
    assert.match(health, /\{"status":"ok"\}/);
    assert.equal(harness.gateway.inFlight, 0);
  });

  test('two pipelined requests then FIN: both answered in order', async () => {
    const answer = await halfClosedExchange(harness.url, 'GET /healthz HTTP/1.1\r\nHost: gateway\r\n\r\nGET /nowhere HTTP/1.1\r\nHost: gateway\r\n\r\n');
    const statuses = [...answer.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((match) => match[1]);
    assert.deepEqual(statuses, ['200', '404']);
  });
});


interface Posted {
  readonly status: number;
  readonly retryAfter: string | undefined;
}

/** A POST on its own connection; `chunked` sends the body in pieces without a length. */
function postBody(url: string, body: Buffer, chunked: boolean): Promise<Posted> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...(chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(body.byteLength) }) };
    const request = http.request({ host: hostname, port, method: 'POST', path: '/v1/messages', agent: false, headers }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode ?? 0, retryAfter: response.headers['retry-after'] }));
    });
    request.on('error', reject);
    request.setTimeout(60_000, () => request.destroy(new Error('POST hung')));
    if (!chunked) {
      request.end(body);
      return;
    }
    const piece = 256 * 1024;
    for (let at = 0; at < body.byteLength; at += piece) request.write(body.subarray(at, at + piece));
    request.end();
  });
}

describe('request bodies share one memory budget', () => {
  const MIB = 1024 * 1024;
  let harness: GatewayHarness;
  before(async () => {
    // Replies wait half a second, so the uploads overlap and hold their bodies together.
    harness = await startGatewayHarness({ scenario: { latency: { firstByteMs: 500, perChunkMs: 0 } }, gateway: { maxBodyBytes: 2 * MIB, maxBodyBytesInFlight: 6 * MIB } });
  });
  after(() => harness.close());

  test('concurrent large bodies: some 429 with Retry-After, an oversized one 413, the gateway stays up and the budget returns to 0', async () => {
    const body = (bytes: number): Buffer => {
      const text = 'x'.repeat(bytes - 120);
      return Buffer.from(JSON.stringify({ model: 'sonnet', max_tokens: 5, messages: [{ role: 'user', content: text }] }));
    };
    const large = body(1.5 * MIB);
    const posts: Promise<Posted>[] = [];
    for (let i = 0; i < 24; i++) posts.push(postBody(harness.url, large, i % 2 === 1));
    posts.push(postBody(harness.url, body(2.5 * MIB), false), postBody(harness.url, body(2.5 * MIB), true));
    const answers = await Promise.all(posts);
    const statuses = answers.map((answer) => answer.status);
    assert.ok(statuses.filter((status) => status === 200).length >= 3, `some were served: ${statuses.join(',')}`);
    const throttled = answers.filter((answer) => answer.status === 429);
    assert.ok(throttled.length >= 1, `some found the budget spent: ${statuses.join(',')}`);
    assert.ok(throttled.every((answer) => Number(answer.retryAfter) >= 1), 'a 429 says when to retry');
    assert.deepEqual(statuses.slice(-2), [413, 413], 'a body over the per-request limit is 413 whatever the budget');
    assert.ok(statuses.every((status) => [200, 413, 429].includes(status)), statuses.join(','));

    assert.equal(harness.gateway.bodyBudget.used, 0, 'every reserved byte was given back');
    const metrics = await (await fetch(`${harness.url}/metrics`)).text();
    assert.match(metrics, /^cc_bedrock_gateway_request_body_bytes 0$/m);
    assert.equal((await fetch(`${harness.url}/healthz`)).status, 200);
    assert.equal((await postBody(harness.url, large, false)).status, 200, 'served again once the budget is free');
    assert.equal(harness.gateway.bodyBudget.used, 0);
  });
});
