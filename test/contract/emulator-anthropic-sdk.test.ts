/**
 * The Anthropic Bedrock SDK against the emulator: `AnthropicBedrock` with SigV4 and with a
 * Bedrock API key, streaming and not, and `AnthropicBedrockMantle` (SigV4 service
 * `bedrock-mantle`, plain SSE, Anthropic-shaped errors). Also the in-process `fetch` transport.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AnthropicBedrock, AnthropicBedrockMantle } from '@anthropic-ai/bedrock-sdk';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { createEmulator, defaultScenario, scenarioWith, type Emulator, type RunningEmulator } from '../../src/emulator/index.js';

const scenario = defaultScenario();
const credential = scenario.credentials[0]!;
const apiKey = scenario.apiKeys[0]!.token;

function sigv4Client(baseURL: string, overrides: Record<string, unknown> = {}): AnthropicBedrock {
  return new AnthropicBedrock({
    awsRegion: 'us-east-1',
    baseURL,
    awsAccessKey: credential.accessKeyId,
    awsSecretKey: credential.secretAccessKey,
    apiKey: null,
    maxRetries: 0,
    ...overrides,
  });
}

function mantleClient(baseURL: string, overrides: Record<string, unknown> = {}): AnthropicBedrockMantle {
  return new AnthropicBedrockMantle({
    awsRegion: 'us-east-1',
    baseURL,
    awsAccessKey: credential.accessKeyId,
    awsSecretAccessKey: credential.secretAccessKey,
    maxRetries: 0,
    ...overrides,
  } as ConstructorParameters<typeof AnthropicBedrockMantle>[0]);
}

async function rejection(promise: Promise<unknown>): Promise<Error & { status?: number; error?: unknown }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  assert.fail('expected the call to fail');
}

/** A short-term Bedrock API key minted the way @aws/bedrock-token-generator does (wire §4.2). */
async function shortTermKey(now: Date, secret = credential.secretAccessKey): Promise<string> {
  const signer = new SignatureV4({
    credentials: { accessKeyId: credential.accessKeyId, secretAccessKey: secret },
    region: 'us-east-1',
    service: 'bedrock',
    sha256: Hash.bind(null, 'sha256'),
  });
  const presigned = await signer.presign(
    new HttpRequest({
      method: 'POST',
      protocol: 'https:',
      hostname: 'bedrock.amazonaws.com',
      path: '/',
      headers: { host: 'bedrock.amazonaws.com' },
      query: { Action: 'CallWithBearerToken' },
    }),
    { signingDate: now, expiresIn: 43200 },
  );
  const query = Object.entries(presigned.query ?? {})
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
  return `bedrock-api-key-${Buffer.from(`bedrock.amazonaws.com/?${query}&Version=1`).toString('base64')}`;
}

