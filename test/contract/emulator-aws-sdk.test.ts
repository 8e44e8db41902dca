/**
 * The official AWS SDK clients against the emulator, unmodified (default handlers: the runtime
 * client speaks h2c, the control-plane and STS clients HTTP/1.1): every call succeeds the way it
 * does against AWS, and every failure surfaces as the same error class with the same message.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  AccessDeniedException,
  BedrockRuntimeClient,
  BedrockRuntimeServiceException,
  CountTokensCommand,
  InternalServerException,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
  ModelStreamErrorException,
  ServiceUnavailableException,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-bedrock-runtime';
import {
  BedrockClient,
  GetFoundationModelCommand,
  GetInferenceProfileCommand,
  ListFoundationModelsCommand,
  ListInferenceProfilesCommand,
  ResourceNotFoundException,
  paginateListInferenceProfiles,
} from '@aws-sdk/client-bedrock';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { FetchHttpHandler } from '../../src/aws/fetch-http-handler.js';
import { createEmulator, defaultScenario, scenarioWith, type Emulator, type RunningEmulator, type ScenarioInput } from '../../src/emulator/index.js';

const scenario = defaultScenario();
const credentials = {
  accessKeyId: scenario.credentials[0]!.accessKeyId,
  secretAccessKey: scenario.credentials[0]!.secretAccessKey,
};
const SONNET_PROFILE = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const decoder = new TextDecoder();

/** A Message body as parsed JSON; fields are read loosely, as a client reading the wire would. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test reads arbitrary JSON fields
type Json = Record<string, any>;

function body(text: string, extra: Record<string, unknown> = {}): Uint8Array {
  return new TextEncoder().encode(
    JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 200, messages: [{ role: 'user', content: text }], ...extra }),
  );
}

async function start(input?: Partial<ScenarioInput>): Promise<{ emulator: Emulator; server: RunningEmulator }> {
  const emulator = createEmulator(input ? { scenario: scenarioWith(input) } : {});
  const server = await emulator.listen();
  return { emulator, server };
}

function runtime(url: string, overrides: Partial<ConstructorParameters<typeof BedrockRuntimeClient>[0]> = {}): BedrockRuntimeClient {
  return new BedrockRuntimeClient({ region: 'us-east-1', endpoint: url, credentials, maxAttempts: 1, ...overrides });
}

async function rejection(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number }; $fault?: string; $response?: { headers: Record<string, string> } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  assert.fail('expected the call to fail');
}

async function collect(stream: AsyncIterable<{ chunk?: { bytes?: Uint8Array } }> | undefined): Promise<Record<string, unknown>[]> {
  const events: Record<string, unknown>[] = [];
  for await (const part of stream ?? []) {
    if (part.chunk?.bytes) events.push(JSON.parse(decoder.decode(part.chunk.bytes)) as Record<string, unknown>);
  }
  return events;
}

describe('@aws-sdk/client-bedrock-runtime against the emulator (h2c, SigV4)', () => {
  let emulator: Emulator;
  let server: RunningEmulator;
  before(async () => ({ emulator, server } = await start()));
  after(() => server.close());

  test('InvokeModel echoes the prompt with usage that matches CountTokens', async () => {
    const client = runtime(server.url);
    const payload = body('What is the capital of France?');
    const response = await client.send(new InvokeModelCommand({ modelId: SONNET_PROFILE, body: payload }));
    const message = JSON.parse(decoder.decode(response.body)) as Json;
    assert.equal(response.contentType, 'application/json');
    assert.match(message.id, /^msg_bdrk_01/);
    assert.equal(message.model, 'claude-sonnet-4-5-20250929');
    assert.deepEqual(message.content, [{ type: 'text', text: 'You said: What is the capital of France?' }]);
    assert.equal(message.stop_reason, 'end_turn');
    const counted = await client.send(
      new CountTokensCommand({ modelId: 'anthropic.claude-sonnet-4-5-20250929-v1:0', input: { invokeModel: { body: payload } } }),
    );
    assert.equal(message.usage.input_tokens, counted.inputTokens);
    assert.ok(message.usage.output_tokens > 0);
    const logged = emulator.state.received.at(-2);
    assert.equal(logged?.httpVersion, '2');
    assert.equal(logged?.path, '/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/invoke');
    assert.equal(logged?.modelId, SONNET_PROFILE);
    client.destroy();
  });

  test('InvokeModel honours max_tokens (the 1-token probe Claude Code sends)', async () => {
    const client = runtime(server.url);
    const probe = new TextEncoder().encode(JSON.stringify({ max_tokens: 1, messages: [{ role: 'user', content: '.' }], anthropic_version: 'bedrock-2023-05-31' }));
    const response = await client.send(new InvokeModelCommand({ modelId: 'us.anthropic.claude-haiku-4-5-20251001-v1:0', body: probe }));
    const message = JSON.parse(decoder.decode(response.body)) as Json;
    assert.equal(message.stop_reason, 'max_tokens');
    assert.equal(message.usage.output_tokens, 1);
    assert.equal(message.content[0].text, 'You');
    client.destroy();
  });

  test('InvokeModelWithResponseStream streams several deltas and ends with invocation metrics', async () => {
    const client = runtime(server.url);
    const response = await client.send(
      new InvokeModelWithResponseStreamCommand({ modelId: SONNET_PROFILE, body: body('please stream this sentence back to me in parts') }),
    );
    assert.equal(response.contentType, 'application/json');
    const events = await collect(response.body);
    const types = events.map((e) => e.type);
    assert.equal(types[0], 'message_start');
    assert.equal(types.at(-1), 'message_stop');
    const deltas = events.filter((e) => e.type === 'content_block_delta');
    assert.ok(deltas.length >= 3, `expected several deltas, got ${deltas.length}`);
    const text = deltas.map((e) => (e.delta as { text: string }).text).join('');
    assert.equal(text, 'You said: please stream this sentence back to me in parts');
    const metrics = events.at(-1)?.['amazon-bedrock-invocationMetrics'] as Record<string, number>;
    const delta = events.find((e) => e.type === 'message_delta') as { usage: { output_tokens: number } };
    assert.equal(metrics.outputTokenCount, delta.usage.output_tokens);
    assert.ok((metrics.inputTokenCount ?? 0) > 0);
    client.destroy();
  });

  test('an application inference profile ARN routes to its backing model', async () => {
    const client = runtime(server.url);
    const arn = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/emuappsonnet';
    const response = await client.send(new InvokeModelCommand({ modelId: arn, body: body('via profile') }));
    const message = JSON.parse(decoder.decode(response.body)) as { model: string };
    assert.equal(message.model, 'claude-sonnet-4-5-20250929');
    assert.equal(emulator.state.received.at(-1)?.resolvedModel, 'anthropic.claude-sonnet-4-5-20250929-v1:0');
    client.destroy();
  });

  test('a base ID of a profile-only model gets the exact on-demand-throughput 400', async () => {
    const error = await rejection(runtime(server.url).send(new InvokeModelCommand({ modelId: 'anthropic.claude-3-7-sonnet-20250219-v1:0', body: body('x') })));
    assert.ok(error instanceof ValidationException);
    assert.equal(
      error.message,
      'Invocation of model ID anthropic.claude-3-7-sonnet-20250219-v1:0 with on-demand throughput isn\u2019t supported. Retry your request with the ID or ARN of an inference profile that contains this model.',
    );
    assert.equal(error.$metadata?.httpStatusCode, 400);
  });

  test('a model the region does not have is an invalid identifier', async () => {
    const client = runtime(server.url, { region: 'eu-west-3' });
    const error = await rejection(client.send(new InvokeModelCommand({ modelId: 'us.anthropic.claude-opus-4-1-20250805-v1:0', body: body('x') })));
    assert.ok(error instanceof ValidationException);
    assert.equal(error.message, 'The provided model identifier is invalid.');
    client.destroy();
  });

  test('CountTokens refuses profile IDs the way Bedrock does', async () => {
    const error = await rejection(
      runtime(server.url).send(new CountTokensCommand({ modelId: SONNET_PROFILE, input: { invokeModel: { body: body('x') } } })),
    );
    assert.ok(error instanceof ValidationException);
    assert.equal(error.message, "The provided model doesn't support counting tokens.");
  });

  test('CountTokens refuses a tool carrying eager_input_streaming, which InvokeModel accepts', async () => {
    const tools = [{ name: 'lookup', description: 'Looks things up', input_schema: { type: 'object', properties: {} } }];
    const client = runtime(server.url);
    const streamingTools = [{ ...tools[0], eager_input_streaming: true }];
    await client.send(new InvokeModelCommand({ modelId: SONNET_PROFILE, body: body('x', { tools: streamingTools }) }));
    const error = await rejection(
      client.send(new CountTokensCommand({ modelId: 'anthropic.claude-sonnet-4-5-20250929-v1:0', input: { invokeModel: { body: body('x', { tools: streamingTools }) } } })),
    );
    assert.ok(error instanceof ValidationException);
    assert.equal(error.message, 'tools.0.custom.eager_input_streaming: Extra inputs are not permitted');
    const counted = await client.send(new CountTokensCommand({ modelId: 'anthropic.claude-sonnet-4-5-20250929-v1:0', input: { invokeModel: { body: body('x', { tools }) } } }));
    assert.ok((counted.inputTokens ?? 0) > 0);
    client.destroy();
  });

  test('service tier: valid tiers are echoed, others refused with the enum message', async () => {
    const client = runtime(server.url);
    for (const tier of ['default', 'flex', 'priority'] as const) {
      const response = await client.send(new InvokeModelCommand({ modelId: SONNET_PROFILE, body: body('tiered'), serviceTier: tier }));
      assert.equal(response.serviceTier, tier);
    }
    const error = await rejection(
      client.send(new InvokeModelCommand({ modelId: SONNET_PROFILE, body: body('x'), serviceTier: 'turbo-invalid' as 'default' })),
    );
    assert.ok(error instanceof ValidationException);
    assert.match(error.message, /Value 'turbo-invalid' at 'serviceTier' failed to satisfy constraint: Member must satisfy enum value set: \[priority, default, flex, reserved\]/);
    const reserved = await rejection(client.send(new InvokeModelCommand({ modelId: SONNET_PROFILE, body: body('x'), serviceTier: 'reserved' })));
    assert.equal(reserved.message, 'Reservation not found.');
    client.destroy();
  });

  test('guardrails: a blocked term intervenes, streaming and not; clean prompts pass with NONE', async () => {
    const client = runtime(server.url);
    const guard = { guardrailIdentifier: 'emulatorguard', guardrailVersion: '1', contentType: 'application/json', trace: 'ENABLED' as const };
    const blocked = await client.send(new InvokeModelCommand({ modelId: SONNET_PROFILE, body: body('tell me about forbidden-topic'), ...guard }));
    const message = JSON.parse(decoder.decode(blocked.body)) as Json;
    assert.equal(message['amazon-bedrock-guardrailAction'], 'INTERVENED');
    assert.equal(message.content[0].text, 'Sorry, the model cannot answer this question.');
    assert.equal(message['amazon-bedrock-trace'].guardrail.appliedGuardrailDetails.guardrailId, 'emulatorguard');

    const clean = await client.send(new InvokeModelCommand({ modelId: SONNET_PROFILE, body: body('tell me about cats'), ...guard }));
    assert.equal((JSON.parse(decoder.decode(clean.body)) as Record<string, unknown>)['amazon-bedrock-guardrailAction'], 'NONE');

    const stream = await client.send(
      new InvokeModelWithResponseStreamCommand({ modelId: SONNET_PROFILE, body: body('forbidden-topic again'), ...guard }),
    );
    const events = await collect(stream.body);
    assert.equal(events.at(-1)?.['amazon-bedrock-guardrailAction'], 'INTERVENED');
    const text = events
      .filter((e) => e.type === 'content_block_delta')
      .map((e) => (e.delta as { text: string }).text)
      .join('');
    assert.equal(text, 'Sorry, the model cannot answer this question.');

    const noVersion = await rejection(client.send(new InvokeModelCommand({ modelId: SONNET_PROFILE, body: body('x'), guardrailIdentifier: 'emulatorguard' })));
    assert.ok(noVersion instanceof ValidationException);
    client.destroy();
  });

  test('a wrong secret is InvalidSignatureException (403) on the client side', async () => {
    const client = runtime(server.url, { credentials: { ...credentials, secretAccessKey: 'wrong-secret' } });
    const error = await rejection(client.send(new InvokeModelCommand({ modelId: SONNET_PROFILE, body: body('x') })));
    assert.ok(error instanceof BedrockRuntimeServiceException);
    assert.equal(error.name, 'InvalidSignatureException');
    assert.equal(error.$metadata?.httpStatusCode, 403);
    assert.equal(
      error.message,
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
    client.destroy();
  });

  test('an unknown access key is UnrecognizedClientException (403)', async () => {
    const client = runtime(server.url, { credentials: { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'x' } });
    const error = await rejection(client.send(new InvokeModelCommand({ modelId: SONNET_PROFILE, body: body('x') })));
    assert.equal(error.name, 'UnrecognizedClientException');
    assert.equal(error.message, 'The security token included in the request is invalid.');
    assert.equal(error.$metadata?.httpStatusCode, 403);
    client.destroy();
  });

  test('a Bedrock API key works through the SDK bearer scheme', async () => {
    const client = runtime(server.url, {
      token: { token: scenario.apiKeys[0]!.token },
      authSchemePreference: ['httpBearerAuth'],
    });
    const response = await client.send(new InvokeModelCommand({ modelId: SONNET_PROFILE, body: body('bearer call') }));
    assert.match(decoder.decode(response.body), /You said: bearer call/);
    assert.equal(emulator.state.received.at(-1)?.auth?.kind, 'bearer');
    client.destroy();
  });
});

describe('credential expiry and account grants', () => {
  test('an expired session is ExpiredTokenException (403) with the exact message', async () => {
    const { server } = await start({
      credentials: [
        ...scenario.credentials,
        { accessKeyId: 'ASIAEXPIREDEXAMPLE01', secretAccessKey: 'expiredSecret', sessionToken: 'expiredSessionToken', expiresAt: '2020-01-01T00:00:00Z' },
      ],
    });
    try {
      const client = runtime(server.url, {
        credentials: { accessKeyId: 'ASIAEXPIREDEXAMPLE01', secretAccessKey: 'expiredSecret', sessionToken: 'expiredSessionToken' },
      });
      const error = await rejection(client.send(new InvokeModelCommand({ modelId: SONNET_PROFILE, body: body('x') })));
      assert.ok(error instanceof BedrockRuntimeServiceException);
      assert.equal(error.name, 'ExpiredTokenException');
      assert.equal(error.message, 'The security token included in the request is expired');
      assert.equal(error.$metadata?.httpStatusCode, 403);
      client.destroy();

      const sts = new STSClient({ region: 'us-east-1', endpoint: server.url, credentials: { accessKeyId: 'ASIAEXPIREDEXAMPLE01', secretAccessKey: 'expiredSecret', sessionToken: 'expiredSessionToken' } });
      const stsError = await rejection(sts.send(new GetCallerIdentityCommand({})));
      assert.equal(stsError.name, 'ExpiredToken');
      sts.destroy();
    } finally {
      await server.close();
    }
  });

  test('a model that is not granted is AccessDeniedException; the Marketplace variant too', async () => {
    const { server } = await start({
      access: { granted: ['*'], denied: ['anthropic.claude-opus-4-6-v1'], marketplaceDenied: ['anthropic.claude-opus-4-5-20251101-v1:0'], mantleDenied: [], reservedTier: false },
    });
    try {
      const client = runtime(server.url);
      const denied = await rejection(client.send(new InvokeModelCommand({ modelId: 'us.anthropic.claude-opus-4-6-v1', body: body('x') })));
      assert.ok(denied instanceof AccessDeniedException);
      assert.equal(denied.message, "You don't have access to the model with the specified model ID.");
      assert.equal(denied.$metadata?.httpStatusCode, 403);
      const marketplace = await rejection(client.send(new InvokeModelCommand({ modelId: 'us.anthropic.claude-opus-4-5-20251101-v1:0', body: body('x') })));
      assert.ok(marketplace instanceof AccessDeniedException);
      assert.match(marketplace.message, /aws-marketplace:ViewSubscriptions, aws-marketplace:Subscribe/);
      client.destroy();
    } finally {
      await server.close();
    }
  });
});

describe('fault injection reproduces the failure catalogue', () => {
  test('throttling carries Retry-After; 5xx and 503 map to their classes', async () => {
    const { server, emulator } = await start({
      faults: [
        { match: { operation: 'invoke', nth: 1 }, error: { name: 'ThrottlingException', message: 'Too many requests, please wait before trying again.', retryAfterSeconds: 2 } },
        { match: { operation: 'invoke', nth: 2 }, error: { name: 'InternalServerException', message: 'internal failure' } },
        { match: { operation: 'invoke', nth: 3 }, error: { name: 'ServiceUnavailableException', message: 'try later' } },
      ],
    });
    try {
      const client = runtime(server.url);
      const throttled = await rejection(client.send(new InvokeModelCommand({ modelId: SONNET_PROFILE, body: body('x') })));
      assert.ok(throttled instanceof ThrottlingException);
      assert.equal(throttled.$metadata?.httpStatusCode, 429);
      assert.equal(throttled.$response?.headers['retry-after'], '2');
      const internal = await rejection(client.send(new InvokeModelCommand({ modelId: SONNET_PROFILE, body: body('x') })));
      assert.ok(internal instanceof InternalServerException);
      assert.equal(internal.$fault, 'server');
      const unavailable = await rejection(client.send(new InvokeModelCommand({ modelId: SONNET_PROFILE, body: body('x') })));
      assert.ok(unavailable instanceof ServiceUnavailableException);
      const ok = await client.send(new InvokeModelCommand({ modelId: SONNET_PROFILE, body: body('fourth call') }));
      assert.match(decoder.decode(ok.body), /fourth call/);
      assert.deepEqual(emulator.state.received.map((r) => r.fault), [0, 1, 2, undefined]);
      client.destroy();
    } finally {
      await server.close();
    }
  });

  test('an in-stream exception frame surfaces as ModelStreamErrorException after the first events', async () => {
    const { server } = await start({
      faults: [{ match: { operation: 'invoke-stream' }, streamException: { afterEvents: 3, type: 'modelStreamErrorException', message: 'model stream broke', originalStatusCode: 500 } }],
    });
    try {
      const client = runtime(server.url);
      const response = await client.send(new InvokeModelWithResponseStreamCommand({ modelId: SONNET_PROFILE, body: body('x y z') }));
      const seen: string[] = [];
      const error = await rejection(
        (async () => {
          for await (const part of response.body ?? []) {
            if (part.chunk?.bytes) seen.push((JSON.parse(decoder.decode(part.chunk.bytes)) as { type: string }).type);
          }
        })(),
      );
      assert.ok(error instanceof ModelStreamErrorException);
      assert.equal(error.message, 'model stream broke');
      assert.equal(error.originalStatusCode, 500);
      assert.deepEqual(seen, ['message_start', 'content_block_start', 'content_block_delta']);
      client.destroy();
    } finally {
      await server.close();
    }
  });

  test('a stream cut mid-way fails the iteration instead of hanging', async () => {
    const { server, emulator } = await start({ faults: [{ match: { operation: 'invoke-stream' }, cutStream: { afterEvents: 2 } }] });
    try {
      const client = runtime(server.url);
      const response = await client.send(new InvokeModelWithResponseStreamCommand({ modelId: SONNET_PROFILE, body: body('cut me') }));
      let events = 0;
      const error = await rejection(
        (async () => {
          for await (const part of response.body ?? []) if (part.chunk) events += 1;
        })(),
      );
      assert.ok(error instanceof Error);
      assert.equal(events, 2);
      assert.equal(emulator.state.received.at(-1)?.streamEvents, 2);
      client.destroy();
    } finally {
      await server.close();
    }
  });
});

describe('@aws-sdk/client-bedrock (control plane) against the emulator', () => {
  let server: RunningEmulator;
  let client: BedrockClient;
  before(async () => {
    ({ server } = await start());
    client = new BedrockClient({ region: 'us-east-1', endpoint: server.url, credentials, maxAttempts: 1 });
  });
  after(async () => {
    client.destroy();
    await server.close();
  });

  test('ListInferenceProfiles pages through every system profile with RFC 3339 timestamps', async () => {
    const whole = await client.send(new ListInferenceProfilesCommand({ typeEquals: 'SYSTEM_DEFINED' }));
    const all = whole.inferenceProfileSummaries ?? [];
    assert.ok(all.length > 10);
    assert.equal(whole.nextToken, undefined);
    const paged: string[] = [];
    let pages = 0;
    for await (const page of paginateListInferenceProfiles({ client, pageSize: 4 }, { maxResults: 4 })) {
      pages += 1;
      assert.ok((page.inferenceProfileSummaries?.length ?? 0) <= 4);
      for (const summary of page.inferenceProfileSummaries ?? []) paged.push(summary.inferenceProfileId!);
    }
    assert.equal(pages, Math.ceil(all.length / 4));
    assert.deepEqual(paged, all.map((p) => p.inferenceProfileId));
    const sonnet = all.find((p) => p.inferenceProfileId === SONNET_PROFILE);
    assert.ok(sonnet?.createdAt instanceof Date);
    assert.equal(sonnet?.type, 'SYSTEM_DEFINED');
    assert.equal(sonnet?.inferenceProfileArn, `arn:aws:bedrock:us-east-1:123456789012:inference-profile/${SONNET_PROFILE}`);
    assert.deepEqual(sonnet?.models?.map((m) => m.modelArn), [
      'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0',
      'arn:aws:bedrock:us-east-2::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0',
      'arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0',
    ]);
    assert.ok(all.every((p) => p.inferenceProfileId!.startsWith('us.') || p.inferenceProfileId!.startsWith('global.')));
  });

  test('APPLICATION profiles are listed only on request; GetInferenceProfile reads both kinds', async () => {
    const apps = await client.send(new ListInferenceProfilesCommand({ typeEquals: 'APPLICATION' }));
    assert.deepEqual(apps.inferenceProfileSummaries?.map((p) => p.inferenceProfileId), ['emuappsonnet']);
    const system = await client.send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: 'us.anthropic.claude-opus-4-7' }));
    assert.equal(system.inferenceProfileName, 'US Anthropic Claude Opus 4.7');
    assert.equal(system.status, 'ACTIVE');
    const arn = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/emuappsonnet';
    const app = await client.send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: arn }));
    assert.equal(app.type, 'APPLICATION');
    assert.equal(app.inferenceProfileArn, arn);
    assert.match(app.models?.[0]?.modelArn ?? '', /anthropic\.claude-sonnet-4-5-20250929-v1:0$/);
    const missing = await rejection(client.send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: 'us.anthropic.claude-nonexistent' })));
    assert.ok(missing instanceof ResourceNotFoundException);
  });

  test('ListFoundationModels and GetFoundationModel describe the region catalogue', async () => {
    const list = await client.send(new ListFoundationModelsCommand({ byProvider: 'Anthropic' }));
    const haiku3 = list.modelSummaries?.find((m) => m.modelId === 'anthropic.claude-3-haiku-20240307-v1:0');
    assert.deepEqual(haiku3?.inferenceTypesSupported, ['ON_DEMAND']);
    const detail = await client.send(new GetFoundationModelCommand({ modelIdentifier: 'anthropic.claude-sonnet-4-6' }));
    assert.equal(detail.modelDetails?.modelName, 'Claude Sonnet 4.6');
    assert.equal(detail.modelDetails?.responseStreamingSupported, true);
  });
});

describe('@aws-sdk/client-sts GetCallerIdentity against the emulator', () => {
  test('returns the scenario identity, and refuses a wrong secret', async () => {
    const { server } = await start();
    try {
      const sts = new STSClient({ region: 'us-east-1', endpoint: server.url, credentials });
      const identity = await sts.send(new GetCallerIdentityCommand({}));
      assert.equal(identity.Account, '123456789012');
      assert.equal(identity.Arn, 'arn:aws:iam::123456789012:user/emulator');
      sts.destroy();
      const bad = new STSClient({ region: 'us-east-1', endpoint: server.url, credentials: { ...credentials, secretAccessKey: 'nope' }, maxAttempts: 1 });
      const error = await rejection(bad.send(new GetCallerIdentityCommand({})));
      assert.equal(error.name, 'SignatureDoesNotMatch');
      assert.equal(error.$metadata?.httpStatusCode, 403);
      bad.destroy();
    } finally {
      await server.close();
    }
  });

  test('in-process through the emulator fetch: the signed Content-Length is the one a server would see', async () => {
    const emulator = createEmulator();
    const sts = new STSClient({ region: 'us-east-1', endpoint: 'http://emulator.invalid', credentials, requestHandler: new FetchHttpHandler(emulator.fetch as typeof fetch, 10_000) });
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    assert.equal(identity.Account, '123456789012');
    assert.equal(emulator.state.received.at(-1)?.headers['content-length'], '43');
    sts.destroy();
  });
});
