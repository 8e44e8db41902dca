/**
 * Bad input never hurts the gateway: invalid JSON, wrong types, oversized bodies, unknown
 * routes, malformed HTTP and a few thousand fuzzed requests all get a 4xx in the surface's
 * error shape, and the gateway keeps serving. A bounded soak checks memory stays flat.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { EMULATOR_BEARER, startGatewayHarness, type GatewayHarness } from '../helpers/gateway-harness.js';
import { prng } from '../helpers/prng.js';

const VALID = { model: 'sonnet', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] };


function rawHttp(url: string, payload: string | Buffer): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    let answer = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('end', () => resolve(answer));
    socket.on('close', () => resolve(answer));
    socket.on('error', (error) => (answer ? resolve(answer) : reject(error)));
    socket.setTimeout(10_000, () => socket.destroy(new Error('raw HTTP request timed out')));
    socket.end(payload);
  });
}

describe('gateway robustness', () => {
  let harness: GatewayHarness;
  const post = (path: string, body: string | Uint8Array, headers: Record<string, string> = {}) =>
    fetch(`${harness.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  before(async () => {
    harness = await startGatewayHarness({ gateway: { maxBodyBytes: 256 * 1024 } });
  });
  after(() => harness.close());

  const expectError = async (response: Response, status: number, type: string) => {
    assert.equal(response.status, status);
    const body = (await response.json()) as { type: string; error: { type: string; message: string } };
    assert.equal(body.type, 'error');
    assert.equal(body.error.type, type);
    assert.ok(body.error.message.length > 0);
    return body.error.message;
  };

  test('invalid JSON, an empty body and non-object JSON are 400 invalid_request_error', async () => {
    assert.match(await expectError(await post('/v1/messages', '{"model": "sonnet",'), 400, 'invalid_request_error'), /not valid JSON/);
    assert.match(await expectError(await post('/v1/messages', ''), 400, 'invalid_request_error'), /empty/);
    assert.match(await expectError(await post('/v1/messages', '[1,2]'), 400, 'invalid_request_error'), /JSON object, not an array/);
    assert.match(await expectError(await post('/v1/messages/count_tokens', 'null'), 400, 'invalid_request_error'), /not null/);
  });

  test('wrong types name the field', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...VALID, model: 42 }, /^model: /],
      [{ ...VALID, model: undefined }, /^model: Field required/],
      [{ ...VALID, messages: 'hi' }, /^messages: Input should be a valid list/],
      [{ ...VALID, messages: [] }, /^messages: at least one/],
      [{ ...VALID, messages: [{ role: 'robot', content: 'x' }] }, /^messages\.0\.role/],
      [{ ...VALID, messages: ['x'] }, /^messages\.0: /],
      [{ ...VALID, max_tokens: -1 }, /^max_tokens/],
      [{ ...VALID, max_tokens: 1.5 }, /^max_tokens/],
      [{ ...VALID, stream: 'yes' }, /^stream: /],
      [{ ...VALID, tools: {} }, /^tools: /],
      [{ ...VALID, system: 5 }, /^system: /],
    ];
    for (const [body, pattern] of cases) {
      assert.match(await expectError(await post('/v1/messages', JSON.stringify(body)), 400, 'invalid_request_error'), pattern);
    }
  });

  test('an oversized body is 413, whether declared or streamed without a length', async () => {
    const big = JSON.stringify({ ...VALID, messages: [{ role: 'user', content: 'x'.repeat(300 * 1024) }] });
    await expectError(await post('/v1/messages', big), 413, 'request_too_large');
    const { hostname, port } = new URL(harness.url);
    const chunked = await rawHttp(
      harness.url,
      `POST /v1/messages HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n` +
        `${(300 * 1024).toString(16)}\r\n${'y'.repeat(300 * 1024)}\r\n0\r\n\r\n`,
    );
    assert.match(chunked, /^HTTP\/1\.1 413 /);
    assert.match(chunked, /"request_too_large"/);
  });

  test('unknown routes and wrong methods are 404 in the surface shape', async () => {
    await expectError(await fetch(`${harness.url}/v1/nothing-here`), 404, 'not_found_error');
    await expectError(await fetch(`${harness.url}/v1/messages`), 404, 'not_found_error');
    const bedrock = await fetch(`${harness.url}/model/x/invoke-async`, { method: 'POST', body: '{}' });
    assert.equal(bedrock.status, 404);
    assert.match(bedrock.headers.get('x-amzn-errortype') ?? '', /^ResourceNotFoundException/);
    const badLabel = await post('/model/%E0%A4%A/invoke', JSON.stringify({}));
    assert.equal(badLabel.status, 400);
  });

  test('malformed HTTP gets a 400 and the gateway keeps serving', async () => {
    assert.match(await rawHttp(harness.url, 'THIS IS NOT HTTP\r\n\r\n'), /^HTTP\/1\.1 400 /);
    assert.match(await rawHttp(harness.url, `GET /healthz HTTP/1.1\r\nHost: x\r\n${'X-Pad: y\r\n'.repeat(4000)}\r\n`), /^HTTP\/1\.1 431 /);
    assert.match(await rawHttp(harness.url, Buffer.from([0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1, 0x03, 0x03])), /^(HTTP\/1\.1 400 |$)/);
    assert.equal((await post('/v1/messages', JSON.stringify(VALID))).status, 200);
  });

  test('a few thousand fuzzed requests: all 4xx or success, never a 5xx, and service continues', async () => {
    const random = prng(0xc0ffee);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const paths = ['/v1/messages', '/v1/messages/count_tokens', '/v1/models', '/model/us.anthropic.claude-sonnet-4-5-20250929-v1:0/invoke', '/model/%2F%2F/invoke', '/model/a/count-tokens', '/inference-profiles/%ZZ', '/v1/models/%', '/', '/healthz', '/v1//messages', '/model//invoke'];
    const values = [null, true, 0, -1, 1e308, '', 'x', 'sonnet', [], {}, [null], { role: 'user' }, '\u0000\ud800', 'a'.repeat(2000)];
    const mutate = (): unknown => {
      const body: Record<string, unknown> = structuredClone(VALID) as Record<string, unknown>;
      const keys = ['model', 'max_tokens', 'messages', 'stream', 'system', 'tools', 'thinking', 'anthropic_beta', 'betas', 'metadata', 'tool_choice', 'temperature'];
      for (let i = 0; i < 1 + Math.floor(random() * 3); i++) {
        const key = pick(keys);
        if (random() < 0.3) delete body[key];
        else body[key] = pick(values);
      }
      if (random() < 0.2) (body['messages'] as unknown[] | undefined)?.push?.({ role: pick(['user', 'assistant', 'system', 'x']), content: pick(values) });
      return body;
    };
    const bodyFor = (): string | Uint8Array => {
      const kind = random();
      if (kind < 0.15) return Uint8Array.from({ length: Math.floor(random() * 64) }, () => Math.floor(random() * 256));
      if (kind < 0.25) return JSON.stringify(pick(values));
      return JSON.stringify(mutate());
    };
    const statuses = new Map<number, number>();
    const total = 2500;
    for (let batch = 0; batch < total / 25; batch++) {
      await Promise.all(
        Array.from({ length: 25 }, async () => {
          const method = random() < 0.85 ? 'POST' : pick(['GET', 'PUT', 'DELETE', 'PATCH']);
          const headers: Record<string, string> = { 'content-type': pick(['application/json', 'text/plain', 'application/octet-stream']) };
          if (random() < 0.3) headers['anthropic-beta'] = pick(['', ',,,', 'x'.repeat(500), 'context-1m-2025-08-07,interleaved-thinking-2025-05-14', 'a,b,c']);
          const response = await harness.gateway.fetch(
            new Request(`http://gateway.test${pick(paths)}`, { method, headers, ...(method === 'GET' ? {} : { body: bodyFor() }) }),
          );
          const text = await response.text();
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          assert.ok(response.status < 500, `status ${response.status}: ${text.slice(0, 300)}`);
          if (response.status >= 400 && response.headers.get('content-type')?.includes('json')) {
            const parsed = JSON.parse(text) as Record<string, unknown>;
            assert.ok('message' in parsed || (parsed['type'] === 'error' && typeof (parsed['error'] as { message?: unknown }).message === 'string'), text);
          }
        }),
      );
    }
    assert.ok([...statuses.keys()].some((status) => status >= 400), [...statuses.entries()].join(' '));
    assert.equal(harness.gateway.inFlight, 0);
    assert.equal((await post('/v1/messages', JSON.stringify(VALID))).status, 200);
  });
});

/**
 * A bounded soak: a warm-up, then up to `count` requests 20 at a time until the deadline, with
 * the emulator's and the harness's records cleared as it goes. Returns the requests completed,
 * the heap growth between the two forced collections, and the log lines of the last stretch.
 */