describe('AnthropicBedrock against the emulator', () => {
  let emulator: Emulator;
  let server: RunningEmulator;
  before(async () => {
    emulator = createEmulator();
    server = await emulator.listen();
  });
  after(() => server.close());

  test('SigV4, non-streaming: the reply echoes the prompt', async () => {
    const client = sigv4Client(server.url);
    const message = await client.messages.create({
      model: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'hello from the anthropic sdk' }],
    });
    assert.equal(message.content.length, 1);
    assert.equal(message.content[0]?.type === 'text' ? message.content[0].text : '', 'You said: hello from the anthropic sdk');
    assert.match(message.id, /^msg_bdrk_01/);
    assert.equal(message.model, 'claude-haiku-4-5-20251001');
    const logged = emulator.state.received.at(-1);
    assert.equal(logged?.path, '/model/us.anthropic.claude-haiku-4-5-20251001-v1:0/invoke');
    assert.equal((logged?.body as Record<string, unknown>).anthropic_version, '2026-10-21');
    assert.equal(logged?.auth?.service, 'bedrock');
  });

  test('SigV4, streaming: events arrive as SSE through the event-stream transcoder', async () => {
    const client = sigv4Client(server.url);
    const stream = client.messages.stream({
      model: 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/emuappsonnet',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'stream through a profile' }],
    });
    let deltas = 0;
    stream.on('text', () => (deltas += 1));
    const final = await stream.finalMessage();
    assert.equal(final.content[0]?.type === 'text' ? final.content[0].text : '', 'You said: stream through a profile');
    assert.ok(deltas >= 2);
    assert.equal(emulator.state.received.at(-1)?.path, '/model/arn:aws:bedrock:us-east-1:123456789012:application-inference-profile%2Femuappsonnet/invoke-with-response-stream');
  });

  test('a long-term API key (Bearer), streaming and not', async () => {
    const client = new AnthropicBedrock({ awsRegion: 'us-east-1', baseURL: server.url, apiKey, maxRetries: 0 });
    const message = await client.messages.create({ model: 'us.anthropic.claude-sonnet-4-6', max_tokens: 64, messages: [{ role: 'user', content: 'key call' }] });
    assert.equal(message.content[0]?.type === 'text' ? message.content[0].text : '', 'You said: key call');
    const streamed = await client.messages.stream({ model: 'us.anthropic.claude-sonnet-4-6', max_tokens: 64, messages: [{ role: 'user', content: 'key stream' }] }).finalText();
    assert.equal(streamed, 'You said: key stream');
    assert.equal(emulator.state.received.at(-1)?.auth?.kind, 'bearer');
    assert.equal(emulator.state.received.at(-1)?.headers.authorization, '<redacted>');
  });

  test('a short-term API key is verified against the scenario credentials and its expiry', async () => {
    const fresh = new AnthropicBedrock({ awsRegion: 'us-east-1', baseURL: server.url, apiKey: await shortTermKey(new Date()), maxRetries: 0 });
    const ok = await fresh.messages.create({ model: 'us.anthropic.claude-sonnet-4-6', max_tokens: 16, messages: [{ role: 'user', content: 'short' }] });
    assert.equal(ok.content[0]?.type === 'text' ? ok.content[0].text : '', 'You said: short');
    assert.equal(emulator.state.received.at(-1)?.auth?.keyType, 'short-term');

    const stale = new AnthropicBedrock({ awsRegion: 'us-east-1', baseURL: server.url, apiKey: await shortTermKey(new Date(Date.now() - 13 * 3600_000)), maxRetries: 0 });
    const expired = await rejection(stale.messages.create({ model: 'us.anthropic.claude-sonnet-4-6', max_tokens: 16, messages: [{ role: 'user', content: 'x' }] }));
    assert.equal(expired.status, 403);

    const forged = new AnthropicBedrock({ awsRegion: 'us-east-1', baseURL: server.url, apiKey: await shortTermKey(new Date(), 'not-the-secret'), maxRetries: 0 });
    const error = await rejection(forged.messages.create({ model: 'us.anthropic.claude-sonnet-4-6', max_tokens: 16, messages: [{ role: 'user', content: 'x' }] }));
    assert.equal(error.status, 403);
    assert.deepEqual(error.error, { Message: 'Authentication failed: Please make sure your API Key is valid.' });
  });

  test('bad keys get the Bedrock bearer-failure bodies (capital Message)', async () => {
    const client = new AnthropicBedrock({ awsRegion: 'us-east-1', baseURL: server.url, apiKey: 'not-a-bedrock-key', maxRetries: 0 });
    const error = await rejection(client.messages.create({ model: 'us.anthropic.claude-sonnet-4-6', max_tokens: 16, messages: [{ role: 'user', content: 'x' }] }));
    assert.equal(error.constructor.name, 'PermissionDeniedError');
    assert.deepEqual(error.error, { Message: 'Invalid API Key format: Must start with pre-defined prefix' });
  });

  test('a wrong secret and an expired token are 403 PermissionDeniedError with the AWS message', async () => {
    const wrong = sigv4Client(server.url, { awsSecretKey: 'wrong' });
    const error = await rejection(wrong.messages.create({ model: 'us.anthropic.claude-sonnet-4-6', max_tokens: 16, messages: [{ role: 'user', content: 'x' }] }));
    assert.equal(error.status, 403);
    assert.equal(error.constructor.name, 'PermissionDeniedError');
    assert.match(error.message, /The request signature we calculated does not match/);

    const expiring = createEmulator({
      scenario: scenarioWith({
        credentials: [{ accessKeyId: 'ASIAEXPIREDEXAMPLE02', secretAccessKey: 's3cret', sessionToken: 'tok', expiresAt: '2021-01-01T00:00:00Z' }],
      }),
    });
    const client = new AnthropicBedrock({
      awsRegion: 'us-east-1',
      baseURL: 'http://emulator.invalid',
      awsAccessKey: 'ASIAEXPIREDEXAMPLE02',
      awsSecretKey: 's3cret',
      awsSessionToken: 'tok',
      apiKey: null,
      maxRetries: 0,
      fetch: expiring.fetch,
    });
    const expired = await rejection(client.messages.create({ model: 'us.anthropic.claude-sonnet-4-6', max_tokens: 16, messages: [{ role: 'user', content: 'x' }] }));
    assert.equal(expired.status, 403);
    assert.match(expired.message, /The security token included in the request is expired/);
  });
});

