/**
 * The forms an MDM pushes for managed settings (spec §3.1): a macOS configuration profile
 * (.mobileconfig, an XML property list) whose payload is the `com.anthropic.claudecode`
 * preference domain, and a Windows registry file (.reg) setting `Settings` under
 * `HKLM\SOFTWARE\Policies\ClaudeCode` to the settings JSON. Both carry exactly the settings of
 * managed-settings.json: parsed back, they give the same object.
 */
import { createHash } from 'node:crypto';
import { CcBedrockError } from '../core/errors.js';
import { MANAGED_PREFERENCES_DOMAIN, WINDOWS_POLICY_KEY, WINDOWS_POLICY_VALUE } from '../settings/managed-sources.js';

/** A stable UUID for a name, so a regenerated profile replaces the deployed one instead of adding a second. */
function nameUuid(name: string): string {
  const hex = createHash('sha1').update(`cc-bedrock:${name}`).digest('hex');
  // RFC 4122 layout, version 5 (name-based, SHA-1), variant 10.
  const variant = ((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(18, 20)}-${hex.slice(20, 32)}`.toUpperCase();
}

// XML 1.0 cannot carry most control characters, even escaped.
// eslint-disable-next-line no-control-regex
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

function xmlText(text: string, where: string): string {
  if (XML_FORBIDDEN.test(text)) {
    throw new CcBedrockError('USAGE', `${where} holds a control character that a configuration profile (XML) cannot carry`, {
      remediation: `remove the control character from ${where} in the managed settings`,
    });
  }
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function plistValue(value: unknown, where: string, indent: string): string[] {
  if (typeof value === 'string') return [`${indent}<string>${xmlText(value, where)}</string>`];
  if (typeof value === 'boolean') return [`${indent}<${value}/>`];
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new CcBedrockError('USAGE', `${where} is not a finite number`, { remediation: `fix ${where} in the managed settings` });
    return [Number.isInteger(value) ? `${indent}<integer>${value}</integer>` : `${indent}<real>${value}</real>`];
  }
  if (Array.isArray(value)) {
    return [`${indent}<array>`, ...value.flatMap((item, i) => plistValue(item, `${where}[${i}]`, `${indent}  `)), `${indent}</array>`];
  }
  if (value !== null && typeof value === 'object') {
    return [`${indent}<dict>`, ...plistEntries(value as Record<string, unknown>, where, `${indent}  `), `${indent}</dict>`];
  }
  throw new CcBedrockError('USAGE', `${where} is null, which a property list cannot hold`, {
    remediation: `remove ${where} from the managed settings, or give it a value`,
  });
}

function plistEntries(record: Readonly<Record<string, unknown>>, where: string, indent: string): string[] {
  return Object.entries(record).flatMap(([key, value]) => {
    const path = where === '' ? key : `${where}.${key}`;
    return [`${indent}<key>${xmlText(key, path)}</key>`, ...plistValue(value, path, indent)];
  });
}

/** Keys of the payload dictionary that describe the payload rather than set a preference. */
export const PAYLOAD_KEYS = ['PayloadType', 'PayloadIdentifier', 'PayloadUUID', 'PayloadVersion', 'PayloadDisplayName'] as const;

/** A configuration profile whose one payload sets the `com.anthropic.claudecode` domain to `settings`. */
export function toMobileconfig(settings: Readonly<Record<string, unknown>>): string {
  for (const key of Object.keys(settings)) {
    if (key.startsWith('Payload')) {
      throw new CcBedrockError('USAGE', `settings key ${key} collides with the configuration profile's payload keys`, { remediation: `remove ${key} from the managed settings` });
    }
  }
  const payloadId = `${MANAGED_PREFERENCES_DOMAIN}.settings`;
  const profileId = `${MANAGED_PREFERENCES_DOMAIN}.profile`;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0">',
    '<dict>',
    '  <key>PayloadContent</key>',
    '  <array>',
    '    <dict>',
    `      <key>PayloadType</key>`,
    `      <string>${MANAGED_PREFERENCES_DOMAIN}</string>`,
    `      <key>PayloadIdentifier</key>`,
    `      <string>${payloadId}</string>`,
    `      <key>PayloadUUID</key>`,
    `      <string>${nameUuid(payloadId)}</string>`,
    '      <key>PayloadVersion</key>',
    '      <integer>1</integer>',
    '      <key>PayloadDisplayName</key>',
    '      <string>Claude Code managed settings</string>',
    ...plistEntries(settings, '', '      '),
    '    </dict>',
    '  </array>',
    '  <key>PayloadDisplayName</key>',
    '  <string>Claude Code on Amazon Bedrock</string>',
    '  <key>PayloadIdentifier</key>',
    `  <string>${profileId}</string>`,
    '  <key>PayloadType</key>',
    '  <string>Configuration</string>',
    '  <key>PayloadScope</key>',
    '  <string>System</string>',
    '  <key>PayloadUUID</key>',
    `  <string>${nameUuid(profileId)}</string>`,
    '  <key>PayloadVersion</key>',
    '  <integer>1</integer>',
    '</dict>',
    '</plist>',
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * A .reg file setting `HKLM\SOFTWARE\Policies\ClaudeCode` `Settings` (REG_SZ) to the settings as
 * one line of JSON. In a .reg string `\` and `"` are escaped with a backslash; the JSON is kept
 * ASCII (`\uXXXX` escapes, the same JSON value) so the file reads the same in any code page, and
 * lines end in CRLF as regedit writes them.
 */
export function toRegFile(settings: Readonly<Record<string, unknown>>): string {
  const json = JSON.stringify(settings).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const data = json.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  return ['Windows Registry Editor Version 5.00', '', `[HKEY_LOCAL_MACHINE\\${WINDOWS_POLICY_KEY}]`, `"${WINDOWS_POLICY_VALUE}"="${data}"`, ''].join('\r\n');
}
