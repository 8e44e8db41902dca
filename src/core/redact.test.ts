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

test('custom credential headers are redacted, ordinary ones kept', () => {
  const redacted = redactHeaders({
    'X-Gateway-Key': 'gw',
    'x-amz-security-token': 't',
    'X-Amzn-Bedrock-GuardrailIdentifier': 'gr-1',
    'x-amz-content-sha256': 'abc',
    'anthropic-beta': 'context-1m-2025-08-07',
  });
  assert.equal(redacted['X-Gateway-Key'], '<redacted>');
  assert.equal(redacted['x-amz-security-token'], '<redacted>');
  assert.equal(redacted['X-Amzn-Bedrock-GuardrailIdentifier'], 'gr-1');
  assert.equal(redacted['x-amz-content-sha256'], 'abc');
  assert.equal(redacted['anthropic-beta'], 'context-1m-2025-08-07');
});
