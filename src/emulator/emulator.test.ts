import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createEmulator } from './emulator.js';
import { scenarioWith } from './scenario.js';

const invoke = (text: string) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 20, messages: [{ role: 'user', content: text }] }),
});
const url = 'http://bedrock.emulator.invalid/model/us.anthropic.claude-sonnet-4-6';

describe('dispatch through the in-process fetch', () => {
  test('unsigned requests are refused unless the scenario allows them', async () => {
    const strict = createEmulator();
    const refused = await strict.fetch(`${url}/invoke`, invoke('x'));
    assert.equal(refused.status, 403);
    assert.equal(refused.headers.get('x-amzn-errortype'), 'MissingAuthenticationTokenException:http://internal.amazon.com/coral/com.amazon.bedrock/');
    assert.deepEqual(await refused.json(), { message: 'Missing Authentication Token' });

    const open = createEmulator({ scenario: scenarioWith({ allowUnsigned: true }) });
    const ok = await open.fetch(`${url}/invoke`, invoke('open door'));
    assert.equal(ok.status, 200);
    const message = (await ok.json()) as { content: { text: string }[]; usage: { input_tokens: number; output_tokens: number } };
    assert.equal(message.content[0]?.text, 'You said: open door');
    assert.equal(ok.headers.get('x-amzn-bedrock-input-token-count'), String(message.usage.input_tokens));
    assert.equal(ok.headers.get('x-amzn-bedrock-output-token-count'), String(message.usage.output_tokens));
  });

  test('faults fire on the nth matching request, or the first N', async () => {
    const emulator = createEmulator({
      scenario: scenarioWith({
        allowUnsigned: true,
        faults: [
          { match: { operation: 'invoke', nth: 2 }, error: { name: 'ThrottlingException', message: 'slow down', retryAfterSeconds: 1 } },
          { match: { operation: 'invoke-stream', times: 1 }, error: { status: 503, name: 'ServiceUnavailableException', message: 'busy' } },
        ],
      }),
    });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await emulator.fetch(`${url}/invoke`, invoke('x'))).status);
    assert.deepEqual(statuses, [200, 429, 200]);
    assert.equal(emulator.state.received[1]?.errorType, 'ThrottlingException');
    const first = await emulator.fetch(`${url}/invoke-with-response-stream`, invoke('x'));
    const second = await emulator.fetch(`${url}/invoke-with-response-stream`, invoke('x'));
    assert.equal(first.status, 503);
    assert.equal(second.status, 200);
    await second.arrayBuffer();
    emulator.state.reset();
    assert.equal((await emulator.fetch(`${url}/invoke-with-response-stream`, invoke('x'))).status, 503, 'reset re-arms the counters');
  });

  test('a cut stream errors the fetch body; an unknown route is UnknownOperationException', async () => {
    const emulator = createEmulator({ scenario: scenarioWith({ allowUnsigned: true, faults: [{ match: { operation: 'invoke-stream' }, cutStream: { afterEvents: 1 } }] }) });
    const response = await emulator.fetch(`${url}/invoke-with-response-stream`, invoke('x'));
    assert.equal(response.status, 200);
    await assert.rejects(response.arrayBuffer());
    const unknown = await emulator.fetch('http://bedrock.emulator.invalid/model/x/converse-everything', { method: 'POST' });
    assert.equal(unknown.status, 404);
    assert.match(unknown.headers.get('x-amzn-errortype') ?? '', /^UnknownOperationException:/);
  });

  test('first-byte and per-chunk latency are applied', async () => {
    const emulator = createEmulator({ scenario: scenarioWith({ allowUnsigned: true, latency: { firstByteMs: 40, perChunkMs: 5 } }) });
    const started = process.hrtime.bigint();
    const response = await emulator.fetch(`${url}/invoke-with-response-stream`, invoke('one two three'));
    const firstByte = Number(process.hrtime.bigint() - started) / 1e6;
    await response.arrayBuffer();
    const total = Number(process.hrtime.bigint() - started) / 1e6;
    // Lower bounds only: latency injection must add at least what the scenario asks.
    assert.ok(firstByte >= 35, `first byte after ${firstByte} ms`);
    assert.ok(total >= 40 + 5 * 5, `stream done after ${total} ms`);
  });
});

describe('guardrail tagging', () => {
  const guarded = (text: string, tagSuffix: string) => ({
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-amzn-bedrock-guardrailidentifier': 'emulatorguard',
      'x-amzn-bedrock-guardrailversion': 'DRAFT',
      'x-amzn-bedrock-trace': 'ENABLED',
    },
    body: JSON.stringify({
      anthropic_version: 'bedrock-2023-05-31',
      max_tokens: 50,
      messages: [{ role: 'user', content: text }],
      'amazon-bedrock-guardrailConfig': { tagSuffix },
    }),
  });

  test('only tagged content is evaluated, whatever characters the suffix has', async () => {
    const emulator = createEmulator({ scenario: scenarioWith({ allowUnsigned: true }) });
    /** Which side the guardrail blocked on: the input, the (echoed) output, or neither. */
    const blockedOn = async (text: string, suffix: string): Promise<string> => {
      const response = await emulator.fetch(`${url}/invoke`, guarded(text, suffix));
      assert.equal(response.status, 200);
      const message = (await response.json()) as Record<string, { guardrail: { input: Record<string, object>; outputs?: unknown[] } }>;
      const trace = message['amazon-bedrock-trace']!.guardrail;
      if (Object.keys(trace.input.emulatorguard ?? {}).length > 0) return 'input';
      return trace.outputs ? 'output' : 'none';
    };
    // Outside the tags the term is not evaluated as input; the echo still carries it, so the output check blocks.
    assert.equal(await blockedOn('forbidden-topic outside <amazon-bedrock-guardrails-guardContent_a(b>fine</amazon-bedrock-guardrails-guardContent_a(b>', 'a(b'), 'output');
    assert.equal(await blockedOn('<amazon-bedrock-guardrails-guardContent_x.y>forbidden-topic</amazon-bedrock-guardrails-guardContent_x.y>', 'x.y'), 'input');
    assert.equal(await blockedOn('<amazon-bedrock-guardrails-guardContent_x.y>harmless</amazon-bedrock-guardrails-guardContent_x.y>', 'x.y'), 'none');
  });

  test('a scenario with an invalid regular expression is refused when loaded', () => {
    assert.throws(() => scenarioWith({ replies: [{ match: { regex: '(' }, content: [{ type: 'text', text: 'x' }] }] }), /must be a valid regular expression/);
  });
});
