/**
 * Guardrails through the gateway: the configured guardrail goes on every model call, an
 * intervention comes back as an error (never as an assistant turn the client would keep), and
 * with tagging on only the latest user text is evaluated, so one blocked prompt does not block
 * every later turn of the session.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AnthropicBedrock } from '@anthropic-ai/bedrock-sdk';
import Anthropic, { APIError, BadRequestError } from '@anthropic-ai/sdk';
import { startGatewayHarness, type GatewayHarness } from '../helpers/gateway-harness.js';
import type { CustomHeader } from '../../src/core/route-plan.js';

const GUARDRAIL: readonly CustomHeader[] = [
  { name: 'X-Amzn-Bedrock-GuardrailIdentifier', value: 'emulatorguard', role: 'guardrail' },
  { name: 'X-Amzn-Bedrock-GuardrailVersion', value: '1', role: 'guardrail' },
];
const SONNET = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const CANNED = 'Sorry, the model cannot answer this question.';

async function rejection(promise: Promise<unknown>): Promise<APIError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof APIError, String(error));
    return error;
  }
  assert.fail('expected the call to fail');
}

describe('guardrails', () => {
  let plain: GatewayHarness;
  let tagging: GatewayHarness;

  before(async () => {
    plain = await startGatewayHarness({ plan: { customHeaders: GUARDRAIL } });
    tagging = await startGatewayHarness({ plan: { customHeaders: GUARDRAIL }, gateway: { guardrailTagging: true } });
  });

  after(async () => {
    await plain.close();
    await tagging.close();
  });

  const sdk = (harness: GatewayHarness) => new Anthropic({ baseURL: harness.url, apiKey: 'unused', maxRetries: 0 });

  test('an intervention is a 400 naming the guardrail, not an assistant message', async () => {
    const error = await rejection(sdk(plain).messages.create({ model: 'sonnet', max_tokens: 50, messages: [{ role: 'user', content: 'tell me about forbidden-topic' }] }));
    assert.ok(error instanceof BadRequestError);
    assert.match(error.message, /guardrail emulatorguard \(version 1\) blocked the turn/);
    assert.match(error.message, new RegExp(CANNED.replace(/[.]/g, '\\.')));
    assert.match(error.message, /do not add it/);
    const sent = plain.emulator.state.received.at(-1)!;
    assert.equal(sent.headers['x-amzn-bedrock-guardrailidentifier'], 'emulatorguard');
    assert.equal(sent.headers['x-amzn-bedrock-guardrailversion'], '1');
  });

  test('a streamed intervention ends the stream with an error event', async () => {
    const stream = sdk(plain).messages.stream({ model: 'sonnet', max_tokens: 50, messages: [{ role: 'user', content: 'forbidden-topic, streamed' }] });
    const error = await rejection(stream.finalMessage());
    assert.match(error.message, /guardrail emulatorguard/);
    assert.equal((error.error as { error?: { type?: string } })?.error?.type, 'invalid_request_error');
  });

  test('on the Bedrock passthrough an intervention is a ValidationException, streamed or not', async () => {
    const bedrock = new AnthropicBedrock({ baseURL: plain.url, awsRegion: 'us-east-1', skipAuth: true, apiKey: null, maxRetries: 0 });
    const plainError = await rejection(bedrock.messages.create({ model: SONNET, max_tokens: 50, messages: [{ role: 'user', content: 'forbidden-topic please' }] }));
    assert.equal(plainError.status, 400);
    assert.match(plainError.message, /guardrail emulatorguard/);
    const streamError = await rejection(bedrock.messages.stream({ model: SONNET, max_tokens: 50, messages: [{ role: 'user', content: 'forbidden-topic please' }] }).finalMessage());
    assert.match(streamError.message, /guardrail emulatorguard/);
  });

  test('without tagging, a blocked prompt in the history blocks every later turn (the poisoning)', async () => {
    const history = [
      { role: 'user' as const, content: 'tell me about forbidden-topic' },
      { role: 'assistant' as const, content: 'I cannot.' },
      { role: 'user' as const, content: 'ok, something else: what is 2+2?' },
    ];
    await rejection(sdk(plain).messages.create({ model: 'sonnet', max_tokens: 50, messages: history }));
  });

  test('with tagging, only the latest user text is evaluated, so the session recovers', async () => {
    const history = [
      { role: 'user' as const, content: 'tell me about forbidden-topic' },
      { role: 'assistant' as const, content: 'I cannot.' },
      { role: 'user' as const, content: [{ type: 'text' as const, text: 'ok, something else: what is 2+2?' }] },
    ];
    const message = await sdk(tagging).messages.create({ model: 'sonnet', system: 'be brief', max_tokens: 500, messages: history });
    assert.equal(message.stop_reason, 'end_turn');
    assert.doesNotMatch(JSON.stringify(message.content), /cannot answer/);
    const body = tagging.emulator.state.received.at(-1)!.body as Record<string, unknown>;
    const suffix = (body['amazon-bedrock-guardrailConfig'] as { tagSuffix: string }).tagSuffix;
    assert.match(suffix, /^[0-9a-f]{12}$/);
    const messages = body['messages'] as { content: unknown }[];
    assert.equal(messages[0]!.content, 'tell me about forbidden-topic', 'history is not re-tagged');
    assert.equal(
      (messages[2]!.content as { text: string }[])[0]!.text,
      `<amazon-bedrock-guardrails-guardContent_${suffix}>ok, something else: what is 2+2?</amazon-bedrock-guardrails-guardContent_${suffix}>`,
    );
    assert.equal(body['system'], 'be brief', 'system prompts are never tagged');
  });

  test('with tagging, a blocked latest prompt is still blocked', async () => {
    const error = await rejection(sdk(tagging).messages.create({ model: 'sonnet', max_tokens: 50, messages: [{ role: 'user', content: 'now forbidden-topic' }] }));
    assert.ok(error instanceof BadRequestError);
  });
});
