import { test } from 'node:test';
import assert from 'node:assert/strict';
import { displayCommand, maskKeyId, redactHeaders } from './redact.js';

test('ordinary commands are shown as written', () => {
  assert.equal(displayCommand('aws sso login --profile myprofile'), 'aws sso login --profile myprofile');
  assert.equal(displayCommand('/bin/generate_aws_grant.sh'), '/bin/generate_aws_grant.sh');
});

test('secret-looking arguments are masked', () => {
  assert.equal(displayCommand('broker --token abcdef'), 'broker --token ****');
  assert.equal(displayCommand('broker --client-secret s3cr3t --profile x'), 'broker --client-secret **** --profile x');
  assert.equal(displayCommand('API_KEY=abc123 broker'), 'API_KEY=**** broker');
  assert.equal(displayCommand('broker wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY'), 'broker ****');
});

test('key IDs are masked to their ends and secret headers redacted', () => {
  assert.equal(maskKeyId('AKIAIOSFODNN7EXAMPLE'), 'AKIA…MPLE');
  assert.deepEqual(redactHeaders({ Authorization: 'AWS4-HMAC-SHA256 x', 'x-amz-date': '1' }), {
    Authorization: '<redacted>',
    'x-amz-date': '1',
  });
});
