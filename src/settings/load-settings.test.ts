import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createTempHome } from '../../test/helpers/temp-home.js';
import type { TempHome } from '../../test/helpers/temp-home.js';
import { CcBedrockError } from '../core/errors.js';
import { defaultManagedSettingsDir, displayPath, findGitRoot, loadSettings } from './load-settings.js';
import type { LoadSettingsOptions, LoadedSettings, SettingsScope } from './load-settings.js';

const homes: TempHome[] = [];
after(() => {
  for (const home of homes) home.cleanup();
});

const USER = 'home/.claude/settings.json';
const PROJECT = 'project/.claude/settings.json';
const LOCAL = 'project/.claude/settings.local.json';
const MANAGED = 'managed/managed-settings.json';
const FLAG = 'flag-settings.json';

/** Temp tree whose managed directory is always a temp dir, so the real /etc is never read. */
function setup(files: Record<string, string | object>): TempHome {
  const home = createTempHome(files);
  homes.push(home);
  return home;
}

function load(home: TempHome, extra: Partial<LoadSettingsOptions> = {}): LoadedSettings {
  return loadSettings({
    homeDir: home.home,
    cwd: home.cwd,
    platform: 'linux',
    ...extra,
    env: { CC_BEDROCK_MANAGED_SETTINGS_DIR: join(home.root, 'managed'), ...extra.env },
  });
}

