import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { IdFactory, echoText, planReply, streamEventsOf } from './reply.js';
import { scenarioWith } from './scenario.js';
import { countInputTokens, countTextTokens, splitTokens } from './tokens.js';

const context = (replies = scenarioWith({}).replies) => ({ modelIds: ['us.anthropic.claude-sonnet-4-6', 'anthropic.claude-sonnet-4-6'], scenario: scenarioWith({ replies }), ids: new IdFactory('t') });
const ask = (content: unknown, extra: Record<string, unknown> = {}) => ({ max_tokens: 1000, messages: [{ role: 'user', content }], ...extra });

describe('tokenizer', () => {
  test('pieces rebuild the text and count consistently', () => {
    const text = 'You said: internationalization, 42 times!';
    assert.equal(splitTokens(text).join(''), text);
    assert.equal(countTextTokens(text), splitTokens(text).length);
    assert.equal(countTextTokens('internationalization'), 5);
    assert.equal(countTextTokens(''), 0);
  });

  test('input tokens cover system, messages, tool use and tools', () => {
    const base = countInputTokens(ask('hello'));
    assert.ok(countInputTokens({ ...ask('hello'), system: 'be brief' }) > base);
    assert.ok(countInputTokens({ ...ask('hello'), tools: [{ name: 'x', input_schema: {} }] }) > base);
    assert.ok(countInputTokens(ask([{ type: 'text', text: 'hello' }, { type: 'image', source: {} }])) > base);
  });
});

describe('reply planning', () => {
  test('echoes the last user text, ignoring system reminders', () => {
    const body = ask([{ type: 'text', text: '<system-reminder>\nnoise\n</system-reminder>' }, { type: 'text', text: 'the real question' }]);
    assert.equal(echoText(body), 'You said: the real question');
    const plan = planReply(body, context());
    assert.deepEqual(plan.content, [{ type: 'text', text: 'You said: the real question' }]);
    assert.equal(plan.stopReason, 'end_turn');
    assert.equal(plan.outputTokens, countTextTokens('You said: the real question'));
  });

  test('reports a tool result when the turn carries only that', () => {
    const body = { max_tokens: 100, messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: '21 degrees' }] }] };
    assert.equal(echoText(body), 'Tool result received: 21 degrees');
  });

  test('max_tokens truncates at a token boundary with stop_reason max_tokens', () => {
    const plan = planReply(ask('one two three four five', { max_tokens: 3 }), context());
    assert.equal(plan.stopReason, 'max_tokens');
    assert.equal(plan.outputTokens, 3);
    assert.deepEqual(plan.content, [{ type: 'text', text: 'You said:' }]);
  });

  test('stop sequences cut the text and are reported', () => {
    const plan = planReply(ask('alpha STOP beta', { stop_sequences: ['STOP'] }), context());
    assert.equal(plan.stopReason, 'stop_sequence');
    assert.equal(plan.stopSequence, 'STOP');
    assert.deepEqual(plan.content, [{ type: 'text', text: 'You said: alpha ' }]);
  });

  test('scripted replies match by text, model and tool result, and produce tool_use blocks', () => {
    const replies = scenarioWith({
      replies: [
        { match: { contains: 'weather', toolResult: false }, content: [{ type: 'tool_use', name: 'get_weather', input: { city: 'Oslo' } }] },
        { match: { toolResult: true }, content: [{ type: 'text', text: 'It is mild.' }] },
        { match: { regex: '^model check$', model: 'anthropic.claude-opus-4-8' }, content: [{ type: 'text', text: 'opus only' }] },
      ],
    }).replies;
    const tool = planReply(ask('what is the WEATHER?'), context(replies));
    assert.equal(tool.stopReason, 'tool_use');
    assert.equal(tool.content[0]?.type, 'tool_use');
    assert.match(tool.content[0]?.type === 'tool_use' ? tool.content[0].id : '', /^toolu_bdrk_01[A-Za-z0-9]{22}$/);
    const after = planReply({ max_tokens: 100, messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'x', content: 'ok' }] }] }, context(replies));
    assert.deepEqual(after.content, [{ type: 'text', text: 'It is mild.' }]);
    // The model criterion does not match a Sonnet request, so the echo applies.
    assert.deepEqual(planReply(ask('model check'), context(replies)).content, [{ type: 'text', text: 'You said: model check' }]);
  });

  test('a tool_use block that does not fit max_tokens is dropped with max_tokens', () => {
    const replies = scenarioWith({ replies: [{ match: {}, content: [{ type: 'text', text: 'ok' }, { type: 'tool_use', name: 'tool', input: { long: 'x'.repeat(100) } }] }] }).replies;
    const plan = planReply(ask('x', { max_tokens: 5 }), context(replies));
    assert.equal(plan.stopReason, 'max_tokens');
    assert.deepEqual(plan.content, [{ type: 'text', text: 'ok' }]);
  });

  test('IDs are deterministic per seed and counter', () => {
    const a = new IdFactory('seed');
    const b = new IdFactory('seed');
    assert.equal(a.message(), b.message());
    assert.notEqual(a.message(), new IdFactory('other').message());
    a.reset();
    assert.equal(a.message(), new IdFactory('seed').message());
  });
});

describe('stream events', () => {
  test('text splits into several deltas that rebuild the text; usage ends up in message_delta', () => {
    const plan = planReply(ask('a fairly long sentence to split into parts'), context());
    const events = streamEventsOf(plan, 'msg_bdrk_01x', 'claude-sonnet-4-6', 4);
    assert.deepEqual(events.map((e) => e.type).filter((t) => t !== 'content_block_delta'), ['message_start', 'content_block_start', 'content_block_stop', 'message_delta', 'message_stop']);
    const deltas = events.filter((e) => e.type === 'content_block_delta').map((e) => (e.delta as { text: string }).text);
    assert.equal(deltas.length, 4);
    assert.equal(deltas.join(''), 'You said: a fairly long sentence to split into parts');
    assert.deepEqual((events.find((e) => e.type === 'message_delta') as { usage: unknown }).usage, { output_tokens: plan.outputTokens });
  });

  test('tool_use streams its input as partial JSON that parses back', () => {
    const replies = scenarioWith({ replies: [{ match: {}, content: [{ type: 'tool_use', name: 'search', input: { query: 'emulators', limit: 3 } }] }] }).replies;
    const events = streamEventsOf(planReply(ask('x'), context(replies)), 'm', 'model', 3);
    const json = events
      .filter((e) => e.type === 'content_block_delta')
      .map((e) => (e.delta as { partial_json: string }).partial_json)
      .join('');
    assert.deepEqual(JSON.parse(json), { query: 'emulators', limit: 3 });
  });
});
