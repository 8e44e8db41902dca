import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { diffSettings, displayValue, renderDiff } from './env-diff.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const TOKEN = 'ABSKQmVkcm9ja0FQSUtleS1leGFtcGxlLXRva2Vu';

describe('diffSettings', () => {
  test('reports env variables added, changed and removed, and other keys whole', () => {
    const diff = diffSettings(
      { env: { AWS_REGION: 'us-east-1', AWS_PROFILE: 'old', KEEP: 'x' }, awsAuthRefresh: 'a' },
      { env: { AWS_REGION: 'eu-west-1', KEEP: 'x', CLAUDE_CODE_USE_BEDROCK: '1' }, model: 'opus' },
    );
    assert.deepEqual(
      diff.entries.map((e) => [e.path, e.kind]),
      [
        ['env.AWS_REGION', 'changed'],
        ['env.AWS_PROFILE', 'removed'],
        ['env.CLAUDE_CODE_USE_BEDROCK', 'added'],
        ['awsAuthRefresh', 'removed'],
        ['model', 'added'],
      ],
    );
    assert.equal(diff.unchangedEnv, 1);
  });

  test('identical settings have no entries', () => {
    assert.deepEqual(diffSettings({ env: { A: '1' }, x: [1] }, { env: { A: '1' }, x: [1] }).entries, []);
  });
});

describe('masking', () => {
  test('secrets are never shown, not even in part; access key IDs are masked', () => {
    const lines = renderDiff(
      diffSettings(
        { env: { AWS_SECRET_ACCESS_KEY: 'old-secret-value-123' } },
        { env: { AWS_SECRET_ACCESS_KEY: SECRET, AWS_BEARER_TOKEN_BEDROCK: TOKEN, AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', MY_SERVICE_TOKEN: 'tok-123456789' } },
      ),
    ).join('\n');
    for (const secret of [SECRET, TOKEN, 'old-secret-value-123', 'tok-123456789', SECRET.slice(8, 20), TOKEN.slice(8, 20)]) {
      assert.ok(!lines.includes(secret), `the diff must not contain ${secret.slice(0, 4)}...`);
    }
    assert.match(lines, /AWS_ACCESS_KEY_ID = AKIA…MPLE/);
    assert.match(lines, /AWS_BEARER_TOKEN_BEDROCK = set \(\d+ characters, hidden\)/);
  });

  test('credential headers inside ANTHROPIC_CUSTOM_HEADERS are redacted, guardrail headers shown', () => {
    const shown = displayValue('env.ANTHROPIC_CUSTOM_HEADERS', 'Authorization: Bearer sekrit-value\nX-Amzn-Bedrock-GuardrailIdentifier: gr1');
    assert.ok(!shown.includes('sekrit-value'));
    assert.match(shown, /GuardrailIdentifier: gr1/);
  });
});
