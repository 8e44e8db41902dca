import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createTempHome, type TempHome } from '../../test/helpers/temp-home.js';
import { CcBedrockError } from '../core/errors.js';
import { loadSettings, type LoadedSettings } from './load-settings.js';
import { MACOS_MANAGED_PLIST, parseRegQueryOutput, type ManagedReaders, type RegistryHive } from './managed-sources.js';

const homes: TempHome[] = [];
after(() => {
  for (const home of homes) home.cleanup();
});

function load(platform: NodeJS.Platform, files: Record<string, object>, readers: ManagedReaders, collectErrors = false): LoadedSettings {
  const home = createTempHome(files);
  homes.push(home);
  return loadSettings({
    homeDir: home.home,
    cwd: home.cwd,
    platform,
    env: { CC_BEDROCK_MANAGED_SETTINGS_DIR: join(home.root, 'managed') },
    managedReaders: readers,
    collectErrors,
  });
}

const plist = (value: Record<string, unknown> | undefined): ManagedReaders => ({
  readPlist: (path) => {
    assert.equal(path, MACOS_MANAGED_PLIST);
    return value;
  },
});
const registry = (values: Partial<Record<RegistryHive, object | string>>): ManagedReaders => ({
  readRegistry: (hive) => {
    const value = values[hive];
    return value === undefined ? undefined : typeof value === 'string' ? value : JSON.stringify(value);
  },
});

const FILE = 'managed/managed-settings.json';

describe('macOS managed preferences (MDM profile)', () => {
  test('the profile wins over managed-settings.json; env merges per variable, the profile winning', () => {
    const loaded = load(
      'darwin',
      {
        'home/.claude/settings.json': { model: 'user-model', env: { AWS_REGION: 'us-west-2' } },
        [FILE]: { model: 'file-model', env: { AWS_REGION: 'eu-west-1', AWS_PROFILE: 'from-file' } },
      },
      plist({ availableModels: ['sonnet'], env: { AWS_REGION: 'eu-central-1', CLAUDE_CODE_USE_BEDROCK: '1' } }),
    );
    assert.equal(loaded.managedWinner, 'mdm');
    assert.equal(loaded.merged.env?.AWS_REGION, 'eu-central-1');
    assert.equal(loaded.originOf('env.AWS_REGION'), `${MACOS_MANAGED_PLIST} (MDM profile)`);
    assert.equal(loaded.merged.env?.AWS_PROFILE, 'from-file', 'env of the files still applies where the profile is silent');
    assert.equal(loaded.merged.model, 'user-model', "the file's model is not used: the profile is the managed source in effect");
    assert.deepEqual(loaded.merged.availableModels, ['sonnet']);
    const roles = loaded.files.filter((f) => f.scope === 'managed').map((f) => [f.label.endsWith('(MDM profile)') ? 'plist' : 'file', f.managedRole]);
    assert.deepEqual(roles, [
      ['file', 'env only'],
      ['plist', 'in effect'],
    ]);
  });

  test('no profile on the machine: the file wins and no plist row is listed', () => {
    const loaded = load('darwin', { [FILE]: { model: 'file-model' } }, plist(undefined));
    assert.equal(loaded.managedWinner, 'file');
    assert.equal(loaded.merged.model, 'file-model');
    assert.equal(loaded.files.filter((f) => f.scope === 'managed').length, 1);
  });

  test('an empty profile delivers no key, so the file still wins whole', () => {
    const loaded = load('darwin', { [FILE]: { model: 'file-model' } }, plist({}));
    assert.equal(loaded.managedWinner, 'file');
    assert.equal(loaded.merged.model, 'file-model');
  });

  test('a plist reader that fails leaves the source out instead of stopping the load', () => {
    const loaded = load('darwin', { [FILE]: { model: 'file-model' } }, {
      readPlist: () => {
        throw new Error('plutil: not a plist');
      },
    });
    assert.equal(loaded.merged.model, 'file-model');
  });
});

describe('Windows policy keys', () => {
  test('HKLM wins over the file; HKCU is not used while an admin source delivers keys', () => {
    const loaded = load('win32', { [FILE]: { model: 'file-model', env: { AWS_PROFILE: 'fleet' } } }, registry({
      HKLM: { model: 'hklm-model' },
      HKCU: { model: 'hkcu-model', env: { AWS_PROFILE: 'mine' } },
    }));
    assert.equal(loaded.managedWinner, 'mdm');
    assert.equal(loaded.merged.model, 'hklm-model');
    assert.equal(loaded.merged.env?.AWS_PROFILE, 'fleet', 'HKCU env is user-writable: it does not join the admin merge');
    const managed = loaded.files.filter((f) => f.scope === 'managed').map((f) => [f.label, f.managedRole]);
    assert.deepEqual(managed.map(([, role]) => role), ['not used', 'env only', 'in effect']);
    assert.match(String(managed[2]?.[0]), /^HKLM\\SOFTWARE\\Policies\\ClaudeCode \(Settings\)$/);
  });

  test('HKCU applies only when no other managed source delivers a key', () => {
    const loaded = load('win32', {}, registry({ HKCU: { model: 'hkcu-model' } }));
    assert.equal(loaded.managedWinner, 'hkcu');
    assert.equal(loaded.merged.model, 'hkcu-model');
    assert.equal(loaded.originScopeOf('model'), 'managed');
  });

  test('invalid JSON in the Settings value is reported against the registry key', () => {
    const loaded = load('win32', {}, registry({ HKLM: '{"model": }' }), true);
    const error = loaded.files.flatMap((f) => f.errors)[0];
    assert.ok(error instanceof CcBedrockError);
    assert.equal(error.code, 'SETTINGS_JSON_INVALID');
    assert.match(error.message, /^HKLM\\SOFTWARE\\Policies\\ClaudeCode \(Settings\):1:/);
  });

  test('Linux reads neither: the readers are not called', () => {
    const loaded = load('linux', { [FILE]: { model: 'file-model' } }, {
      readPlist: () => assert.fail('plist read on Linux'),
      readRegistry: () => assert.fail('registry read on Linux'),
    });
    assert.equal(loaded.merged.model, 'file-model');
  });
});

describe('parseRegQueryOutput', () => {
  test('the Settings data of reg query output, REG_SZ and REG_EXPAND_SZ', () => {
    const json = '{"env": {"AWS_REGION": "us-east-1", "X": "a    b"}}';
    const output = `\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\ClaudeCode\r\n    Settings    REG_SZ    ${json}\r\n\r\n`;
    assert.equal(parseRegQueryOutput(output), json);
    assert.equal(parseRegQueryOutput(output.replace('REG_SZ', 'REG_EXPAND_SZ')), json);
  });

  test('no Settings value: undefined', () => {
    assert.equal(parseRegQueryOutput('\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\ClaudeCode\r\n    Other    REG_SZ    x\r\n'), undefined);
    assert.equal(parseRegQueryOutput(''), undefined);
  });
});
