import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CcBedrockError, type ErrorCode } from '../core/errors.js';
import { resolveModelName, resolveModels, type ModelResolution } from './resolve-model.js';
import { modelInput, type TestInput } from './test-support.js';

const SONNET_45 = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
const OPUS_46 = 'anthropic.claude-opus-4-6-v1';
const HAIKU_45 = 'anthropic.claude-haiku-4-5-20251001-v1:0';
const ONE_M = 'context-1m-2025-08-07';
const AIP_47 = 'arn:aws:bedrock:us-east-2:123456789012:application-inference-profile/opus-47-prod';
const AIP_46 = 'arn:aws:bedrock:us-east-2:123456789012:application-inference-profile/opus-46-prod';

function resolve(input: TestInput): ModelResolution {
  return resolveModels(modelInput(input));
}

function codes(result: ModelResolution): string[] {
  return result.warnings.map((w) => w.code);
}

function assertError(input: TestInput, code: ErrorCode, ...fragments: string[]): CcBedrockError {
  let caught: unknown;
  try {
    resolve(input);
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof CcBedrockError, `expected ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  for (const fragment of fragments) assert.ok(caught.describe().includes(fragment), `"${fragment}" not in: ${caught.describe()}`);
  return caught;
}

interface Case {
  readonly name: string;
  readonly input: TestInput;
  readonly wire: string;
  readonly endpoint?: 'bedrock' | 'mantle';
  readonly betas?: readonly string[];
  readonly discoverable?: boolean;
  readonly catalogKey?: string | undefined;
  readonly rule?: readonly string[];
  readonly warnings?: readonly string[];
  readonly smallFastWire?: string;
}

function runCases(cases: readonly Case[]): void {
  for (const c of cases) {
    test(c.name, () => {
      const result = resolve(c.input);
      assert.equal(result.main.wireModelId, c.wire);
      assert.equal(result.main.endpoint, c.endpoint ?? 'bedrock');
      assert.deepEqual(result.main.betas, c.betas ?? []);
      if (c.discoverable !== undefined) assert.equal(result.main.discoverable, c.discoverable);
      if ('catalogKey' in c) assert.equal(result.main.catalogKey, c.catalogKey);
      for (const fragment of c.rule ?? []) assert.ok(result.main.rule.includes(fragment), `"${fragment}" not in rule: ${result.main.rule}`);
      assert.deepEqual(codes(result).sort(), [...(c.warnings ?? [])].sort(), JSON.stringify(result.warnings, null, 1));
      if (c.smallFastWire) assert.equal(result.smallFast.wireModelId, c.smallFastWire);
      assert.ok(!result.main.wireModelId.includes('[1m]'));
      assert.ok(!result.smallFast.wireModelId.includes('[1m]'));
    });
  }
}

describe('built-in defaults and the region-derived geo prefix (reference: match)', () => {
  runCases([
    { name: 'us-east-1 default is us. Sonnet 4.5, discoverable', input: {}, wire: `us.${SONNET_45}`, discoverable: true, catalogKey: 'claude-sonnet-4-5', rule: ['built-in default', 'Claude Sonnet 4.5', 'us-east-1'] },
    { name: 'eu-west-1 → eu.', input: { region: 'eu-west-1' }, wire: `eu.${SONNET_45}` },
    // The catalog has no apac. Sonnet 4.5 profile: same ID as Claude Code, plus a warning.
    { name: 'ap-* → apac.', input: { region: 'ap-southeast-1' }, wire: `apac.${SONNET_45}`, warnings: ['MODEL_PROFILE_NOT_IN_GEO'] },
    { name: 'us-gov-* → us-gov.', input: { region: 'us-gov-west-1' }, wire: `us-gov.${SONNET_45}` },
    { name: 'ca-central-1 → global.', input: { region: 'ca-central-1' }, wire: `global.${SONNET_45}` },
    { name: 'sonnet alias = Sonnet 4.5', input: { modelFlag: 'sonnet' }, wire: `us.${SONNET_45}`, discoverable: true },
    { name: 'unpinned opus = Opus 4.6, with the pin-to-4.8 warning', input: { modelFlag: 'opus', region: 'eu-central-1' }, wire: `eu.${OPUS_46}`, discoverable: true, warnings: ['MODEL_OPUS_UNPINNED'] },
    { name: 'haiku alias = Haiku 4.5', input: { modelFlag: 'haiku' }, wire: `us.${HAIKU_45}`, discoverable: true },
    { name: 'opusplan resolves like sonnet (no plan mode)', input: { modelFlag: 'opusplan' }, wire: `us.${SONNET_45}`, rule: ['opusplan', 'no plan mode'] },
    { name: 'explicit default', input: { modelFlag: 'default', region: 'eu-west-2' }, wire: `eu.${SONNET_45}`, rule: ['--model flag: default'] },
    { name: 'aliases are case-insensitive', input: { modelFlag: 'Sonnet' }, wire: `us.${SONNET_45}` },
  ]);

  test('the unpinned-opus fix names Opus 4.8 with the region geo', () => {
    const result = resolve({ modelFlag: 'opus' });
    assert.match(result.warnings[0]!.fix!, /ANTHROPIC_DEFAULT_OPUS_MODEL to us\.anthropic\.claude-opus-4-8/);
  });
});

describe('ANTHROPIC_BEDROCK_REGION_PREFIX (explicit opt-in)', () => {
  runCases([
    { name: 'global in a us region', input: { env: { ANTHROPIC_BEDROCK_REGION_PREFIX: 'global' } }, wire: `global.${SONNET_45}`, rule: ['ANTHROPIC_BEDROCK_REGION_PREFIX'] },
    { name: 'jp in ap-northeast-1', input: { region: 'ap-northeast-1', env: { ANTHROPIC_BEDROCK_REGION_PREFIX: 'JP' } }, wire: `jp.${SONNET_45}` },
    { name: 'ignored in GovCloud', input: { region: 'us-gov-east-1', env: { ANTHROPIC_BEDROCK_REGION_PREFIX: 'us' } }, wire: `us-gov.${SONNET_45}`, warnings: ['MODEL_REGION_PREFIX_IGNORED'] },
    { name: 'invalid → warning + region-derived', input: { region: 'eu-west-1', env: { ANTHROPIC_BEDROCK_REGION_PREFIX: 'europe' } }, wire: `eu.${SONNET_45}`, warnings: ['MODEL_REGION_PREFIX_INVALID'] },
  ]);
});

describe('discovery (ListInferenceProfiles)', () => {
  runCases([
    { name: 'only a global. profile listed → global', input: { discoveredProfileIds: [`global.${SONNET_45}`, `global.${OPUS_46}`] }, wire: `global.${SONNET_45}`, discoverable: true, rule: ['ListInferenceProfiles'] },
    { name: 'geo profile preferred over global', input: { discoveredProfileIds: [`global.${SONNET_45}`, `us.${SONNET_45}`] }, wire: `us.${SONNET_45}` },
    { name: 'list lacks the model → geo-prefixed built-in', input: { region: 'eu-west-1', discoveredProfileIds: [`eu.${OPUS_46}`] }, wire: `eu.${SONNET_45}` },
    { name: 'empty list → geo-prefixed built-in', input: { discoveredProfileIds: [] }, wire: `us.${SONNET_45}` },
    { name: 'GovCloud never takes a global. profile', input: { region: 'us-gov-west-1', discoveredProfileIds: [`global.${SONNET_45}`] }, wire: `us-gov.${SONNET_45}` },
    { name: 'discovery also serves first-party names', input: { modelFlag: 'claude-opus-4-6', discoveredProfileIds: [`global.${OPUS_46}`] }, wire: `global.${OPUS_46}`, discoverable: false },
    { name: 'pins are never replaced by discovery', input: { env: { ANTHROPIC_DEFAULT_SONNET_MODEL: `us.${SONNET_45}` }, discoveredProfileIds: [`global.${SONNET_45}`] }, wire: `us.${SONNET_45}`, discoverable: false },
  ]);
});

describe('selection priority and pins', () => {
  const allPins = {
    ANTHROPIC_DEFAULT_OPUS_MODEL: 'us.anthropic.claude-opus-4-8',
    ANTHROPIC_DEFAULT_SONNET_MODEL: 'us.anthropic.claude-sonnet-4-6',
    ANTHROPIC_DEFAULT_HAIKU_MODEL: `us.${HAIKU_45}`,
  };
  runCases([
    { name: 'all three pins, no --model → sonnet pin', input: { env: allPins }, wire: 'us.anthropic.claude-sonnet-4-6', discoverable: false, rule: ['ANTHROPIC_DEFAULT_SONNET_MODEL pin (shell env)'], smallFastWire: `us.${HAIKU_45}` },
    { name: 'ANTHROPIC_MODEL=opus resolves through the opus pin', input: { env: { ...allPins, ANTHROPIC_MODEL: 'opus' } }, wire: 'us.anthropic.claude-opus-4-8', rule: ['ANTHROPIC_MODEL (shell env): opus', 'ANTHROPIC_DEFAULT_OPUS_MODEL pin'] },
    { name: '--model beats ANTHROPIC_MODEL', input: { modelFlag: 'haiku', env: { ...allPins, ANTHROPIC_MODEL: 'opus' } }, wire: `us.${HAIKU_45}`, rule: ['--model flag'] },
    { name: 'ANTHROPIC_MODEL beats the model setting', input: { env: { ANTHROPIC_MODEL: 'haiku' }, settingsModel: { value: 'opus', source: '~/.claude/settings.json' } }, wire: `us.${HAIKU_45}` },
    { name: 'model setting beats the default', input: { settingsModel: { value: 'haiku', source: '~/.claude/settings.json' } }, wire: `us.${HAIKU_45}`, rule: ['model setting (~/.claude/settings.json)'] },
    { name: 'only an opus pin leaves the default on built-in Sonnet', input: { env: { ANTHROPIC_DEFAULT_OPUS_MODEL: 'us.anthropic.claude-opus-4-8' } }, wire: `us.${SONNET_45}` },
    { name: 'a pinned opus does not warn', input: { modelFlag: 'opus', env: { ANTHROPIC_DEFAULT_OPUS_MODEL: 'us.anthropic.claude-opus-4-8' } }, wire: 'us.anthropic.claude-opus-4-8', discoverable: false },
    { name: 'a pin holding a first-party name resolves through the catalog', input: { modelFlag: 'opus', region: 'eu-west-1', env: { ANTHROPIC_DEFAULT_OPUS_MODEL: 'claude-opus-4-8' } }, wire: 'eu.anthropic.claude-opus-4-8' },
    { name: 'a pin holding an alias means that alias’s built-in model', input: { modelFlag: 'opus', env: { ANTHROPIC_DEFAULT_OPUS_MODEL: 'sonnet' } }, wire: `us.${SONNET_45}` },
    { name: 'empty ANTHROPIC_MODEL counts as unset', input: { env: { ANTHROPIC_MODEL: '' } }, wire: `us.${SONNET_45}` },
  ]);
});

describe('explicit provider IDs are never rewritten', () => {
  runCases([
    { name: 'eu. ID in a us region stays eu. (geo mismatch warning)', input: { modelFlag: `eu.${SONNET_45}` }, wire: `eu.${SONNET_45}`, warnings: ['MODEL_GEO_MISMATCH'], catalogKey: 'claude-sonnet-4-5' },
    { name: 'us. ID in an eu region stays us.', input: { region: 'eu-west-1', env: { ANTHROPIC_MODEL: 'us.anthropic.claude-opus-4-8' } }, wire: 'us.anthropic.claude-opus-4-8', warnings: ['MODEL_GEO_MISMATCH'] },
    { name: 'global. ID from any commercial region is fine', input: { region: 'sa-east-1', modelFlag: 'global.anthropic.claude-sonnet-4-6' }, wire: 'global.anthropic.claude-sonnet-4-6' },
    { name: 'base ID gets no prefix (needs a profile warning)', input: { modelFlag: SONNET_45 }, wire: SONNET_45, warnings: ['MODEL_REQUIRES_PROFILE'] },
    { name: 'anthropic.claude-sonnet-4-6 with only Bedrock is a base ID', input: { modelFlag: 'anthropic.claude-sonnet-4-6' }, wire: 'anthropic.claude-sonnet-4-6', endpoint: 'bedrock', warnings: ['MODEL_REQUIRES_PROFILE'] },
    { name: 'an on-demand base ID needs no profile', input: { modelFlag: 'anthropic.claude-3-haiku-20240307-v1:0' }, wire: 'anthropic.claude-3-haiku-20240307-v1:0', warnings: ['MODEL_LEGACY'] },
    { name: 'application inference profile ARN untouched', input: { modelFlag: AIP_47, region: 'us-east-2' }, wire: AIP_47, catalogKey: undefined, rule: ['application-inference-profile ARN'] },
    { name: 'ARN of another region warns', input: { modelFlag: AIP_47 }, wire: AIP_47, warnings: ['MODEL_REGION_MISMATCH'] },
    { name: 'an ARN that is a modelOverrides value is that key’s model', input: { modelFlag: AIP_47, region: 'us-east-2', modelOverrides: { 'claude-opus-4-7': AIP_47 } }, wire: AIP_47, catalogKey: 'claude-opus-4-7' },
    { name: 'unknown custom ID is sent as-is with a warning', input: { modelFlag: 'my-gateway-model' }, wire: 'my-gateway-model', catalogKey: undefined, warnings: ['MODEL_UNRECOGNISED'] },
    { name: 'unknown profile ID is sent as-is with a warning', input: { modelFlag: 'us.anthropic.claude-opus-9' }, wire: 'us.anthropic.claude-opus-9', warnings: ['MODEL_UNRECOGNISED'] },
    { name: 'profile in a geo the catalog does not know for that model', input: { modelFlag: 'eu.anthropic.claude-sonnet-5', region: 'eu-west-1' }, wire: 'eu.anthropic.claude-sonnet-5', warnings: ['MODEL_PROFILE_NOT_IN_GEO'] },
    { name: 'deprecated model warns with its replacement', input: { modelFlag: 'us.anthropic.claude-3-7-sonnet-20250219-v1:0' }, wire: 'us.anthropic.claude-3-7-sonnet-20250219-v1:0', warnings: ['MODEL_DEPRECATED'] },
    { name: 'retired model warns', input: { modelFlag: 'claude-3-opus-20240229' }, wire: 'us.anthropic.claude-3-opus-20240229-v1:0', warnings: ['MODEL_RETIRED'] },
  ]);

  test('the base-ID warning suggests the same model’s profile for this region', () => {
    const result = resolve({ modelFlag: SONNET_45, region: 'eu-west-3' });
    assert.equal(result.warnings[0]!.fix, `use the inference-profile ID eu.${SONNET_45}`);
  });

  test('the geo-mismatch warning suggests the region’s profile of the same model', () => {
    const result = resolve({ modelFlag: `eu.${SONNET_45}` });
    assert.match(result.warnings[0]!.fix!, new RegExp(`use us\\.${SONNET_45.replace(/[.:]/g, '\\$&')}`));
  });

  test('the deprecation warning names the replacement', () => {
    const result = resolve({ modelFlag: 'claude-opus-4-1' });
    assert.equal(result.main.wireModelId, 'us.anthropic.claude-opus-4-1-20250805-v1:0');
    assert.match(result.warnings[0]!.message, /deprecated; its replacement is Claude Opus 4\.8/);
  });
});

describe('first-party names (reference: better)', () => {
  runCases([
    { name: 'via the catalog with the region prefix', input: { modelFlag: 'claude-opus-4-7' }, wire: 'us.anthropic.claude-opus-4-7', catalogKey: 'claude-opus-4-7', discoverable: false },
    { name: 'date-suffixed form', input: { modelFlag: 'claude-sonnet-4-5-20250929', region: 'eu-west-1' }, wire: `eu.${SONNET_45}` },
    { name: 'through modelOverrides first', input: { modelFlag: 'claude-opus-4-7', modelOverrides: { 'claude-opus-4-7': AIP_47 }, region: 'us-east-2' }, wire: AIP_47, catalogKey: 'claude-opus-4-7', rule: ['modelOverrides["claude-opus-4-7"]'] },
    { name: 'override keyed by another ID form of the same model', input: { modelFlag: 'claude-sonnet-4-5', modelOverrides: { 'claude-sonnet-4-5-20250929': 'us.anthropic.custom' } }, wire: 'us.anthropic.custom' },
    { name: 'pin holding a first-party name goes through overrides', input: { modelFlag: 'opus', region: 'us-east-2', env: { ANTHROPIC_DEFAULT_OPUS_MODEL: 'claude-opus-4-6' }, modelOverrides: { 'claude-opus-4-6': AIP_46 } }, wire: AIP_46 },
    { name: 'falls back to global. when the geo has no profile', input: { modelFlag: 'claude-opus-4-5', region: 'ap-northeast-1' }, wire: 'global.anthropic.claude-opus-4-5-20251101-v1:0', rule: ['no apac. profile'] },
    { name: 'jp. via the prefix opt-in', input: { modelFlag: 'claude-sonnet-4-6', region: 'ap-northeast-1', env: { ANTHROPIC_BEDROCK_REGION_PREFIX: 'jp' } }, wire: 'jp.anthropic.claude-sonnet-4-6' },
    { name: 'no geo and no global profile → geo prefix with a warning', input: { modelFlag: 'claude-opus-4-1', region: 'eu-west-1' }, wire: 'eu.anthropic.claude-opus-4-1-20250805-v1:0', warnings: ['MODEL_PROFILE_NOT_IN_GEO', 'MODEL_DEPRECATED'] },
    { name: 'on-demand legacy model outside its geos → base ID', input: { modelFlag: 'claude-3-5-haiku', region: 'ca-central-1' }, wire: 'anthropic.claude-3-5-haiku-20241022-v1:0', warnings: ['MODEL_DEPRECATED'] },
  ]);

  test('an unknown first-party name is MODEL_UNKNOWN with the fix', () => {
    assertError({ modelFlag: 'claude-opus-9' }, 'MODEL_UNKNOWN', '--model flag', 'claude-opus-9', 'modelOverrides');
  });

  test('an unknown first-party name resolves when modelOverrides maps it exactly', () => {
    const result = resolve({ modelFlag: 'claude-opus-9', modelOverrides: { 'claude-opus-9': 'us.anthropic.claude-opus-9' } });
    assert.equal(result.main.wireModelId, 'us.anthropic.claude-opus-9');
  });
});

describe('modelOverrides on aliases and defaults', () => {
  runCases([
    { name: 'opus → Opus 4.6 uses modelOverrides["claude-opus-4-6"], not discoverable, no unpinned warning', input: { modelFlag: 'opus', region: 'us-east-2', modelOverrides: { 'claude-opus-4-6': AIP_46, 'claude-opus-4-7': AIP_47 } }, wire: AIP_46, discoverable: false, catalogKey: 'claude-opus-4-6' },
    { name: 'default uses the Sonnet 4.5 override', input: { modelOverrides: { 'claude-sonnet-4-5-20250929': 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/s45' } }, wire: 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/s45', discoverable: false },
    { name: 'override beats discovery', input: { modelOverrides: { 'claude-sonnet-4-5': 'us.anthropic.override' }, discoveredProfileIds: [`global.${SONNET_45}`] }, wire: 'us.anthropic.override' },
  ]);
});

describe('[1m]', () => {
  runCases([
    { name: 'stripped and the 1M beta added (alias)', input: { modelFlag: 'opus[1m]' }, wire: `us.${OPUS_46}`, betas: [ONE_M], warnings: ['MODEL_OPUS_UNPINNED'] },
    { name: 'stripped from a profile ID', input: { modelFlag: `us.${OPUS_46}[1m]` }, wire: `us.${OPUS_46}`, betas: [ONE_M] },
    { name: 'sonnet 4.6 first-party', input: { modelFlag: 'claude-sonnet-4-6[1m]' }, wire: 'us.anthropic.claude-sonnet-4-6', betas: [ONE_M] },
    { name: 'read from the pin variable', input: { modelFlag: 'opus', env: { ANTHROPIC_DEFAULT_OPUS_MODEL: 'us.anthropic.claude-opus-4-8[1m]' } }, wire: 'us.anthropic.claude-opus-4-8', betas: [ONE_M] },
    { name: 'doubled suffix', input: { modelFlag: 'claude-opus-4-8[1M][1m]' }, wire: 'us.anthropic.claude-opus-4-8', betas: [ONE_M] },
    { name: 'native-1M Sonnet 5: no-op', input: { modelFlag: 'us.anthropic.claude-sonnet-5[1m]' }, wire: 'us.anthropic.claude-sonnet-5', betas: [], rule: ['no-op'] },
    { name: 'unrecognised ARN: allowed with a warning', input: { modelFlag: `${AIP_47}[1m]`, region: 'us-east-2' }, wire: AIP_47, betas: [ONE_M], warnings: ['MODEL_1M_UNVERIFIED'] },
    { name: 'ARN mapped by an override is verified', input: { modelFlag: `${AIP_47}[1m]`, region: 'us-east-2', modelOverrides: { 'claude-opus-4-7': AIP_47 } }, wire: AIP_47, betas: [ONE_M] },
    { name: 'CLAUDE_CODE_DISABLE_1M_CONTEXT drops it', input: { modelFlag: 'claude-opus-4-8[1m]', env: { CLAUDE_CODE_DISABLE_1M_CONTEXT: '1' } }, wire: 'us.anthropic.claude-opus-4-8', betas: [], warnings: ['MODEL_1M_DISABLED'] },
  ]);

  test('refused on a recognised model without 1M, naming the models that have it', () => {
    const error = assertError({ modelFlag: `us.${HAIKU_45}[1m]` }, 'MODEL_NO_1M', 'Claude Haiku 4.5', 'Claude Opus 4.6', 'Claude Sonnet 4.6');
    assert.equal(error.details.model, 'claude-haiku-4-5');
  });

  test('Sonnet 4.5 and Sonnet 4 take the 1M beta on Bedrock, as Claude Code sends it (sonnet[1m] with no pins)', () => {
    const result = resolve({ modelFlag: 'sonnet[1m]' });
    assert.equal(result.main.wireModelId, `us.${SONNET_45}`);
    assert.deepEqual(result.main.betas, [ONE_M]);
    assert.deepEqual(resolve({ modelFlag: 'claude-sonnet-4-20250514[1m]' }).main.betas, [ONE_M]);
  });

  test('[1m] on a Haiku pin names the variable, and suggests no other model for the background role', () => {
    const error = assertError({ env: { ANTHROPIC_DEFAULT_HAIKU_MODEL: `us.${HAIKU_45}[1m]` } }, 'MODEL_NO_1M', 'ANTHROPIC_DEFAULT_HAIKU_MODEL');
    assert.match(error.remediation ?? '', /remove \[1m\] from ANTHROPIC_DEFAULT_HAIKU_MODEL/);
    assert.doesNotMatch(error.remediation ?? '', /opus|sonnet/i);
  });

  test('[1m] on a tier pin names the pin, not the alias that led to it', () => {
    const error = assertError({ modelFlag: 'haiku', env: { ANTHROPIC_DEFAULT_HAIKU_MODEL: `us.${HAIKU_45}[1m]` } }, 'MODEL_NO_1M', 'ANTHROPIC_DEFAULT_HAIKU_MODEL');
    assert.doesNotMatch(error.remediation ?? '', /opus/i);
  });
});

describe('availableModels (enforced everywhere)', () => {
  const managed = (value: readonly string[]) => ({
    availableModels: { value, source: '/etc/claude-code/managed-settings.json' },
    availableModelsManaged: true,
  });

  test('blocked selection names the selection, its origin and the allowed entries', () => {
    const error = assertError(
      { modelFlag: 'opus', ...managed(['sonnet', 'haiku']) },
      'MODEL_NOT_ALLOWED',
      '"opus"',
      '--model flag',
      '/etc/claude-code/managed-settings.json',
      '"sonnet", "haiku"',
    );
    assert.deepEqual(error.details.allowed, ['sonnet', 'haiku']);
  });

  runCases([
    { name: 'family alias allows its family', input: { modelFlag: 'sonnet', ...managed(['sonnet', 'haiku']) }, wire: `us.${SONNET_45}` },
    { name: 'family alias allows a full ID of that family', input: { modelFlag: 'us.anthropic.claude-sonnet-4-6', ...managed(['sonnet']) }, wire: 'us.anthropic.claude-sonnet-4-6' },
    { name: 'version prefix allows the alias that resolves to it', input: { modelFlag: 'opus', ...managed(['claude-opus-4-6']) }, wire: `us.${OPUS_46}`, warnings: ['MODEL_OPUS_UNPINNED'] },
    { name: 'version prefix allows a date-suffixed name', input: { modelFlag: 'claude-sonnet-4-5-20250929', ...managed(['claude-sonnet-4-5']) }, wire: `us.${SONNET_45}` },
    { name: 'full provider-form ID', input: { modelFlag: 'us.anthropic.claude-opus-4-8', ...managed(['us.anthropic.claude-opus-4-8']) }, wire: 'us.anthropic.claude-opus-4-8' },
    { name: '[1m] stripped on both sides', input: { modelFlag: 'claude-opus-4-8[1m]', ...managed(['claude-opus-4-8[1m]']) }, wire: 'us.anthropic.claude-opus-4-8', betas: [ONE_M] },
    { name: 'overridden model matched by its Anthropic ID', input: { modelFlag: 'opus', region: 'us-east-2', modelOverrides: { 'claude-opus-4-6': AIP_46 }, ...managed(['claude-opus-4-6']) }, wire: AIP_46 },
    { name: 'opaque pin under an allowed alias', input: { modelFlag: 'opus', region: 'us-east-2', env: { ANTHROPIC_DEFAULT_OPUS_MODEL: AIP_47 }, ...managed(['opus']) }, wire: AIP_47 },
    { name: 'empty list: default stays usable', input: managed([]), wire: `us.${SONNET_45}` },
    { name: 'non-empty list does not block the default', input: managed(['opus']), wire: `us.${SONNET_45}` },
    { name: 'enforceAvailableModels: default → first allowed entry', input: { ...managed(['claude-opus-4-8', 'sonnet']), enforceAvailableModels: true }, wire: 'us.anthropic.claude-opus-4-8', rule: ['enforceAvailableModels'] },
    { name: 'enforceAvailableModels skips entries that do not resolve', input: { ...managed(['claude-opus-9', 'haiku']), enforceAvailableModels: true }, wire: `us.${HAIKU_45}` },
    { name: 'enforceAvailableModels with an empty list keeps the default', input: { ...managed([]), enforceAvailableModels: true }, wire: `us.${SONNET_45}`, warnings: ['MODEL_ENFORCED_DEFAULT_UNRESOLVED'] },
  ]);

  test('a specific entry of a family disables that family’s wildcard', () => {
    const list = managed(['sonnet', 'claude-sonnet-4-5']);
    assert.equal(resolve({ modelFlag: 'sonnet', ...list }).main.wireModelId, `us.${SONNET_45}`);
    assertError({ modelFlag: 'claude-sonnet-4-6', ...list }, 'MODEL_NOT_ALLOWED', 'claude-sonnet-4-6');
    // A Mantle entry counts as specific too: listing anthropic.claude-haiku-4-5 removes bare haiku.
    assertError({ modelFlag: 'haiku', ...managed(['opus', 'haiku', 'anthropic.claude-haiku-4-5']) }, 'MODEL_NOT_ALLOWED');
  });

  test('a pin cannot redirect an allowed alias to a blocked version', () => {
    assertError(
      { modelFlag: 'opus', env: { ANTHROPIC_DEFAULT_OPUS_MODEL: `us.${OPUS_46}` }, ...managed(['opus', 'claude-opus-4-8']) },
      'MODEL_NOT_ALLOWED',
      `resolves to us.${OPUS_46}`,
    );
  });

  test('empty list blocks named selections', () => {
    assertError({ env: { ANTHROPIC_MODEL: 'sonnet' }, ...managed([]) }, 'MODEL_NOT_ALLOWED', 'ANTHROPIC_MODEL (shell env)', 'is empty');
  });

  test('a user-level list suggests adding the entry', () => {
    assertError(
      { settingsModel: { value: 'haiku', source: '.claude/settings.json' }, availableModels: { value: ['sonnet'], source: '~/.claude/settings.json' } },
      'MODEL_NOT_ALLOWED',
      'model setting (.claude/settings.json)',
      'add "haiku" to availableModels in ~/.claude/settings.json',
    );
  });

  test('a blocked Haiku pin moves the small/fast role to the main model with a warning', () => {
    const result = resolve({ env: { ANTHROPIC_DEFAULT_HAIKU_MODEL: `us.${HAIKU_45}` }, ...managed(['sonnet']) });
    assert.equal(result.smallFast.wireModelId, `us.${SONNET_45}`);
    assert.deepEqual(codes(result), ['MODEL_SMALL_FAST_NOT_ALLOWED']);
  });

  test('with a managed list, directly named first-party IDs use only the managed overrides', () => {
    const result = resolve({
      modelFlag: 'claude-opus-4-7',
      region: 'us-east-2',
      modelOverrides: { 'claude-opus-4-7': 'us.anthropic.user-chosen' },
      managedModelOverrides: { 'claude-opus-4-7': AIP_47 },
      ...managed(['opus']),
    });
    assert.equal(result.main.wireModelId, AIP_47);
  });
});

describe('Mantle', () => {
  const mantleOnly = { providers: { bedrock: false, mantle: true } } as const;
  const both = { providers: { bedrock: true, mantle: true } } as const;
  runCases([
    { name: 'Mantle default → anthropic.claude-opus-4-7', input: mantleOnly, wire: 'anthropic.claude-opus-4-7', endpoint: 'mantle', discoverable: true, catalogKey: 'claude-opus-4-7' },
    { name: 'Mantle opus → anthropic.claude-opus-4-7', input: { ...mantleOnly, modelFlag: 'opus' }, wire: 'anthropic.claude-opus-4-7', endpoint: 'mantle' },
    { name: 'Mantle haiku → anthropic.claude-haiku-4-5', input: { ...mantleOnly, modelFlag: 'haiku' }, wire: 'anthropic.claude-haiku-4-5', endpoint: 'mantle' },
    { name: 'Mantle first-party name → Mantle ID', input: { ...mantleOnly, modelFlag: 'claude-haiku-4-5-20251001' }, wire: 'anthropic.claude-haiku-4-5', endpoint: 'mantle' },
    { name: 'Mantle ID as-is', input: { ...mantleOnly, modelFlag: 'anthropic.claude-sonnet-5' }, wire: 'anthropic.claude-sonnet-5', endpoint: 'mantle' },
    { name: 'Mantle opus pin applies to the Mantle default', input: { ...mantleOnly, env: { ANTHROPIC_DEFAULT_OPUS_MODEL: 'anthropic.claude-opus-4-8' } }, wire: 'anthropic.claude-opus-4-8', endpoint: 'mantle' },
    { name: 'unknown Mantle-format ID is sent with a warning', input: { ...mantleOnly, modelFlag: 'anthropic.claude-mythos-preview' }, wire: 'anthropic.claude-mythos-preview', endpoint: 'mantle', warnings: ['MODEL_UNRECOGNISED'] },
    { name: 'profile ID with a Mantle base URL override: warning, sent', input: { ...mantleOnly, mantleBaseUrlOverridden: true, modelFlag: 'us.anthropic.claude-sonnet-4-6' }, wire: 'us.anthropic.claude-sonnet-4-6', endpoint: 'mantle', warnings: ['MODEL_NOT_ON_MANTLE'] },
    { name: 'both on: Mantle-format → Mantle', input: { ...both, modelFlag: 'anthropic.claude-haiku-4-5' }, wire: 'anthropic.claude-haiku-4-5', endpoint: 'mantle', rule: ['both endpoints'] },
    { name: 'both on: anthropic.claude-sonnet-4-6 → Mantle', input: { ...both, modelFlag: 'anthropic.claude-sonnet-4-6' }, wire: 'anthropic.claude-sonnet-4-6', endpoint: 'mantle' },
    { name: 'both on: profile ID → Invoke', input: { ...both, modelFlag: 'us.anthropic.claude-sonnet-4-6' }, wire: 'us.anthropic.claude-sonnet-4-6', endpoint: 'bedrock' },
    { name: 'both on: default → Invoke built-in', input: both, wire: `us.${SONNET_45}`, endpoint: 'bedrock' },
    { name: 'both on: first-party name → Invoke', input: { ...both, modelFlag: 'claude-opus-4-7' }, wire: 'us.anthropic.claude-opus-4-7', endpoint: 'bedrock' },
    { name: 'both on: Mantle-format override value → Mantle', input: { ...both, modelFlag: 'claude-opus-4-7', modelOverrides: { 'claude-opus-4-7': 'anthropic.claude-opus-4-7' } }, wire: 'anthropic.claude-opus-4-7', endpoint: 'mantle' },
    { name: 'Bedrock only: a Mantle-only name is not sent to Mantle', input: { modelFlag: 'anthropic.claude-opus-4-7' }, wire: 'anthropic.claude-opus-4-7', endpoint: 'bedrock', warnings: ['MODEL_REQUIRES_PROFILE'] },
  ]);

  test('Mantle only: an inference-profile ID is MODEL_NOT_ON_MANTLE with the seed remediation', () => {
    assertError(
      { ...mantleOnly, modelFlag: 'us.anthropic.claude-sonnet-4-6' },
      'MODEL_NOT_ON_MANTLE',
      'not in the Mantle lineup',
      'anthropic.claude-sonnet-4-6',
      'CLAUDE_CODE_USE_BEDROCK=1',
    );
  });

  test('Mantle only: a version outside the lineup is refused', () => {
    assertError({ ...mantleOnly, modelFlag: 'claude-sonnet-4-5' }, 'MODEL_NOT_ON_MANTLE', 'Claude Sonnet 4.5', 'anthropic.claude-opus-4-7');
    assertError({ ...both, modelFlag: 'anthropic.claude-opus-4-6' }, 'MODEL_NOT_ON_MANTLE', 'Claude Opus 4.6');
    assertError({ ...mantleOnly, modelFlag: AIP_47 }, 'MODEL_NOT_ON_MANTLE');
  });

  test('Mantle availableModels entries allow their Mantle ID', () => {
    const result = resolve({ ...mantleOnly, modelFlag: 'claude-haiku-4-5', availableModels: { value: ['opus', 'anthropic.claude-haiku-4-5'], source: 'managed' } });
    assert.equal(result.main.wireModelId, 'anthropic.claude-haiku-4-5');
  });
});

describe('small/fast model', () => {
  test('= the resolved primary without a Haiku pin', () => {
    const result = resolve({ modelFlag: 'opus', region: 'eu-west-1' });
    assert.equal(result.smallFast.wireModelId, `eu.${OPUS_46}`);
    assert.equal(result.smallFast.role, 'smallFast');
    assert.equal(result.smallFast.region.value, 'eu-west-1');
    assert.match(result.smallFast.rule, /same as the main model/);
  });

  test('= the Haiku pin when set', () => {
    const result = resolve({ env: { ANTHROPIC_DEFAULT_HAIKU_MODEL: `us.${HAIKU_45}` } });
    assert.equal(result.main.wireModelId, `us.${SONNET_45}`);
    assert.equal(result.smallFast.wireModelId, `us.${HAIKU_45}`);
    assert.equal(result.smallFast.discoverable, false);
    assert.match(result.smallFast.rule, /ANTHROPIC_DEFAULT_HAIKU_MODEL pin/);
  });

  test('deprecated ANTHROPIC_SMALL_FAST_MODEL still works, with a warning', () => {
    const result = resolve({ env: { ANTHROPIC_SMALL_FAST_MODEL: 'claude-haiku-4-5' } });
    assert.equal(result.smallFast.wireModelId, `us.${HAIKU_45}`);
    assert.deepEqual(codes(result), ['MODEL_ENV_DEPRECATED']);
  });

  test('its own region applies only to the small/fast role and only with a Haiku pin', () => {
    const pinned = resolve({
      region: 'eu-west-1',
      env: { ANTHROPIC_DEFAULT_HAIKU_MODEL: 'claude-haiku-4-5', ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION: 'us-west-2' },
    });
    assert.equal(pinned.main.region.value, 'eu-west-1');
    assert.equal(pinned.main.wireModelId, `eu.${SONNET_45}`);
    assert.equal(pinned.smallFast.region.value, 'us-west-2');
    assert.equal(pinned.smallFast.wireModelId, `us.${HAIKU_45}`);

    const unpinned = resolve({ region: 'eu-west-1', env: { ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION: 'us-west-2' } });
    assert.equal(unpinned.smallFast.region.value, 'eu-west-1');
    assert.equal(unpinned.smallFast.wireModelId, `eu.${SONNET_45}`);
    assert.deepEqual(codes(unpinned), ['MODEL_SMALL_FAST_REGION_IGNORED']);
  });

  test('a malformed small/fast region is ignored with a warning', () => {
    const result = resolve({ env: { ANTHROPIC_DEFAULT_HAIKU_MODEL: 'haiku', ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION: 'us west 2' } });
    assert.equal(result.smallFast.region.value, 'us-east-1');
    assert.equal(result.smallFast.wireModelId, `us.${HAIKU_45}`);
    assert.deepEqual(codes(result), ['MODEL_SMALL_FAST_REGION_INVALID']);
  });

  test('a caller-computed small/fast region is used when a Haiku pin is set', () => {
    const result = resolve({
      env: { ANTHROPIC_DEFAULT_HAIKU_MODEL: 'claude-haiku-4-5' },
      smallFastRegion: { value: 'eu-central-1', source: 'computed' },
    });
    assert.equal(result.smallFast.wireModelId, `eu.${HAIKU_45}`);
  });

  test('discovery results of the main region are not applied to another small/fast region', () => {
    const result = resolve({
      env: { ANTHROPIC_DEFAULT_HAIKU_MODEL: 'claude-haiku-4-5', ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION: 'eu-west-1' },
      discoveredProfileIds: [`global.${HAIKU_45}`],
    });
    assert.equal(result.smallFast.wireModelId, `eu.${HAIKU_45}`);
  });

  test('Mantle haiku pin for the small/fast role', () => {
    const result = resolve({ providers: { bedrock: false, mantle: true }, env: { ANTHROPIC_DEFAULT_HAIKU_MODEL: 'anthropic.claude-haiku-4-5' } });
    assert.equal(result.main.wireModelId, 'anthropic.claude-opus-4-7');
    assert.equal(result.smallFast.wireModelId, 'anthropic.claude-haiku-4-5');
    assert.equal(result.smallFast.endpoint, 'mantle');
  });
});

describe('resolveModelName (gateway, /model)', () => {
  test('resolves any name the way --model does, with the given origin', () => {
    const { model, warnings } = resolveModelName('opus[1m]', { ...modelInput({ region: 'eu-west-1' }), origin: '/model' });
    assert.equal(model.wireModelId, `eu.${OPUS_46}`);
    assert.deepEqual(model.betas, [ONE_M]);
    assert.match(model.rule, /^\/model: opus/);
    assert.deepEqual(warnings.map((w) => w.code), ['MODEL_OPUS_UNPINNED']);
  });

  test('enforces availableModels', () => {
    assert.throws(
      () => resolveModelName('haiku', { ...modelInput({ availableModels: { value: ['sonnet'], source: 'managed' } }), origin: 'gateway request body' }),
      (error: unknown) => error instanceof CcBedrockError && error.code === 'MODEL_NOT_ALLOWED' && error.message.includes('gateway request body'),
    );
  });

  test('default resolves the default', () => {
    assert.equal(resolveModelName('default', modelInput()).model.wireModelId, `us.${SONNET_45}`);
  });

  test('an empty name is refused', () => {
    assert.throws(() => resolveModelName('  ', modelInput()), (error: unknown) => error instanceof CcBedrockError && error.code === 'MODEL_UNKNOWN');
  });
});

describe('suggested IDs exist in the region (fixes never guess)', () => {
  const ids = (text: string): string[] => [...text.matchAll(/\b(?:us-gov|us|eu|apac|jp|au|global)\.anthropic\.[\w.:-]+/g)].map((m) => m[0].replace(/[.,;:)]+$/, ''));

  test('an unknown custom ID is never suggested with a prefix, and GovCloud suggests only IDs that exist there', () => {
    const bogus = resolve({ modelFlag: 'bogus-model' });
    const fix = bogus.warnings.map((warning) => warning.fix ?? '').join(' ');
    assert.doesNotMatch(fix, /\.bogus-model/);
    const gov = resolve({ modelFlag: 'bogus-model', region: 'us-gov-west-1' });
    for (const id of ids(gov.warnings.map((warning) => warning.fix ?? '').join(' '))) assert.ok(id.startsWith('us-gov.'), id);
  });

  test('the unpinned-opus fix names an Opus the catalog has in the region, or none', () => {
    const gov = resolve({ modelFlag: 'opus', region: 'us-gov-west-1' });
    for (const warning of gov.warnings) for (const id of ids(warning.fix ?? '')) assert.ok(id.startsWith('us-gov.'), `${id} in ${warning.fix}`);
  });
});
