import { test } from 'node:test';
import assert from 'node:assert/strict';
import { profileIdsForRegion } from './model-ids.js';

test('a model the catalog does not know gets no guessed profile ID (no us.bogus-model, no us.arn:…)', () => {
  assert.deepEqual(profileIdsForRegion('bogus-model', 'us-east-1'), []);
  assert.deepEqual(profileIdsForRegion('arn:aws:bedrock:eu-west-1:111122223333:application-inference-profile/abc', 'us-east-1'), []);
});

test('a catalog model gets only profiles that serve the region', () => {
  assert.deepEqual(profileIdsForRegion('anthropic.claude-opus-5', 'us-gov-west-1'), []);
  assert.equal(profileIdsForRegion('anthropic.claude-opus-4-6-v1', 'eu-west-1')[0], 'eu.anthropic.claude-opus-4-6-v1');
});
