/**
 * The Bedrock passthrough only ever sends the operations it serves (invoke, the response stream,
 * count-tokens, list/get inference profile), each client-supplied ID decoded once, checked and
 * sent as exactly one path segment. Raw paths go over node:http (fetch would normalise the dots
 * away before the gateway saw them); what reached Bedrock is read from the emulator's request log.
 * Also: an ARN's region never picks the host the gateway signs for, and the service tier is the
 * gateway's, not the client's.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createEmulator } from '../../src/emulator/index.js';
import type { ReceivedRequest } from '../../src/emulator/state.js';
import { encodeModelLabel } from '../../src/client/create-client.js';
import { countTokensModelId } from '../../src/models/model-ids.js';
import { findModelById } from '../../src/models/model-catalog.js';
import { createGateway } from '../../src/gateway/create-gateway.js';
import { listenGateway } from '../../src/gateway/node-adapter.js';
import { resolveEndpoints } from '../../src/routing/endpoints.js';
import { EMULATOR_KEYS, ScriptedAuthProvider, startGatewayHarness, testPlan, type GatewayHarness } from '../helpers/gateway-harness.js';
import { prng } from '../helpers/prng.js';

const SONNET = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const APP_PROFILE = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/emuappsonnet';
const SERVED = /^\/model\/([^/]+)\/(invoke|invoke-with-response-stream|count-tokens)$|^\/inference-profiles(?:\/([^/]+))?$/;

interface RawAnswer {
  readonly status: number;
  readonly body: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

/** One request with the path exactly as given (node:http sends it unnormalised). */
function raw(url: string, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const request = http.request({ host: hostname, port, method, path, agent, headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('latin1') }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.setTimeout(30_000, () => request.destroy(new Error(`${method} ${path.slice(0, 80)} hung`)));
    request.end(body);
  });
}

const invokeBody = (marker: string): string => JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 5, messages: [{ role: 'user', content: marker }] });
const countBody = (marker: string): string => JSON.stringify({ input: { invokeModel: { body: Buffer.from(invokeBody(marker)).toString('base64') } } });

