/**
 * The Messages client against the emulator: the wire facts Claude Code produces (paths, body
 * fields, headers, auth) and the Anthropic-shaped results.
 */
import { describe, test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from '../../src/client/index.js';
import type { ReceivedRequest } from '../../src/emulator/index.js';
import { EMULATOR_BEARER, EMULATOR_KEYS, ScriptedAuthProvider, testPlan, startEmulator, type Harness } from './client-harness.js';

const GUARDRAIL_HEADERS = [
  { name: 'X-Amzn-Bedrock-GuardrailIdentifier', value: 'gr1example', role: 'guardrail' as const },
  { name: 'X-Amzn-Bedrock-GuardrailVersion', value: '1', role: 'guardrail' as const },
  { name: 'X-Team', value: 'platform', role: 'custom' as const },
];

function only(harness: Harness, operation: string): ReceivedRequest[] {
  return harness.emulator.state.received.filter((entry) => entry.operation === operation);
}

function body(entry: ReceivedRequest): Record<string, unknown> {
  return entry.body as Record<string, unknown>;
}

describe('messages on the Invoke API', () => {
  let harness: Harness;
  before(async () => {
    harness = await startEmulator({ guardrails: [{ id: 'gr1example', versions: ['1'], blockedTerms: ['forbidden'] }] });
  });
  after(async () => harness.close());

  const client = (extra: Partial<Parameters<typeof testPlan>[0]> = {}, auth = new ScriptedAuthProvider([EMULATOR_KEYS])) =>
    createClient({ plan: testPlan({ url: harness.url, ...extra }), auth: { bedrock: auth, mantle: auth } });

  test('create returns the Anthropic message and sends Claude Code’s Invoke body', async () => {
    harness.emulator.state.reset();
    const message = await client({ betas: ['context-1m-2025-08-07'] }).messages.create({
      max_tokens: 64,
      messages: [{ role: 'user', content: 'hello there' }],
      betas: ['interleaved-thinking-2025-05-14'],
    });
    assert.equal(message.type, 'message');
    assert.equal(message.role, 'assistant');
    assert.match(message.id, /^msg_bdrk_/);
    assert.ok(message.content.some((block) => block.type === 'text' && block.text.includes('hello there')));

    const [request] = only(harness, 'invoke');
    assert.ok(request);
    assert.equal(request.path, '/model/us.anthropic.claude-sonnet-4-5-20250929-v1:0/invoke');
    const sent = body(request);
    assert.equal(sent['anthropic_version'], 'bedrock-2023-05-31');
    assert.deepEqual(sent['anthropic_beta'], ['context-1m-2025-08-07', 'interleaved-thinking-2025-05-14']);
    assert.equal('model' in sent, false);
    assert.equal('stream' in sent, false);
    assert.equal(request.auth?.['kind'], 'sigv4');
    assert.equal(request.auth?.['service'], 'bedrock');
    assert.equal(request.auth?.['region'], 'us-east-1');
  });

  test('ANTHROPIC_BETAS values go into the Invoke body anthropic_beta, after the model betas (as Claude Code sends them)', async () => {
    harness.emulator.state.reset();
    const env = { get: (name: string) => (name === 'ANTHROPIC_BETAS' ? { value: 'fine-grained-tool-streaming-2025-05-14, context-1m-2025-08-07,', source: 'shell env' } : undefined) };
    const c = createClient({ plan: testPlan({ url: harness.url, betas: ['context-1m-2025-08-07'] }), auth: { bedrock: new ScriptedAuthProvider([EMULATOR_KEYS]), mantle: new ScriptedAuthProvider([EMULATOR_KEYS]) }, env });
    await c.messages.create({ max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });
    const [request] = only(harness, 'invoke');
    assert.deepEqual(body(request!)['anthropic_beta'], ['context-1m-2025-08-07', 'fine-grained-tool-streaming-2025-05-14']);
  });

  test('stream delivers the events in order and the final message', async () => {
    harness.emulator.state.reset();
    const stream = client().messages.stream({ max_tokens: 64, messages: [{ role: 'user', content: 'stream this please' }] });
    const texts: string[] = [];
    stream.on('text', (delta) => texts.push(delta));
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    const final = await stream.finalMessage();
    assert.equal(types[0], 'message_start');
    assert.equal(types.at(-1), 'message_stop');
    assert.equal(types.at(-2), 'message_delta');
    assert.ok(types.includes('content_block_delta'));
    assert.deepEqual(
      types.filter((type) => type.startsWith('content_block')).slice(0, 1),
      ['content_block_start'],
    );
    const text = final.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
    assert.equal(texts.join(''), text);
    assert.ok(text.includes('stream this please'));
    assert.equal(final.stop_reason, 'end_turn');
    assert.equal(await stream.finalText(), text);
    assert.equal(stream.usedNonStreamingFallback, false);

    const requests = harness.emulator.state.received;
    assert.equal(requests.length, 1);
    assert.equal(requests[0]!.operation, 'invoke-stream');
    assert.equal(requests[0]!.path, '/model/us.anthropic.claude-sonnet-4-5-20250929-v1:0/invoke-with-response-stream');
  });

  test('service tier goes on Bedrock calls; custom and guardrail headers on every model call', async () => {
    harness.emulator.state.reset();
    const c = client({ serviceTier: 'priority', customHeaders: GUARDRAIL_HEADERS });
    await c.messages.create({ max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] });
    await c.messages.stream({ max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }).finalMessage();
    const requests = harness.emulator.state.received;
    assert.equal(requests.length, 2);
    for (const request of requests) {
      assert.equal(request.headers['x-amzn-bedrock-service-tier'], 'priority');
      assert.equal(request.headers['x-amzn-bedrock-guardrailidentifier'], 'gr1example');
      assert.equal(request.headers['x-amzn-bedrock-guardrailversion'], '1');
      assert.equal(request.headers['x-team'], 'platform');
      const signed = String(request.auth?.['signedHeaders'] ?? '');
      assert.match(signed, /x-amzn-bedrock-guardrailidentifier/);
      assert.match(signed, /x-team/);
    }
  });

  test('a custom Authorization header is dropped when the request is signed', async () => {
    harness.emulator.state.reset();
    await client({ customHeaders: [{ name: 'Authorization', value: 'Basic dXNlcjpwYXNz', role: 'custom' }] }).messages.create({
      max_tokens: 8,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const [request] = harness.emulator.state.received;
    assert.equal(request?.status, 200);
    assert.equal(request?.auth?.['kind'], 'sigv4');
  });

  test('a Bedrock API key is sent as Authorization: Bearer, without SigV4', async () => {
    harness.emulator.state.reset();
    const auth = new ScriptedAuthProvider([EMULATOR_BEARER]);
    await client({}, auth).messages.create({ max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });
    const [request] = harness.emulator.state.received;
    assert.equal(request?.status, 200);
    assert.equal(request?.auth?.['kind'], 'bearer');
    assert.equal(request?.headers['x-amz-date'], undefined);
    assert.equal(request?.headers['x-amz-content-sha256'], undefined);
  });

  test('count tokens goes to the base model ID with the base64 Invoke body', async () => {
    harness.emulator.state.reset();
    const counted = await client({ serviceTier: 'flex' }).messages.countTokens({
      messages: [{ role: 'user', content: 'count these words please' }],
      system: 'be brief',
    });
    assert.equal(typeof counted.input_tokens, 'number');
    assert.ok(counted.input_tokens > 0);
    const [request] = only(harness, 'count-tokens');
    assert.ok(request);
    assert.equal(request.path, '/model/anthropic.claude-sonnet-4-5-20250929-v1:0/count-tokens');
    assert.equal(request.headers['x-amzn-bedrock-service-tier'], undefined);
    const outer = body(request) as { input: { invokeModel: { body: string } } };
    const inner = JSON.parse(Buffer.from(outer.input.invokeModel.body, 'base64').toString('utf8')) as Record<string, unknown>;
    assert.equal(inner['anthropic_version'], 'bedrock-2023-05-31');
    assert.equal(inner['system'], 'be brief');
    assert.equal('model' in inner, false);
  });

  test('model names resolve through the catalog: aliases and [1m]', async () => {
    harness.emulator.state.reset();
    const c = client();
    assert.equal(c.resolveTarget().modelId, 'us.anthropic.claude-sonnet-4-5-20250929-v1:0');
    const target = c.resolveTarget('claude-opus-4-6[1m]');
    assert.equal(target.modelId, 'us.anthropic.claude-opus-4-6-v1');
    assert.ok(target.betas.includes('context-1m-2025-08-07'));
    await c.messages.create({ model: 'claude-opus-4-6[1m]', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });
    const [request] = harness.emulator.state.received;
    assert.equal(request?.path, '/model/us.anthropic.claude-opus-4-6-v1/invoke');
    assert.deepEqual(body(request!)['anthropic_beta'], ['context-1m-2025-08-07']);
    assert.equal(c.resolveTarget('opus').modelId, 'us.anthropic.claude-opus-4-6-v1');
  });
});

describe('messages on Mantle', () => {
  let harness: Harness;
  before(async () => {
    harness = await startEmulator();
  });
  after(async () => harness.close());

  test('create and stream use /v1/messages?beta=true, body.model and SigV4 service bedrock-mantle, never a service tier', async () => {
    harness.emulator.state.reset();
    const auth = new ScriptedAuthProvider([EMULATOR_KEYS]);
    const c = createClient({
      plan: testPlan({ url: harness.url, endpoint: 'mantle', serviceTier: 'flex', customHeaders: GUARDRAIL_HEADERS }),
      auth: { bedrock: auth, mantle: auth },
    });
    const message = await c.messages.create({ max_tokens: 32, messages: [{ role: 'user', content: 'mantle hello' }] });
    assert.equal(message.type, 'message');
    const final = await c.messages.stream({ max_tokens: 32, messages: [{ role: 'user', content: 'mantle stream' }] }).finalMessage();
    assert.ok(final.content.some((block) => block.type === 'text' && block.text.includes('mantle stream')));
    const requests = harness.emulator.state.received;
    assert.equal(requests.length, 2);
    for (const request of requests) {
      assert.equal(request.path, '/anthropic/v1/messages');
      assert.equal(request.query, 'beta=true');
      assert.equal(body(request)['model'], 'anthropic.claude-opus-4-7');
      assert.equal('anthropic_version' in body(request), false);
      assert.equal(request.auth?.['service'], 'bedrock-mantle');
      assert.equal(request.headers['anthropic-version'], '2023-06-01');
      assert.equal(request.headers['x-amzn-bedrock-service-tier'], undefined);
      assert.equal(request.headers['x-amzn-bedrock-guardrailidentifier'], 'gr1example');
      assert.equal(request.headers['x-team'], 'platform');
    }
    assert.equal(body(requests[1]!)['stream'], true);
  });

  test('count tokens uses /v1/messages/count_tokens', async () => {
    harness.emulator.state.reset();
    const auth = new ScriptedAuthProvider([EMULATOR_BEARER]);
    const c = createClient({ plan: testPlan({ url: harness.url, endpoint: 'mantle' }), auth: { bedrock: auth, mantle: auth } });
    const counted = await c.messages.countTokens({ messages: [{ role: 'user', content: 'count me' }] });
    assert.ok(counted.input_tokens > 0);
    const [request] = harness.emulator.state.received;
    assert.equal(request?.operation, 'mantle-count-tokens');
    assert.equal(request?.auth?.['kind'], 'bearer');
  });

  test('skip-auth sends no Authorization header at all', async () => {
    const unsigned = await startEmulator({ allowUnsigned: true });
    try {
      const none = new ScriptedAuthProvider([{ kind: 'none' }]);
      for (const endpoint of ['bedrock', 'mantle'] as const) {
        const c = createClient({ plan: testPlan({ url: unsigned.url, endpoint }), auth: { bedrock: none, mantle: none } });
        await c.messages.create({ max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });
      }
      const requests = unsigned.emulator.state.received;
      assert.equal(requests.length, 2);
      for (const request of requests) {
        assert.equal(request.status, 200);
        assert.equal(request.headers['authorization'], undefined);
        assert.equal(request.auth?.['kind'], 'unsigned');
      }
    } finally {
      await unsigned.close();
    }
  });
});

describe('header policy', () => {
  test('ANTHROPIC_CUSTOM_HEADERS in the process environment does not bypass the plan', async () => {
    const harness = await startEmulator();
    const saved = process.env['ANTHROPIC_CUSTOM_HEADERS'];
    process.env['ANTHROPIC_CUSTOM_HEADERS'] = 'X-From-Shell: leaked\nAuthorization: Bearer shell-token';
    try {
      const auth = new ScriptedAuthProvider([EMULATOR_BEARER]);
      const c = createClient({ plan: testPlan({ url: harness.url }), auth: { bedrock: auth, mantle: auth } });
      await c.messages.create({ max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });
      const [request] = harness.emulator.state.received;
      assert.equal(request?.status, 200, 'the plan’s bearer token, not the shell header, authenticated the call');
      assert.equal(request?.headers['x-from-shell'], undefined);
    } finally {
      if (saved === undefined) delete process.env['ANTHROPIC_CUSTOM_HEADERS'];
      else process.env['ANTHROPIC_CUSTOM_HEADERS'] = saved;
      await harness.close();
    }
  });
});
