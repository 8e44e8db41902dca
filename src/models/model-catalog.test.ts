import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BUILT_IN_DEFAULTS,
  GEO_INFO,
  GEO_PREFIXES,
  MODEL_CATALOG,
  allIdForms,
  familyOfId,
  findModelById,
  foundationModelArns,
  geoForRegion,
  geoServesRegion,
  getModel,
  isMantleFormat,
  modelsWith1m,
  parseBedrockArn,
  parseGeoPrefix,
  strip1m,
  versionPrefixMatches,
} from './model-catalog.js';

describe('catalog self-consistency', () => {
  test('every ID form (incl. profile IDs and ARNs) parses back to its own model', () => {
    for (const model of MODEL_CATALOG) {
      for (const id of allIdForms(model)) {
        assert.equal(findModelById(id)?.key, model.key, id);
        assert.equal(findModelById(`${id}[1m]`)?.key, model.key, `${id}[1m]`);
      }
      if (model.bedrock) {
        assert.equal(findModelById(`arn:aws:bedrock:us-east-1::foundation-model/${model.bedrock.baseId}`)?.key, model.key);
        for (const geo of Object.keys(model.bedrock.profiles)) {
          const arn: string = `arn:aws:bedrock:us-east-1:123456789012:inference-profile/${geo}.${model.bedrock.baseId}`;
          assert.equal(findModelById(arn)?.key, model.key, arn);
        }
      }
    }
  });

  test('no ID belongs to two models and keys are unique', () => {
    const owner = new Map<string, string>();
    for (const model of MODEL_CATALOG) {
      for (const id of allIdForms(model)) {
        const previous = owner.get(id.toLowerCase());
        assert.ok(previous === undefined || previous === model.key, `${id} is claimed by ${previous} and ${model.key}`);
        owner.set(id.toLowerCase(), model.key);
      }
    }
    assert.equal(new Set(MODEL_CATALOG.map((m) => m.key)).size, MODEL_CATALOG.length);
  });

  test('1M is only on Opus 4.6 and later, Sonnet 4 to 4.6 (the context-1m beta on Bedrock), and the native-1M models (Sonnet 5, Fable 5)', () => {
    const with1m = new Map(modelsWith1m().map((m) => [m.key, m.context1m]));
    assert.deepEqual(
      [...with1m.entries()].sort(),
      [
        ['claude-fable-5', 'native'],
        ['claude-opus-4-6', 'beta'],
        ['claude-opus-4-7', 'beta'],
        ['claude-opus-4-8', 'beta'],
        ['claude-opus-5', 'beta'],
        ['claude-sonnet-4', 'beta'],
        ['claude-sonnet-4-5', 'beta'],
        ['claude-sonnet-4-6', 'beta'],
        ['claude-sonnet-5', 'native'],
      ],
    );
  });

  test('the Mantle lineup is exactly the spec §13.3 / wire §7 set', () => {
    const served = MODEL_CATALOG.filter((m) => m.mantle?.served).map((m) => m.mantle!.id).sort();
    assert.deepEqual(served, [
      'anthropic.claude-fable-5',
      'anthropic.claude-haiku-4-5',
      'anthropic.claude-opus-4-7',
      'anthropic.claude-opus-4-8',
      'anthropic.claude-opus-5',
      'anthropic.claude-sonnet-4-6',
      'anthropic.claude-sonnet-5',
    ]);
    for (const model of MODEL_CATALOG) if (model.mantle) assert.ok(isMantleFormat(model.mantle.id), model.mantle.id);
  });

  test('built-in defaults are the seed defaults and resolvable on their endpoint', () => {
    assert.equal(getModel(BUILT_IN_DEFAULTS.bedrock.tiers.sonnet)?.bedrock?.baseId, 'anthropic.claude-sonnet-4-5-20250929-v1:0');
    assert.equal(getModel(BUILT_IN_DEFAULTS.bedrock.tiers.opus)?.bedrock?.baseId, 'anthropic.claude-opus-4-6-v1');
    assert.equal(getModel(BUILT_IN_DEFAULTS.bedrock.tiers.haiku)?.bedrock?.baseId, 'anthropic.claude-haiku-4-5-20251001-v1:0');
    assert.equal(BUILT_IN_DEFAULTS.bedrock.defaultTier, 'sonnet');
    assert.equal(getModel(BUILT_IN_DEFAULTS.mantle.tiers.opus)?.mantle?.id, 'anthropic.claude-opus-4-7');
    assert.equal(BUILT_IN_DEFAULTS.mantle.defaultTier, 'opus');
    for (const key of Object.values(BUILT_IN_DEFAULTS.bedrock.tiers)) assert.ok(getModel(key)?.bedrock, key);
    for (const key of Object.values(BUILT_IN_DEFAULTS.mantle.tiers)) assert.ok(getModel(key)?.mantle?.served, key);
    assert.equal(getModel(BUILT_IN_DEFAULTS.recommendedOpusPin)?.displayName, 'Claude Opus 4.8');
  });

  test('replacements of non-active models exist and are active', () => {
    const inactive = MODEL_CATALOG.filter((m) => m.lifecycle.status !== 'active');
    assert.deepEqual(
      inactive.filter((m) => m.lifecycle.status === 'deprecated').map((m) => m.key).sort(),
      ['claude-3-5-haiku', 'claude-3-7-sonnet', 'claude-opus-4', 'claude-opus-4-1', 'claude-sonnet-4'],
    );
    for (const model of inactive) {
      assert.ok(model.lifecycle.status !== 'active');
      assert.equal(getModel(model.lifecycle.replacement)?.lifecycle.status, 'active', model.key);
    }
  });

  test('profile-only models are never on-demand; base IDs of ARN-versioned models end the documented ways', () => {
    for (const model of MODEL_CATALOG) {
      if (!model.bedrock) continue;
      assert.ok(model.bedrock.baseId.startsWith('anthropic.claude-'), model.key);
      if (!model.bedrock.arnVersioned) assert.equal(model.bedrock.onDemand, false, model.key);
      for (const geo of Object.keys(model.bedrock.profiles)) assert.ok((GEO_PREFIXES as readonly string[]).includes(geo));
    }
    assert.deepEqual(
      MODEL_CATALOG.filter((m) => m.bedrock?.profiles['us-gov']).map((m) => m.key).sort(),
      ['claude-haiku-4-5', 'claude-sonnet-4-5'],
    );
  });
});