describe('Bedrock passthrough paths', () => {
  let harness: GatewayHarness;
  const sinceLast = (() => {
    let seen = 0;
    return (): ReceivedRequest[] => {
      const all = harness.emulator.state.received;
      const fresh = all.slice(seen);
      seen = all.length;
      return fresh;
    };
  })();

  before(async () => {
    harness = await startGatewayHarness({ scenario: { latency: { firstByteMs: 0, perChunkMs: 0 } }, plan: { serviceTier: 'flex' } });
  });
  after(() => harness.close());

  test('the three reported traversals are 4xx and reach nothing upstream', async () => {
    sinceLast();
    const dotted = await raw(harness.url, 'GET', '/inference-profiles/../foundation-models');
    assert.equal(dotted.status, 404, dotted.body);
    const admin = await raw(harness.url, 'GET', '/inference-profiles/%2e%2e/_emulator/scenario');
    assert.ok(admin.status >= 400 && admin.status < 500, admin.body);
    assert.doesNotMatch(admin.body, /"scenario"|"account"|"faults"/, 'the emulator admin answer never comes back');
    const invoke = await raw(harness.url, 'POST', '/model/%2e%2e/invoke', invokeBody('dots'));
    assert.equal(invoke.status, 400, invoke.body);
    assert.match(invoke.body, /dot segment/);
    assert.deepEqual(
      sinceLast().map((entry) => entry.path),
      [],
    );
    // The emulator's scenario is the default one still (nothing reached its admin API).
    const ok = await raw(harness.url, 'POST', `/model/${SONNET}/invoke`, invokeBody('still fine'));
    assert.equal(ok.status, 200, ok.body);
    assert.deepEqual(
      sinceLast().map((entry) => entry.path),
      [`/model/${SONNET}/invoke`],
    );
  });

  test('the service tier is the plan\'s: another tier in the header or body is a 400, the same one is served once', async () => {
    sinceLast();
    const other = await raw(harness.url, 'POST', `/model/${SONNET}/invoke`, invokeBody('tier'), { 'x-amzn-bedrock-service-tier': 'priority' });
    assert.equal(other.status, 400, other.body);
    assert.match(other.body, /priority.*not this gateway's service tier.*flex/);
    const inBody = await raw(harness.url, 'POST', `/model/${SONNET}/invoke`, JSON.stringify({ ...JSON.parse(invokeBody('tier')), service_tier: 'priority' }));
    assert.equal(inBody.status, 400, inBody.body);
    assert.match(inBody.body, /service_tier/);
    assert.equal(sinceLast().length, 0, 'refused before any upstream call');
    const same = await raw(harness.url, 'POST', `/model/${SONNET}/invoke`, invokeBody('tier'), { 'x-amzn-bedrock-service-tier': 'FLEX' });
    assert.equal(same.status, 200, same.body);
    const sent = sinceLast();
    assert.equal(sent.length, 1);
    assert.equal(sent[0]!.headers['x-amzn-bedrock-service-tier'], 'flex', 'exactly the plan\'s tier, once');
  });

  test('a bounded fuzz of passthrough paths: only served operations go upstream, each ID segment exactly the checked client segment', async () => {
    const random = prng(0x9a7e);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const bases = [SONNET, 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile%2Femuappsonnet', 'zz-fuzz-model', 'us.anthropic.claude-haiku-4-5-20251001-v1:0'];
    const pieces = [
      '.', '..', '%2e', '%2E', '%2e%2e', '.%2e', '%2f', '%2F', '/', '\\', '%5c', '%5C', '%252e%252e', '%252f', '%25', '%',
      '%zz', '%00', '%0a', '%0d%0a', '%09', '%20', '%7f', '%c2%85', '%c3%a9', '\u00e9', '%e2%80%ae', '%f0%9f%98%80', '%e0%80%ae', '%c0%ae',
      ':', '@', '~', "'", '(', ';', ',', '=', '+', '$', '&', '!', '*', '-', '_', 'a', 'arn:aws:bedrock:us-east-1:1:x%2F..', '%2F..%2F',
    ];
    const wholes = ['.', '..', '%2e%2e', '%2E%2e', '%252e%252e', '..%2f..', '%2e%2e%2f%2e%2e', '', 'a'.repeat(2049), 'b'.repeat(2048), '%2F', '%5C..', 'foundation-models'];
    const segment = (): string => {
      const roll = random();
      if (roll < 0.2) return pick(wholes);
      let text = pick(bases);
      const edits = 1 + Math.floor(random() * 3);
      for (let i = 0; i < edits; i++) {
        const at = Math.floor(random() * (text.length + 1));
        text = `${text.slice(0, at)}${pick(pieces)}${text.slice(at)}`;
      }
      return text;
    };
    const operations = ['invoke', 'invoke-with-response-stream', 'count-tokens'] as const;
    const oddOperations = ['invoke/..', '..', '%69nvoke', 'Invoke', 'invoke%2f..%2fcount-tokens', 'converse', ''];
    const CASES = 2500;
    let upstreamCalls = 0;
    sinceLast();
    for (let i = 0; i < CASES; i++) {
      const marker = `case-${i}`;
      const seg = segment();
      const shape = random();
      let method = 'POST';
      let path: string;
      let body: string | undefined;
      let kind: 'model' | 'profile' | 'list' | 'other';
      if (shape < 0.55) {
        const operation = pick(operations);
        kind = 'model';
        path = `/model/${seg}/${operation}`;
        body = operation === 'count-tokens' ? countBody(marker) : invokeBody(marker);
      } else if (shape < 0.75) {
        method = 'GET';
        kind = 'profile';
        path = `/inference-profiles/${seg}`;
      } else if (shape < 0.8) {
        method = 'GET';
        kind = 'list';
        path = `/inference-profiles?nextToken=${marker}`;
      } else {
        kind = 'other';
        const other = pick([
          () => `/model/${seg}/${pick(oddOperations)}`,
          () => `/model/${seg}/${segment()}/invoke`,
          () => `/inference-profiles/${seg}/${segment()}`,
          () => `/${seg}/model/x/invoke`,
          () => `/model/x/invoke/${seg}`,
          () => `//model/${seg}/invoke`,
          () => `/inference-profiles/${seg}?${seg}=1`,
          () => `/model/..%2f${seg}/invoke`,
        ]);
        path = other();
        method = pick(['GET', 'POST', 'PUT', 'DELETE']);
        body = method === 'GET' ? undefined : invokeBody(marker);
      }
      let answer: RawAnswer;
      try {
        answer = await raw(harness.url, method, path, body);
      } catch (error) {
        // node:http refuses to send some raw paths itself; those never reach the gateway.
        if ((error as NodeJS.ErrnoException).code === 'ERR_UNESCAPED_CHARACTERS') continue;
        throw error;
      }
      const where = `case ${i}: ${method} ${JSON.stringify(path.slice(0, 300))} → ${answer.status}`;
      assert.ok(answer.status < 500, `${where} ${answer.body.slice(0, 300)}`);
      let expected: string | undefined;
      try {
        expected = decodeURIComponent(seg);
      } catch {
        expected = undefined;
      }
      for (const entry of sinceLast()) {
        upstreamCalls += 1;
        const served = SERVED.exec(entry.path);
        assert.ok(served, `${where}: reached upstream ${entry.method} ${entry.path}`);
        assert.ok(kind !== 'other', `${where}: a path the passthrough does not serve reached upstream as ${entry.path}`);
        const upstreamSegment = served[1] ?? served[3];
        if (kind === 'list' && upstreamSegment === undefined) {
          assert.equal(entry.query, `nextToken=${marker}`);
          continue;
        }
        assert.ok(upstreamSegment !== undefined, `${where}: ${entry.path}`);
        const decoded = decodeURIComponent(upstreamSegment);
        assert.ok(expected !== undefined, `${where}: an undecodable segment went upstream as ${entry.path}`);
        assert.ok(!['', '.', '..'].includes(decoded) && /^[\x21-\x5b\x5d-\x7e]+$/.test(decoded), `${where}: ${entry.path}`);
        assert.ok([encodeURIComponent(decoded), encodeModelLabel(decoded)].includes(upstreamSegment), `${where}: ${entry.path} is not one segment encoded once`);
        if (served[2] === 'count-tokens') {
          // CountTokens names the base model: the checked client ID without its profile prefix, or an ARN's backing model.
          assert.ok(decoded === countTokensModelId(expected) || (expected.startsWith('arn:') && findModelById(decoded) !== undefined), `${where}: ${entry.path}`);
        } else {
          assert.equal(decoded, expected, `${where}: upstream segment ${entry.path}`);
        }
      }
    }
    assert.ok(upstreamCalls > 200, `the fuzz reached upstream too rarely to mean anything (${upstreamCalls})`);
    assert.equal(harness.gateway.inFlight, 0);
  });
});

describe('an ARN names a model, never a host', () => {
  test('an application profile ARN of another region is looked up and invoked on the plan\'s own hosts', async () => {
    const emulator = createEmulator();
    const hosts: string[] = [];
    // The plan's endpoints are the real AWS defaults for us-east-1; calls are answered in-process
    // by the emulator, and the host each call was addressed to is recorded (nothing leaves the machine).
    const recording: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      hosts.push(new URL(request.url).host);
      return emulator.fetch(request);
    };
    const plan = { ...testPlan({ url: 'http://unused.test' }), endpoints: resolveEndpoints({ get: () => undefined }, { value: 'us-east-1', source: 'test' }) };
    const auth = new ScriptedAuthProvider([EMULATOR_KEYS]);
    const gateway = createGateway({ plan, auth: { bedrock: auth, mantle: auth }, fetch: recording, maxRetries: 0 });
    const listener = await listenGateway(gateway, { host: '127.0.0.1', port: 0 });
    try {
      const foreign = APP_PROFILE.replace(':us-east-1:', ':eu-west-1:');
      const answer = await raw(listener.url, 'POST', `/model/${foreign.replace('/', '%2F')}/invoke`, invokeBody('where to'));
      assert.ok(answer.status < 500, answer.body);
      const profile = await raw(listener.url, 'GET', `/inference-profiles/${encodeURIComponent(foreign)}`);
      assert.ok(profile.status < 500, profile.body);
      assert.ok(hosts.length >= 2, `upstream calls: ${hosts.join(', ')}`);
      for (const host of hosts) assert.match(host, /^bedrock(-runtime)?\.us-east-1\.amazonaws\.com$/, `a call went to ${host}`);
    } finally {
      agent.destroy();
      await listener.close();
    }
  });
});