describe('AnthropicBedrockMantle against the emulator', () => {
  let emulator: Emulator;
  let server: RunningEmulator;
  before(async () => {
    emulator = createEmulator({
      scenario: scenarioWith({ access: { granted: ['*'], denied: [], marketplaceDenied: [], mantleDenied: ['anthropic.claude-opus-4-8'], reservedTier: false } }),
    });
    server = await emulator.listen();
  });
  after(() => server.close());

  test('SigV4 (service bedrock-mantle), streaming and not; model and stream stay in the body', async () => {
    const client = mantleClient(`${server.url}/anthropic`);
    const message = await client.messages.create({ model: 'anthropic.claude-opus-4-7', max_tokens: 64, messages: [{ role: 'user', content: 'mantle hello' }] });
    assert.equal(message.content[0]?.type === 'text' ? message.content[0].text : '', 'You said: mantle hello');
    const logged = emulator.state.received.at(-1);
    assert.equal(logged?.auth?.service, 'bedrock-mantle');
    assert.equal((logged?.body as Record<string, unknown>).model, 'anthropic.claude-opus-4-7');
    const text = await client.messages.stream({ model: 'anthropic.claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'mantle stream' }] }).finalText();
    assert.equal(text, 'You said: mantle stream');
    assert.equal((emulator.state.received.at(-1)?.body as Record<string, unknown>).stream, true);
  });

  test('API key on Mantle', async () => {
    const client = new AnthropicBedrockMantle({ awsRegion: 'us-east-1', baseURL: `${server.url}/anthropic`, apiKey, maxRetries: 0 });
    const message = await client.messages.create({ model: 'anthropic.claude-sonnet-4-6', max_tokens: 64, messages: [{ role: 'user', content: 'mantle key' }] });
    assert.equal(message.content[0]?.type === 'text' ? message.content[0].text : '', 'You said: mantle key');
  });

  test('countTokens agrees with the usage of the same request', async () => {
    const client = mantleClient(`${server.url}/anthropic`);
    const request = { model: 'anthropic.claude-opus-4-7', messages: [{ role: 'user' as const, content: 'count these words please' }] };
    const counted = await client.messages.countTokens(request);
    const message = await client.messages.create({ ...request, max_tokens: 32 });
    assert.equal(counted.input_tokens, message.usage.input_tokens);
  });

  test('400 naming a model outside the lineup; 403 for a model not granted', async () => {
    const client = mantleClient(`${server.url}/anthropic`);
    const outside = await rejection(client.messages.create({ model: 'us.anthropic.claude-sonnet-4-6', max_tokens: 16, messages: [{ role: 'user', content: 'x' }] }));
    assert.equal(outside.status, 400);
    assert.deepEqual(outside.error, { type: 'error', error: { type: 'invalid_request_error', message: 'The model us.anthropic.claude-sonnet-4-6 is not supported on this endpoint.' } });
    const denied = await rejection(client.messages.create({ model: 'anthropic.claude-opus-4-8', max_tokens: 16, messages: [{ role: 'user', content: 'x' }] }));
    assert.equal(denied.status, 403);
    assert.equal((denied.error as { error: { type: string } }).error.type, 'permission_error');
  });

  test('a wrong secret on Mantle is a 401 authentication_error', async () => {
    const client = mantleClient(`${server.url}/anthropic`, { awsSecretAccessKey: 'wrong' });
    const error = await rejection(client.messages.create({ model: 'anthropic.claude-opus-4-7', max_tokens: 16, messages: [{ role: 'user', content: 'x' }] }));
    assert.equal(error.status, 401);
    assert.equal((error.error as { error: { type: string } }).error.type, 'authentication_error');
  });
});

describe('the in-process fetch transport', () => {
  test('serves the SDKs with no socket, including streams and scripted tool_use replies', async () => {
    const emulator = createEmulator({
      scenario: scenarioWith({
        replies: [
          {
            match: { contains: 'weather' },
            content: [
              { type: 'text', text: 'Let me check.' },
              { type: 'tool_use', name: 'get_weather', input: { city: 'Paris' } },
            ],
          },
        ],
      }),
    });
    const client = new AnthropicBedrock({
      awsRegion: 'us-east-1',
      baseURL: 'http://bedrock.emulator.invalid',
      awsAccessKey: credential.accessKeyId,
      awsSecretKey: credential.secretAccessKey,
      apiKey: null,
      maxRetries: 0,
      fetch: emulator.fetch,
    });
    const message = await client.messages.create({
      model: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      max_tokens: 256,
      tools: [{ name: 'get_weather', description: 'weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
      messages: [{ role: 'user', content: 'what is the weather in Paris?' }],
    });
    assert.equal(message.stop_reason, 'tool_use');
    const toolUse = message.content.find((block) => block.type === 'tool_use');
    assert.ok(toolUse && toolUse.type === 'tool_use');
    assert.match(toolUse.id, /^toolu_bdrk_01/);
    assert.deepEqual(toolUse.input, { city: 'Paris' });

    const streamed = await client.messages
      .stream({ model: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', max_tokens: 256, messages: [{ role: 'user', content: 'weather again' }] })
      .finalMessage();
    const streamedTool = streamed.content.find((block) => block.type === 'tool_use');
    assert.ok(streamedTool && streamedTool.type === 'tool_use');
    assert.deepEqual(streamedTool.input, { city: 'Paris' });
    assert.equal(emulator.state.received.length, 2);
    assert.equal(emulator.state.received[0]?.httpVersion, 'fetch');
  });
});
