import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Message } from '../../client/index.js';
import { Conversation } from './conversation.js';

function reply(content: unknown[], stop: Message['stop_reason'] = 'end_turn'): Message {
  return {
    id: 'msg_test',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-5-20250929',
    content,
    stop_reason: stop,
    stop_sequence: null,
    usage: { input_tokens: 3, output_tokens: 5 },
  } as unknown as Message;
}

describe('Conversation', () => {
  test('a request carries the history plus the new turn, and records nothing until commit', () => {
    const conversation = new Conversation();
    assert.deepEqual(conversation.request('hello'), [{ role: 'user', content: 'hello' }]);
    assert.equal(conversation.turns, 0);
    assert.equal(conversation.commit('hello', reply([{ type: 'text', text: 'hi there', citations: null }])), true);
    assert.deepEqual(conversation.request('again'), [
      { role: 'user', content: 'hello' },
      { role: 'assistant', content: [{ type: 'text', text: 'hi there' }] },
      { role: 'user', content: 'again' },
    ]);
    assert.equal(conversation.turns, 1);
  });

  test('a turn that was never committed (failed, cancelled, blocked) leaves no trace', () => {
    const conversation = new Conversation();
    conversation.commit('one', reply([{ type: 'text', text: 'first' }]));
    conversation.request('blocked by a guardrail');
    assert.deepEqual(conversation.request('two').map((message) => message.content), ['one', [{ type: 'text', text: 'first' }], 'two']);
  });

  test('thinking blocks go back verbatim with their signature; an empty reply is not kept', () => {
    const conversation = new Conversation();
    const thinking = { type: 'thinking', thinking: 'hmm', signature: 'sig' };
    conversation.commit('q', reply([thinking, { type: 'text', text: 'a' }]));
    assert.deepEqual(conversation.messages[1]?.content, [thinking, { type: 'text', text: 'a' }]);
    assert.equal(conversation.commit('nothing', reply([{ type: 'text', text: '' }], 'max_tokens')), false);
    assert.equal(conversation.turns, 1);
    conversation.clear();
    assert.equal(conversation.turns, 0);
  });
});
