import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { isCcBedrockError } from '../core/errors.js';
import { LOCK_SUFFIX, withSettingsLock } from './settings-lock.js';

function withDir(body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'cc-bedrock-lock-'));
  try {
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const liveLock = (path: string) => writeFileSync(`${path}${LOCK_SUFFIX}`, JSON.stringify({ pid: process.pid, host: hostname() }));

test('the lock is taken for the body and released after it, also when the body throws', () => {
  withDir((dir) => {
    const path = join(dir, 'settings.json');
    assert.equal(withSettingsLock(path, () => existsSync(`${path}${LOCK_SUFFIX}`)), true);
    assert.equal(existsSync(`${path}${LOCK_SUFFIX}`), false);
    assert.throws(() => withSettingsLock(path, () => {
      throw new Error('body failed');
    }), /body failed/);
    assert.equal(existsSync(`${path}${LOCK_SUFFIX}`), false);
  });
});

test('a lock older than the stale age is broken even when its owner is alive', () => {
  withDir((dir) => {
    const path = join(dir, 'settings.json');
    liveLock(path);
    const old = new Date(Date.now() - 60_000);
    utimesSync(`${path}${LOCK_SUFFIX}`, old, old);
    assert.equal(withSettingsLock(path, () => 'ran', { timeoutMs: 5_000, staleMs: 30_000 }), 'ran');
  });
});

test('a fresh lock of a live owner: told what it waits for, then an error naming the lock file and owner; the body never runs', () => {
  withDir((dir) => {
    const path = join(dir, 'settings.json');
    liveLock(path);
    const waits: string[] = [];
    let ran = false;
    assert.throws(
      () => withSettingsLock(path, () => (ran = true), { label: '~/.claude/settings.json', timeoutMs: 1_200, onWait: (message) => waits.push(message) }),
      (error: unknown) => {
        assert.ok(isCcBedrockError(error));
        assert.equal(error.code, 'SETTINGS_WRITE_FAILED');
        assert.ok(error.message.includes(`pid ${process.pid} holds ${path}${LOCK_SUFFIX}`), error.message);
        assert.match(error.remediation ?? '', /delete .*settings\.json\.lock/);
        return true;
      },
    );
    assert.equal(ran, false);
    assert.equal(waits.length, 1);
    assert.match(waits[0]!, /^waiting for .*settings\.json\.lock: pid \d+ is writing ~\/\.claude\/settings\.json/);
    assert.equal(existsSync(`${path}${LOCK_SUFFIX}`), true, 'a live owner keeps its lock');
  });
});
