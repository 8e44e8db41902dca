import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AuthProvider, RequestAuth } from '../core/auth-types.js';
import { createProbeRunner, defaultProbeFetch, probeModel } from './probe.js';
import type { CallTarget } from './types.js';

const MODEL = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const message = { id: 'msg_1', type: 'message', role: 'assistant', model: MODEL, content: [{ type: 'text', text: '.' }], stop_reason: 'max_tokens', stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 } };

class FixedAuth implements AuthProvider {
  constructor(private readonly auth: RequestAuth) {}
  async getAuth(): Promise<RequestAuth> {
    return this.auth;
  }
  async recoverFromAuthFailure(): Promise<boolean> {
    return false;
  }
  markWorking(): void {}
}

const keys: RequestAuth = { kind: 'sigv4', credentials: { accessKeyId: 'AKIAPROBETEST0000001', secretAccessKey: 'secret/EXAMPLE/0000' } };

describe('the probe runner transport', () => {
  let server: Server;
  let baseURL: string;
  const received: { path: string; headers: IncomingHttpHeaders }[] = [];
  before(async () => {
    server = createServer((request, response) => {
      received.push({ path: request.url ?? '', headers: request.headers });
      request.resume();
      request.on('end', () => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(message));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const target = (): CallTarget => ({ modelId: MODEL, requested: MODEL, endpoint: 'bedrock', region: 'us-east-1', baseURL, betas: [], catalogKey: undefined });
  const auth = new FixedAuth(keys);

  test('without a fetch, probes share one buffered fetch, not the global fetch', async () => {
    assert.equal(defaultProbeFetch(), defaultProbeFetch(), 'one per process, so batches share its connections');
    received.length = 0;
    const runner = createProbeRunner({ auth: { bedrock: auth, mantle: auth } });
    assert.deepEqual(await probeModel(target(), { runner, customHeaders: [] }), { status: 'available' });
    const [request] = received;
    assert.equal(request?.path, `/model/${MODEL}/invoke`);
    assert.match(String(request?.headers.authorization), /^AWS4-HMAC-SHA256 Credential=AKIAPROBETEST0000001\//);
    // The global fetch adds `sec-fetch-mode: cors` to every request; node:http does not.
    assert.equal(request?.headers['sec-fetch-mode'], undefined);
  });

  test('a fetch the caller passes carries every probe', async () => {
    received.length = 0;
    const seen: string[] = [];
    const given = (async (input: string | URL | Request, init?: RequestInit) => {
      seen.push(String(input));
      return globalThis.fetch(input, init);
    }) as typeof fetch;
    const runner = createProbeRunner({ auth: { bedrock: auth, mantle: auth }, fetch: given });
    assert.equal((await probeModel(target(), { runner, customHeaders: [] })).status, 'available');
    assert.deepEqual(seen, [`${baseURL}/model/${MODEL}/invoke`]);
    assert.equal(received[0]?.headers['sec-fetch-mode'], 'cors', 'sent by the global fetch the caller wrapped');
  });
});
