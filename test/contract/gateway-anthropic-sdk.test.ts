/**
 * The official Anthropic SDK against `createGateway` on a loopback port, in front of the Bedrock
 * emulator: non-streaming, streaming, tool use, token counting, the model list, and one error of
 * each class the SDK distinguishes. Credentials and the gateway key are planted secrets; no log
 * line, response or error may contain them.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic, {
  APIError,
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
} from '@anthropic-ai/sdk';
import type { RequestAuth } from '../../src/core/auth-types.js';
import { startGatewayHarness, type GatewayHarness } from '../helpers/gateway-harness.js';
import { PLANTED, assertNoSecrets } from '../helpers/secrets.js';

const PLANTED_KEYS: RequestAuth = {
  kind: 'sigv4',
  credentials: { accessKeyId: PLANTED.accessKeyId, secretAccessKey: PLANTED.secretAccessKey, sessionToken: PLANTED.sessionToken },
};
const SONNET = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';

function client(harness: GatewayHarness, apiKey: string = PLANTED.gatewayKey): Anthropic {
  return new Anthropic({ baseURL: harness.url, apiKey, maxRetries: 0 });
}

async function caught(promise: Promise<unknown>): Promise<APIError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof APIError, `expected an APIError, got ${String(error)}`);
    return error;
  }
  assert.fail('the call succeeded');
}

describe('Anthropic SDK -> gateway -> Bedrock emulator', () => {
  let harness: GatewayHarness;
  const seen: string[] = [];

  before(async () => {
    harness = await startGatewayHarness({
      scenario: {
        credentials: [{ accessKeyId: PLANTED.accessKeyId, secretAccessKey: PLANTED.secretAccessKey, sessionToken: PLANTED.sessionToken }],
        access: { granted: ['*'], denied: ['anthropic.claude-opus-4-1-20250805-v1:0'], marketplaceDenied: [], mantleDenied: [], reservedTier: false },
        replies: [
          {
            match: { contains: 'weather', toolResult: false },
            content: [
              { type: 'text', text: 'Let me check.' },
              { type: 'tool_use', name: 'get_weather', input: { city: 'Paris' } },
            ],
            stopReason: 'tool_use',
          },
        ],
        faults: [
          { match: { operation: 'invoke', model: 'anthropic.claude-haiku-4-5-20251001-v1:0' }, error: { status: 429, name: 'ThrottlingException', message: 'Too many requests, please wait before trying again.', retryAfterSeconds: 2 } },
          { match: { operation: 'invoke', model: 'anthropic.claude-3-7-sonnet-20250219-v1:0' }, error: { status: 500, name: 'InternalServerException', message: `internal failure near ${PLANTED.sessionToken}` } },
          { match: { operation: 'invoke', model: 'anthropic.claude-opus-4-5-20251101-v1:0' }, error: { status: 503, name: 'ServiceUnavailableException', message: 'Bedrock is unavailable.' } },
          { match: { operation: 'invoke', model: 'anthropic.claude-sonnet-4-20250514-v1:0' }, delayMs: 3_000 },
        ],
      },
      plan: { availableModels: ['claude-sonnet-4-5', 'claude-haiku-4-5', 'claude-opus-4-5', 'claude-opus-4-1', 'claude-3-7-sonnet', 'claude-sonnet-4', 'claude-opus-4-7'] },
      auth: [PLANTED_KEYS],
      gateway: { apiKey: PLANTED.gatewayKey, maxBodyBytes: 64 * 1024, timeoutMs: 500 },
    });
  });

  after(async () => {
    await harness.close();
    for (const line of harness.logs) assertNoSecrets(line, 'gateway log');
    for (const text of seen) assertNoSecrets(text, 'client-visible error');
  });

  test('a non-streaming message comes back as the Messages API object', async () => {
    const message = await client(harness).messages.create({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hello gateway' }] });
    assert.equal(message.type, 'message');
    assert.equal(message.role, 'assistant');
    assert.deepEqual(message.content, [{ type: 'text', text: 'You said: hello gateway' }]);
    assert.equal(message.stop_reason, 'end_turn');
    assert.ok(message.usage.input_tokens > 0);
    const sent = harness.emulator.state.received.at(-1)!;
    assert.equal(sent.path, `/model/${SONNET}/invoke`);
    const body = sent.body as Record<string, unknown>;
    assert.equal(body['anthropic_version'], 'bedrock-2023-05-31');
    assert.equal('model' in body, false);
    assert.equal(sent.auth?.['kind'], 'sigv4');
  });

  test('a stream arrives as SSE events and accumulates into the same message', async () => {
    const stream = client(harness).messages.stream({ model: 'sonnet', max_tokens: 100, messages: [{ role: 'user', content: 'stream to me' }] });
    const types: string[] = [];
    let text = '';
    stream.on('text', (delta) => (text += delta));
    for await (const event of stream) types.push(event.type);
    const final = await stream.finalMessage();
    assert.equal(types[0], 'message_start');
    assert.equal(types.at(-1), 'message_stop');
    assert.ok(types.filter((t) => t === 'content_block_delta').length >= 2, 'several deltas, not one buffered blob');
    assert.equal(text, 'You said: stream to me');
    assert.deepEqual(final.content, [{ type: 'text', text: 'You said: stream to me' }]);
    assert.equal(harness.emulator.state.received.at(-1)!.operation, 'invoke-stream');
  });

  test('tool use round-trips: tool_use out, tool_result back in', async () => {
    const tools = [{ name: 'get_weather', description: 'Weather for a city', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } } } }];
    const sdk = client(harness);
    const first = await sdk.messages.create({ model: 'sonnet', max_tokens: 200, tools, messages: [{ role: 'user', content: 'what is the weather in Paris?' }] });
    assert.equal(first.stop_reason, 'tool_use');
    const toolUse = first.content.find((block) => block.type === 'tool_use');
    assert.ok(toolUse && toolUse.type === 'tool_use');
    assert.deepEqual(toolUse.input, { city: 'Paris' });
    assert.match(toolUse.id, /^toolu_bdrk_/);
    const second = await sdk.messages.create({
      model: 'sonnet',
      max_tokens: 200,
      tools,
      messages: [
        { role: 'user', content: 'what is the weather in Paris?' },
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: 'sunny, 21 C' }] },
      ],
    });
    assert.deepEqual(second.content, [{ type: 'text', text: 'Tool result received: sunny, 21 C' }]);
    // Streaming tool use reassembles the input JSON from input_json_delta events.
    const streamed = await sdk.messages.stream({ model: 'sonnet', max_tokens: 200, tools, messages: [{ role: 'user', content: 'weather in Paris please' }] }).finalMessage();
    assert.deepEqual(streamed.content.find((block) => block.type === 'tool_use')?.input, { city: 'Paris' });
  });

  test('each anthropic-beta header gets its own decision for the same model, however often it repeats', async () => {
    const sentBetas = async (header: string | undefined): Promise<unknown> => {
      await client(harness).messages.create(
        { model: 'claude-sonnet-4-5', max_tokens: 20, messages: [{ role: 'user', content: 'which betas' }] },
        header ? { headers: { 'anthropic-beta': header } } : {},
      );
      return (harness.emulator.state.received.at(-1)!.body as Record<string, unknown>)['anthropic_beta'];
    };
    for (let round = 0; round < 2; round++) {
      assert.deepEqual(await sentBetas('interleaved-thinking-2025-05-14'), ['interleaved-thinking-2025-05-14']);
      assert.equal(await sentBetas('no-such-beta-2030-01-01'), undefined);
      const dropped = JSON.parse(harness.logs.at(-1)!) as { betasDropped?: string[] };
      assert.ok(dropped.betasDropped?.[0]?.startsWith('no-such-beta-2030-01-01'), `round ${round}: the drop is logged every time`);
      assert.equal(await sentBetas(undefined), undefined);
      assert.equal((JSON.parse(harness.logs.at(-1)!) as { betasDropped?: unknown }).betasDropped, undefined);
    }
  });

  test('count_tokens uses Bedrock CountTokens on the base model ID', async () => {
    const counted = await client(harness).messages.countTokens({ model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'count these tokens please' }] });
    assert.ok(counted.input_tokens > 0);
    const sent = harness.emulator.state.received.at(-1)!;
    assert.equal(sent.operation, 'count-tokens');
    assert.equal(sent.path, '/model/anthropic.claude-haiku-4-5-20251001-v1:0/count-tokens');
  });

  test('the Mantle passthrough (/anthropic/v1/messages) refuses a model this plan sends to the Invoke API', async () => {
    const viaMantlePath = new Anthropic({ baseURL: `${harness.url}/anthropic`, apiKey: PLANTED.gatewayKey, maxRetries: 0 });
    const before = harness.emulator.state.received.length;
    const error = await viaMantlePath.messages.create({ model: 'claude-haiku-4-5', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] }).then(
      () => assert.fail('expected a 400'),
      (thrown: unknown) => thrown as InstanceType<typeof Anthropic.APIError>,
    );
    assert.equal(error.status, 400);
    assert.match(error.message, /goes to the Invoke API on this gateway, and \/anthropic\/… serves Bedrock Mantle only/);
    assert.match(error.message, /CLAUDE_CODE_USE_MANTLE=1/);
    assert.equal(harness.emulator.state.received.length, before, 'nothing was sent upstream');
  });

  test('count_tokens counts tools whose definitions carry fields CountTokens refuses (eager_input_streaming)', async () => {
    const messages = [{ role: 'user' as const, content: 'count with tools' }];
    const tool = { name: 'get_weather', description: 'Current weather for a city', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } } } };
    const bare = await client(harness).messages.countTokens({ model: 'claude-haiku-4-5', messages });
    const withTools = await client(harness).messages.countTokens({ model: 'claude-haiku-4-5', messages, tools: [{ ...tool, eager_input_streaming: true } as typeof tool] });
    assert.ok(withTools.input_tokens > bare.input_tokens, `${withTools.input_tokens} > ${bare.input_tokens}: the tool is counted`);
    const sent = harness.emulator.state.received.at(-1)!;
    const inner = JSON.parse(Buffer.from((sent.body as { input: { invokeModel: { body: string } } }).input.invokeModel.body, 'base64').toString('utf8')) as { tools: Record<string, unknown>[] };
    assert.deepEqual(inner.tools, [tool]);
  });

  test('the model list comes from ListInferenceProfiles and honours availableModels', async () => {
    const ids: string[] = [];
    for await (const model of client(harness).models.list({ limit: 3 })) ids.push(model.id);
    assert.ok(ids.includes('claude-sonnet-4-5-20250929'), ids.join(','));
    assert.ok(ids.includes('claude-haiku-4-5-20251001'));
    assert.ok(!ids.includes('claude-opus-4-8'), 'opus 4.8 is not in availableModels');
    assert.equal(new Set(ids).size, ids.length, 'pagination returns each model once');
    const one = await client(harness).models.retrieve('claude-sonnet-4-5-20250929');
    assert.equal(one.display_name, 'Claude Sonnet 4.5');
  });

  test('400 invalid_request_error: a parameter of the wrong type', async () => {
    const error = await caught(client(harness).messages.create({ model: 'sonnet', max_tokens: 'many' as unknown as number, messages: [{ role: 'user', content: 'x' }] }));
    assert.ok(error instanceof BadRequestError);
    assert.equal(error.type, 'invalid_request_error');
    assert.match(error.message, /max_tokens/);
    seen.push(error.message);
  });

  test('401 authentication_error: a wrong gateway key', async () => {
    const error = await caught(client(harness, 'not-the-key').messages.create({ model: 'sonnet', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }));
    assert.ok(error instanceof AuthenticationError);
    assert.equal(error.type, 'authentication_error');
    seen.push(error.message);
  });

  test('403 permission_error: a model availableModels does not allow, and one the account lacks', async () => {
    const blocked = await caught(client(harness).messages.create({ model: 'claude-opus-4-8', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }));
    assert.ok(blocked instanceof PermissionDeniedError);
    assert.match(blocked.message, /availableModels/);
    const denied = await caught(client(harness).messages.create({ model: 'claude-opus-4-1', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }));
    assert.ok(denied instanceof PermissionDeniedError);
    assert.match(denied.message, /grant access|Model access/i);
    seen.push(blocked.message, denied.message);
  });

  test('404 not_found_error: a model name nobody knows', async () => {
    const error = await caught(client(harness).messages.create({ model: 'claude-imaginary-9', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }));
    assert.ok(error instanceof NotFoundError);
    assert.equal(error.type, 'not_found_error');
    seen.push(error.message);
  });

  test('413 request_too_large: a body over the limit', async () => {
    const error = await caught(client(harness).messages.create({ model: 'sonnet', max_tokens: 5, messages: [{ role: 'user', content: 'x'.repeat(100_000) }] }));
    assert.equal(error.status, 413);
    assert.equal((error.error as { error?: { type?: string } }).error?.type, 'request_too_large');
    seen.push(error.message);
  });

  test('429 rate_limit_error with the upstream Retry-After', async () => {
    const error = await caught(client(harness).messages.create({ model: 'haiku', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }));
    assert.ok(error instanceof RateLimitError);
    assert.equal(error.headers?.get('retry-after'), '2');
    seen.push(error.message);
  });

  test('500 api_error, without the secret the upstream message echoed', async () => {
    const error = await caught(client(harness).messages.create({ model: 'claude-3-7-sonnet', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }));
    assert.ok(error instanceof InternalServerError);
    assert.equal(error.status, 500);
    assert.equal(error.type, 'api_error');
    assert.match(error.message, /internal failure near <redacted>/);
    seen.push(error.message, JSON.stringify(error.error));
  });

  test('529 overloaded_error when Bedrock is unavailable', async () => {
    const error = await caught(client(harness).messages.create({ model: 'claude-opus-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }));
    assert.ok(error instanceof InternalServerError);
    assert.equal(error.status, 529);
    assert.equal(error.type, 'overloaded_error');
    seen.push(error.message);
  });

  test('504 timeout_error when Bedrock does not answer in time', async () => {
    const error = await caught(client(harness).messages.create({ model: 'claude-sonnet-4', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }));
    assert.equal(error.status, 504);
    assert.equal(error.type, 'timeout_error');
    seen.push(error.message);
  });

  test('one log line per request, naming the model and never the prompt', () => {
    const lines = harness.logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line['event'] === 'request');
    assert.ok(lines.length >= 12);
    for (const line of lines) {
      assert.equal(typeof line['id'], 'string');
      assert.equal(typeof line['status'], 'number');
      assert.doesNotMatch(JSON.stringify(line), /hello gateway|stream to me|count these tokens/);
    }
    const first = lines.find((line) => line['model'] === 'claude-sonnet-4-5')!;
    assert.equal(first['upstreamModel'], SONNET);
    assert.equal(first['inputTokens'] !== undefined, true);
  });
});

describe('Anthropic SDK -> gateway -> Bedrock Mantle (emulator)', () => {
  let harness: GatewayHarness;
  before(async () => {
    harness = await startGatewayHarness({ plan: { endpoint: 'mantle' } });
  });
  after(() => harness.close());

  test('aliases resolve to Mantle IDs; JSON, SSE and count_tokens pass through from Mantle', async () => {
    const sdk = new Anthropic({ baseURL: harness.url, apiKey: 'unused', maxRetries: 0 });
    const message = await sdk.messages.create({ model: 'opus', max_tokens: 50, messages: [{ role: 'user', content: 'hello mantle' }] });
    assert.deepEqual(message.content, [{ type: 'text', text: 'You said: hello mantle' }]);
    const sent = harness.emulator.state.received.at(-1)!;
    assert.equal(sent.operation, 'mantle-messages');
    assert.equal((sent.body as Record<string, unknown>)['model'], 'anthropic.claude-opus-4-7');
    assert.equal(sent.auth?.['kind'], 'sigv4');
    const streamed = await sdk.messages.stream({ model: 'claude-haiku-4-5', max_tokens: 50, messages: [{ role: 'user', content: 'stream mantle' }] }).finalMessage();
    assert.deepEqual(streamed.content, [{ type: 'text', text: 'You said: stream mantle' }]);
    const counted = await sdk.messages.countTokens({ model: 'opus', messages: [{ role: 'user', content: 'count on mantle' }] });
    assert.ok(counted.input_tokens > 0);
    assert.equal(harness.emulator.state.received.at(-1)!.operation, 'mantle-count-tokens');


    // Mantle's answers pass through unparsed, yet their tokens are counted like Invoke's.
    const lines = harness.logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line['route'] === 'messages');
    const [json, sse] = lines;
    assert.equal(json?.['stream'], false);
    assert.equal(sse?.['stream'], true);
    for (const line of [json!, sse!]) {
      assert.equal(typeof line['inputTokens'], 'number', JSON.stringify(line));
      assert.ok((line['outputTokens'] as number) > 0, JSON.stringify(line));
    }
    const total = (direction: string): number => Number(new RegExp(`^cc_bedrock_gateway_tokens_total\\{direction="${direction}"\\} (\\d+)$`, 'm').exec(harness.gateway.metricsText())?.[1]);
    assert.equal(total('input'), (json!['inputTokens'] as number) + (sse!['inputTokens'] as number));
    assert.equal(total('output'), (json!['outputTokens'] as number) + (sse!['outputTokens'] as number));

    // The Mantle-native paths (where Claude Code posts with ANTHROPIC_BEDROCK_MANTLE_BASE_URL) serve the same.
    const native = new Anthropic({ baseURL: `${harness.url}/anthropic`, apiKey: 'unused', maxRetries: 0 });
    const viaNative = await native.messages.create({ model: 'anthropic.claude-opus-4-7', max_tokens: 50, messages: [{ role: 'user', content: 'native path' }] });
    assert.deepEqual(viaNative.content, [{ type: 'text', text: 'You said: native path' }]);
    assert.equal(harness.emulator.state.received.at(-1)!.operation, 'mantle-messages');
    assert.ok((await native.messages.countTokens({ model: 'anthropic.claude-opus-4-7', messages: [{ role: 'user', content: 'n' }] })).input_tokens > 0);
  });
});
