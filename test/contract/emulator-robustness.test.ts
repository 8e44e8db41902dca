/**
 * Bad input never crashes or wedges the emulator: garbage bytes, truncated HTTP/1.1 and HTTP/2,
 * oversized headers and bodies each get an AWS-shaped 4xx (or a protocol-level close where HTTP
 * has no status to give), and a few thousand random requests later a real SDK call still works.
 */
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { BedrockRuntimeClient, InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import { createEmulator, defaultScenario, scenarioWith, type Emulator, type RunningEmulator } from '../../src/emulator/index.js';
import type { EmulatorRequest } from '../../src/emulator/http-types.js';
import { prng } from '../helpers/prng.js';

const scenario = defaultScenario();
const credentials = { accessKeyId: scenario.credentials[0]!.accessKeyId, secretAccessKey: scenario.credentials[0]!.secretAccessKey };

/** Sends raw bytes, returns whatever comes back before the server closes (or 3 s pass). */
function rawExchange(port: number, chunks: (string | Buffer)[], endAfter = true): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    const finish = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(received);
    };
    const timer = setTimeout(finish, 3000);
    socket.on('data', (data) => (received += data.toString('latin1')));
    socket.on('close', finish);
    socket.on('error', finish);
    socket.on('connect', () => {
      for (const chunk of chunks) socket.write(chunk);
      if (endAfter) socket.end();
    });
  });
}

async function validCall(url: string): Promise<string> {
  const client = new BedrockRuntimeClient({ region: 'us-east-1', endpoint: url, credentials, maxAttempts: 1 });
  try {
    const response = await client.send(
      new InvokeModelCommand({
        modelId: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
        body: JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 50, messages: [{ role: 'user', content: 'still alive?' }] }),
      }),
    );
    return new TextDecoder().decode(response.body);
  } finally {
    client.destroy();
  }
}

