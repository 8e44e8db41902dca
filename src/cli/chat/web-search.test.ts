import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CcBedrockError } from '../../core/errors.js';
import { explainWebSearchRejection, webSearchIntent } from './web-search.js';

describe('web search on Bedrock', () => {
  test('prompts that ask to switch web search on are recognised', () => {
    for (const prompt of ['please enable web search', 'Turn on the web search tool', 'can you use websearch for this?', 'activate web-search']) {
      assert.equal(webSearchIntent(prompt), 'enable', prompt);
    }
  });

  test('prompts that ask Claude to search the web are recognised; other prompts are not', () => {
    for (const prompt of ['search the web for the release notes', 'Google the internet for it', 'do a web search on Bedrock quotas', 'look it up online']) {
      assert.equal(webSearchIntent(prompt), 'search', prompt);
    }
    for (const prompt of ['explain this stack trace', 'research the history of Rome', 'the website is down', 'what is a search tree?']) {
      assert.equal(webSearchIntent(prompt), undefined, prompt);
    }
  });

  test('an upstream 400 about the web_search tool becomes the explanation; other errors pass through', () => {
    const rejected = new CcBedrockError('REQUEST_INVALID', 'tools.0: Input tag web_search_20250305 is not supported', { status: 400 });
    const explained = explainWebSearchRejection(rejected) as CcBedrockError;
    assert.equal(explained.code, 'TOOL_UNAVAILABLE');
    assert.match(explained.message, /WebSearch tool is not available on Bedrock/);
    assert.equal(explained.status, 400);
    const other = new CcBedrockError('REQUEST_INVALID', 'messages: field required', { status: 400 });
    assert.equal(explainWebSearchRejection(other), other);
    const throttled = new CcBedrockError('THROTTLED', 'web_search quota', { status: 429 });
    assert.equal(explainWebSearchRejection(throttled), throttled);
  });
});
