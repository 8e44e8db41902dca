import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestAuth } from '../aws/auth-types.js';
import { SdkClientPool, withAllowedHeaders } from './transport.js';

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