function assertAwsShaped(response: string, status: number): void {
  assert.match(response, new RegExp(`^HTTP/1\\.1 ${status} `), response.slice(0, 200));
  assert.match(response, /x-amzn-errortype: \w+:http:\/\/internal\.amazon\.com\/coral\/com\.amazon\.bedrock\//i);
  const body = response.slice(response.indexOf('\r\n\r\n') + 4);
  assert.equal(typeof (JSON.parse(body) as { message: unknown }).message, 'string');
}

describe('malformed traffic gets AWS-shaped 4xx, never a crash or a hang', () => {
  let emulator: Emulator;
  let server: RunningEmulator;
  before(async () => {
    emulator = createEmulator({ scenario: scenarioWith({ limits: { maxBodyBytes: 256 * 1024, deltasPerBlock: 4 } }) });
    server = await emulator.listen();
  });
  after(() => server.close());

  test('garbage bytes instead of HTTP', async () => {
    const response = await rawExchange(server.port, [Buffer.from([0x16, 0x03, 0x01, 0x00, 0xff, 0x00, 0x01, 0x02, 0x0d, 0x0a, 0x0d, 0x0a])]);
    assertAwsShaped(response, 400);
  });

  test('a request line that is not HTTP', async () => {
    assertAwsShaped(await rawExchange(server.port, ['HELLO THERE\r\n\r\n']), 400);
  });

  test('headers larger than the limit', async () => {
    const response = await rawExchange(server.port, [`GET /inference-profiles HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(40_000)}\r\n\r\n`]);
    assertAwsShaped(response, 431);
  });

  test('a truncated request and a truncated body are dropped without harm', async () => {
    await rawExchange(server.port, ['POST /model/x/invoke HTTP/1.1\r\nHost: x\r\nContent-Le']);
    await rawExchange(server.port, ['POST /model/x/invoke HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n{"anthro']);
    assert.match(await validCall(server.url), /still alive\?/);
  });

  test('a declared body over the limit is refused before it is read', async () => {
    const response = await rawExchange(server.port, [`POST /model/m/invoke HTTP/1.1\r\nHost: x\r\nContent-Length: ${10 * 1024 * 1024}\r\n\r\n`], false);
    assertAwsShaped(response, 400);
    assert.match(response, /Request body exceeds the maximum allowed size of 262144 bytes/);
  });

  test('a chunked body that grows over the limit is refused', async () => {
    const response = await fetch(`${server.url}/model/m/invoke`, {
      method: 'POST',
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < 8; i += 1) controller.enqueue(new Uint8Array(64 * 1024).fill(0x61));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    assert.equal(response.status, 400);
    assert.equal(response.headers.get('x-amzn-errortype'), 'ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/');
    await response.text();
  });

  test('an HTTP/2 preface followed by garbage, and a truncated preface', async () => {
    await rawExchange(server.port, ['PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', Buffer.alloc(64, 0xff)]);
    await rawExchange(server.port, ['PRI * HTTP/2.0\r\n']);
    const session = http2.connect(server.url);
    const status = await new Promise<number>((resolve, reject) => {
      const request = session.request({ ':path': '/_emulator/health' });
      request.on('response', (headers) => resolve(Number(headers[':status'])));
      request.on('error', reject);
      request.end();
    });
    session.close();
    assert.equal(status, 200);
  });

  test('an HTTP/2 client that resets its stream mid-request', async () => {
    const session = http2.connect(server.url);
    const stream = session.request({ ':method': 'POST', ':path': '/model/m/invoke', 'content-length': '1000' });
    stream.write('{"partial":');
    stream.close(http2.constants.NGHTTP2_CANCEL);
    await new Promise((resolve) => stream.on('close', resolve));
    session.close();
    assert.match(await validCall(server.url), /still alive\?/);
  });
});


function fuzzRequest(random: () => number): { method: string; path: string; headers: Record<string, string>; body: Uint8Array | undefined } {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const bytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => Math.floor(random() * 256));
  const segment = (): string =>
    pick([
      'us.anthropic.claude-sonnet-4-5-20250929-v1%3A0',
      'anthropic.claude-3-haiku-20240307-v1:0',
      encodeURIComponent(Buffer.from(bytes(6)).toString('latin1')),
      '%E0%A4%A',
      '..',
      'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile%2Femuappsonnet',
      'x'.repeat(3000),
    ]);
  const path = pick([
    () => `/model/${segment()}/invoke`,
    () => `/model/${segment()}/invoke-with-response-stream`,
    () => `/model/${segment()}/count-tokens`,
    () => `/inference-profiles${pick(['', `/${segment()}`, '?type=BOGUS', '?maxResults=0', '?nextToken=%%%', '?maxResults=2&nextToken=eyJvZmZzZXQiOi0xfQ'])}`,
    () => `/foundation-models${pick(['', `/${segment()}`])}`,
    () => `/anthropic/v1/messages${pick(['', '?beta=true', '/count_tokens'])}`,
    () => pick(['/', '/?Action=GetCallerIdentity', '/?Action=Nope']),
    () => `/${segment()}/${segment()}`,
  ])();
  const json = (): string =>
    pick([
      () => JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', max_tokens: Math.floor(random() * 5), messages: [{ role: 'user', content: 'fuzz' }] }),
      () => JSON.stringify({ model: 'anthropic.claude-opus-4-7', max_tokens: 3, messages: pick([[], 'x', [{ role: 'x' }], [{ role: 'user', content: 7 }]]), stream: random() < 0.5 }),
      () => JSON.stringify({ anthropic_version: pick(['2026-10-21', 'v0', 7]), max_tokens: pick([1, -1, 'a', 1.5]), messages: [{ role: 'user', content: [{ type: 'tool_result', content: [null] }] }], stop_sequences: pick([['a'], 'a', [1]]) }),
      () => JSON.stringify({ input: pick([{ invokeModel: { body: Buffer.from('{"x":1}').toString('base64') } }, { converse: { messages: 'no' } }, {}, null]) }),
      () => '{"truncated": [1, 2',
      () => 'Action=GetCallerIdentity&Version=2011-06-15',
    ])();
  const body = pick([undefined, () => bytes(Math.floor(random() * 200)), () => new TextEncoder().encode(json()), () => new TextEncoder().encode(json())]);
  const headers: Record<string, string> = {};
  const auth = pick([
    undefined,
    'Bearer ABSKnotakey',
    'Bearer bedrock-api-key-bm90IGEgdXJs',
    'AWS4-HMAC-SHA256 Credential=AKIAEMULATOREXAMPLE1/20260101/us-east-1/bedrock/aws4_request, SignedHeaders=host;x-amz-date, Signature=00',
    'AWS4-HMAC-SHA256 Credential=bogus',
    'Basic Zm9vOmJhcg==',
  ]);
  if (auth) headers.authorization = auth;
  if (random() < 0.5) headers['x-amz-date'] = pick(['20260101T000000Z', 'yesterday']);
  if (random() < 0.3) headers['x-amzn-bedrock-service-tier'] = pick(['flex', 'turbo', '']) || 'x';
  if (random() < 0.2) headers['x-amzn-bedrock-guardrailidentifier'] = pick(['emulatorguard', 'nope', 'arn:aws:bedrock:us-east-1:123456789012:guardrail/emulatorguard']);
  if (random() < 0.2) headers['x-amzn-bedrock-guardrailversion'] = pick(['1', 'DRAFT', '0']);
  if (random() < 0.3) headers['content-type'] = pick(['application/json', 'text/plain', 'application/x-www-form-urlencoded']);
  const method = pick(['GET', 'POST', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH']);
  return { method, path, headers, body: method === 'GET' ? undefined : typeof body === 'function' ? body() : body };
}

describe('fuzz: thousands of random requests, then a valid call', () => {
  test('every random request over the wire gets a shaped answer; the emulator still serves', async () => {
    const emulator = createEmulator({ scenario: scenarioWith({ allowUnsigned: true }) });
    const server = await emulator.listen();
    try {
      const random = prng(20261124);
      const statuses = new Map<number, number>();
      const total = 2000;
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < total) {
          next += 1;
          const request = fuzzRequest(random);
          const response = await fetch(`${server.url}${request.path}`, {
            method: request.method,
            headers: request.headers,
            ...(request.body ? { body: request.body } : {}),
          });
          const text = await response.text();
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          assert.ok(response.status < 500, `${request.method} ${request.path.slice(0, 80)} -> ${response.status} ${text.slice(0, 200)}`);
          if (response.status >= 400 && !request.path.startsWith('/_emulator/')) {
            const shaped =
              response.headers.get('x-amzn-errortype') !== null ||
              /^\{"type":"error","error":\{"type":"[a-z_]+"/.test(text) ||
              /<ErrorResponse/.test(text);
            assert.ok(shaped, `unshaped error for ${request.method} ${request.path.slice(0, 80)}: ${text.slice(0, 200)}`);
          }
        }
      };
      await Promise.all(Array.from({ length: 16 }, worker));
      assert.ok((statuses.get(200) ?? 0) > 0, 'some random requests should succeed (allowUnsigned)');
      assert.ok([...statuses.keys()].some((s) => s >= 400), 'and many should be refused');

      // Random bytes straight at the socket, some starting like HTTP/2.
      const bytesRandom = prng(7);
      for (let i = 0; i < 200; i += 1) {
        const junk = Buffer.from(Uint8Array.from({ length: 1 + Math.floor(bytesRandom() * 300) }, () => Math.floor(bytesRandom() * 256)));
        await rawExchange(server.port, i % 10 === 0 ? [Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), junk] : [junk]);
      }

      emulator.state.loadScenario(undefined);
      assert.match(await validCall(server.url), /still alive\?/);
    } finally {
      await server.close();
    }
  });

  test('the transport-neutral handler survives random requests in-process', async () => {
    const emulator = createEmulator({ scenario: scenarioWith({ allowUnsigned: true }) });
    const random = prng(99);
    for (let i = 0; i < 3000; i += 1) {
      const fuzz = fuzzRequest(random);
      const q = fuzz.path.indexOf('?');
      const request: EmulatorRequest = {
        method: fuzz.method,
        rawPath: q < 0 ? fuzz.path : fuzz.path.slice(0, q),
        rawQuery: q < 0 ? '' : fuzz.path.slice(q + 1),
        headers: { host: 'bedrock.emulator.invalid', ...fuzz.headers },
        body: fuzz.body ?? new Uint8Array(),
        httpVersion: 'fetch',
      };
      const response = await emulator.handle(request);
      assert.ok(response.status >= 200 && response.status < 500, `${request.method} ${request.rawPath.slice(0, 80)} -> ${response.status}`);
      if (response.stream) for (const part of response.stream) assert.ok(part.kind === 'data' || part.kind === 'cut');
    }
    assert.ok(emulator.state.received.length > 2900);
  });
});

describe('the request log cannot be used to exhaust memory or break the admin API', () => {
  test('unauthenticated large posts keep the log within its byte budget, oldest evicted, bodies cut with a marker', async () => {
    const logBytes = 4 * 1024 * 1024;
    const logBodyBytes = 256 * 1024;
    const emulator = createEmulator({ logBytes, logBodyBytes });
    const server = await emulator.listen();
    try {
      const body = Buffer.alloc(1024 * 1024, 'a');
      // Bounded: 24 posts of 1 MiB, to a path no route serves and with no credentials at all.
      for (let i = 0; i < 24; i += 1) {
        const response = await fetch(`${server.url}/no/such/route/${i}`, { method: 'POST', body });
        assert.ok(response.status >= 400 && response.status < 500, `post ${i}: ${response.status}`);
        await response.arrayBuffer();
      }
      const log = (await (await fetch(`${server.url}/_emulator/requests`)).json()) as {
        received: { path: string; body: string; bodyBytes: number }[];
        logBytes: number;
        logBudgetBytes: number;
        evicted: number;
      };
      assert.equal(log.logBudgetBytes, logBytes);
      assert.ok(log.logBytes > 0 && log.logBytes <= logBytes, `log holds ${log.logBytes} bytes, budget ${logBytes}`);
      assert.ok(log.received.length < 24 && log.received.length > 0, `${log.received.length} entries kept`);
      assert.equal(log.evicted + log.received.length, 24);
      assert.equal(log.received.at(-1)?.path, '/no/such/route/23', 'the newest entries stay, the oldest go');
      const last = log.received.at(-1)!;
      assert.equal(last.bodyBytes, body.byteLength);
      assert.match(last.body, /…<cut: 786432 of 1048576 bytes not logged>$/);
      const health = (await (await fetch(`${server.url}/_emulator/health`)).json()) as { logBytes: number; received: number };
      assert.equal(health.logBytes, log.logBytes);
      assert.match(await validCall(server.url), /still alive/);
    } finally {
      await server.close();
    }
  });

  test('a deeply nested JSON body is logged, and GET /_emulator/requests still answers (raw text shown)', async () => {
    const emulator = createEmulator();
    const server = await emulator.listen();
    try {
      const nested = '['.repeat(20_000) + ']'.repeat(20_000);
      const response = await fetch(`${server.url}/model/x/invoke`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: nested });
      assert.equal(response.status, 403);
      await response.arrayBuffer();
      assert.match(await validCall(server.url), /still alive/);
      const answer = await fetch(`${server.url}/_emulator/requests`);
      assert.equal(answer.status, 200);
      const log = (await answer.json()) as { received: { body: unknown; bodyNote?: string; operation: string }[] };
      assert.equal(log.received.length, 2);
      assert.equal(log.received[0]?.body, nested);
      assert.match(log.received[0]?.bodyNote ?? '', /nested too deeply/);
      assert.equal(log.received[1]?.operation, 'invoke');
      assert.equal((log.received[1]?.body as { max_tokens: number }).max_tokens, 50, 'ordinary JSON bodies stay parsed');
    } finally {
      await server.close();
    }
  });
});
