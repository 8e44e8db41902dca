/**
 * One wire answer, one verdict: the gateway reads Bedrock's failures off node:http itself
 * (src/bedrock/wire-failure.ts) and the client reads what the Anthropic Bedrock SDK threw for the
 * same answer (src/bedrock/sdk-failure.ts). The emulator gives each error answer to both; the
 * classification (code, action, rule, message) must be the same, so the CLI, the library and the
 * gateway explain one upstream answer the same way.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createServer, type Server } from 'node:net';
import { AnthropicBedrock } from '@anthropic-ai/bedrock-sdk';
import { classifyFailure } from '../../src/bedrock/classify-failure.js';
import { FAILURE_RULES, type ClassifyContext } from '../../src/bedrock/failure-rules.js';
import { describeUpstreamFailure } from '../../src/bedrock/sdk-failure.js';
import { isCcBedrockError, type CcBedrockError } from '../../src/core/errors.js';
import type { CallTarget } from '../../src/core/route-plan.js';
import { createEmulator, defaultScenario, scenarioWith, type Emulator, type RunningEmulator, type ScenarioFault } from '../../src/emulator/index.js';
import { Cancellation } from '../../src/gateway/cancellation.js';
import { Upstream } from '../../src/gateway/upstream.js';
import { nodeHttpTransport } from '../../src/gateway/upstream-transport.js';
import { EMULATOR_KEYS, ScriptedAuthProvider } from '../helpers/test-plan.js';

const MODEL = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const credential = defaultScenario().credentials[0]!;

type Verdict = { code: string; action: string; rule: string; message: string };

function verdictOf(error: CcBedrockError): Verdict {
  const rule = String(error.details['failureRule']);
  const action = FAILURE_RULES.find((entry) => entry.id === rule)?.action ?? 'none';
  return { code: error.code, action, rule, message: error.message };
}

const FAULTS: { name: string; error: NonNullable<ScenarioFault['error']> }[] = [
  { name: 'throttled', error: { status: 429, name: 'ThrottlingException', message: 'Too many requests, please wait before trying again.', retryAfterSeconds: 2 } },
  { name: 'unavailable', error: { status: 503, name: 'ServiceUnavailableException', message: 'Bedrock is unable to process your request.' } },
  { name: 'internal', error: { status: 500, name: 'InternalServerException', message: 'An internal server error occurred.' } },
  { name: 'expired token', error: { status: 403, name: 'ExpiredTokenException', message: 'The security token included in the request is expired' } },
  { name: 'access denied', error: { status: 403, name: 'AccessDeniedException', message: 'You don\'t have access to the model with the specified model ID.' } },
  { name: 'validation', error: { status: 400, name: 'ValidationException', message: 'max_tokens: Field required' } },
  { name: 'not found', error: { status: 404, name: 'ResourceNotFoundException', message: 'Model use case details have not been submitted for this account.' } },
  { name: 'model error', error: { status: 424, name: 'ModelErrorException', message: 'Received error from model', fields: { originalStatusCode: 500 } } },
  { name: 'not ready', error: { status: 429, name: 'ModelNotReadyException', message: 'Model is not ready for inference.' } },
];

describe('the gateway and the client read one wire answer the same way', () => {
  let emulator: Emulator;
  let running: RunningEmulator;
  let closed: Server;
  let closedPort = 0;

  before(async () => {
    emulator = createEmulator();
    running = await emulator.listen();
    // A port that was just open and is closed now: connections to it are refused.
    closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    closedPort = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
  });
  after(async () => {
    await emulator.close();
  });

  const target = (baseURL: string): CallTarget => ({ modelId: MODEL, requested: 'sonnet', endpoint: 'bedrock', region: 'us-east-1', baseURL, betas: [], catalogKey: undefined });
  const context = (baseURL: string): ClassifyContext => ({ target: target(baseURL), authKind: 'sigv4', operation: 'messages' });
  const body = JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] });

  async function viaGateway(baseURL: string): Promise<CcBedrockError> {
    const auth = new ScriptedAuthProvider([EMULATOR_KEYS]);
    const transport = nodeHttpTransport();
    const upstream = new Upstream({ auth: { bedrock: auth, mantle: auth }, transport, clock: Date.now, sleep: async () => undefined, random: Math.random, maxRetries: 0, timeoutMs: 10_000 });
    try {
      await upstream.send({
        target: target(baseURL),
        service: 'bedrock',
        method: 'POST',
        baseURL,
        path: `/model/${encodeURIComponent(MODEL)}/invoke`,
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body,
        operation: 'messages',
        cancel: new Cancellation(),
      });
    } catch (error) {
      assert.ok(isCcBedrockError(error), String(error));
      return error;
    } finally {
      transport.close();
    }
    assert.fail('the gateway call should have failed');
  }

  async function viaClient(baseURL: string): Promise<CcBedrockError> {
    const sdk = new AnthropicBedrock({ awsRegion: 'us-east-1', baseURL, awsAccessKey: credential.accessKeyId, awsSecretKey: credential.secretAccessKey, apiKey: null, maxRetries: 0 });
    try {
      await sdk.messages.create({ model: MODEL, max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] });
    } catch (error) {
      return classifyFailure(error, describeUpstreamFailure(error, [], Date.now()), context(baseURL)).error;
    }
    assert.fail('the client call should have failed');
  }

  test('every emulator error answer: same code, action, rule and message', async () => {
    for (const fault of FAULTS) {
      emulator.state.loadScenario(scenarioWith({ faults: [{ match: { operation: 'invoke' }, error: fault.error }] }));
      const gateway = verdictOf(await viaGateway(running.url));
      assert.deepEqual(verdictOf(await viaClient(running.url)), gateway, fault.name);
    }
  });

  test('a refused connection: same code, action and rule', async () => {
    const baseURL = `http://127.0.0.1:${closedPort}`;
    const gateway = verdictOf(await viaGateway(baseURL));
    const client = verdictOf(await viaClient(baseURL));
    assert.deepEqual({ ...client, message: '' }, { ...gateway, message: '' });
    assert.match(gateway.message, /ECONNREFUSED/);
  });
});
