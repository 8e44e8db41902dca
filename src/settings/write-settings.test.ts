import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isCcBedrockError } from '../core/errors.js';
import {
  applySettingsChange,
  mergeEnvBlock,
  readSettingsDocument,
  serializeSettings,
  temporaryPathFor,
  updateSettingsFile,
  writeSettingsAtomic,
} from './write-settings.js';

function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'cc-bedrock-write-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const EXISTING = `{
    "permissions": { "allow": ["Bash(ls:*)"] },
    "env": {
        "ZED": "last-alphabetically-first-in-file",
        "AWS_REGION": "us-east-1",
        "AWS_PROFILE": "old"
    },
    "hooks": { "PreToolUse": [] },
    "statusLine": { "type": "command", "command": "echo hi" }
}
`;

describe('mergeEnvBlock: explicit intent only', () => {
  test('sets new variables at the end, replaces existing ones in place, removes only the named ones', () => {
    const env = { A: '1', B: '2', C: '3' };
    const out = mergeEnvBlock(env, { set: { B: 'two', D: '4' }, unset: ['C'] });
    assert.deepEqual(Object.entries(out), [
      ['A', '1'],
      ['B', 'two'],
      ['D', '4'],
    ]);
    assert.deepEqual(env, { A: '1', B: '2', C: '3' }, 'the input is not modified');
  });

  test('a variable that is neither set nor named for removal is kept, whatever its value', () => {
    const out = mergeEnvBlock({ KEEP: '', ODD: 42 as unknown as string }, { set: { NEW: 'x' } });
    assert.deepEqual(out, { KEEP: '', ODD: 42, NEW: 'x' });
  });

  test('removing a variable that is absent changes nothing', () => {
    assert.deepEqual(mergeEnvBlock({ A: '1' }, { unset: ['MISSING'] }), { A: '1' });
  });

  test('one change cannot both set and remove a variable', () => {
    assert.throws(() => mergeEnvBlock({}, { set: { A: '1' }, unset: ['A'] }), /both set and removed/);
  });
});

describe('applySettingsChange', () => {
  test('keeps unknown keys and their order, and the position of env', () => {
    const before = JSON.parse(EXISTING) as Record<string, unknown>;
    const after = applySettingsChange(before, { env: { set: { AWS_REGION: 'eu-west-1' } }, set: { awsAuthRefresh: 'aws sso login' } });
    assert.deepEqual(Object.keys(after), ['permissions', 'env', 'hooks', 'statusLine', 'awsAuthRefresh']);
    assert.deepEqual(Object.keys(after.env as object), ['ZED', 'AWS_REGION', 'AWS_PROFILE']);
    assert.deepEqual(after.permissions, before.permissions);
    assert.deepEqual(after.statusLine, before.statusLine);
  });

  test('creates the env block at the end when there was none', () => {
    const after = applySettingsChange({ model: 'opus' }, { env: { set: { CLAUDE_CODE_USE_BEDROCK: '1' } } });
    assert.deepEqual(Object.keys(after), ['model', 'env']);
  });

  test('does not add an empty env block for a change that only removes', () => {
    assert.deepEqual(applySettingsChange({ model: 'opus' }, { env: { unset: ['AWS_PROFILE'] } }), { model: 'opus' });
  });

  test('refuses an env that is not an object instead of replacing it', () => {
    assert.throws(
      () => applySettingsChange({ env: ['not', 'an', 'object'] }, { env: { set: { A: '1' } } }, '~/.claude/settings.json'),
      (error: unknown) => isCcBedrockError(error) && error.code === 'SETTINGS_TYPE_INVALID' && error.message.includes('~/.claude/settings.json'),
    );
  });

  test('removes top-level keys only when named', () => {
    const after = applySettingsChange({ awsAuthRefresh: 'x', model: 'opus' }, { unset: ['awsAuthRefresh'] });
    assert.deepEqual(after, { model: 'opus' });
  });
});

describe('writeSettingsAtomic / updateSettingsFile', () => {
  test('keeps unknown keys, key order and the file indentation', () => {
    const { dir, cleanup } = tempDir();
    try {
      const path = join(dir, 'settings.json');
      writeFileSync(path, EXISTING);
      updateSettingsFile(path, { env: { set: { AWS_PROFILE: 'new', CLAUDE_CODE_USE_BEDROCK: '1' } } });
      const text = readFileSync(path, 'utf8');
      const parsed = JSON.parse(text) as Record<string, Record<string, string>>;
      assert.deepEqual(Object.keys(parsed), ['permissions', 'env', 'hooks', 'statusLine']);
      assert.deepEqual(Object.keys(parsed.env!), ['ZED', 'AWS_REGION', 'AWS_PROFILE', 'CLAUDE_CODE_USE_BEDROCK']);
      assert.equal(parsed.env!.AWS_PROFILE, 'new');
      assert.match(text, /^ {4}"permissions"/m, 'four-space indentation of the file is kept');
      assert.ok(text.endsWith('}\n'));
    } finally {
      cleanup();
    }
  });

  test('keeps the mode of an existing file', () => {
    const { dir, cleanup } = tempDir();
    try {
      const path = join(dir, 'settings.json');
      writeFileSync(path, '{}\n');
      chmodSync(path, 0o640);
      updateSettingsFile(path, { env: { set: { A: '1' } } });
      assert.equal(statSync(path).mode & 0o777, 0o640);
      assert.equal(statSync(`${path}.bak`).mode & 0o777, 0o640, 'the backup has the mode of the file it copies');
    } finally {
      cleanup();
    }
  });

  test('creates a new file (and its directory) with mode 0600 by default, or the mode asked for', () => {
    const { dir, cleanup } = tempDir();
    try {
      const path = join(dir, 'nested', '.claude', 'settings.json');
      const result = updateSettingsFile(path, { env: { set: { A: '1' } } });
      assert.equal(result.created, true);
      assert.equal(result.backupPath, undefined, 'no backup of a file that did not exist');
      assert.equal(statSync(path).mode & 0o777, 0o600);
      const managed = join(dir, 'managed-settings.json');
      writeSettingsAtomic(managed, { env: { A: '1' } }, { newFileMode: 0o644 });
      assert.equal(statSync(managed).mode & 0o777, 0o644);
    } finally {
      cleanup();
    }
  });

  test('makes a backup of the previous version on every change, and none when nothing changes', () => {
    const { dir, cleanup } = tempDir();
    try {
      const path = join(dir, 'settings.json');
      writeFileSync(path, EXISTING);
      const first = updateSettingsFile(path, { env: { set: { AWS_REGION: 'eu-west-1' } } });
      assert.equal(first.backupPath, `${path}.bak`);
      assert.equal(readFileSync(`${path}.bak`, 'utf8'), EXISTING);
      const afterFirst = readFileSync(path, 'utf8');

      const same = updateSettingsFile(path, { env: { set: { AWS_REGION: 'eu-west-1' } } });
      assert.equal(same.written, false);
      assert.equal(readFileSync(path, 'utf8'), afterFirst);
      assert.equal(readFileSync(`${path}.bak`, 'utf8'), EXISTING, 'an unchanged write does not rotate the backup');

      updateSettingsFile(path, { env: { set: { AWS_REGION: 'us-west-2' } } });
      assert.equal(readFileSync(`${path}.bak`, 'utf8'), afterFirst);
    } finally {
      cleanup();
    }
  });

  test('refuses to overwrite a malformed file, naming line and column, and leaves it untouched', () => {
    const { dir, cleanup } = tempDir();
    try {
      const path = join(dir, 'settings.json');
      const broken = '{\n  "env": {\n    "AWS_REGION": "us-east-1",\n  }\n}\n';
      writeFileSync(path, broken);
      for (const attempt of [
        () => updateSettingsFile(path, { env: { set: { A: '1' } } }, { label: '~/.claude/settings.json' }),
        () => writeSettingsAtomic(path, { env: { A: '1' } }, { label: '~/.claude/settings.json' }),
      ]) {
        assert.throws(attempt, (error: unknown) => {
          assert.ok(isCcBedrockError(error));
          assert.equal(error.code, 'SETTINGS_JSON_INVALID');
          assert.match(error.message, /^~\/\.claude\/settings\.json:4:3: invalid JSON/);
          assert.deepEqual([error.details.line, error.details.column], [4, 3]);
          return true;
        });
      }
      assert.equal(readFileSync(path, 'utf8'), broken);
      assert.equal(existsSync(`${path}.bak`), false);
    } finally {
      cleanup();
    }
  });

  test('refuses a file whose JSON is not an object', () => {
    const { dir, cleanup } = tempDir();
    try {
      const path = join(dir, 'settings.json');
      writeFileSync(path, '[1, 2]\n');
      assert.throws(() => readSettingsDocument(path), (error: unknown) => isCcBedrockError(error) && error.code === 'SETTINGS_TYPE_INVALID');
    } finally {
      cleanup();
    }
  });

  test('stops when the file changed after it was read', () => {
    const { dir, cleanup } = tempDir();
    try {
      const path = join(dir, 'settings.json');
      writeFileSync(path, '{"model": "opus"}\n');
      const document = readSettingsDocument(path);
      writeFileSync(path, '{"model": "sonnet"}\n');
      assert.throws(
        () => writeSettingsAtomic(path, { env: { A: '1' } }, { expectedText: document.text ?? null }),
        (error: unknown) => isCcBedrockError(error) && error.code === 'SETTINGS_WRITE_FAILED' && /changed while/.test(error.message),
      );
      assert.equal(readFileSync(path, 'utf8'), '{"model": "sonnet"}\n');
      assert.throws(() => writeSettingsAtomic(join(dir, 'new.json'), {}, { expectedText: 'x' }), /changed while/);
    } finally {
      cleanup();
    }
  });

  test('temporary names differ between calls and live in the target directory; none are left behind', () => {
    const { dir, cleanup } = tempDir();
    try {
      const path = join(dir, 'settings.json');
      const names = new Set(Array.from({ length: 200 }, () => temporaryPathFor(path)));
      assert.equal(names.size, 200);
      for (const name of names) assert.ok(name.startsWith(join(dir, `.settings.json.${process.pid}.`)));
      for (let i = 0; i < 20; i += 1) writeSettingsAtomic(path, { env: { N: String(i) } });
      assert.deepEqual(readdirSync(dir).sort(), ['settings.json', 'settings.json.bak']);
    } finally {
      cleanup();
    }
  });

  test('writes through a symlink to its target and keeps the link', () => {
    const { dir, cleanup } = tempDir();
    try {
      const real = join(dir, 'dotfiles-settings.json');
      const link = join(dir, 'settings.json');
      writeFileSync(real, '{}\n');
      symlinkSync(real, link);
      updateSettingsFile(link, { env: { set: { A: '1' } } });
      assert.deepEqual(JSON.parse(readFileSync(real, 'utf8')), { env: { A: '1' } });
      assert.ok(statSync(link).isFile());
      assert.equal(readFileSync(link, 'utf8'), readFileSync(real, 'utf8'));
    } finally {
      cleanup();
    }
  });

  test('keeps a byte-order mark and writes byte-identical output for the same object', () => {
    const { dir, cleanup } = tempDir();
    try {
      const path = join(dir, 'settings.json');
      writeFileSync(path, '\ufeff{"a": 1}\n');
      updateSettingsFile(path, { set: { b: 2 } });
      assert.ok(readFileSync(path, 'utf8').startsWith('\ufeff{'));
      assert.equal(serializeSettings({ a: 1 }), serializeSettings({ a: 1 }));
    } finally {
      cleanup();
    }
  });
});
