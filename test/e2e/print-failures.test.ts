/**
 * Every failure mapping of `cc-bedrock -p`, end to end against the emulator's fault injection:
 * each asserts the message and remediation on stderr, the exit code, and what was (not) re-sent.
 * Claude Code retries every 403 for minutes; here a missing grant fails at once.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReceivedRequest } from '../../src/emulator/index.js';
import { cliEmulatorHarness } from '../helpers/cli-emulator.js';
import { PLANTED_ENV_KEYS } from '../helpers/secrets.js';

const { cc } = cliEmulatorHarness({ env: PLANTED_ENV_KEYS });

const streamCalls = (log: readonly ReceivedRequest[]) => log.filter((entry) => entry.operation === 'invoke-stream');
/** Non-streaming main calls (not 1-token probes). */
const invokeCalls = (log: readonly ReceivedRequest[]) =>
  log.filter((entry) => entry.operation === 'invoke' && (entry.body as { max_tokens?: number } | undefined)?.max_tokens !== 1);

const SONNET_45 = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const MANTLE = { CLAUDE_CODE_USE_MANTLE: '1', CLAUDE_CODE_USE_BEDROCK: undefined };

describe('cc-bedrock -p: failures that retrying cannot fix fail at once (exit 1)', { concurrency: true }, () => {
  test('a model the account is not granted: the grant and IAM actions, no retry', async () => {
    const run = await cc(['-p', 'hi', '--model', SONNET_45], { scenario: { access: { denied: ['anthropic.claude-sonnet-4-5-20250929-v1:0'] } } });
    assert.equal(run.code, 1);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^cc-bedrock: Amazon Bedrock denied access to model us\.anthropic\.claude-sonnet-4-5-20250929-v1:0 in us-east-1 [^\n]*403 AccessDeniedException/);
    assert.match(run.stderr, /\n {2}fix: grant access to us\.anthropic\.claude-sonnet-4-5-20250929-v1:0 in us-east-1 \(Bedrock console > Model access[^\n]*bedrock:InvokeModelWithResponseStream/);
    assert.equal(streamCalls(run.log).length, 1);
  });

  test('a base model ID without on-demand throughput: the inference profile of the same model for the region', async () => {
    const run = await cc(['-p', 'hi', '--model', 'anthropic.claude-sonnet-4-5-20250929-v1:0']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /with on-demand throughput isn.t supported/);
    assert.match(run.stderr, /\n {2}fix: use the inference-profile ID of the same model for us-east-1: us\.anthropic\.claude-sonnet-4-5-20250929-v1:0/);
    assert.doesNotMatch(run.stderr, /claude-sonnet-4-20250514/);
    assert.equal(streamCalls(run.log).length, 1);
  });

  test('Mantle 403 with valid credentials: the account is not granted the model', async () => {
    const run = await cc(['-p', 'hi', '--model', 'anthropic.claude-opus-4-7'], { env: MANTLE, scenario: { access: { mantleDenied: ['anthropic.claude-opus-4-7'] } } });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^cc-bedrock: [^\n]*anthropic\.claude-opus-4-7[^\n]*403/);
    assert.match(run.stderr, /\n {2}fix: [^\n]*AWS account team/);
    const main = run.log.filter((entry) => entry.operation === 'mantle-messages' && entry.query === 'beta=true');
    assert.equal(main.length, 1);
  });

  test('Mantle 400 naming the model: not in the Mantle lineup; use a Mantle-format ID or enable both endpoints', async () => {
    const run = await cc(['-p', 'hi', '--model', 'anthropic.claude-sonnet-4-5'], { env: MANTLE });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /cc-bedrock: [^\n]*400[^\n]*The model anthropic\.claude-sonnet-4-5 is not supported on this endpoint\./);
    assert.match(run.stderr, /\n {2}fix: anthropic\.claude-sonnet-4-5 is not in the Mantle lineup; use a Mantle-format ID[^\n]*enable both endpoints/);
  });

  test('a guardrail intervention is an error naming the guardrail and the blocked reply (exit 1)', async () => {
    const run = await cc(['-p', 'tell me about forbidden-topic'], {
      env: { ANTHROPIC_CUSTOM_HEADERS: 'X-Amzn-Bedrock-GuardrailIdentifier: emulatorguard\nX-Amzn-Bedrock-GuardrailVersion: 1' },
    });
    assert.equal(run.code, 1);
    // Bedrock marks the intervention at the end of the stream, after its canned text streamed.
    assert.doesNotMatch(run.stdout, /You said/);
    assert.match(run.stderr, /^cc-bedrock: Amazon Bedrock guardrail emulatorguard \(version 1\) blocked the turn/);
    assert.equal(streamCalls(run.log)[0]?.headers['x-amzn-bedrock-guardrailidentifier'], 'emulatorguard');
  });
});

