import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GUARDRAIL_CONFIG_KEY, blockedTextOf, hasGuardrail, newTagSuffix, reportsIntervention, tagLatestUserText } from './guardrails.js';

describe('guardrails', () => {
  test('only the latest user turn is tagged, and only its text blocks', () => {
    const body: Record<string, unknown> = {
      system: 'system prompt',
      messages: [
        { role: 'user', content: 'old question' },
        { role: 'assistant', content: 'old answer' },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 't1', content: 'tool output' },
            { type: 'text', text: 'new question' },
          ],
        },
      ],
    };
    assert.equal(tagLatestUserText(body, 'abc123'), 1);
    const messages = body['messages'] as { content: unknown }[];
    assert.equal(messages[0]!.content, 'old question');
    const last = messages[2]!.content as { type: string; text?: string; content?: string }[];
    assert.equal(last[0]!.content, 'tool output');
    assert.equal(last[1]!.text, '<amazon-bedrock-guardrails-guardContent_abc123>new question</amazon-bedrock-guardrails-guardContent_abc123>');
    assert.equal(body['system'], 'system prompt');
    assert.deepEqual(body[GUARDRAIL_CONFIG_KEY], { tagSuffix: 'abc123' });
  });

  test('string content is tagged whole; an existing guardrail config keeps its other keys', () => {
    const body: Record<string, unknown> = { messages: [{ role: 'user', content: 'hi' }], [GUARDRAIL_CONFIG_KEY]: { streamProcessingMode: 'ASYNCHRONOUS' } };
    tagLatestUserText(body, 's');
    assert.equal((body['messages'] as { content: string }[])[0]!.content, '<amazon-bedrock-guardrails-guardContent_s>hi</amazon-bedrock-guardrails-guardContent_s>');
    assert.deepEqual(body[GUARDRAIL_CONFIG_KEY], { streamProcessingMode: 'ASYNCHRONOUS', tagSuffix: 's' });
  });

  test('suffixes are random per request', () => {
    assert.notEqual(newTagSuffix(), newTagSuffix());
    assert.match(newTagSuffix(), /^[0-9a-f]{12}$/);
  });

  test('interventions are recognised in compact and spaced JSON only when INTERVENED', () => {
    assert.equal(reportsIntervention('{"amazon-bedrock-guardrailAction":"INTERVENED"}'), true);
    assert.equal(reportsIntervention('{"amazon-bedrock-guardrailAction" : "INTERVENED"}'), true);
    assert.equal(reportsIntervention('{"amazon-bedrock-guardrailAction":"NONE"}'), false);
    assert.equal(reportsIntervention('{"text":"INTERVENED"}'), false);
  });

  test('guardrail headers are recognised by name, case-insensitively', () => {
    assert.equal(hasGuardrail([{ name: 'X-Amzn-Bedrock-GuardrailIdentifier', value: 'g', role: 'guardrail' }]), true);
    assert.equal(hasGuardrail([{ name: 'X-Other', value: 'g', role: 'custom' }]), false);
  });

  test('the blocked text is the reply text', () => {
    assert.equal(blockedTextOf({ content: [{ type: 'text', text: 'Sorry.' }, { type: 'tool_use' }] }), 'Sorry.');
    assert.equal(blockedTextOf(undefined), '');
  });
});
