import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePlistXml } from '../../test/helpers/plist.js';
import { parseRegFile } from '../../test/helpers/reg-file.js';
import { isCcBedrockError } from '../core/errors.js';
import { parseRegQueryOutput } from '../settings/managed-sources.js';
import { PAYLOAD_KEYS, toMobileconfig, toRegFile } from './mdm-formats.js';

/** Settings with every shape a managed file holds, and text that needs escaping in XML and .reg. */
const SETTINGS = {
  env: {
    CLAUDE_CODE_USE_BEDROCK: '1',
    AWS_REGION: 'eu-central-1',
    AWS_PROFILE: 'fleet',
    ANTHROPIC_CUSTOM_HEADERS: 'X-Amzn-Bedrock-GuardrailIdentifier: abc123\nX-Amzn-Bedrock-GuardrailVersion: 1',
    TRICKY: `a "quoted" C:\\path\\ <tag> & ampersand, naïve ☃`,
  },
  awsAuthRefresh: 'aws sso login --profile fleet',
  availableModels: ['sonnet', 'claude-haiku-4-5'],
  modelOverrides: { 'claude-opus-4-7': 'arn:aws:bedrock:eu-central-1:123456789012:application-inference-profile/abc' },
  enforceAvailableModels: true,
  cleanupPeriodDays: 30,
};

describe('macOS configuration profile', () => {
  test('parsed back, the payload is the settings', () => {
    const profile = parsePlistXml(toMobileconfig(SETTINGS));
    assert.equal(profile.PayloadType, 'Configuration');
    const content = profile.PayloadContent as Array<Record<string, unknown>>;
    assert.equal(content.length, 1);
    const payload = { ...content[0] };
    assert.equal(payload.PayloadType, 'com.anthropic.claudecode');
    for (const key of PAYLOAD_KEYS) delete payload[key];
    assert.deepEqual(payload, SETTINGS);
  });

  test('regenerating gives the same UUIDs, so MDM replaces the profile', () => {
    const uuids = (xml: string): string[] => [...xml.matchAll(/<key>PayloadUUID<\/key>\s*<string>([^<]+)<\/string>/g)].map((m) => m[1] ?? '');
    const first = uuids(toMobileconfig(SETTINGS));
    assert.equal(first.length, 2);
    assert.deepEqual(uuids(toMobileconfig({ env: { AWS_REGION: 'us-east-1' } })), first);
    for (const uuid of first) assert.match(uuid, /^[0-9A-F]{8}-[0-9A-F]{4}-5[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
  });

  test('a null value or a control character is refused, naming the key', () => {
    for (const [settings, key] of [
      [{ env: { A: null } }, 'env.A'],
      [{ env: { B: 'bell\u0007' } }, 'env.B'],
    ] as const) {
      assert.throws(() => toMobileconfig(settings), (error) => isCcBedrockError(error) && error.message.includes(key));
    }
  });
});

describe('Windows registry file', () => {
  test('parsed back, HKLM\\SOFTWARE\\Policies\\ClaudeCode Settings is the settings JSON', () => {
    const text = toRegFile(SETTINGS);
    assert.match(text, /^[\x20-\x7e\r\n]*$/, 'ASCII only, so any code page reads it the same');
    const reg = parseRegFile(text);
    const value = reg.keys.get('HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\ClaudeCode')?.get('Settings');
    assert.ok(value !== undefined);
    assert.deepEqual(JSON.parse(value), SETTINGS);
  });

  test('the value as `reg query` shows it after import reads back through the resolver', () => {
    const value = parseRegFile(toRegFile(SETTINGS)).keys.get('HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\ClaudeCode')?.get('Settings') ?? '';
    const output = `\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\ClaudeCode\r\n    Settings    REG_SZ    ${value}\r\n`;
    assert.deepEqual(JSON.parse(parseRegQueryOutput(output) ?? 'null'), SETTINGS);
  });
});