describe('cc-bedrock -p: transient failures and broken streams', { concurrency: true }, () => {
  test('throttling is retried, then the reply arrives (exit 0)', async () => {
    const run = await cc(['-p', 'hi', '--model', SONNET_45], {
      scenario: {
        faults: [{ match: { operation: 'invoke-stream', times: 1 }, error: { name: 'ThrottlingException', message: 'Too many requests, please wait before trying again.', retryAfterSeconds: 0 } }],
      },
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'You said: hi\n');
    assert.match(run.stderr, /retry 1 of 10/);
    assert.deepEqual(streamCalls(run.log).map((entry) => entry.status), [429, 200]);
  });

  test('a 5xx that persists ends after the retry budget (CLAUDE_CODE_MAX_RETRIES) with exit 1', async () => {
    const run = await cc(['-p', 'hi', '--model', SONNET_45], {
      env: { CLAUDE_CODE_MAX_RETRIES: '2' },
      scenario: { faults: [{ match: { operation: 'invoke-stream' }, error: { name: 'ServiceUnavailableException', status: 503, message: 'Bedrock is unavailable right now.' } }] },
    });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /cc-bedrock: [^\n]*503[^\n]*\(gave up after 3 attempts\)\n {2}fix: /);
    assert.equal(streamCalls(run.log).length, 3);
  });

  test('an exception frame before any output is answered by exactly one non-streaming invoke', async () => {
    const run = await cc(['-p', 'hi', '--model', SONNET_45], {
      scenario: { faults: [{ match: { operation: 'invoke-stream' }, streamException: { afterEvents: 1, type: 'modelStreamErrorException', message: 'The model stream was interrupted.' } }] },
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'You said: hi\n');
    assert.match(run.stderr, /failed before any output[^\n]*sending it once without streaming/);
    assert.equal(streamCalls(run.log).length, 1);
    assert.equal(invokeCalls(run.log).length, 1);
    assert.equal(invokeCalls(run.log)[0]?.path, `/model/${SONNET_45}/invoke`);
  });

  test('a stream cut after output is an error, and the request is not sent again (no double billing)', async () => {
    const run = await cc(['-p', 'a reply long enough to be cut', '--model', SONNET_45], {
      scenario: { faults: [{ match: { operation: 'invoke-stream' }, cutStream: { afterEvents: 4 } }] },
    });
    assert.equal(run.code, 1);
    assert.ok(run.stdout.length > 0 && run.stdout.endsWith('\n'), `partial reply on stdout: ${JSON.stringify(run.stdout)}`);
    assert.ok('You said: a reply long enough to be cut'.startsWith(run.stdout.trimEnd()), run.stdout);
    assert.notEqual(run.stdout.trimEnd(), 'You said: a reply long enough to be cut');
    assert.match(run.stderr, /broke after output was delivered[^\n]*\n {2}fix: retry the turn; it was not re-sent automatically/);
    assert.equal(streamCalls(run.log).length, 1);
    assert.equal(invokeCalls(run.log).length, 0);
  });
});
