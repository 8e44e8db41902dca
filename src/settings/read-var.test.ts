import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CcBedrockError } from '../core/errors.js';
import type { EnvLookup, RouteWarning } from '../core/route-plan.js';
import { ENV_VARS } from './env-vars.js';
import { isVarSet, readAwsFlag, readEnumVar, readNumberVar, readProxyUrlVar, readRegionVar, readSwitchReading, readSwitchVar, readUrlVar, readVar, rejectedVarValues } from './read-var.js';

const SOURCE = '/work/project/.claude/settings.json env';
const lookup = (values: Record<string, string>): EnvLookup => ({ get: (name) => (values[name] === undefined ? undefined : { value: values[name] ?? '', source: SOURCE }) });

function rejection(fn: () => unknown): CcBedrockError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof CcBedrockError);
    return error;
  }
  assert.fail('expected an error');
}

test('switches: 1/true on, 0/false off with the source; anything else is off with one warning (Claude Code counts it off)', () => {
  assert.deepEqual(readSwitchReading(lookup({ CLAUDE_CODE_USE_BEDROCK: 'TRUE' }), 'CLAUDE_CODE_USE_BEDROCK'), { name: 'CLAUDE_CODE_USE_BEDROCK', value: true, source: SOURCE });
  assert.equal(readSwitchVar(lookup({ CLAUDE_CODE_USE_BEDROCK: '0' }), 'CLAUDE_CODE_USE_BEDROCK'), false);
  assert.equal(readSwitchVar(lookup({}), 'CLAUDE_CODE_USE_BEDROCK'), false);
  const warnings: RouteWarning[] = [];
  assert.equal(readSwitchVar(lookup({ CLAUDE_CODE_USE_BEDROCK: 'yes' }), 'CLAUDE_CODE_USE_BEDROCK', { warn: (w) => warnings.push(w) }), false);
  assert.deepEqual(warnings, [
    {
      code: 'switch-value-unrecognised',
      message: `CLAUDE_CODE_USE_BEDROCK (${SOURCE}) is "yes", which is not an on/off value (1/true or 0/false), so it counts as off`,
      fix: 'set CLAUDE_CODE_USE_BEDROCK=1 to turn it on, or remove it',
    },
  ]);
});

test("cc-bedrock's own switch is strict: a bad value is an error naming it", () => {
  const error = rejection(() => readSwitchVar(lookup({ CC_BEDROCK_GUARDRAIL_TAGGING: 'yes' }), 'CC_BEDROCK_GUARDRAIL_TAGGING'));
  assert.equal(error.code, 'SETTINGS_TYPE_INVALID');
  assert.match(error.message, /^CC_BEDROCK_GUARDRAIL_TAGGING \(.*settings\.json env\) is "yes", which is not an on\/off value/);
});

test('numbers: separators and exponents; below the floor or not a number is the same error with a fix', () => {
  assert.equal(readNumberVar(lookup({ CC_BEDROCK_FIRST_BYTE_TIMEOUT_MS: '90_000' }), 'CC_BEDROCK_FIRST_BYTE_TIMEOUT_MS')?.value, 90_000);
  assert.equal(readNumberVar(lookup({ CC_BEDROCK_FIRST_BYTE_TIMEOUT_MS: '1.5e3' }), 'CC_BEDROCK_FIRST_BYTE_TIMEOUT_MS')?.value, 1500);
  const bad = rejection(() => readNumberVar(lookup({ CC_BEDROCK_FIRST_BYTE_TIMEOUT_MS: '90s' }), 'CC_BEDROCK_FIRST_BYTE_TIMEOUT_MS'));
  assert.equal(bad.message, `CC_BEDROCK_FIRST_BYTE_TIMEOUT_MS (${SOURCE}) is "90s", which is not a whole number of milliseconds`);
  assert.equal(bad.remediation, 'set CC_BEDROCK_FIRST_BYTE_TIMEOUT_MS to a whole number of milliseconds such as 90000, or unset it');
  assert.deepEqual(bad.details, { variable: 'CC_BEDROCK_FIRST_BYTE_TIMEOUT_MS', source: SOURCE });
  const low = rejection(() => readNumberVar(lookup({ CC_BEDROCK_GATEWAY_BODY_MEMORY_BYTES: '1024' }), 'CC_BEDROCK_GATEWAY_BODY_MEMORY_BYTES'));
  assert.match(low.message, /is "1024", which is not a whole number of bytes, at least 20971520 bytes$/);
  assert.throws(() => readNumberVar(lookup({ CLAUDE_CODE_MAX_RETRIES: '2.5' }), 'CLAUDE_CODE_MAX_RETRIES'), /is "2\.5", which is not a whole number$/);
  assert.throws(() => readNumberVar(lookup({ CLAUDE_CODE_MAX_RETRIES: '-1' }), 'CLAUDE_CODE_MAX_RETRIES'), CcBedrockError);
});

