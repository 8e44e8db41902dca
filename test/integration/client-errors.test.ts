/**
 * Every Bedrock and Mantle failure the client can meet, produced by the emulator, mapped to a
 * CcBedrockError that names model, region and endpoint, with the right retry behaviour (asserted
 * from the emulator's request log) and no secret anywhere.
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createClient, type ClientLogger } from '../../src/client/index.js';
import { CcBedrockError } from '../../src/core/errors.js';
import type { ScenarioInput } from '../../src/emulator/index.js';
import { PLANTED, assertNoSecrets } from '../helpers/secrets.js';
import { EMULATOR_KEYS, ScriptedAuthProvider, testPlan, recordingSleep, sigv4, startEmulator, type Harness, type TestPlanInput } from './client-harness.js';
import type { RequestAuth } from '../../src/core/auth-types.js';

function capturingLogger(): ClientLogger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    debug: (message, fields) => void lines.push(`${message} ${JSON.stringify(fields ?? {})}`),
    warn: (message, fields) => void lines.push(`${message} ${JSON.stringify(fields ?? {})}`),
  };
}

async function failure(promise: Promise<unknown>): Promise<CcBedrockError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof CcBedrockError, `expected a CcBedrockError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the call to fail');
}

function assertNamesTarget(error: CcBedrockError, model: string, region: string, url: string): void {
  assert.ok(error.message.includes(model), `message names the model: ${error.message}`);
  assert.ok(error.message.includes(region), `message names the region: ${error.message}`);
  assert.ok(error.message.includes(url), `message names the endpoint: ${error.message}`);
  assert.ok(error.remediation && error.remediation.length > 10, 'has a remediation');
}

interface Setup {
  readonly scenario?: Partial<ScenarioInput>;
  readonly plan?: Partial<TestPlanInput>;
  readonly auth?: readonly RequestAuth[];
  readonly maxRetries?: number;
}

describe('error mapping', () => {
  const harnesses: Harness[] = [];
  after(async () => Promise.all(harnesses.map((harness) => harness.close())));

  async function setup(input: Setup) {
    const harness = await startEmulator(input.scenario);
    harnesses.push(harness);
    const auth = new ScriptedAuthProvider(input.auth ?? [EMULATOR_KEYS]);
    const logger = capturingLogger();
    const sleeper = recordingSleep();
    const client = createClient({
      plan: testPlan({ url: harness.url, ...input.plan }),
      auth: { bedrock: auth, mantle: auth },
      logger,
      sleep: sleeper.sleep,
      random: () => 0,
      maxRetries: input.maxRetries ?? 3,
    });
    const ask = (model?: string) =>
      client.messages.create({ ...(model ? { model } : {}), max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] });
    return { harness, auth, logger, sleeper, client, ask };
  }

  test('AccessDeniedException fails at once with MODEL_NOT_GRANTED, the grant and the IAM actions', async () => {
    const { harness, ask } = await setup({ scenario: { access: { denied: ['anthropic.claude-sonnet-4-5-20250929-v1:0'] } } });
    const error = await failure(ask());
    assert.equal(error.code, 'MODEL_NOT_GRANTED');
    assert.equal(error.status, 403);
    assertNamesTarget(error, 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'us-east-1', harness.url);
    assert.match(error.remediation!, /grant access to us\.anthropic\.claude-sonnet-4-5-20250929-v1:0 in us-east-1/);
    assert.match(error.remediation!, /bedrock:InvokeModel and bedrock:InvokeModelWithResponseStream/);
    assert.match(error.remediation!, /inference-profile\/us\.anthropic\.claude-sonnet-4-5-20250929-v1:0/);
    assert.match(error.remediation!, /foundation-model\/anthropic\.claude-sonnet-4-5-20250929-v1:0/);
    assert.equal(harness.emulator.state.received.length, 1, 'not retried');
  });

  test('a denied inference-profile lookup is ACCESS_DENIED naming the IAM actions, not a model grant', async () => {
    const arn = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/deniedlookup';
    const { client } = await setup({
      scenario: {
        faults: [
          {
            match: { operation: 'get-inference-profile' },
            error: { name: 'AccessDeniedException', message: 'User is not authorized to perform: bedrock:GetInferenceProfile' },
          },
        ],
      },
    });
    const error = await failure(client.inferenceProfile(arn));
    assert.equal(error.code, 'ACCESS_DENIED');
    assert.match(error.remediation!, /bedrock:ListInferenceProfiles and bedrock:GetInferenceProfile/);
  });

  test('an unknown access key is CREDENTIALS_INVALID, and no planted secret leaks', async () => {
    const { harness, ask, logger } = await setup({
      auth: [sigv4(PLANTED.accessKeyId, PLANTED.secretAccessKey, PLANTED.sessionToken)],
      plan: { customHeaders: [{ name: 'X-Gateway-Key', value: PLANTED.gatewayKey, role: 'custom' }] },
    });
    const error = await failure(ask());
    assert.equal(error.code, 'CREDENTIALS_INVALID');
    assert.equal(harness.emulator.state.received.length, 1);
    assertNoSecrets(error.message, 'error message');
    assertNoSecrets(error.describe(), 'error description');
    assertNoSecrets(JSON.stringify(error.toJSON()), 'error JSON');
    assertNoSecrets(logger.lines.join('\n'), 'client log');
    // The signature secrets never travel; the emulator saw only the redacted Authorization header.
    assert.ok(!JSON.stringify(harness.emulator.state.received).includes(PLANTED.secretAccessKey));
  });

  test('a wrong secret key is CREDENTIALS_INVALID (signature mismatch)', async () => {
    const { ask } = await setup({ auth: [sigv4('AKIAEMULATOREXAMPLE1', PLANTED.secretAccessKey)] });
    const error = await failure(ask());
    assert.equal(error.code, 'CREDENTIALS_INVALID');
    assert.match(error.remediation!, /secret access key/);
    assertNoSecrets(JSON.stringify(error.toJSON()));
  });

  test('a base ID without on-demand throughput suggests the inference profile of the same model', async () => {
    const { harness, ask } = await setup({ plan: { region: 'eu-west-1', mainModel: 'anthropic.claude-opus-4-6-v1' } });
    const error = await failure(ask());
    assert.equal(error.code, 'ON_DEMAND_NOT_SUPPORTED');
    assertNamesTarget(error, 'anthropic.claude-opus-4-6-v1', 'eu-west-1', harness.url);
    assert.match(error.remediation!, /eu\.anthropic\.claude-opus-4-6-v1/);
    assert.deepEqual((error.details['suggestedModelIds'] as string[])[0], 'eu.anthropic.claude-opus-4-6-v1');
    assert.equal(harness.emulator.state.received.length, 1);
  });

  test('an invalid model identifier is MODEL_NOT_IN_REGION with the listing command', async () => {
    const { ask, harness } = await setup({ plan: { region: 'us-east-1', mainModel: 'eu.anthropic.claude-opus-4-6-v1' } });
    const error = await failure(ask());
    assert.equal(error.code, 'MODEL_NOT_IN_REGION');
    assertNamesTarget(error, 'eu.anthropic.claude-opus-4-6-v1', 'us-east-1', harness.url);
    assert.match(error.remediation!, /aws bedrock list-inference-profiles --region us-east-1/);
    assert.match(error.remediation!, /us\.anthropic\.claude-opus-4-6-v1/);
  });

  test('Mantle 403 is MANTLE_NOT_GRANTED; Mantle 400 naming the model is MANTLE_MODEL_NOT_SERVED', async () => {
    const denied = await setup({ scenario: { access: { mantleDenied: ['anthropic.claude-opus-4-7'] } }, plan: { endpoint: 'mantle' } });
    const grantError = await failure(denied.ask());
    assert.equal(grantError.code, 'MANTLE_NOT_GRANTED');
    assert.match(grantError.remediation!, /contact your AWS account team/);
    assertNamesTarget(grantError, 'anthropic.claude-opus-4-7', 'us-east-1', `${denied.harness.url}/anthropic`);
    assert.equal(denied.harness.emulator.state.received.length, 1);

    const lineup = await setup({ plan: { endpoint: 'mantle', mainModel: 'anthropic.claude-sonnet-4-5' } });
    const servedError = await failure(lineup.ask());
    assert.equal(servedError.code, 'MANTLE_MODEL_NOT_SERVED');
    assert.match(servedError.remediation!, /not in the Mantle lineup/);
    assert.match(servedError.remediation!, /Mantle-format ID/);
    assert.match(servedError.remediation!, /enable both endpoints/);
  });

  test('429 with Retry-After is retried after the advertised delay, then succeeds', async () => {
    const { harness, ask, sleeper } = await setup({
      scenario: {
        faults: [
          {
            match: { operation: 'invoke', times: 1 },
            error: { status: 429, name: 'ThrottlingException', message: 'Too many requests, please wait before trying again.', retryAfterSeconds: 2 },
          },
        ],
      },
    });
    const message = await ask();
    assert.equal(message.type, 'message');
    assert.deepEqual(sleeper.delays, [2000]);
    assert.deepEqual(
      harness.emulator.state.received.map((entry) => entry.status),
      [429, 200],
    );
  });

  test('persistent throttling gives up after the retry budget with THROTTLED', async () => {
    const { harness, ask, sleeper } = await setup({
      maxRetries: 2,
      scenario: {
        faults: [{ match: { operation: 'invoke' }, error: { status: 429, name: 'ThrottlingException', message: 'Too many tokens, please wait before trying again.' } }],
      },
    });
    const error = await failure(ask());
    assert.equal(error.code, 'THROTTLED');
    assert.equal(harness.emulator.state.received.length, 3);
    assert.equal(error.details['attempts'], 3);
    // exponential backoff: 0.5 s then 1 s (no jitter with random() = 0)
    assert.deepEqual(sleeper.delays, [500, 1000]);
  });

  test('503 ServiceUnavailable is retried, then UPSTREAM_UNAVAILABLE', async () => {
    const { harness, ask } = await setup({
      maxRetries: 1,
      scenario: {
        faults: [{ match: { operation: 'invoke' }, error: { status: 503, name: 'ServiceUnavailableException', message: 'Service unavailable, try again later.' } }],
      },
    });
    const error = await failure(ask());
    assert.equal(error.code, 'UPSTREAM_UNAVAILABLE');
    assert.equal(harness.emulator.state.received.length, 2);
  });

  test('an expired token is recovered through the AuthProvider and the request sent once more', async () => {
    const expired = { accessKeyId: 'AKIAEXPIREDEXAMPLE01', secretAccessKey: 'expiredSecret/EXAMPLE/000000000000', sessionToken: 'expiredSessionTokenExample', expiresAt: '2020-01-01T00:00:00Z' };
    const { harness, ask, auth } = await setup({
      scenario: { credentials: [expired, { accessKeyId: 'AKIAEMULATOREXAMPLE1', secretAccessKey: 'emulatorSecretAccessKey/EXAMPLE/0000000000' }] },
      auth: [sigv4(expired.accessKeyId, expired.secretAccessKey, expired.sessionToken), EMULATOR_KEYS],
    });
    const message = await ask();
    assert.equal(message.type, 'message');
    assert.equal(auth.recoveries, 1);
    assert.equal(auth.working, 1);
    const log = harness.emulator.state.received;
    assert.deepEqual(log.map((entry) => entry.errorType ?? entry.status), ['ExpiredTokenException', 200]);
  });

  test('credentials that stay expired end with CREDENTIALS_EXPIRED once the provider gives up', async () => {
    const expired = { accessKeyId: 'AKIAEXPIREDEXAMPLE01', secretAccessKey: 'expiredSecret/EXAMPLE/000000000000', expiresAt: '2020-01-01T00:00:00Z' };
    const { harness, ask, auth } = await setup({
      scenario: { credentials: [expired] },
      auth: [sigv4(expired.accessKeyId, expired.secretAccessKey)],
    });
    const error = await failure(ask());
    assert.equal(error.code, 'CREDENTIALS_EXPIRED');
    assert.equal(auth.recoveries, 1);
    assert.equal(harness.emulator.state.received.length, 1);
    assert.match(error.remediation!, /aws sso login|refresh/);
  });

  test('a Mantle 401 is treated as expired credentials and recovered', async () => {
    const { harness, ask, auth } = await setup({
      plan: { endpoint: 'mantle' },
      auth: [EMULATOR_KEYS, EMULATOR_KEYS],
      scenario: { faults: [{ match: { operation: 'mantle-messages', times: 1 }, error: { status: 401, name: 'authentication_error', message: 'The security token included in the request is expired' } }] },
    });
    const message = await ask();
    assert.equal(message.type, 'message');
    assert.equal(auth.recoveries, 1);
    assert.deepEqual(harness.emulator.state.received.map((entry) => entry.status), [401, 200]);
  });
});
