/**
 * Every shipped scenario loads, and each troubleshooting case of the seed (and each row of the
 * wire reference's error catalogue) is reproducible: the official clients see exactly the
 * failure the scenario describes.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { AnthropicBedrockMantle } from '@anthropic-ai/bedrock-sdk';
import {
  BedrockRuntimeClient,
  BedrockRuntimeServiceException,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
  ModelErrorException,
} from '@aws-sdk/client-bedrock-runtime';
import { BedrockClient, ListInferenceProfilesCommand } from '@aws-sdk/client-bedrock';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { createEmulator, loadScenarioFile, scenarioWith, type Scenario } from '../../src/emulator/index.js';
import { AWS_ERROR_STATUS } from '../../src/emulator/aws-errors.js';
import { packageRoot } from '../../src/emulator/scenario.js';

const dir = join(packageRoot(), 'scenarios');
const load = (name: string): Scenario => loadScenarioFile(join(dir, name));
const body = (text: string): string => JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 64, messages: [{ role: 'user', content: text }] });

function firstCredentials(scenario: Scenario) {
  const c = scenario.credentials[0]!;
  return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, ...(c.sessionToken ? { sessionToken: c.sessionToken } : {}) };
}

async function withServer<T>(scenario: Scenario, fn: (url: string) => Promise<T>): Promise<T> {
  const emulator = createEmulator({ scenario });
  const server = await emulator.listen();
  try {
    return await fn(server.url);
  } finally {
    await server.close();
  }
}

async function failure(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number }; status?: number }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  assert.fail('expected a failure');
}

describe('shipped scenarios', () => {
  test('every scenario file loads (following "extends")', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    assert.ok(files.length >= 10);
    for (const file of files) {
      const scenario = load(file);
      assert.equal(scenario.name, file.replace(/\.json$/, ''), `${file} names itself`);
      assert.ok(scenario.models.length > 0, `${file} has models`);
      assert.ok(scenario.description, `${file} says what it reproduces`);
    }
  });

  test('model-not-granted: the default model is AccessDeniedException (403)', async () => {
    const scenario = load('model-not-granted.json');
    await withServer(scenario, async (url) => {
      const client = new BedrockRuntimeClient({ region: 'us-east-1', endpoint: url, credentials: firstCredentials(scenario), maxAttempts: 1 });
      const error = await failure(client.send(new InvokeModelCommand({ modelId: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', body: body('x') })));
      assert.equal(error.name, 'AccessDeniedException');
      assert.equal(error.$metadata?.httpStatusCode, 403);
      const ok = await client.send(new InvokeModelCommand({ modelId: 'us.anthropic.claude-sonnet-4-6', body: body('granted one') }));
      assert.match(new TextDecoder().decode(ok.body), /granted one/);
      client.destroy();
    });
  });

  test('mantle-not-granted: Mantle answers 403 for Opus 4.7', async () => {
    const scenario = load('mantle-not-granted.json');
    await withServer(scenario, async (url) => {
      const c = firstCredentials(scenario);
      const client = new AnthropicBedrockMantle({ awsRegion: 'us-east-1', baseURL: `${url}/anthropic`, awsAccessKey: c.accessKeyId, awsSecretAccessKey: c.secretAccessKey, maxRetries: 0 } as ConstructorParameters<typeof AnthropicBedrockMantle>[0]);
      const error = await failure(client.messages.create({ model: 'anthropic.claude-opus-4-7', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] }));
      assert.equal(error.status, 403);
    });
  });

  test('expired-credentials: runtime and STS both say the token is expired', async () => {
    const scenario = load('expired-credentials.json');
    await withServer(scenario, async (url) => {
      const client = new BedrockRuntimeClient({ region: 'us-east-1', endpoint: url, credentials: firstCredentials(scenario), maxAttempts: 1 });
      const error = await failure(client.send(new InvokeModelCommand({ modelId: 'us.anthropic.claude-sonnet-4-6', body: body('x') })));
      assert.equal(error.name, 'ExpiredTokenException');
      client.destroy();
      const sts = new STSClient({ region: 'us-east-1', endpoint: url, credentials: firstCredentials(scenario), maxAttempts: 1 });
      assert.equal((await failure(sts.send(new GetCallerIdentityCommand({})))).name, 'ExpiredToken');
      sts.destroy();
    });
  });

  test('throttled, server-errors, stream-interrupted and stream-cut fail first, then recover', async () => {
    for (const [file, expectedFirst] of [
      ['throttled.json', 'ThrottlingException'],
      ['server-errors.json', 'ServiceUnavailableException'],
      ['stream-interrupted.json', 'ModelStreamErrorException'],
      ['stream-cut.json', 'stream-error'],
    ] as const) {
      const scenario = load(file);
      await withServer(scenario, async (url) => {
        const client = new BedrockRuntimeClient({ region: 'us-east-1', endpoint: url, credentials: firstCredentials(scenario), maxAttempts: 1 });
        const streamOnce = async (): Promise<string> => {
          const response = await client.send(new InvokeModelWithResponseStreamCommand({ modelId: 'us.anthropic.claude-sonnet-4-6', body: body('recover') }));
          let text = '';
          for await (const part of response.body ?? []) {
            const event = JSON.parse(new TextDecoder().decode(part.chunk?.bytes)) as { delta?: { text?: string } };
            text += event.delta?.text ?? '';
          }
          return text;
        };
        const error = await failure(streamOnce());
        if (expectedFirst === 'stream-error') assert.ok(error instanceof Error, file);
        else assert.equal(error.name, expectedFirst, file);
        if (file === 'throttled.json') await failure(streamOnce());
        assert.equal(await streamOnce(), 'You said: recover', `${file} recovers`);
        client.destroy();
      });
    }
  });

  test('profile-discovery-denied: ListInferenceProfiles is AccessDeniedException', async () => {
    const scenario = load('profile-discovery-denied.json');
    await withServer(scenario, async (url) => {
      const client = new BedrockClient({ region: 'us-east-1', endpoint: url, credentials: firstCredentials(scenario), maxAttempts: 1 });
      const error = await failure(client.send(new ListInferenceProfilesCommand({ typeEquals: 'SYSTEM_DEFINED' })));
      assert.equal(error.name, 'AccessDeniedException');
      client.destroy();
    });
  });

  test('gateway-skip-auth: an unsigned request is served', async () => {
    await withServer(load('gateway-skip-auth.json'), async (url) => {
      const response = await fetch(`${url}/model/us.anthropic.claude-sonnet-4-6/invoke`, { method: 'POST', body: body('no signature') });
      assert.equal(response.status, 200);
      assert.match(await response.text(), /You said: no signature/);
    });
  });

  test('eu-account: us. IDs are invalid, eu. IDs work', async () => {
    const scenario = load('eu-account.json');
    await withServer(scenario, async (url) => {
      const client = new BedrockRuntimeClient({ region: scenario.defaultRegion, endpoint: url, credentials: firstCredentials(scenario), maxAttempts: 1 });
      const error = await failure(client.send(new InvokeModelCommand({ modelId: 'us.anthropic.claude-sonnet-4-6', body: body('x') })));
      assert.equal(error.message, 'The provided model identifier is invalid.');
      const ok = await client.send(new InvokeModelCommand({ modelId: 'eu.anthropic.claude-sonnet-4-6', body: body('from europe') }));
      assert.match(new TextDecoder().decode(ok.body), /from europe/);
      client.destroy();
    });
  });
});

describe('the AWS error catalogue, row by row', () => {
  test('each catalogued error reaches the AWS SDK with its name, status and message', async () => {
    const names = Object.keys(AWS_ERROR_STATUS);
    const scenario = scenarioWith({
      faults: names.map((name, index) => ({
        match: { operation: 'invoke', nth: index + 1 },
        error: { name, message: `catalogue row ${name}`, ...(name === 'ModelErrorException' ? { fields: { originalStatusCode: 500, resourceName: 'claude' } } : {}) },
      })),
    });
    await withServer(scenario, async (url) => {
      const client = new BedrockRuntimeClient({ region: 'us-east-1', endpoint: url, credentials: firstCredentials(scenario), maxAttempts: 1 });
      for (const name of names) {
        const error = await failure(client.send(new InvokeModelCommand({ modelId: 'us.anthropic.claude-sonnet-4-6', body: body('x') })));
        assert.ok(error instanceof BedrockRuntimeServiceException, name);
        assert.equal(error.name, name);
        assert.equal(error.message, `catalogue row ${name}`);
        assert.equal(error.$metadata?.httpStatusCode, AWS_ERROR_STATUS[name]);
        if (name === 'ModelErrorException') {
          assert.ok(error instanceof ModelErrorException);
          assert.equal(error.originalStatusCode, 500);
          assert.equal(error.resourceName, 'claude');
        }
      }
      client.destroy();
    });
  });
});