test('URLs: trailing slash dropped; a bad URL is an error that never echoes the value (it may carry a password)', () => {
  assert.equal(readUrlVar(lookup({ ANTHROPIC_BEDROCK_BASE_URL: 'https://gw.example/bedrock/' }), 'ANTHROPIC_BEDROCK_BASE_URL')?.value, 'https://gw.example/bedrock');
  const scheme = rejection(() => readUrlVar(lookup({ ANTHROPIC_BEDROCK_BASE_URL: 'user:hunter2@gw' }), 'ANTHROPIC_BEDROCK_BASE_URL'));
  assert.doesNotMatch(scheme.describe(), /hunter2/);
  const creds = rejection(() => readUrlVar(lookup({ ANTHROPIC_BEDROCK_BASE_URL: 'https://u:hunter2@gw.example' }), 'ANTHROPIC_BEDROCK_BASE_URL'));
  assert.doesNotMatch(creds.describe(), /hunter2/);
  assert.match(creds.message, /embeds a user name or password/);
});

test('AWS SDK flags: anything but "false" is on', () => {
  assert.equal(readAwsFlag(lookup({ AWS_EC2_METADATA_DISABLED: 'yes' }), 'AWS_EC2_METADATA_DISABLED')?.value, true);
  assert.equal(readAwsFlag(lookup({ AWS_EC2_METADATA_DISABLED: 'false' }), 'AWS_EC2_METADATA_DISABLED'), undefined);
});

test('reading a name the table lacks, or as the wrong kind, is a programming error', () => {
  assert.equal(rejection(() => readVar(lookup({}), 'NOT_IN_THE_TABLE')).code, 'INTERNAL');
  assert.equal(rejection(() => readSwitchVar(lookup({}), 'API_TIMEOUT_MS')).code, 'INTERNAL');
  assert.equal(rejection(() => isVarSet(lookup({}), 'NOT_IN_THE_TABLE')).code, 'INTERNAL');
});

test('every variable of the table parses its own example and default values', () => {
  for (const entry of ENV_VARS) {
    if (entry.kind !== 'env') continue;
    const example = entry.parse.kind === 'integer' || entry.parse.kind === 'duration' ? String(entry.parse.example) : entry.parse.kind === 'url' ? entry.parse.example : entry.parse.kind === 'switch' ? '1' : entry.parse.kind === 'enum' ? entry.parse.values[0] : entry.parse.kind === 'proxy-url' ? 'http://proxy.example.com:3128' : entry.parse.kind === 'region' ? 'us-east-1' : 'x';
    assert.doesNotThrow(() => readVar(lookup({ [entry.name]: example ?? 'x' }), entry.name), entry.name);
  }
});

test('regions: a value not shaped like a region is ignored with the entry\'s warning code, never an error', () => {
  assert.equal(readRegionVar(lookup({ AWS_REGION: 'eu-west-3' }), 'AWS_REGION')?.value, 'eu-west-3');
  const warnings: RouteWarning[] = [];
  const warn = (w: RouteWarning): void => void warnings.push(w);
  assert.equal(readRegionVar(lookup({ AWS_REGION: 'us east 1' }), 'AWS_REGION', { warn }), undefined);
  assert.equal(readRegionVar(lookup({ ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION: 'eu.west.1' }), 'ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION', { warn }), undefined);
  assert.deepEqual(warnings, [
    {
      code: 'region-invalid',
      message: `AWS_REGION (${SOURCE}) is "us east 1", which is not an AWS region name, so it is ignored`,
      fix: 'set AWS_REGION to a region such as us-east-1, or unset it',
    },
    {
      code: 'MODEL_SMALL_FAST_REGION_INVALID',
      message: `ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION (${SOURCE}) is "eu.west.1", which is not an AWS region name, so it is ignored`,
      fix: 'set ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION to a region such as us-east-1, or unset it',
    },
  ]);
});

