/**
 * The gateway's sockets and memory under awkward clients: a client that half-closes its socket
 * after the request still gets its answer, and request bodies share one memory budget (a body
 * over the per-request limit is 413, one that finds the budget spent is 429 with Retry-After),
 * which returns to zero once the requests are done.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
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