describe('ID parsing', () => {
  test('isMantleFormat: anthropic. + claude- name, no -vN tail, no date, no geo prefix', () => {
    const cases: Array<[string, boolean]> = [
      ['anthropic.claude-opus-4-7', true],
      ['anthropic.claude-haiku-4-5', true],
      ['anthropic.claude-sonnet-4-6', true],
      ['anthropic.claude-sonnet-5[1m]', true],
      ['anthropic.claude-mythos-preview', true],
      ['anthropic.claude-opus-4-6-v1', false],
      ['anthropic.claude-sonnet-4-5-20250929-v1:0', false],
      ['anthropic.claude-sonnet-4-5-20250929', false],
      ['us.anthropic.claude-opus-4-7', false],
      ['global.anthropic.claude-sonnet-4-6', false],
      ['claude-opus-4-7', false],
      ['anthropic.titan-text', false],
      ['anthropic.Claude-Opus-4-7', false],
      ['arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-opus-4-7', false],
    ];
    for (const [id, expected] of cases) assert.equal(isMantleFormat(id), expected, id);
  });

  test('geo prefix parsing reads us-gov before us', () => {
    assert.deepEqual(parseGeoPrefix('us-gov.anthropic.claude-sonnet-4-5-20250929-v1:0'), {
      geo: 'us-gov',
      rest: 'anthropic.claude-sonnet-4-5-20250929-v1:0',
    });
    for (const geo of GEO_PREFIXES) assert.equal(parseGeoPrefix(`${geo}.anthropic.claude-x`)?.geo, geo);
    assert.equal(parseGeoPrefix('anthropic.claude-opus-4-7'), undefined);
    assert.equal(parseGeoPrefix('ca.anthropic.claude-opus-4-7'), undefined);
  });

  test('region → geo (spec §7.4)', () => {
    const cases: Array<[string, string]> = [
      ['us-east-1', 'us'],
      ['us-west-2', 'us'],
      ['us-gov-west-1', 'us-gov'],
      ['eu-west-1', 'eu'],
      ['eu-central-2', 'eu'],
      ['ap-northeast-1', 'apac'],
      ['ap-southeast-2', 'apac'],
      ['ca-central-1', 'global'],
      ['sa-east-1', 'global'],
      ['me-central-1', 'global'],
      ['il-central-1', 'global'],
    ];
    for (const [region, geo] of cases) assert.equal(geoForRegion(region), geo, region);
  });

  test('which regions a geo profile can be called from', () => {
    assert.ok(geoServesRegion('us', 'us-west-1'));
    assert.ok(!geoServesRegion('us', 'us-gov-west-1'));
    assert.ok(!geoServesRegion('us', 'eu-west-1'));
    assert.ok(geoServesRegion('eu', 'eu-west-3'));
    assert.ok(geoServesRegion('global', 'ca-central-1'));
    assert.ok(!geoServesRegion('global', 'us-gov-east-1'));
    assert.ok(geoServesRegion('jp', 'ap-northeast-3'));
    assert.ok(!geoServesRegion('jp', 'ap-southeast-1'));
    assert.ok(geoServesRegion('au', 'ap-southeast-4'));
    assert.ok(geoServesRegion('apac', 'me-central-1'));
    assert.ok(geoServesRegion('us-gov', 'us-gov-west-1'));
  });

  test('ARNs parse into partition, region, account and resource', () => {
    assert.deepEqual(parseBedrockArn('arn:aws:bedrock:us-east-2:123456789012:application-inference-profile/opus-47-prod'), {
      partition: 'aws',
      region: 'us-east-2',
      accountId: '123456789012',
      resourceType: 'application-inference-profile',
      resourceId: 'opus-47-prod',
    });
    assert.equal(parseBedrockArn('arn:aws-us-gov:bedrock:us-gov-west-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0')?.partition, 'aws-us-gov');
    assert.equal(parseBedrockArn('us.anthropic.claude-opus-4-8'), undefined);
    assert.equal(findModelById('arn:aws:bedrock:us-east-2:123456789012:application-inference-profile/opus-47-prod'), undefined);
  });

  test('strip1m removes the suffix in any case, also doubled', () => {
    assert.deepEqual(strip1m('claude-opus-4-6[1m]'), { id: 'claude-opus-4-6', has1m: true });
    assert.deepEqual(strip1m('opus[1M][1m]'), { id: 'opus', has1m: true });
    assert.deepEqual(strip1m('sonnet'), { id: 'sonnet', has1m: false });
  });

  test('family detection and version-prefix matching', () => {
    assert.equal(familyOfId('us.anthropic.claude-opus-4-8'), 'opus');
    assert.equal(familyOfId('claude-opus-9'), 'opus');
    assert.equal(familyOfId('claude-3-9-haiku-20990101'), 'haiku');
    assert.equal(familyOfId('anthropic.claude-haiku-4-5'), 'haiku');
    assert.equal(familyOfId('arn:aws:bedrock:us-east-2:1:application-inference-profile/x'), undefined);
    const opus4 = getModel('claude-opus-4')!;
    const opus48 = getModel('claude-opus-4-8')!;
    assert.ok(versionPrefixMatches('claude-opus-4', opus4));
    assert.ok(!versionPrefixMatches('claude-opus-4', opus48));
    assert.ok(versionPrefixMatches('claude-opus-4-8', opus48));
    assert.ok(versionPrefixMatches('claude-3-5-sonnet', getModel('claude-3-5-sonnet-20240620')!));
    assert.ok(versionPrefixMatches('claude-3-5-sonnet', getModel('claude-3-5-sonnet-20241022')!));
    assert.ok(versionPrefixMatches('claude-sonnet-4-5-20250929', getModel('claude-sonnet-4-5')!));
  });
});

describe('destination regions for IAM and the emulator', () => {
  test('geographic profiles list each destination region; global uses the region-less ARN', () => {
    const sonnet45 = getModel('claude-sonnet-4-5')!;
    assert.deepEqual(foundationModelArns(sonnet45, 'us'), [
      'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0',
      'arn:aws:bedrock:us-east-2::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0',
      'arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0',
    ]);
    assert.equal(foundationModelArns(sonnet45, 'us', { includeOccasional: true }).length, 4);
    assert.deepEqual(foundationModelArns(sonnet45, 'global'), ['arn:aws:bedrock:::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0']);
    assert.ok(foundationModelArns(sonnet45, 'us-gov').every((arn) => arn.startsWith('arn:aws-us-gov:bedrock:us-gov-')));
    assert.deepEqual(GEO_INFO.jp.destinationRegions, ['ap-northeast-1', 'ap-northeast-3']);
    assert.deepEqual(GEO_INFO.au.destinationRegions, ['ap-southeast-2', 'ap-southeast-4']);
    assert.equal(GEO_INFO.eu.destinationRegions.length, 8);
  });
});
