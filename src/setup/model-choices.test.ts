import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isCcBedrockError } from '../core/errors.js';
import { NO_PIN, pinChoice, pinFromFlag, pinQuestion, probeCandidates, type ProbeResult } from './model-choices.js';

const LISTED_US = [
  'us.anthropic.claude-opus-4-8',
  'us.anthropic.claude-opus-4-6-v1',
  'global.anthropic.claude-opus-4-6-v1',
  'us.anthropic.claude-sonnet-4-6',
  'global.anthropic.claude-sonnet-4-5-20250929-v1:0',
  'us.anthropic.claude-haiku-4-5-20251001-v1:0',
  'us.anthropic.claude-opus-9',
  'us.meta.llama3-70b-instruct-v1:0',
];

describe('probeCandidates', () => {
  test('takes the listed profile of the region geography, else the listed global one, newest first per family', () => {
    const ids = probeCandidates({ region: 'us-east-1', listedProfileIds: LISTED_US, mantle: false, existingPins: {} }).map((c) => c.id);
    assert.deepEqual(ids, [
      'us.anthropic.claude-opus-9',
      'us.anthropic.claude-opus-4-8',
      'us.anthropic.claude-opus-4-6-v1',
      'us.anthropic.claude-sonnet-4-6',
      'global.anthropic.claude-sonnet-4-5-20250929-v1:0',
      'us.anthropic.claude-haiku-4-5-20251001-v1:0',
    ]);
  });

  test('a model the catalog does not know yet is offered when listed, with its family from its name', () => {
    const [future] = probeCandidates({ region: 'us-east-1', listedProfileIds: LISTED_US, mantle: false, existingPins: {} });
    assert.equal(future?.family, 'opus');
    assert.equal(future?.catalogKey, undefined);
  });

  test('without a listing (denied), the catalog geographies stand in', () => {
    const ids = probeCandidates({ region: 'eu-west-1', listedProfileIds: undefined, mantle: false, existingPins: {} }).map((c) => c.id);
    assert.ok(ids.includes('eu.anthropic.claude-sonnet-4-5-20250929-v1:0'));
    assert.ok(ids.every((id) => id.startsWith('eu.') || id.startsWith('global.')));
    assert.ok(!ids.some((id) => id.includes('claude-3')), 'only active models are offered');
  });

  test('current pins are probed too, and the Mantle lineup when Mantle is on', () => {
    const candidates = probeCandidates({
      region: 'us-east-1',
      listedProfileIds: LISTED_US,
      mantle: true,
      existingPins: { opus: 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc', haiku: 'us.anthropic.claude-haiku-4-5-20251001-v1:0[1m]' },
    });
    assert.ok(candidates.some((c) => c.id.endsWith('application-inference-profile/abc') && c.endpoint === 'bedrock'));
    assert.equal(candidates.filter((c) => c.id === 'us.anthropic.claude-haiku-4-5-20251001-v1:0').length, 1, 'a pin already listed is probed once');
    assert.ok(candidates.some((c) => c.id === 'anthropic.claude-haiku-4-5' && c.endpoint === 'mantle'));
  });
});

function result(id: string, family: 'opus' | 'sonnet' | 'haiku', status: ProbeResult['status'], context1m: 'none' | 'beta' | 'native' = 'none'): ProbeResult {
  return { candidate: { id, endpoint: 'bedrock', family, displayName: id, context1m, catalogKey: undefined }, status };
}

describe('pinQuestion', () => {
  const results = [
    result('us.anthropic.claude-opus-4-8', 'opus', 'available', 'beta'),
    result('us.anthropic.claude-opus-4-7', 'opus', 'denied', 'beta'),
    result('us.anthropic.claude-opus-4-6-v1', 'opus', 'available', 'beta'),
    result('us.anthropic.claude-haiku-4-5-20251001-v1:0', 'haiku', 'available'),
  ];

  test('offers invokable models with their 1M variant, never a denied one, and a no-pin choice', () => {
    const question = pinQuestion('opus', results, undefined);
    assert.deepEqual(
      question.choices.map((c) => c.value),
      ['us.anthropic.claude-opus-4-8', 'us.anthropic.claude-opus-4-8[1m]', 'us.anthropic.claude-opus-4-6-v1', 'us.anthropic.claude-opus-4-6-v1[1m]', NO_PIN],
    );
    assert.equal(question.default, 'us.anthropic.claude-opus-4-8', 'newest invokable by default');
    assert.match(question.choices.at(-1)?.name ?? '', /Claude Opus 4\.6/, 'names what an unpinned opus resolves to');
  });

  test('a model without an opt-in 1M window has no [1m] choice', () => {
    assert.deepEqual(pinQuestion('haiku', results, undefined).choices.map((c) => c.value), ['us.anthropic.claude-haiku-4-5-20251001-v1:0', NO_PIN]);
  });

  test('re-run: the current pin is the default, offered even when it is not invokable, with its status', () => {
    const question = pinQuestion('opus', results, 'us.anthropic.claude-opus-4-7');
    assert.equal(question.default, 'us.anthropic.claude-opus-4-7');
    assert.match(question.choices.find((c) => c.value === 'us.anthropic.claude-opus-4-7')?.name ?? '', /not granted/);
    assert.equal(pinQuestion('opus', results, 'us.anthropic.claude-opus-4-8[1m]').default, 'us.anthropic.claude-opus-4-8[1m]');
  });

  test('a re-run keeps an unpinned family unpinned by default', () => {
    assert.equal(pinQuestion('opus', results, undefined, true).default, NO_PIN);
  });

  test('no invokable model: no pin by default', () => {
    const question = pinQuestion('sonnet', results, undefined);
    assert.equal(question.default, NO_PIN);
    assert.equal(question.invokable, 0);
    assert.deepEqual(pinChoice(NO_PIN), { kind: 'unset' });
  });
});

describe('pinFromFlag', () => {
  test('profile IDs, ARNs and Mantle IDs are taken as written; none removes the pin', () => {
    assert.deepEqual(pinFromFlag('sonnet', 'us.anthropic.claude-sonnet-4-6[1m]', 'us-east-1'), { kind: 'set', value: 'us.anthropic.claude-sonnet-4-6[1m]' });
    const arn = 'arn:aws:bedrock:us-east-2:123456789012:application-inference-profile/opus-47-prod';
    assert.deepEqual(pinFromFlag('opus', arn, 'us-east-2'), { kind: 'set', value: arn });
    assert.deepEqual(pinFromFlag('haiku', 'none', 'us-east-1'), { kind: 'unset' });
  });

  test('a first-party name becomes the system profile of the region geography', () => {
    assert.deepEqual(pinFromFlag('opus', 'claude-opus-4-8', 'us-west-2'), { kind: 'set', value: 'us.anthropic.claude-opus-4-8' });
    assert.deepEqual(pinFromFlag('sonnet', 'claude-sonnet-4-6[1m]', 'eu-central-1'), { kind: 'set', value: 'eu.anthropic.claude-sonnet-4-6[1m]' });
  });

  test('refuses a model of another family, [1m] without a 1M variant, and unknown names, naming the flag', () => {
    assert.throws(() => pinFromFlag('haiku', 'claude-opus-4-8', 'us-east-1'), (e: unknown) => isCcBedrockError(e) && /--haiku/.test(e.message) && e.code === 'USAGE');
    assert.throws(() => pinFromFlag('haiku', 'claude-haiku-4-5[1m]', 'us-east-1'), (e: unknown) => isCcBedrockError(e) && e.code === 'MODEL_NO_1M');
    assert.throws(() => pinFromFlag('opus', 'opus-latest', 'us-east-1'), (e: unknown) => isCcBedrockError(e) && e.code === 'MODEL_UNKNOWN' && /us\.anthropic\.claude-opus-4-6-v1/.test(e.remediation ?? ''));
  });
});
