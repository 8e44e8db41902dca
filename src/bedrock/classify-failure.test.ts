import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { APIConnectionError } from '@anthropic-ai/sdk';
import { withRemediation } from '../core/errors.js';
import { markProxyFailure } from '../network/proxy.js';
import type { CallTarget } from '../core/route-plan.js';
import { classifyFailure, classifyNetworkFailure } from './classify-failure.js';
import { describeUpstreamFailure } from './sdk-failure.js';
import { FAILURE_RULES } from './failure-rules.js';

/** A haiku call in Frankfurt: the rules name model, region and endpoint from it. */
const target: CallTarget = { modelId: 'eu.anthropic.claude-haiku-4-5-20251001-v1:0', requested: 'haiku', endpoint: 'bedrock', region: 'eu-central-1', baseURL: 'https://bedrock-runtime.eu-central-1.amazonaws.com', betas: [], catalogKey: 'claude-haiku-4-5' };

/** What the Anthropic SDK throws when fetch fails with `cause` (a socket error with `code`). */
function connectionError(code: string, message = `connect ${code}`): APIConnectionError {
  const socket = Object.assign(new Error(message), { code });
  return new APIConnectionError({ cause: new TypeError('fetch failed', { cause: socket }) });
}

function classify(error: unknown, operation: 'messages' | 'control-plane' = 'messages', on: CallTarget = target) {
  return classifyFailure(error, describeUpstreamFailure(error, [], 0), { target: on, authKind: 'sigv4', operation });
}

describe('network rules: what retrying cannot fix fails at once', () => {
  test('a proxy that refuses connections fails, naming the variable and the settings file it is set in', () => {
    const marked = markProxyFailure(new TypeError('fetch failed: could not connect to the proxy', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) }), {
      kind: 'unreachable',
      variable: 'HTTPS_PROXY',
      source: '~/.claude/settings.json env',
      proxy: 'http://127.0.0.1:3999',
      networkCode: 'ECONNREFUSED',
    });
    const result = classify(new APIConnectionError({ cause: marked }));
    assert.equal(result.action, 'fail');
    assert.equal(result.rule, 'proxy-down');
    assert.equal(result.error.code, 'NETWORK');
    assert.match(result.error.remediation!, /correct HTTPS_PROXY in the env block of ~\/\.claude\/settings\.json/);
  });

  test('an unknown host and an untrusted certificate fail; a reset connection is retried', () => {
    assert.equal(classify(connectionError('ENOTFOUND')).action, 'fail');
    assert.match(classify(connectionError('ENOTFOUND')).error.remediation!, /AWS_REGION/);
    const tls = classify(connectionError('SELF_SIGNED_CERT_IN_CHAIN'));
    assert.equal(tls.action, 'fail');
    assert.match(tls.error.remediation!, /NODE_EXTRA_CA_CERTS/);
    assert.equal(classify(connectionError('ECONNRESET')).action, 'retry');
    assert.equal(classify(connectionError('EAI_AGAIN')).action, 'retry');
  });

  test('STS and the credential chain read the same rules; a failure they do not cover is left to them', () => {
    const network = classifyNetworkFailure(new TypeError('fetch failed', { cause: Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }) }), 'STS in us-east-1 for GetCallerIdentity');
    assert.equal(network?.rule, 'dns-not-found');
    assert.match(network!.message, /^could not reach STS in us-east-1 for GetCallerIdentity/);
    assert.equal(classifyNetworkFailure(new Error('ExpiredToken'), 'STS'), undefined);
  });
});

describe('messages', () => {
  test('a control-plane call is named as the call, never as a model', () => {
    const control: CallTarget = { ...target, modelId: 'ListInferenceProfiles', requested: 'ListInferenceProfiles', baseURL: 'https://bedrock.eu-central-1.amazonaws.com' };
    const result = classify(connectionError('ECONNRESET'), 'control-plane', control);
    assert.doesNotMatch(result.error.message, /model ListInferenceProfiles/);
    assert.match(result.error.message, /for ListInferenceProfiles in eu-central-1/);
  });

  test('message and remediation join once, whatever punctuation the message ends with', () => {
    assert.equal(withRemediation('invalid.', 'set X'), 'invalid. Fix: set X');
    assert.equal(withRemediation('invalid:', 'set X'), 'invalid. Fix: set X');
    assert.equal(withRemediation('why?', 'set X'), 'why? Fix: set X');
    assert.equal(withRemediation('plain', undefined), 'plain');
    // Every rule's line, for an upstream message ending in a period.
    for (const status of [400, 403, 404, 408, 413, 429, 500, 503]) {
      const error = Object.assign(new Error('Something is invalid.'), { status });
      const { error: classified } = classify(error);
      assert.doesNotMatch(withRemediation(classified.message, classified.remediation), /\.\. Fix:/);
    }
  });

  test('rule IDs are unique and the table ends in a catch-all', () => {
    const ids = FAILURE_RULES.map((rule) => rule.id);
    assert.equal(new Set(ids).size, ids.length);
    assert.equal(FAILURE_RULES.at(-1)!.id, 'unknown');
  });
});