test('enums: the service tier is exact and its error keeps SERVICE_TIER_INVALID; the metadata mode is any case and ignored when wrong', () => {
  assert.equal(readEnumVar(lookup({ ANTHROPIC_BEDROCK_SERVICE_TIER: 'flex' }), 'ANTHROPIC_BEDROCK_SERVICE_TIER')?.value, 'flex');
  const error = rejection(() => readEnumVar(lookup({ ANTHROPIC_BEDROCK_SERVICE_TIER: 'reserved' }), 'ANTHROPIC_BEDROCK_SERVICE_TIER'));
  assert.equal(error.code, 'SERVICE_TIER_INVALID');
  assert.equal(error.message, `ANTHROPIC_BEDROCK_SERVICE_TIER (${SOURCE}) is "reserved", which is not one of default, flex, priority`);
  assert.match(error.remediation ?? '', /one of default, flex, priority, or unset it; reserved capacity is used by passing a provisioned-throughput ARN/);
  assert.equal(rejection(() => readEnumVar(lookup({ ANTHROPIC_BEDROCK_SERVICE_TIER: 'Priority' }), 'ANTHROPIC_BEDROCK_SERVICE_TIER')).code, 'SERVICE_TIER_INVALID');
  assert.equal(readEnumVar(lookup({ AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: 'ipv6' }), 'AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE')?.value, 'IPv6');
  const warnings: RouteWarning[] = [];
  assert.equal(readEnumVar(lookup({ AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: 'v6' }), 'AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE', { warn: (w) => warnings.push(w) }), undefined);
  assert.deepEqual(warnings.map((w) => w.code), ['variable-value-ignored']);
});

test('rejectedVarValues: every set variable the reader would stop on or ignore, with its policy, message and fix', () => {
  const env = lookup({ CC_BEDROCK_FIRST_BYTE_TIMEOUT_MS: 'soon', AWS_REGION: 'mars', CLAUDE_CODE_USE_BEDROCK: '1', ANTHROPIC_BEDROCK_SERVICE_TIER: 'flex' });
  const rejected = rejectedVarValues(env);
  assert.deepEqual(rejected.map((r) => [r.name, r.badValue, r.code]).sort(), [
    ['AWS_REGION', 'warn', 'region-invalid'],
    ['CC_BEDROCK_FIRST_BYTE_TIMEOUT_MS', 'error', 'SETTINGS_TYPE_INVALID'],
  ]);
  // The same message and fix the reader throws.
  const thrown = rejection(() => readNumberVar(env, 'CC_BEDROCK_FIRST_BYTE_TIMEOUT_MS'));
  const timeout = rejected.find((r) => r.name === 'CC_BEDROCK_FIRST_BYTE_TIMEOUT_MS');
  assert.equal(timeout?.message, thrown.message);
  assert.equal(timeout?.fix, thrown.remediation);
  assert.deepEqual(rejectedVarValues(lookup({})), []);
});

test('proxies: the table\'s proxy-url parser gives a URL; an unusable value is an error naming the variable, its login hidden', () => {
  const reading = readProxyUrlVar(lookup({ HTTPS_PROXY: 'http://user:pw@proxy.example.com:3128' }), 'HTTPS_PROXY');
  assert.equal(reading?.value.host, 'proxy.example.com:3128');
  const error = rejection(() => readProxyUrlVar(lookup({ HTTPS_PROXY: 'user:hunter2@proxy.corp:3128' }), 'HTTPS_PROXY'));
  assert.equal(error.code, 'SETTINGS_TYPE_INVALID');
  assert.equal(error.message, `HTTPS_PROXY (${SOURCE}) is "****@proxy.corp:3128", which is not a usable proxy URL: it has no scheme`);
  assert.ok(!JSON.stringify(rejectedVarValues(lookup({ HTTPS_PROXY: 'socks5://u:hunter2@proxy.corp' }))).includes('hunter2'));
});
