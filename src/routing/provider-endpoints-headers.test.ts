import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveProviders } from './provider.js';
import { resolveEndpoints } from './endpoints.js';
import { displayHeaderValue, parseCustomHeaders, resolveServiceTier } from './headers.js';
import { envFromRecord } from './test-env.js';
import { CcBedrockError } from '../core/errors.js';

const region = { value: 'us-east-1', source: 'default (us-east-1)' };

function errorOf(fn: () => unknown): CcBedrockError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof CcBedrockError, `expected CcBedrockError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected an error');
}

describe('provider selection', () => {
  const cases: Array<[string, Record<string, string>, string]> = [
    ['bedrock with 1', { CLAUDE_CODE_USE_BEDROCK: '1' }, 'Amazon Bedrock'],
    ['bedrock with TRUE', { CLAUDE_CODE_USE_BEDROCK: 'TRUE' }, 'Amazon Bedrock'],
    ['mantle only', { CLAUDE_CODE_USE_MANTLE: 'true' }, 'Amazon Bedrock (Mantle)'],
    ['both', { CLAUDE_CODE_USE_BEDROCK: '1', CLAUDE_CODE_USE_MANTLE: '1' }, 'Amazon Bedrock + Amazon Bedrock (Mantle)'],
    ['mantle switched off with 0', { CLAUDE_CODE_USE_BEDROCK: '1', CLAUDE_CODE_USE_MANTLE: '0' }, 'Amazon Bedrock'],
  ];
  for (const [name, env, label] of cases) {
    test(name, () => assert.equal(resolveProviders(envFromRecord(env)).providers.label, label));
  }

  test('neither switch is an error that says how to turn Bedrock on', () => {
    const error = errorOf(() => resolveProviders(envFromRecord({ CLAUDE_CODE_USE_BEDROCK: '' })));
    assert.equal(error.code, 'PROVIDER_NOT_CONFIGURED');
    assert.match(error.remediation ?? '', /CLAUDE_CODE_USE_BEDROCK=1/);
  });

  test('false and 0 are off', () => {
    for (const off of ['0', 'false', 'FALSE']) {
      assert.equal(errorOf(() => resolveProviders(envFromRecord({ CLAUDE_CODE_USE_BEDROCK: off }))).code, 'PROVIDER_NOT_CONFIGURED');
    }
  });

  test('an unrecognised switch value is off and warned about', () => {
    const result = resolveProviders(envFromRecord({ CLAUDE_CODE_USE_BEDROCK: '1', CLAUDE_CODE_USE_MANTLE: 'yes' }));
    assert.equal(result.providers.label, 'Amazon Bedrock');
    assert.ok(result.warnings.some((w) => w.code === 'switch-value-unrecognised' && w.message.startsWith('CLAUDE_CODE_USE_MANTLE (') && w.message.includes('"yes"')));
  });

  for (const [variable, provider] of [
    ['CLAUDE_CODE_USE_VERTEX', 'Google Vertex AI'],
    ['CLAUDE_CODE_USE_FOUNDRY', 'Microsoft Foundry'],
    ['CLAUDE_CODE_USE_ANTHROPIC_AWS', 'Claude Platform on AWS'],
  ] as const) {
    test(`${variable} alone is reported as not served`, () => {
      const error = errorOf(() => resolveProviders(envFromRecord({ [variable]: '1' })));
      assert.equal(error.code, 'PROVIDER_NOT_SERVED');
      assert.match(error.message, new RegExp(provider));
    });
    test(`${variable} with Bedrock warns that Bedrock wins`, () => {
      const result = resolveProviders(envFromRecord({ [variable]: '1', CLAUDE_CODE_USE_BEDROCK: '1' }));
      assert.equal(result.providers.label, 'Amazon Bedrock');
      assert.ok(result.warnings.some((w) => w.code === 'multiple-provider-switches' && w.message.includes(variable)));
    });
  }
});

describe('endpoints', () => {
  test('derived from the region', () => {
    const e = resolveEndpoints(envFromRecord({}), { value: 'eu-west-1', source: 'AWS_REGION (shell env)' });
    assert.equal(e.invoke.value, 'https://bedrock-runtime.eu-west-1.amazonaws.com');
    assert.equal(e.controlPlane.value, 'https://bedrock.eu-west-1.amazonaws.com');
    assert.equal(e.mantle.value, 'https://bedrock-mantle.eu-west-1.api.aws/anthropic');
  });

  test('China regions use the amazonaws.com.cn suffix', () => {
    const e = resolveEndpoints(envFromRecord({}), { value: 'cn-north-1', source: 'x' });
    assert.equal(e.invoke.value, 'https://bedrock-runtime.cn-north-1.amazonaws.com.cn');
  });

  test('ANTHROPIC_BEDROCK_BASE_URL overrides Invoke and the control plane', () => {
    const e = resolveEndpoints(envFromRecord({ ANTHROPIC_BEDROCK_BASE_URL: 'http://127.0.0.1:4010/' }), region);
    assert.equal(e.invoke.value, 'http://127.0.0.1:4010');
    assert.equal(e.controlPlane.value, 'http://127.0.0.1:4010');
    assert.match(e.invoke.source, /ANTHROPIC_BEDROCK_BASE_URL/);
    assert.equal(e.mantle.value, 'https://bedrock-mantle.us-east-1.api.aws/anthropic');
  });

  test('ANTHROPIC_BEDROCK_MANTLE_BASE_URL overrides Mantle only', () => {
    const e = resolveEndpoints(envFromRecord({ ANTHROPIC_BEDROCK_MANTLE_BASE_URL: 'https://gw.example.com/anthropic' }), region);
    assert.equal(e.mantle.value, 'https://gw.example.com/anthropic');
    assert.equal(e.invoke.value, 'https://bedrock-runtime.us-east-1.amazonaws.com');
  });

  test('an empty base URL is unset (GitHub Actions exports empty strings)', () => {
    const e = resolveEndpoints(envFromRecord({ ANTHROPIC_BEDROCK_BASE_URL: '' }), region);
    assert.equal(e.invoke.value, 'https://bedrock-runtime.us-east-1.amazonaws.com');
  });

  test('a malformed base URL names the variable', () => {
    const error = errorOf(() => resolveEndpoints(envFromRecord({ ANTHROPIC_BEDROCK_BASE_URL: 'bedrock.internal' }), region));
    assert.match(error.message, /ANTHROPIC_BEDROCK_BASE_URL/);
  });

  test('an unparseable base URL is not echoed (it may hold a password)', () => {
    const error = errorOf(() => resolveEndpoints(envFromRecord({ ANTHROPIC_BEDROCK_BASE_URL: 'admin:hunter2secret@gw' }), region));
    assert.match(error.message, /ANTHROPIC_BEDROCK_BASE_URL/);
    assert.ok(!error.describe().includes('hunter2secret'));
  });

  test('a base URL with embedded credentials is refused without echoing them', () => {
    const error = errorOf(() =>
      resolveEndpoints(envFromRecord({ ANTHROPIC_BEDROCK_BASE_URL: 'https://user:hunter2secret@gw.example.com' }), region),
    );
    assert.ok(!error.describe().includes('hunter2secret'));
  });
});

describe('service tier', () => {
  for (const tier of ['default', 'flex', 'priority']) {
    test(`${tier} is accepted`, () => assert.equal(resolveServiceTier(envFromRecord({ ANTHROPIC_BEDROCK_SERVICE_TIER: tier }))?.value, tier));
  }
  test('unset sends no tier', () => assert.equal(resolveServiceTier(envFromRecord({})), undefined));
  for (const bad of ['turbo-invalid', 'Priority', 'reserved']) {
    test(`${bad} is an error naming the variable and the allowed values`, () => {
      const error = errorOf(() => resolveServiceTier(envFromRecord({ ANTHROPIC_BEDROCK_SERVICE_TIER: bad })));
      assert.equal(error.code, 'SERVICE_TIER_INVALID');
      assert.match(error.message, /ANTHROPIC_BEDROCK_SERVICE_TIER/);
      assert.match(error.remediation ?? '', /default, flex, priority/);
    });
  }
});

describe('custom headers', () => {
  test('newline-separated Name: value lines, guardrail headers recognised', () => {
    const { headers, warnings } = parseCustomHeaders(
      envFromRecord({
        ANTHROPIC_CUSTOM_HEADERS: 'X-Amzn-Bedrock-GuardrailIdentifier: gr-abc123\nX-Amzn-Bedrock-GuardrailVersion: 1\nX-Team: platform:core\n',
      }),
    );
    assert.deepEqual(
      headers.map((h) => [h.name, h.value, h.role]),
      [
        ['X-Amzn-Bedrock-GuardrailIdentifier', 'gr-abc123', 'guardrail'],
        ['X-Amzn-Bedrock-GuardrailVersion', '1', 'guardrail'],
        ['X-Team', 'platform:core', 'custom'],
      ],
    );
    assert.equal(warnings.length, 0);
  });

  test('CRLF and blank lines are tolerated', () => {
    const { headers } = parseCustomHeaders(envFromRecord({ ANTHROPIC_CUSTOM_HEADERS: 'A: 1\r\n\r\nB: 2' }));
    assert.deepEqual(headers.map((h) => h.name), ['A', 'B']);
  });

  test('a line without a colon is an error naming the line and not echoing it', () => {
    const error = errorOf(() =>
      parseCustomHeaders(envFromRecord({ ANTHROPIC_CUSTOM_HEADERS: 'X-Ok: 1\nsecret-token-value-no-colon' })),
    );
    assert.equal(error.code, 'CUSTOM_HEADERS_INVALID');
    assert.match(error.message, /line 2 of 2/);
    assert.ok(!error.describe().includes('secret-token-value-no-colon'));
  });

  test('a header name with a space is an error', () => {
    const error = errorOf(() => parseCustomHeaders(envFromRecord({ ANTHROPIC_CUSTOM_HEADERS: 'Bad Name: 1' })));
    assert.match(error.message, /line 1/);
  });

  test('a guardrail identifier without a version is warned about', () => {
    const { warnings } = parseCustomHeaders(envFromRecord({ ANTHROPIC_CUSTOM_HEADERS: 'X-Amzn-Bedrock-GuardrailIdentifier: gr-1' }));
    assert.ok(warnings.some((w) => w.code === 'guardrail-incomplete'));
  });

  test('credential-looking header values are masked for display', () => {
    assert.equal(displayHeaderValue({ name: 'Authorization', value: 'Bearer abc' }), '<hidden, 10 characters>');
    assert.equal(displayHeaderValue({ name: 'X-Api-Key', value: 'k' }), '<hidden, 1 characters>');
    assert.equal(displayHeaderValue({ name: 'X-Amzn-Bedrock-GuardrailVersion', value: '1' }), '1');
  });
});
