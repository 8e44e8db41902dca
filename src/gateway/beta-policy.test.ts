import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { requireModel } from '../models/model-catalog.js';
import { BETA_TABLE, applyBetaPolicy, betaOverridesFromEnv, foldSystemMessages, splitBetaHeader, stripBetaFields } from './beta-policy.js';

describe('beta policy', () => {
  test('the header is a comma list; blanks and spaces are ignored', () => {
    assert.deepEqual(splitBetaHeader(' a, b,,c '), ['a', 'b', 'c']);
    assert.deepEqual(splitBetaHeader(null), []);
  });

  test('known Invoke betas are kept in the client order without duplicates', () => {
    const decision = applyBetaPolicy(['interleaved-thinking-2025-05-14', 'fine-grained-tool-streaming-2025-05-14', 'interleaved-thinking-2025-05-14'], 'bedrock', undefined);
    assert.deepEqual(decision.betas, ['interleaved-thinking-2025-05-14', 'fine-grained-tool-streaming-2025-05-14']);
    assert.deepEqual(decision.dropped, []);
  });

  test('unknown betas are dropped with a reason instead of reaching Bedrock', () => {
    const decision = applyBetaPolicy(['totally-new-beta-2099-01-01'], 'bedrock', undefined);
    assert.deepEqual(decision.betas, []);
    assert.equal(decision.dropped[0]?.beta, 'totally-new-beta-2099-01-01');
    assert.match(decision.dropped[0]!.reason, /Invoke API/);
  });

  test('first-party betas Claude Code sends are dropped on Invoke, and their fields with them', () => {
    const decision = applyBetaPolicy(
      ['claude-code-20250219', 'context-management-2025-06-27', 'effort-2025-11-24', 'prompt-caching-scope-2026-01-05', 'interleaved-thinking-2025-05-14'],
      'bedrock',
      undefined,
    );
    assert.deepEqual(decision.betas, ['interleaved-thinking-2025-05-14']);
    assert.deepEqual([...decision.stripFields].sort(), ['cache_control.scope', 'context_management', 'output_config.effort']);
  });

  test('Mantle keeps the Messages-API betas that Invoke refuses', () => {
    const decision = applyBetaPolicy(['claude-code-20250219', 'context-management-2025-06-27', 'effort-2025-11-24'], 'mantle', undefined);
    assert.deepEqual(decision.betas, ['claude-code-20250219', 'context-management-2025-06-27', 'effort-2025-11-24']);
  });

  test('a first-party name is renamed to the Bedrock name of the same beta', () => {
    const decision = applyBetaPolicy(['advanced-tool-use-2025-11-20', 'tool-search-tool-2025-10-19'], 'bedrock', undefined);
    assert.deepEqual(decision.betas, ['tool-search-tool-2025-10-19']);
    assert.deepEqual(decision.renamed, [{ from: 'advanced-tool-use-2025-11-20', to: 'tool-search-tool-2025-10-19' }]);
  });

  test('model checks use the real model: 1M only where the model has a 1M beta', () => {
    const beta = 'context-1m-2025-08-07';
    assert.deepEqual(applyBetaPolicy([beta], 'bedrock', requireModel('claude-opus-4-6')).betas, [beta]);
    const none = applyBetaPolicy([beta], 'bedrock', requireModel('claude-haiku-4-5'));
    assert.deepEqual(none.betas, []);
    assert.match(none.dropped[0]!.reason, /Claude Haiku 4\.5 has no 1M context window/);
    assert.match(applyBetaPolicy([beta], 'bedrock', requireModel('claude-sonnet-5')).dropped[0]!.reason, /always has a 1M window/);
    // Unknown model: no guess, the beta goes through.
    assert.deepEqual(applyBetaPolicy([beta], 'bedrock', undefined).betas, [beta]);
  });

  test('overrides allow and drop betas whatever the table says', () => {
    const decision = applyBetaPolicy(['effort-2025-11-24', 'interleaved-thinking-2025-05-14', 'x-custom'], 'bedrock', undefined, {
      allow: ['effort-2025-11-24', 'x-custom'],
      drop: ['interleaved-thinking-2025-05-14'],
    });
    assert.deepEqual(decision.betas, ['effort-2025-11-24', 'x-custom']);
    assert.deepEqual(decision.stripFields, []);
    assert.equal(decision.dropped[0]?.reason, 'dropped by the gateway configuration');
    assert.deepEqual(betaOverridesFromEnv((name) => ({ CC_BEDROCK_GATEWAY_ALLOW_BETAS: 'a, b', CC_BEDROCK_GATEWAY_DROP_BETAS: 'c' })[name]), { allow: ['a', 'b'], drop: ['c'] });
  });

  test('every renamed beta targets a beta the same endpoint keeps', () => {
    for (const [beta, entry] of Object.entries(BETA_TABLE)) {
      for (const endpoint of ['bedrock', 'mantle'] as const) {
        const rule = entry[endpoint];
        if (typeof rule === 'object') assert.equal(BETA_TABLE[rule.renameTo]?.[endpoint], 'keep', `${beta} on ${endpoint}`);
      }
    }
  });

  test('fields of dropped betas are removed, nested and inside cache_control', () => {
    const body: Record<string, unknown> = {
      context_management: { edits: [] },
      output_config: { effort: 'high', format: { type: 'json_schema' } },
      system: [{ type: 'text', text: 's', cache_control: { type: 'ephemeral', scope: 'global' } }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi', cache_control: { type: 'ephemeral', scope: 'global' } }] }],
    };
    const removed = stripBetaFields(body, ['context_management', 'output_config.effort', 'cache_control.scope', 'mcp_servers']);
    assert.deepEqual(removed, ['context_management', 'output_config.effort', 'cache_control.scope']);
    assert.deepEqual(body['output_config'], { format: { type: 'json_schema' } });
    assert.equal('context_management' in body, false);
    assert.deepEqual((body['system'] as { cache_control: unknown }[])[0]!.cache_control, { type: 'ephemeral' });
    stripBetaFields(body, ['output_config.format']);
    assert.equal('output_config' in body, false, 'an emptied parent goes too');
  });

  test('system turns fold into the neighbouring user turn as system reminders', () => {
    const body: Record<string, unknown> = {
      messages: [
        { role: 'user', content: 'hello' },
        { role: 'system', content: 'agent types: A, B' },
        { role: 'assistant', content: 'hi' },
        { role: 'system', content: [{ type: 'text', text: 'note one' }] },
        { role: 'user', content: [{ type: 'text', text: 'next' }] },
      ],
    };
    assert.equal(foldSystemMessages(body), 2);
    const messages = body['messages'] as { role: string; content: { text: string }[] }[];
    assert.deepEqual(messages.map((m) => m.role), ['user', 'assistant', 'user']);
    assert.deepEqual(messages[0]!.content.map((b) => b.text), ['hello', '<system-reminder>\nagent types: A, B\n</system-reminder>']);
    assert.deepEqual(messages[2]!.content.map((b) => b.text), ['<system-reminder>\nnote one\n</system-reminder>', 'next']);
    const trailing: Record<string, unknown> = { messages: [{ role: 'assistant', content: 'x' }, { role: 'system', content: 'late' }] };
    foldSystemMessages(trailing);
    assert.deepEqual((trailing['messages'] as { role: string }[]).map((m) => m.role), ['assistant', 'user']);
    assert.equal(foldSystemMessages({ messages: [{ role: 'user', content: 'x' }] }), 0);
  });
});