function expectError(fn: () => unknown, code: string): CcBedrockError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof CcBedrockError, `expected CcBedrockError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return error;
  }
  assert.fail(`expected ${code}`);
}

describe('scopes found and not found', () => {
  const cases: Array<{ scope: SettingsScope; file: string; flag?: boolean }> = [
    { scope: 'user', file: USER },
    { scope: 'project', file: PROJECT },
    { scope: 'local', file: LOCAL },
    { scope: 'flag', file: FLAG, flag: true },
    { scope: 'managed', file: MANAGED },
  ];
  for (const { scope, file, flag } of cases) {
    test(`${scope}: found`, () => {
      const home = setup({ [file]: { model: `from-${scope}` } });
      const loaded = load(home, flag ? { settingsFlag: join(home.root, FLAG) } : {});
      assert.equal(loaded.merged.model, `from-${scope}`);
      assert.equal(loaded.originScopes.model, scope);
      const entry = loaded.files.find((f) => f.scope === scope);
      assert.ok(entry?.exists);
      assert.equal(entry.path, join(home.root, file));
    });
    if (!flag) {
      test(`${scope}: not found`, () => {
        const home = setup({});
        const loaded = load(home);
        const entry = loaded.files.find((f) => f.scope === scope);
        assert.ok(entry, `${scope} file is listed even when absent`);
        assert.equal(entry.exists, false);
        assert.equal(entry.path, join(home.root, file));
        assert.deepEqual(loaded.merged, {});
      });
    }
  }

  test('no --settings flag means no flag scope', () => {
    const loaded = load(setup({}));
    assert.equal(loaded.files.some((f) => f.scope === 'flag'), false);
  });

  test('labels show the home directory as ~', () => {
    const loaded = load(setup({}));
    assert.equal(loaded.files.find((f) => f.scope === 'user')?.label, '~/.claude/settings.json');
    assert.equal(displayPath('/home/u/x/.claude/settings.json', '/home/u'), '~/x/.claude/settings.json');
    assert.equal(displayPath('/home/uother/settings.json', '/home/u'), '/home/uother/settings.json');
  });

  test('CLAUDE_CONFIG_DIR replaces ~/.claude for the user file', () => {
    const home = setup({ [USER]: { model: 'ignored' }, 'config/settings.json': { model: 'from-config-dir' } });
    const loaded = load(home, { env: { CLAUDE_CONFIG_DIR: join(home.root, 'config') } });
    assert.equal(loaded.merged.model, 'from-config-dir');
    assert.equal(loaded.files.find((f) => f.scope === 'user')?.path, join(home.root, 'config', 'settings.json'));
  });

  test('CLAUDE_CONFIG_DIR set to an empty string is unset', () => {
    const home = setup({ [USER]: { model: 'home' } });
    assert.equal(load(home, { env: { CLAUDE_CONFIG_DIR: '' } }).merged.model, 'home');
  });

  test('default managed directory per platform', () => {
    assert.equal(defaultManagedSettingsDir('linux'), '/etc/claude-code');
    assert.equal(defaultManagedSettingsDir('darwin'), '/Library/Application Support/ClaudeCode');
    assert.equal(defaultManagedSettingsDir('win32'), 'C:\\Program Files\\ClaudeCode');
  });

  test('windows managed path is built with backslashes', () => {
    const home = setup({});
    const loaded = loadSettings({ homeDir: home.home, cwd: home.cwd, platform: 'win32', env: {}, collectErrors: true });
    const managed = loaded.files.find((f) => f.scope === 'managed');
    assert.equal(managed?.path, 'C:\\Program Files\\ClaudeCode\\managed-settings.json');
    assert.equal(managed?.exists, false);
  });
});

describe('precedence', () => {
  const order: Array<[SettingsScope, string]> = [
    ['user', USER],
    ['project', PROJECT],
    ['local', LOCAL],
    ['flag', FLAG],
    ['managed', MANAGED],
  ];
  // For each scope, write that scope and every lower one: the scope itself must win.
  for (let top = 0; top < order.length; top += 1) {
    const [winner] = order[top]!;
    test(`${winner} beats every lower scope for a scalar`, () => {
      const files: Record<string, object> = {};
      for (const [scope, file] of order.slice(0, top + 1)) files[file] = { model: scope, awsAuthRefresh: `refresh-${scope}` };
      const home = setup(files);
      const loaded = load(home, top >= 3 ? { settingsFlag: join(home.root, FLAG) } : {});
      assert.equal(loaded.merged.model, winner);
      assert.equal(loaded.merged.awsAuthRefresh, `refresh-${winner}`);
      assert.equal(loaded.originScopes.model, winner);
    });
  }

  test('a managed scalar beats --settings even when only those two are set', () => {
    const home = setup({ [MANAGED]: { model: 'managed' } });
    const loaded = load(home, { settingsFlag: '{"model":"flag"}' });
    assert.equal(loaded.merged.model, 'managed');
  });

  test('env merges key by key, higher scope winning per key', () => {
    const home = setup({
      [USER]: { env: { AWS_REGION: 'us-east-1', AWS_PROFILE: 'user-profile', ONLY_USER: 'u' } },
      [PROJECT]: { env: { AWS_REGION: 'eu-west-1' } },
      [MANAGED]: { env: { AWS_PROFILE: 'managed-profile' } },
    });
    const loaded = load(home);
    assert.deepEqual(loaded.merged.env, { AWS_REGION: 'eu-west-1', AWS_PROFILE: 'managed-profile', ONLY_USER: 'u' });
    assert.equal(loaded.origins['env.AWS_REGION'], join(home.cwd, '.claude', 'settings.json'));
    assert.equal(loaded.origins['env.AWS_PROFILE'], join(home.root, MANAGED));
    assert.equal(loaded.origins['env.ONLY_USER'], '~/.claude/settings.json');
  });

  test('modelOverrides merges key by key', () => {
    const home = setup({
      [USER]: { modelOverrides: { 'claude-opus-4-7': 'arn:user-opus', 'claude-sonnet-4-5': 'arn:user-sonnet' } },
      [LOCAL]: { modelOverrides: { 'claude-opus-4-7': 'arn:local-opus' } },
    });
    const loaded = load(home);
    assert.deepEqual(loaded.merged.modelOverrides, { 'claude-opus-4-7': 'arn:local-opus', 'claude-sonnet-4-5': 'arn:user-sonnet' });
    assert.equal(loaded.originScopes['modelOverrides.claude-opus-4-7'], 'local');
    assert.equal(loaded.originScopes['modelOverrides.claude-sonnet-4-5'], 'user');
  });

  test('availableModels from non-managed scopes concatenate and dedupe', () => {
    const home = setup({ [USER]: { availableModels: ['opus', 'sonnet'] }, [PROJECT]: { availableModels: ['sonnet', 'haiku'] } });
    const loaded = load(home);
    assert.deepEqual(loaded.merged.availableModels, ['opus', 'sonnet', 'haiku']);
    assert.equal(loaded.origins.availableModels, `~/.claude/settings.json + ${join(home.cwd, '.claude', 'settings.json')}`);
  });

  test('availableModels from a managed source replaces all lower lists', () => {
    const home = setup({
      [USER]: { availableModels: ['opus'] },
      [PROJECT]: { availableModels: ['haiku'] },
      [MANAGED]: { availableModels: ['sonnet'] },
    });
    const loaded = load(home, { settingsFlag: '{"availableModels":["claude-opus-4-7"]}' });
    assert.deepEqual(loaded.merged.availableModels, ['sonnet']);
    assert.equal(loaded.origins.availableModels, join(home.root, MANAGED));
  });

  test('fallbackModel: the highest scope wins whole', () => {
    const home = setup({ [USER]: { fallbackModel: ['a', 'b'] }, [LOCAL]: { fallbackModel: ['c'] } });
    assert.deepEqual(load(home).merged.fallbackModel, ['c']);
    const single = setup({ [USER]: { fallbackModel: ['a', 'b'] }, [PROJECT]: { fallbackModel: 'sonnet' } });
    assert.equal(load(single).merged.fallbackModel, 'sonnet');
  });

  test('other arrays concatenate and dedupe; other objects merge deeply', () => {
    const home = setup({
      [USER]: { permissions: { allow: ['Read', 'Bash(ls)'], deny: ['x'] } },
      [PROJECT]: { permissions: { allow: ['Bash(ls)', 'Edit'] } },
    });
    const loaded = load(home);
    assert.deepEqual(loaded.merged.permissions, { allow: ['Read', 'Bash(ls)', 'Edit'], deny: ['x'] });
  });

  test('enforceAvailableModels is read only from managed settings when they exist', () => {
    const home = setup({ [USER]: { enforceAvailableModels: true }, [MANAGED]: { model: 'opus' } });
    const loaded = load(home);
    assert.equal(loaded.merged.enforceAvailableModels, undefined);
    assert.ok(loaded.warnings.some((w) => w.code === 'SETTINGS_ENFORCE_NOT_MANAGED'));
    const noManaged = setup({ [USER]: { enforceAvailableModels: true } });
    assert.equal(load(noManaged).merged.enforceAvailableModels, true);
  });
});

describe('settings.local.json at the git root', () => {
  test('root file is read and wins over the start folder file', () => {
    const home = setup({
      'project/.git/HEAD': 'ref: refs/heads/main\n',
      'project/.claude/settings.local.json': { model: 'root', env: { ROOT_ONLY: 'r', BOTH: 'root' } },
      'project/sub/dir/.claude/settings.local.json': { model: 'start', env: { BOTH: 'start', START_ONLY: 's' } },
    });
    const cwd = join(home.cwd, 'sub', 'dir');
    const loaded = loadSettings({ homeDir: home.home, cwd, platform: 'linux', env: { CC_BEDROCK_MANAGED_SETTINGS_DIR: join(home.root, 'managed') } });
    assert.equal(loaded.merged.model, 'root');
    assert.deepEqual(loaded.merged.env, { BOTH: 'root', START_ONLY: 's', ROOT_ONLY: 'r' });
    assert.equal(loaded.files.filter((f) => f.scope === 'local').length, 2);
  });

  test('the walk stops at the home directory', () => {
    const home = setup({ 'home/.git/HEAD': 'x', 'home/.claude/settings.local.json': { model: 'home-local' } });
    mkdirSync(join(home.home, 'work'), { recursive: true });
    assert.equal(findGitRoot(join(home.home, 'work'), home.home, 'linux'), undefined);
    const loaded = loadSettings({ homeDir: home.home, cwd: join(home.home, 'work'), platform: 'linux', env: { CC_BEDROCK_MANAGED_SETTINGS_DIR: join(home.root, 'managed') } });
    assert.equal(loaded.merged.model, undefined);
  });

  test('a .git file (worktree) marks the root too; Windows does not look', () => {
    const home = setup({ 'project/.git': 'gitdir: /elsewhere\n', 'project/a/keep': '' });
    assert.equal(findGitRoot(join(home.cwd, 'a'), home.home, 'linux'), home.cwd);
    assert.equal(findGitRoot(join(home.cwd, 'a'), home.home, 'win32'), undefined);
  });
});

describe('managed-settings.d', () => {
  test('merged after the main file in alphabetical order; hidden and non-json ignored', () => {
    const home = setup({
      [MANAGED]: { model: 'main', availableModels: ['opus'], env: { A: 'main', B: 'main' }, fallbackModel: ['x'] },
      'managed/managed-settings.d/20-b.json': { model: 'twenty', availableModels: ['haiku'], env: { B: 'twenty' } },
      'managed/managed-settings.d/10-a.json': { model: 'ten', availableModels: ['sonnet', 'opus'], env: { C: 'ten' }, fallbackModel: ['y'] },
      'managed/managed-settings.d/.hidden.json': { model: 'hidden' },
      'managed/managed-settings.d/30-c.json.bak': { model: 'backup' },
      'managed/managed-settings.d/README.md': 'not json',
    });
    const loaded = load(home);
    assert.equal(loaded.merged.model, 'twenty');
    assert.deepEqual(loaded.merged.availableModels, ['opus', 'sonnet', 'haiku']);
    assert.deepEqual(loaded.merged.env, { A: 'main', B: 'twenty', C: 'ten' });
    assert.deepEqual(loaded.merged.fallbackModel, ['y']);
    const managedFiles = loaded.files.filter((f) => f.scope === 'managed').map((f) => f.path);
    assert.deepEqual(managedFiles, [
      join(home.root, MANAGED),
      join(home.root, 'managed/managed-settings.d/10-a.json'),
      join(home.root, 'managed/managed-settings.d/20-b.json'),
    ]);
    assert.equal(loaded.origins.model, join(home.root, 'managed/managed-settings.d/20-b.json'));
  });

  test('drop-ins work without a main file, and their list replaces lower scopes', () => {
    const home = setup({ [USER]: { availableModels: ['opus'] }, 'managed/managed-settings.d/a.json': { availableModels: ['sonnet'] } });
    const loaded = load(home);
    assert.deepEqual(loaded.merged.availableModels, ['sonnet']);
    assert.equal(loaded.managedActive, true);
  });
});

describe('--settings', () => {
  test('as a file path relative to cwd', () => {
    const home = setup({ 'project/my.json': { model: 'flag-file' } });
    const loaded = load(home, { settingsFlag: 'my.json' });
    assert.equal(loaded.merged.model, 'flag-file');
    const flag = loaded.files.find((f) => f.scope === 'flag');
    assert.equal(flag?.path, join(home.cwd, 'my.json'));
    assert.match(flag?.label ?? '', /^--settings /);
  });

  test('as inline JSON', () => {
    const home = setup({ [USER]: { model: 'user', env: { A: 'user' } } });
    const loaded = load(home, { settingsFlag: ' {"model":"inline","env":{"B":"flag"}}' });
    assert.equal(loaded.merged.model, 'inline');
    assert.deepEqual(loaded.merged.env, { A: 'user', B: 'flag' });
    assert.equal(loaded.origins.model, '--settings (inline JSON)');
  });

  test('malformed inline JSON names --settings', () => {
    const home = setup({});
    const error = expectError(() => load(home, { settingsFlag: '{"model": opus}' }), 'SETTINGS_JSON_INVALID');
    assert.match(error.message, /^--settings inline JSON:1:11: invalid JSON/);
    assert.match(error.remediation ?? '', /--settings/);
  });

  test('a missing --settings file is an error', () => {
    const home = setup({});
    const error = expectError(() => load(home, { settingsFlag: 'nope.json' }), 'SETTINGS_FLAG_INVALID');
    assert.match(error.message, /--settings .*nope\.json: settings file not found/);
  });
});

describe('errors', () => {
  const malformed: Array<{ name: string; text: string; line: number; column: number; reason: RegExp }> = [
    { name: 'trailing comma', text: '{\n  "model": "opus",\n}\n', line: 3, column: 1, reason: /trailing comma/ },
    { name: 'missing comma', text: '{\n  "model": "opus"\n  "env": {}\n}', line: 3, column: 3, reason: /expected ',' or '}'/ },
    { name: 'unquoted value', text: '{"model": opus}', line: 1, column: 11, reason: /expected a value/ },
    { name: 'comment', text: '{\n  // note\n  "model": "x"\n}', line: 2, column: 3, reason: /comments/ },
    { name: 'truncated', text: '{\n  "env": {\n    "A": "1"\n', line: 4, column: 1, reason: /end of file/ },
    { name: 'unterminated string', text: '{"model": "opus\n}', line: 1, column: 16, reason: /control character|line break/ },
  ];
  for (const { name, text, line, column, reason } of malformed) {
    test(`malformed JSON (${name}) names file:line:column`, () => {
      const home = setup({ [USER]: text });
      const error = expectError(() => load(home), 'SETTINGS_JSON_INVALID');
      assert.ok(error.message.startsWith(`~/.claude/settings.json:${line}:${column}: invalid JSON`), error.message);
      assert.match(error.message, reason);
      assert.match(error.remediation ?? '', new RegExp(`line ${line}, column ${column}`));
      assert.equal(error.details.line, line);
    });
  }

  test('an empty file counts as no settings', () => {
    const home = setup({ [USER]: '  \n' });
    const loaded = load(home);
    assert.deepEqual(loaded.merged, {});
    assert.equal(loaded.files.find((f) => f.scope === 'user')?.exists, true);
  });

  test('a top-level array is a type error', () => {
    const home = setup({ [PROJECT]: '["model"]' });
    const error = expectError(() => load(home), 'SETTINGS_TYPE_INVALID');
    assert.match(error.message, /settings must be a JSON object/);
  });

  const wrongTypes: Array<{ content: object; path: string; expected: RegExp; found: string }> = [
    { content: { env: { AWS_REGION: 1 } }, path: 'env.AWS_REGION', expected: /a string/, found: 'number' },
    { content: { env: ['AWS_REGION=x'] }, path: 'env', expected: /an object/, found: 'array' },
    { content: { availableModels: ['opus', 'sonnet', 3] }, path: 'availableModels[2]', expected: /a string/, found: 'number' },
    { content: { availableModels: 'opus' }, path: 'availableModels', expected: /an array of strings/, found: 'string' },
    { content: { enforceAvailableModels: 'yes' }, path: 'enforceAvailableModels', expected: /true or false/, found: 'string' },
    { content: { modelOverrides: { 'claude-opus-4-7': null } }, path: 'modelOverrides.claude-opus-4-7', expected: /a string/, found: 'null' },
    { content: { fallbackModel: ['a', 2] }, path: 'fallbackModel[1]', expected: /a string/, found: 'number' },
    { content: { fallbackModel: 7 }, path: 'fallbackModel', expected: /a model name or an array/, found: 'number' },
    { content: { model: { id: 'x' } }, path: 'model', expected: /a string/, found: 'object' },
    { content: { awsCredentialExport: ['a'] }, path: 'awsCredentialExport', expected: /a string/, found: 'array' },
  ];
  for (const { content, path, expected, found } of wrongTypes) {
    test(`wrong type at ${path} names file, key path and expectation`, () => {
      const home = setup({ [PROJECT]: content });
      const error = expectError(() => load(home), 'SETTINGS_TYPE_INVALID');
      const label = join(home.cwd, '.claude', 'settings.json');
      assert.ok(error.message.startsWith(`${label}: ${path} must be `), error.message);
      assert.match(error.message, expected);
      assert.ok(error.message.endsWith(`found ${found}`), error.message);
      assert.equal(error.details.key, path);
    });
  }

  test('collectErrors returns problems per file and keeps the valid parts', () => {
    const home = setup({
      [USER]: { model: 'opus', env: { GOOD: 'yes', BAD: 5 }, availableModels: [1] },
      [PROJECT]: '{ nope',
    });
    const loaded = load(home, { collectErrors: true });
    const user = loaded.files.find((f) => f.scope === 'user');
    const project = loaded.files.find((f) => f.scope === 'project');
    assert.deepEqual(user?.errors.map((e) => e.details.key), ['env.BAD', 'availableModels[0]']);
    assert.equal(project?.errors[0]?.code, 'SETTINGS_JSON_INVALID');
    assert.equal(loaded.merged.model, 'opus');
    assert.deepEqual(loaded.merged.env, { GOOD: 'yes' });
    assert.equal(loaded.merged.availableModels, undefined);
  });

  test('without collectErrors the first problem is thrown', () => {
    const home = setup({ [USER]: { env: { A: 1 } } });
    expectError(() => load(home), 'SETTINGS_TYPE_INVALID');
  });
});

describe('unknown keys and warnings', () => {
  test('unknown keys are kept untouched and listed, never an error', () => {
    const hooks = { PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: 'x' }] }] };
    const home = setup({ [USER]: { model: 'opus', hooks, statusLine: { type: 'command' }, cleanupPeriodDays: 3 } });
    const loaded = load(home);
    const user = loaded.files.find((f) => f.scope === 'user');
    assert.deepEqual(user?.unknownKeys, ['hooks', 'statusLine', 'cleanupPeriodDays']);
    assert.deepEqual(user?.errors, []);
    assert.deepEqual(loaded.merged.hooks, hooks);
    assert.equal(loaded.merged.cleanupPeriodDays, 3);
  });

  test('a misspelled known key is a warning with the right name', () => {
    const home = setup({ [USER]: { awsAuthrefresh: 'aws sso login', availableModel: ['opus'] } });
    const loaded = load(home);
    const messages = loaded.warnings.map((w) => w.message).join('\n');
    assert.match(messages, /awsAuthrefresh .*did you mean awsAuthRefresh/);
    assert.match(messages, /availableModel .*did you mean availableModels/);
  });

  test('a variable that does not exist in an env block is a warning naming the real one', () => {
    const home = setup({ [USER]: { env: { ANTHROPIC_BEDROCK_ENDPOINT_URL: 'https://x' } } });
    const warning = load(home).warnings.find((w) => w.code === 'SETTINGS_ENV_MISNAMED');
    assert.match(warning?.message ?? '', /ANTHROPIC_BEDROCK_ENDPOINT_URL .*ANTHROPIC_BEDROCK_BASE_URL/);
  });

  test('nothing is written', () => {
    const home = setup({});
    load(home, { settingsFlag: '{"model":"x"}' });
    const loaded = load(home);
    assert.equal(loaded.files.every((f) => !f.exists), true);
  });
});

describe('origin helpers', () => {
  test('originOf and originScopeOf answer by key path', () => {
    const home = setup({ [USER]: { model: 'a', env: { X: '1' } }, [MANAGED]: { availableModels: ['opus'] } });
    const loaded = load(home);
    assert.equal(loaded.originOf('model'), '~/.claude/settings.json');
    assert.equal(loaded.originOf('env.X'), '~/.claude/settings.json');
    assert.equal(loaded.originScopeOf('availableModels'), 'managed');
    assert.equal(loaded.originOf('fallbackModel'), undefined);
    assert.equal(loaded.originOf('toString'), undefined);
  });
});

describe('loadSettings: one file is read once', () => {
  test('run from $HOME, the project file is the user file: read once, its warnings once', () => {
    const home = setup({ [USER]: { env: { ANTHROPIC_BEDROCK_ENDPOINT_URL: 'https://x.example' }, modelOveride: {} } });
    const loaded = load(home, { cwd: home.home });
    assert.equal(loaded.files.filter((file) => file.exists).length, 1);
    assert.deepEqual(loaded.files.filter((file) => file.exists).map((file) => file.scope), ['user']);
    const messages = loaded.warnings.map((warning) => warning.message);
    assert.equal(new Set(messages).size, messages.length, messages.join('\n'));
    assert.equal(messages.filter((message) => message.includes('ANTHROPIC_BEDROCK_ENDPOINT_URL')).length, 1);
  });
});
