import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isCcBedrockError } from '../core/errors.js';
import { assertSecretsAllowed, resolveSetupTarget } from './targets.js';

function tree(): { root: string; home: string; cwd: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'cc-bedrock-target-'));
  const home = join(root, 'home');
  const cwd = join(root, 'repo', 'sub');
  mkdirSync(home, { recursive: true });
  mkdirSync(cwd, { recursive: true });
  return { root, home, cwd, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

describe('resolveSetupTarget', () => {
  test('user: $CLAUDE_CONFIG_DIR/settings.json when set, else ~/.claude/settings.json, shown with ~', () => {
    const t = tree();
    try {
      const base = { homeDir: t.home, cwd: t.cwd, platform: 'linux' as const };
      const user = resolveSetupTarget({ ...base, env: {} });
      assert.equal(user.path, join(t.home, '.claude', 'settings.json'));
      assert.equal(user.label, '~/.claude/settings.json');
      const configured = resolveSetupTarget({ ...base, env: { CLAUDE_CONFIG_DIR: '~/work-claude' } });
      assert.equal(configured.path, join(t.home, 'work-claude', 'settings.json'));
    } finally {
      t.cleanup();
    }
  });

  test('project and local; local goes to the git root', () => {
    const t = tree();
    try {
      mkdirSync(join(t.root, 'repo', '.git'));
      const base = { homeDir: t.home, cwd: t.cwd, platform: 'linux' as const, env: {} };
      assert.equal(resolveSetupTarget({ ...base, target: 'project' }).path, join(t.cwd, '.claude', 'settings.json'));
      assert.equal(resolveSetupTarget({ ...base, target: 'local' }).path, join(t.root, 'repo', '.claude', 'settings.local.json'));
    } finally {
      t.cleanup();
    }
  });

  test('a path, a directory, and --managed (a directory gets managed-settings.json, mode 0644)', () => {
    const t = tree();
    try {
      const base = { homeDir: t.home, cwd: t.cwd, platform: 'linux' as const, env: {} };
      assert.equal(resolveSetupTarget({ ...base, target: 'custom.json' }).path, join(t.cwd, 'custom.json'));
      assert.equal(resolveSetupTarget({ ...base, target: t.home }).path, join(t.home, 'settings.json'));
      const managed = resolveSetupTarget({ ...base, managed: `${t.root}/` });
      assert.equal(managed.path, join(t.root, 'managed-settings.json'));
      assert.equal(managed.newFileMode, 0o644);
      assert.throws(() => resolveSetupTarget({ ...base, managed: 'm.json', target: 'user' }), /--managed and --target/);
    } finally {
      t.cleanup();
    }
  });
});

describe('assertSecretsAllowed', () => {
  test('typed secrets may not go into project or managed settings', () => {
    const t = tree();
    try {
      const base = { homeDir: t.home, cwd: t.cwd, platform: 'linux' as const, env: {} };
      const project = resolveSetupTarget({ ...base, target: 'project' });
      const managed = resolveSetupTarget({ ...base, managed: 'managed-settings.json' });
      for (const target of [project, managed]) {
        assert.throws(() => assertSecretsAllowed(target, 'api-key'), (e: unknown) => isCcBedrockError(e) && e.code === 'USAGE');
        assert.throws(() => assertSecretsAllowed(target, 'access-keys'));
        assert.doesNotThrow(() => assertSecretsAllowed(target, 'profile'));
      }
      assert.doesNotThrow(() => assertSecretsAllowed(resolveSetupTarget(base), 'api-key'));
    } finally {
      t.cleanup();
    }
  });
});
