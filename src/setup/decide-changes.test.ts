import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { applySettingsChange } from '../settings/write-settings.js';
import { guardrailFromHeaders, planSetupChanges, ssoRefreshCommand, withGuardrailHeaders } from './decide-changes.js';
import { KEEP, UNSET, setTo, type SetupAnswers } from './types.js';

function answers(overrides: Partial<SetupAnswers> = {}): SetupAnswers {
  return {
    auth: { method: 'profile', profile: 'dev' },
    region: 'eu-west-1',
    pins: { opus: KEEP, sonnet: KEEP, haiku: KEEP },
    serviceTier: KEEP,
    guardrail: KEEP,
    mantle: KEEP,
    awsAuthRefresh: KEEP,
    ...overrides,
  };
}

describe('planSetupChanges: what the wizard writes', () => {
  test('a profile setup on an empty file writes the switch, the region and AWS_PROFILE, in that order', () => {
    const { change, secretsStored } = planSetupChanges(answers(), {});
    assert.deepEqual(change.env, { set: { CLAUDE_CODE_USE_BEDROCK: '1', AWS_REGION: 'eu-west-1', AWS_PROFILE: 'dev' }, unset: [] });
    assert.deepEqual(secretsStored, []);
  });

  test('switching to a profile removes the API key and access keys the file held (they would win)', () => {
    const current = { AWS_BEARER_TOKEN_BEDROCK: 'k', AWS_ACCESS_KEY_ID: 'AKIA', AWS_SECRET_ACCESS_KEY: 's', AWS_SESSION_TOKEN: 't', OTHER: 'x' };
    const { change } = planSetupChanges(answers(), current);
    assert.deepEqual([...(change.env?.unset ?? [])].sort(), ['AWS_ACCESS_KEY_ID', 'AWS_BEARER_TOKEN_BEDROCK', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']);
    assert.ok(!(change.env?.unset ?? []).includes('OTHER'), 'unrelated variables are never removed');
  });

  test('access keys replace a profile (the AWS SDK prefers AWS_PROFILE over environment keys) and report the stored secret', () => {
    const { change, secretsStored } = planSetupChanges(
      answers({ auth: { method: 'access-keys', keys: { accessKeyId: 'AKIAEXAMPLE000000001', secretAccessKey: 'secret' } } }),
      { AWS_PROFILE: 'old', AWS_SESSION_TOKEN: 'stale' },
    );
    assert.equal(change.env?.set?.AWS_ACCESS_KEY_ID, 'AKIAEXAMPLE000000001');
    assert.equal(change.env?.set?.AWS_SECRET_ACCESS_KEY, 'secret');
    assert.deepEqual(change.env?.unset, ['AWS_PROFILE', 'AWS_SESSION_TOKEN']);
    assert.deepEqual(secretsStored, ['AWS_SECRET_ACCESS_KEY']);
  });

  test('keeping the access keys already in the file keeps their session token too', () => {
    const { change, secretsStored } = planSetupChanges(answers({ auth: { method: 'access-keys', keys: undefined } }), {
      AWS_ACCESS_KEY_ID: 'A',
      AWS_SECRET_ACCESS_KEY: 'S',
      AWS_SESSION_TOKEN: 'T',
    });
    assert.deepEqual(change.env?.unset, []);
    assert.deepEqual(secretsStored.slice().sort(), ['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']);
  });

  test('an API key kept from the file is not rewritten; a new one is', () => {
    const kept = planSetupChanges(answers({ auth: { method: 'api-key', apiKey: undefined } }), { AWS_BEARER_TOKEN_BEDROCK: 'old' });
    assert.equal(kept.change.env?.set?.AWS_BEARER_TOKEN_BEDROCK, undefined);
    assert.deepEqual(kept.secretsStored, ['AWS_BEARER_TOKEN_BEDROCK']);
    const replaced = planSetupChanges(answers({ auth: { method: 'api-key', apiKey: 'new' } }), { AWS_BEARER_TOKEN_BEDROCK: 'old', AWS_PROFILE: 'p' });
    assert.equal(replaced.change.env?.set?.AWS_BEARER_TOKEN_BEDROCK, 'new');
    assert.deepEqual(replaced.change.env?.unset, ['AWS_PROFILE']);
  });

  test('credentials already in the environment: the file stops naming any credential', () => {
    const { change } = planSetupChanges(answers({ auth: { method: 'environment' } }), { AWS_PROFILE: 'p', AWS_REGION: 'eu-west-1' });
    assert.deepEqual(change.env?.unset, ['AWS_PROFILE']);
    assert.ok(!('AWS_PROFILE' in (change.env?.set ?? {})));
  });

  test('pins: set writes, unset removes only when present, keep touches nothing', () => {
    const { change } = planSetupChanges(
      answers({ pins: { opus: setTo('us.anthropic.claude-opus-4-8[1m]'), sonnet: UNSET, haiku: KEEP } }),
      { ANTHROPIC_DEFAULT_SONNET_MODEL: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', ANTHROPIC_DEFAULT_HAIKU_MODEL: 'h' },
    );
    assert.equal(change.env?.set?.ANTHROPIC_DEFAULT_OPUS_MODEL, 'us.anthropic.claude-opus-4-8[1m]');
    assert.ok(change.env?.unset?.includes('ANTHROPIC_DEFAULT_SONNET_MODEL'));
    assert.ok(!change.env?.unset?.includes('ANTHROPIC_DEFAULT_HAIKU_MODEL'));
    const absent = planSetupChanges(answers({ pins: { opus: UNSET, sonnet: UNSET, haiku: UNSET } }), {});
    assert.deepEqual(absent.change.env?.unset, []);
  });

  test('service tier, Mantle and awsAuthRefresh follow the same set / remove / keep rule', () => {
    const { change } = planSetupChanges(
      answers({ serviceTier: setTo('flex'), mantle: UNSET, awsAuthRefresh: setTo('aws sso login --profile dev') }),
      { CLAUDE_CODE_USE_MANTLE: '1' },
      { env: {} },
    );
    assert.equal(change.env?.set?.ANTHROPIC_BEDROCK_SERVICE_TIER, 'flex');
    assert.ok(change.env?.unset?.includes('CLAUDE_CODE_USE_MANTLE'));
    assert.deepEqual(change.set, { awsAuthRefresh: 'aws sso login --profile dev' });
    const removed = planSetupChanges(answers({ awsAuthRefresh: UNSET }), {}, { awsAuthRefresh: 'x' });
    assert.deepEqual(removed.change.unset, ['awsAuthRefresh']);
  });

  test("switching to keys or an API key removes the old method's awsAuthRefresh and awsCredentialExport", () => {
    const settings = { awsAuthRefresh: 'aws sso login --profile dev', awsCredentialExport: 'get-creds' };
    for (const auth of [{ method: 'api-key', apiKey: 'k' }, { method: 'access-keys', keys: undefined }] as const) {
      const { change } = planSetupChanges(answers({ auth }), {}, settings);
      assert.deepEqual(change.unset, ['awsAuthRefresh', 'awsCredentialExport'], auth.method);
    }
    // A profile keeps its SSO refresh command; awsCredentialExport would win over the profile, so it goes.
    assert.deepEqual(planSetupChanges(answers(), {}, settings).change.unset, ['awsCredentialExport']);
    // The environment method is where awsCredentialExport belongs.
    assert.equal(planSetupChanges(answers({ auth: { method: 'environment' } }), {}, settings).change.unset, undefined);
  });

  test('availableModels, modelOverrides and awsCredentialExport are written as given', () => {
    const { change } = planSetupChanges(
      answers({
        auth: { method: 'environment' },
        awsCredentialExport: setTo('get-creds --json'),
        availableModels: setTo(['sonnet', 'haiku']),
        modelOverrides: setTo({ 'claude-opus-4-7': 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/x' }),
      }),
      {},
      { availableModels: ['opus'] },
    );
    assert.deepEqual(change.set, {
      awsCredentialExport: 'get-creds --json',
      availableModels: ['sonnet', 'haiku'],
      modelOverrides: { 'claude-opus-4-7': 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/x' },
    });
  });

  test('a guardrail merges into ANTHROPIC_CUSTOM_HEADERS, keeping the other headers', () => {
    const { change } = planSetupChanges(answers({ guardrail: setTo({ id: 'gr1', version: '2' }) }), {
      ANTHROPIC_CUSTOM_HEADERS: 'X-Team: blue\nX-Amzn-Bedrock-GuardrailIdentifier: old\nX-Amzn-Bedrock-GuardrailVersion: 1',
    });
    assert.equal(change.env?.set?.ANTHROPIC_CUSTOM_HEADERS, 'X-Team: blue\nX-Amzn-Bedrock-GuardrailIdentifier: gr1\nX-Amzn-Bedrock-GuardrailVersion: 2');
    const removed = planSetupChanges(answers({ guardrail: UNSET }), {
      ANTHROPIC_CUSTOM_HEADERS: 'X-Amzn-Bedrock-GuardrailIdentifier: old\nX-Amzn-Bedrock-GuardrailVersion: 1',
    });
    assert.ok(removed.change.env?.unset?.includes('ANTHROPIC_CUSTOM_HEADERS'));
  });

  test('the same answers on the file they produced change nothing (idempotent re-run)', () => {
    const full = answers({
      auth: { method: 'access-keys', keys: { accessKeyId: 'AKIAEXAMPLE000000001', secretAccessKey: 'secret' } },
      pins: { opus: setTo('us.anthropic.claude-opus-4-8'), sonnet: setTo('us.anthropic.claude-sonnet-4-6[1m]'), haiku: UNSET },
      serviceTier: setTo('priority'),
      guardrail: setTo({ id: 'gr1', version: 'DRAFT' }),
      mantle: setTo(true),
    });
    const first = applySettingsChange({ model: 'opus' }, planSetupChanges(full, {}).change);
    const again = planSetupChanges(full, first.env as Record<string, unknown>, first);
    assert.deepEqual(again.change.env, { set: {}, unset: [] });
    assert.deepEqual(applySettingsChange(first, again.change), first);
  });
});

describe('guardrail headers', () => {
  test('reads the guardrail only when both headers are present, in any case', () => {
    assert.deepEqual(guardrailFromHeaders('x-amzn-bedrock-guardrailidentifier: g\nX-Amzn-Bedrock-GuardrailVersion: 3'), { id: 'g', version: '3' });
    assert.equal(guardrailFromHeaders('X-Amzn-Bedrock-GuardrailIdentifier: g'), undefined);
    assert.equal(guardrailFromHeaders(undefined), undefined);
  });

  test('removing the guardrail from headers that hold nothing else leaves nothing', () => {
    assert.equal(withGuardrailHeaders('X-Amzn-Bedrock-GuardrailIdentifier: g\nX-Amzn-Bedrock-GuardrailVersion: 1', undefined), undefined);
  });
});

test('ssoRefreshCommand quotes profile names a shell would split', () => {
  assert.equal(ssoRefreshCommand('dev'), 'aws sso login --profile dev');
  assert.equal(ssoRefreshCommand("my profile's"), "aws sso login --profile 'my profile'\\''s'");
});