async function soak(
  harness: GatewayHarness,
  one: (i: number) => Promise<void>,
  bounds: { readonly warmUp: number; readonly count: number; readonly seconds: number },
): Promise<{ completed: number; growth: number; logged: number }> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const clear = () => {
    harness.emulator.state.reset();
    harness.logs.length = 0;
  };
  const run = async (count: number, deadline: number) => {
    let done = 0;
    for (; done < count && Date.now() < deadline; done += 20) {
      await Promise.all(Array.from({ length: 20 }, (_, k) => one(done + k)));
      if (done % 2000 === 0) clear();
    }
    return done;
  };
  await run(bounds.warmUp, Date.now() + 30_000);
  clear();
  gc();
  const before = process.memoryUsage().heapUsed;
  const completed = await run(bounds.count, Date.now() + bounds.seconds * 1000);
  const logged = harness.logs.length;
  clear();
  gc();
  return { completed, growth: process.memoryUsage().heapUsed - before, logged };
}

const MiB = 1024 * 1024;

describe('gateway soak', () => {
  test('20k requests in-process: heap stays flat after GC and nothing stays in flight', async () => {
    // Bearer auth keeps the emulator's share of the work small; SigV4 signing is soaked by the other suites.
    const harness = await startGatewayHarness({ listen: false, inProcessUpstream: true, auth: [EMULATOR_BEARER] });
    try {
      const body = JSON.stringify(VALID);
      const streamBody = JSON.stringify({ ...VALID, stream: true });
      const one = async (i: number) => {
        const response = await harness.gateway.fetch(
          new Request('http://gateway.test/v1/messages', { method: 'POST', headers: { 'content-type': 'application/json' }, body: i % 10 === 0 ? streamBody : body }),
        );
        assert.equal(response.status, 200);
        await response.arrayBuffer();
      };
      const { completed, growth } = await soak(harness, one, { warmUp: 1_000, count: 20_000, seconds: 40 });
      assert.ok(completed >= 5_000, `only ${completed} requests completed in the time bound`);
      assert.ok(growth < 24 * MiB, `heap grew by ${(growth / MiB).toFixed(1)} MiB over ${completed} requests`);
      assert.equal(harness.gateway.inFlight, 0);
    } finally {
      await harness.close();
    }
  });

  test('over sockets too (node:http adapter and transport): heap flat, every request accounted for', async () => {
    const harness = await startGatewayHarness({ auth: [EMULATOR_BEARER] });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 20 });
    const target = new URL(`${harness.url}/v1/messages`);
    try {
      const bodies = [JSON.stringify(VALID), JSON.stringify({ ...VALID, stream: true })];
      const one = (i: number) =>
        new Promise<void>((resolve, reject) => {
          const body = bodies[i % 10 === 0 ? 1 : 0]!;
          const request = http.request(
            { hostname: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
            (response) => {
              response.resume();
              response.on('end', () => (response.statusCode === 200 ? resolve() : reject(new Error(`status ${response.statusCode}`))));
            },
          );
          request.on('error', reject);
          request.end(body);
        });
      const { completed, growth, logged } = await soak(harness, one, { warmUp: 500, count: 5_000, seconds: 30 });
      assert.ok(completed >= 1_000, `only ${completed} requests completed in the time bound`);
      assert.ok(logged > 0, 'requests were logged');
      assert.ok(growth < 24 * MiB, `heap grew by ${(growth / MiB).toFixed(1)} MiB over ${completed} requests`);
      assert.equal(harness.gateway.inFlight, 0, 'every answer was accounted for once written');
    } finally {
      agent.destroy();
      await harness.close();
    }
  });
});
