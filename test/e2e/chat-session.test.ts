/**
 * `cc-bedrock chat` end to end with piped input: multi-turn history, the slash commands, the
 * availableModels-limited model list, and history hygiene (a guardrail-blocked or failed turn
 * never reaches later requests).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReceivedRequest } from '../../src/emulator/index.js';
import { cliEmulatorHarness } from '../helpers/cli-emulator.js';
import { PLANTED_ENV_KEYS } from '../helpers/secrets.js';

const { cc, newHome } = cliEmulatorHarness({ env: PLANTED_ENV_KEYS });

type Body = { messages: { role: string; content: unknown }[] };
const mainCalls = (log: readonly ReceivedRequest[]) => log.filter((entry) => entry.operation === 'invoke-stream');
const messagesOf = (entry: ReceivedRequest | undefined) => (entry?.body as Body).messages;
const lines = (...input: string[]) => `${input.join('\n')}\n`;

describe('cc-bedrock chat', { concurrency: true }, () => {
  test('multi-turn conversation with the slash commands', async () => {
    const run = await cc(['chat'], {
      input: lines('first question', '/model', '/model opus', 'second question', '/status', '/logout', '/web', 'please enable web search for me', '/setup-bedrock', '/nope', '/help', '/exit', 'never sent'),
    });
    assert.equal(run.code, 0, run.stderr);
    const out = run.stdout;
    assert.match(out, /^cc-bedrock chat · Amazon Bedrock · us-east-1/);
    assert.match(out, /> first question\nYou said: first question\n/);
    // /model without a terminal lists the choices with the current one marked
    assert.match(out, /Models \(\* = current\):\n \* default {6}us\.anthropic\.claude-sonnet-4-5-20250929-v1:0 {2}\[available\]\n {3}opus {9}us\.anthropic\.claude-opus-4-6-v1 {2}\[available\]/);
    assert.match(out, /> \/model opus\nModel: us\.anthropic\.claude-opus-4-6-v1 \(Invoke API, us-east-1;/);
    assert.match(out, /> second question\nYou said: second question\n/);
    // the second turn went to the new model with the first exchange as history
    const [first, second, ...rest] = mainCalls(run.log);
    assert.equal(rest.length, 0, 'the web-search request and the line after /exit were not sent');
    assert.equal(first?.modelId, 'us.anthropic.claude-sonnet-4-5-20250929-v1:0');
    assert.equal(second?.modelId, 'us.anthropic.claude-opus-4-6-v1');
    assert.deepEqual(messagesOf(second), [
      { role: 'user', content: 'first question' },
      { role: 'assistant', content: [{ type: 'text', text: 'You said: first question' }] },
      { role: 'user', content: 'second question' },
    ]);
    // /status shows the live plan, including the model picked with /model
    assert.match(out, /Provider {7}Amazon Bedrock\n[^\n]*\nRegion {9}us-east-1/);
    assert.match(out, /Models\n {2}main {9}us\.anthropic\.claude-opus-4-6-v1/);
    assert.match(out, /Model availability\n {2}discovered now/);
    assert.match(out, /Conversation: 2 exchanges on us\.anthropic\.claude-opus-4-6-v1/);
    assert.match(out, /\/logout is not available on Amazon Bedrock[^\n]*AWS credentials,\nnow env-keys from AWS_ACCESS_KEY_ID \(shell env\)/);
    assert.match(out, /> \/web\nThe WebSearch tool is not available on Bedrock/);
    assert.match(out, /> please enable web search for me\nThe WebSearch tool is not available on Bedrock[^\n]*\n {2}fix: [^\n]*\n\(nothing was sent\)/);
    assert.match(out, /> \/setup-bedrock\n\/setup-bedrock is an interactive wizard and needs a terminal/);
    assert.match(run.stderr, /^cc-bedrock: unknown command \/nope\n {2}fix: \/help lists the commands/m);
    assert.match(out, /\/model \[name\] +switch model/);
    assert.doesNotMatch(out, /never sent/);
  });

  test('availableModels limits the model list, and a blocked /model names the allowed entries', async () => {
    const home = newHome({ 'home/.claude/settings.json': { availableModels: ['sonnet', 'haiku'] } });
    const run = await cc(['chat'], { home, input: lines('/model', '/model opus', '/model haiku', 'hello') });
    assert.equal(run.code, 0, run.stderr);
    const listing = /Models \(\* = current\):\n((?: [ *] [^\n]*\n)+)/.exec(run.stdout)?.[1] ?? '';
    assert.deepEqual(listing.trimEnd().split('\n').map((row) => row.slice(3).split(/\s+/)[0]), ['default', 'sonnet', 'haiku']);
    assert.match(run.stderr, /^cc-bedrock: Model "opus"[^\n]*is not allowed by availableModels \(~\/\.claude\/settings\.json\); allowed: "sonnet", "haiku"/m);
    assert.match(run.stdout, /Allowed here:\n/);
    assert.deepEqual(mainCalls(run.log).map((entry) => entry.modelId), ['us.anthropic.claude-haiku-4-5-20251001-v1:0']);
  });

  test('a guardrail-blocked turn and a failed turn are dropped from the history; later turns carry only completed exchanges', async () => {
    const run = await cc(['chat', '--model', 'sonnet'], {
      env: { ANTHROPIC_CUSTOM_HEADERS: 'X-Amzn-Bedrock-GuardrailIdentifier: emulatorguard\nX-Amzn-Bedrock-GuardrailVersion: 1' },
      scenario: { faults: [{ match: { operation: 'invoke-stream', nth: 3 }, error: { name: 'ValidationException', message: 'Malformed input request, please reformat your input and try again.' } }] },
      input: lines('alpha', 'tell me about forbidden-topic', 'beta', 'gamma'),
    });
    // piped input: a failed turn makes the exit code 1
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^cc-bedrock: Amazon Bedrock guardrail emulatorguard \(version 1\) blocked the turn/m);
    assert.match(run.stdout, /\(the guardrail blocked this exchange; it was removed from the conversation/);
    assert.match(run.stderr, /Malformed input request/);
    assert.match(run.stdout, /\(nothing was added to the conversation; send the message again to retry\)/);
    const calls = mainCalls(run.log);
    assert.equal(calls.length, 4);
    assert.deepEqual(messagesOf(calls[2]), [
      { role: 'user', content: 'alpha' },
      { role: 'assistant', content: [{ type: 'text', text: 'You said: alpha' }] },
      { role: 'user', content: 'beta' },
    ]);
    assert.deepEqual(messagesOf(calls[3]), [
      { role: 'user', content: 'alpha' },
      { role: 'assistant', content: [{ type: 'text', text: 'You said: alpha' }] },
      { role: 'user', content: 'gamma' },
    ]);
    assert.match(run.stdout, /> gamma\nYou said: gamma\n/);
  });

  test('a configuration error stops the chat before it starts (exit 2)', async () => {
    const run = await cc(['chat', '--max-tokens', '0'], { input: lines('hello') });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--max-tokens "0" is not a positive whole number/);
    assert.equal(run.log.length, 0);
  });
});
