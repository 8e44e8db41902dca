/**
 * The Bedrock passthrough: the official Anthropic Bedrock SDK (as Claude Code uses it with
 * `CLAUDE_CODE_SKIP_BEDROCK_AUTH=1`) against the gateway, which re-signs with its own
 * credentials. Checks the event stream arrives byte for byte, the beta policy and guardrail
 * headers apply, application-inference-profile ARNs are resolved once, and Bedrock's own errors
 * come back unchanged.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AnthropicBedrock } from '@anthropic-ai/bedrock-sdk';
import Anthropic from '@anthropic-ai/sdk';
import { startGatewayHarness, type GatewayHarness } from '../helpers/gateway-harness.js';

const SONNET = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const APP_PROFILE = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/emuappsonnet';
const GATEWAY_KEY = 'passthrough-test-gateway-key-0123456789';

function bedrockClient(harness: GatewayHarness, key: string | undefined = GATEWAY_KEY): AnthropicBedrock {
  return new AnthropicBedrock({
    baseURL: harness.url,
    awsRegion: 'us-east-1',
    skipAuth: true,
    apiKey: null,
    maxRetries: 0,
    ...(key ? { defaultHeaders: { 'x-api-key': key } } : {}),
  });
}

describe('Bedrock passthrough', () => {
  let harness: GatewayHarness;
  const upstreamStreams: Uint8Array[] = [];

  before(async () => {
    // Upstream transport that keeps a copy of every event stream Bedrock (the emulator) sent.
    const recordingFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (!response.headers.get('content-type')?.includes('vnd.amazon.eventstream') || !response.body) return response;
      const [forGateway, forTest] = response.body.tee();
      void new Response(forTest).arrayBuffer().then((bytes) => upstreamStreams.push(new Uint8Array(bytes)));
      return new Response(forGateway, { status: response.status, headers: response.headers });
    };
    harness = await startGatewayHarness({
      scenario: {
        latency: { firstByteMs: 0, perChunkMs: 2 },
        faults: [{ match: { operation: 'invoke', model: 'anthropic.claude-3-7-sonnet-20250219-v1:0' }, error: { status: 400, name: 'ValidationException', message: 'messages.0: upstream says no' } }],
      },
      plan: {
        serviceTier: 'flex',
        customHeaders: [
          { name: 'X-Amzn-Bedrock-GuardrailIdentifier', value: 'emulatorguard', role: 'guardrail' },
          { name: 'X-Amzn-Bedrock-GuardrailVersion', value: '1', role: 'guardrail' },
        ],
      },
      gateway: { apiKey: GATEWAY_KEY, fetch: recordingFetch },
    });
  });

  after(() => harness.close());

  test('InvokeModel through the gateway, re-signed with the gateway credentials and knobs', async () => {
    const message = await bedrockClient(harness).messages.create({ model: SONNET, max_tokens: 50, messages: [{ role: 'user', content: 'passthrough hello' }] });
    assert.deepEqual(message.content, [{ type: 'text', text: 'You said: passthrough hello' }]);
    const sent = harness.emulator.state.received.at(-1)!;
    assert.equal(sent.path, `/model/${SONNET}/invoke`);
    assert.equal(sent.auth?.['kind'], 'sigv4', 'the client sent no credentials; the gateway signed');
    assert.equal(sent.headers['x-amzn-bedrock-service-tier'], 'flex');
    assert.equal(sent.headers['x-amzn-bedrock-guardrailidentifier'], 'emulatorguard');
    assert.equal(sent.headers['x-api-key'], undefined, 'the gateway key never goes upstream');
  });

  test('the event stream arrives byte for byte with the event-stream content type', async () => {
    upstreamStreams.length = 0;
    const response = await fetch(`${harness.url}/model/${SONNET}/invoke-with-response-stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-api-key': GATEWAY_KEY },
      body: JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 50, messages: [{ role: 'user', content: 'bytes please' }] }),
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/vnd.amazon.eventstream');
    const received = new Uint8Array(await response.arrayBuffer());
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(upstreamStreams.length, 1);
    assert.ok(received.byteLength > 200);
    assert.deepEqual(Buffer.from(received), Buffer.from(upstreamStreams[0]!));
  });

  test('the Bedrock SDK streams through the gateway', async () => {
    const stream = bedrockClient(harness).messages.stream({ model: SONNET, max_tokens: 50, messages: [{ role: 'user', content: 'stream via passthrough' }] });
    const final = await stream.finalMessage();
    assert.deepEqual(final.content, [{ type: 'text', text: 'You said: stream via passthrough' }]);
  });

  test('betas in body and header are filtered, renamed and logged instead of reaching Bedrock', async () => {
    await bedrockClient(harness).messages.create(
      { model: SONNET, max_tokens: 20, messages: [{ role: 'user', content: 'betas' }] },
      { headers: { 'anthropic-beta': 'interleaved-thinking-2025-05-14,claude-code-20250219,advanced-tool-use-2025-11-20,no-such-beta-2030-01-01' } },
    );
    const sent = harness.emulator.state.received.at(-1)!;
    assert.deepEqual((sent.body as Record<string, unknown>)['anthropic_beta'], ['interleaved-thinking-2025-05-14', 'tool-search-tool-2025-10-19']);
    assert.equal(sent.headers['anthropic-beta'], 'interleaved-thinking-2025-05-14,tool-search-tool-2025-10-19');
    const line = JSON.parse(harness.logs.at(-1)!) as { betasDropped: string[]; betasRenamed: string[] };
    assert.deepEqual(line.betasRenamed, ['advanced-tool-use-2025-11-20 -> tool-search-tool-2025-10-19']);
    assert.ok(line.betasDropped.some((entry) => entry.startsWith('no-such-beta-2030-01-01')));
    assert.ok(line.betasDropped.some((entry) => entry.startsWith('claude-code-20250219')));
  });

  test('a body the gateway does not need to change is forwarded as received', async () => {
    const body = '{"anthropic_version":"bedrock-2023-05-31",  "max_tokens": 20, "messages":[{"role":"user","content":"as is"}]}';
    const response = await fetch(`${harness.url}/model/${SONNET}/invoke`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': GATEWAY_KEY }, body });
    assert.equal(response.status, 200);
    assert.deepEqual(harness.emulator.state.received.at(-1)!.body, JSON.parse(body));
  });

  test('an application inference profile is resolved once to its backing model for beta decisions', async () => {
    const before = harness.emulator.state.received.filter((entry) => entry.operation === 'get-inference-profile').length;
    for (let i = 0; i < 2; i++) {
      await bedrockClient(harness).messages.create(
        { model: APP_PROFILE, max_tokens: 20, messages: [{ role: 'user', content: 'app profile' }] },
        { headers: { 'anthropic-beta': 'context-1m-2025-08-07' } },
      );
    }
    const lookups = harness.emulator.state.received.filter((entry) => entry.operation === 'get-inference-profile').length - before;
    assert.equal(lookups, 1, 'GetInferenceProfile is cached');
    const sent = harness.emulator.state.received.at(-1)!;
    // Sonnet 4.5 behind the ARN takes the context-1m beta on Bedrock, so it is kept.
    assert.deepEqual((sent.body as Record<string, unknown>)['anthropic_beta'], ['context-1m-2025-08-07']);
    const line = JSON.parse(harness.logs.at(-1)!) as { backingModel: string; betasDropped?: string[] };
    assert.equal(line.backingModel, 'anthropic.claude-sonnet-4-5-20250929-v1:0');
    assert.deepEqual(line.betasDropped ?? [], []);
  });

  test('count_tokens for an application profile counts on the backing base model (Anthropic surface)', async () => {
    const sdk = new Anthropic({ baseURL: harness.url, apiKey: GATEWAY_KEY, maxRetries: 0 });
    const counted = await sdk.messages.countTokens({ model: APP_PROFILE, messages: [{ role: 'user', content: 'count' }] });
    assert.ok(counted.input_tokens > 0);
    assert.equal(harness.emulator.state.received.at(-1)!.path, '/model/anthropic.claude-sonnet-4-5-20250929-v1:0/count-tokens');
  });

  test('a client cannot replace the configured guardrail', async () => {
    await bedrockClient(harness).messages.create(
      { model: SONNET, max_tokens: 20, messages: [{ role: 'user', content: 'guard' }] },
      { headers: { 'X-Amzn-Bedrock-GuardrailIdentifier': 'someotherguard', 'X-Amzn-Bedrock-GuardrailVersion': 'DRAFT' } },
    );
    const sent = harness.emulator.state.received.at(-1)!;
    assert.equal(sent.headers['x-amzn-bedrock-guardrailidentifier'], 'emulatorguard');
    assert.equal(sent.headers['x-amzn-bedrock-guardrailversion'], '1');
  });

  test("Bedrock's own error comes back unchanged, in Bedrock's shape", async () => {
    const response = await fetch(`${harness.url}/model/us.anthropic.claude-3-7-sonnet-20250219-v1:0/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': GATEWAY_KEY },
      body: JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }),
    });
    assert.equal(response.status, 400);
    assert.match(response.headers.get('x-amzn-errortype') ?? '', /^ValidationException/);
    assert.deepEqual(await response.json(), { message: 'messages.0: upstream says no' });
  });

  test('the inference-profile reads Claude Code makes at start-up are served', async () => {
    const list = await fetch(`${harness.url}/inference-profiles?type=SYSTEM_DEFINED`, { headers: { 'x-api-key': GATEWAY_KEY } });
    assert.equal(list.status, 200);
    const summaries = ((await list.json()) as { inferenceProfileSummaries: { inferenceProfileId: string }[] }).inferenceProfileSummaries;
    assert.ok(summaries.some((summary) => summary.inferenceProfileId === SONNET));
    const one = await fetch(`${harness.url}/inference-profiles/${encodeURIComponent(APP_PROFILE)}`, { headers: { 'x-api-key': GATEWAY_KEY } });
    assert.equal(one.status, 200);
    assert.equal(((await one.json()) as { inferenceProfileArn: string }).inferenceProfileArn, APP_PROFILE);
  });

  test('without the gateway key the passthrough answers AccessDeniedException', async () => {
    const response = await fetch(`${harness.url}/model/${SONNET}/invoke`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(response.status, 403);
    assert.match(response.headers.get('x-amzn-errortype') ?? '', /^AccessDeniedException/);
    assert.match(((await response.json()) as { message: string }).message, /gateway key/);
  });
});
