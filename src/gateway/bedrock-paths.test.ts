import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isCcBedrockError } from '../core/errors.js';
import { bedrockPath, checkIdentifier, clientSegment, matchPassthroughPath } from './bedrock-paths.js';

const refused = (fn: () => unknown, pattern: RegExp): void => {
  assert.throws(fn, (error: unknown) => isCcBedrockError(error) && error.code === 'REQUEST_INVALID' && pattern.test(error.message));
};

test('client paths match by shape only: one raw segment where an ID goes', () => {
  assert.deepEqual(matchPassthroughPath('POST', '/model/us.x-v1:0/invoke'), { kind: 'invoke', segment: 'us.x-v1:0' });
  assert.deepEqual(matchPassthroughPath('GET', '/inference-profiles'), { kind: 'list-inference-profiles' });
  assert.deepEqual(matchPassthroughPath('GET', '/inference-profiles/%2e%2e'), { kind: 'get-inference-profile', segment: '%2e%2e' });
  for (const path of ['/inference-profiles/../foundation-models', '/model/a/b/invoke', '/model//invoke', '/model/x/invoke/..', '/model/x/converse']) {
    assert.equal(matchPassthroughPath(path.startsWith('/model') ? 'POST' : 'GET', path), undefined, path);
  }
  assert.equal(matchPassthroughPath('GET', '/model/x/invoke'), undefined);
});

test('segments are decoded once and checked', () => {
  assert.equal(clientSegment('arn:aws:bedrock:us-east-1:1:application-inference-profile%2Fabc', 'id'), 'arn:aws:bedrock:us-east-1:1:application-inference-profile/abc');
  assert.equal(clientSegment('%252e%252e', 'id'), '%2e%2e', 'decoded exactly once');
  refused(() => clientSegment('%2e%2e', 'id'), /dot segment/);
  refused(() => clientSegment('%2E', 'id'), /dot segment/);
  refused(() => clientSegment('', 'id'), /empty/);
  refused(() => clientSegment('%zz', 'id'), /percent-encoding/);
  refused(() => clientSegment('a%2Fb', 'id'), /only an ARN/);
  refused(() => clientSegment('arn:aws:bedrock:us-east-1:1:application-inference-profile%2F..', 'id'), /dot segment/);
  refused(() => clientSegment('a%5Cb', 'id'), /backslash/);
  refused(() => clientSegment('a%00b', 'id'), /control/);
  refused(() => clientSegment('%C3%A9', 'id'), /non-ASCII/);
  refused(() => clientSegment('x'.repeat(2049), 'id'), /longer than 2048/);
});

test('upstream paths come from typed operations, the ID as exactly one encoded segment', () => {
  assert.equal(bedrockPath({ kind: 'invoke', modelId: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0' }), '/model/us.anthropic.claude-sonnet-4-5-20250929-v1:0/invoke');
  assert.equal(
    bedrockPath({ kind: 'count-tokens', modelId: 'arn:aws:bedrock:us-east-1:1:application-inference-profile/abc' }),
    '/model/arn:aws:bedrock:us-east-1:1:application-inference-profile%2Fabc/count-tokens',
  );
  assert.equal(bedrockPath({ kind: 'get-inference-profile', profileId: 'a?b#c%d' }), '/inference-profiles/a%3Fb%23c%25d');
  assert.equal(bedrockPath({ kind: 'list-inference-profiles' }), '/inference-profiles');
  refused(() => bedrockPath({ kind: 'invoke', modelId: '..' }), /dot segment/);
  refused(() => checkIdentifier('a b', 'model'), /space/);
});
