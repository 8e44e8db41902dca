import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isRegionShaped } from './region-shape.js';

test('accepts real region names', () => {
  for (const r of ['us-east-1', 'eu-central-2', 'us-gov-west-1', 'ap-southeast-4', 'me-central-1', 'us-isob-east-1', 'ca-west-1'])
    assert.ok(isRegionShaped(r), r);
});

test('rejects values Claude Code treats as unset', () => {
  for (const r of ['', 'us-east-1/', 'bedrock.us-east-1', 'us east 1', 'US-EAST-1', 'useast1', 'us-east', 'https://x'])
    assert.ok(!isRegionShaped(r), r);
});
