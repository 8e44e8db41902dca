import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { countTokensInvokeBody } from './count-tokens-body.js';

describe('the InvokeModel body CountTokens measures', () => {
  test('tool definitions lose only eager_input_streaming; the caller\'s tools are not modified', () => {
    const streaming = { name: 'a', input_schema: { type: 'object' }, eager_input_streaming: true, cache_control: { type: 'ephemeral' } };
    const plain = { name: 'b', input_schema: { type: 'object' } };
    const fields = { messages: [{ role: 'user', content: 'x' }], tools: [streaming, plain] };
    const body = countTokensInvokeBody(fields, 64, []);
    assert.deepEqual(body['tools'], [{ name: 'a', input_schema: { type: 'object' }, cache_control: { type: 'ephemeral' } }, plain]);
    assert.equal(streaming.eager_input_streaming, true);
    assert.equal((body['tools'] as unknown[])[1], plain, 'untouched tools are passed as they are');
  });

  test('max_tokens: the request\'s, else above the thinking budget, else 1; betas go in anthropic_beta', () => {
    assert.equal(countTokensInvokeBody({ messages: [] }, 100, [])['max_tokens'], 100);
    assert.equal(countTokensInvokeBody({ messages: [], thinking: { type: 'enabled', budget_tokens: 2048 } }, undefined, [])['max_tokens'], 2049);
    assert.equal(countTokensInvokeBody({ messages: [] }, undefined, [])['max_tokens'], 1);
    const body = countTokensInvokeBody({ messages: [] }, 1, ['context-1m-2025-08-07']);
    assert.deepEqual(body['anthropic_beta'], ['context-1m-2025-08-07']);
    assert.equal(body['anthropic_version'], 'bedrock-2023-05-31');
    assert.equal('tools' in countTokensInvokeBody({ messages: [] }, 1, []), false);
  });
});
