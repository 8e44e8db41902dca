/**
 * The lock that makes a settings file's read-check-write one step across processes. Without it
 * two `setup` runs could both read the old file, both find it unchanged, and both rename their
 * version over it: the first change was lost and both exited 0.
 *
 * The lock is a file next to the settings file, `<file>.lock`, created with O_EXCL and holding
 * the owner's pid, host and start time. It is held for milliseconds (read, compare, rename), so
 * a lock that is old, or whose owner on this host has exited, was left by a writer that crashed
 * and is broken. Waiting has a deadline; past it the error names the lock file and its owner.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { CcBedrockError } from '../core/errors.js';

export const LOCK_SUFFIX = '.lock';

export interface SettingsLockOptions {
  /** How to name the settings file in messages. */
  readonly label?: string;
  /** How long to wait for another writer. Default 10 s. */
  readonly timeoutMs?: number;
  /** A lock older than this was left by a crashed writer. Default 30 s (a writer holds it for milliseconds). */
  readonly staleMs?: number;
  /** Told once, when the wait gets long, what the writer is waiting for. */
  readonly onWait?: (message: string) => void;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_STALE_MS = 30_000;
const NOTICE_AFTER_MS = 1_000;
const RETRY_MS = 25;

interface LockOwner {
  readonly pid?: number;
  readonly host?: string;
}

/** A synchronous sleep without spinning: settings writes are synchronous all the way down. */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function readOwner(lockPath: string): LockOwner {
  try {
    const value = JSON.parse(readFileSync(lockPath, 'utf8')) as LockOwner;
    return value !== null && typeof value === 'object' ? value : {};
  } catch {
    // Unreadable (written by an older version, or damaged): judged by age alone.
    return {};
  }
}

function processIsGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function describeOwner(owner: LockOwner): string {
  return owner.pid === undefined ? 'an unknown process' : `pid ${owner.pid}${owner.host && owner.host !== hostname() ? ` on ${owner.host}` : ''}`;
}

/** Why a lock of this owner and age is stale, or undefined while its owner may still be writing. */
function staleReason(owner: LockOwner, ageMs: number, staleMs: number): string | undefined {
  if (ageMs > staleMs) return `it is ${Math.round(ageMs / 1000)} s old`;
  if (owner.pid !== undefined && owner.host === hostname() && owner.pid !== process.pid && processIsGone(owner.pid)) return `${describeOwner(owner)} has exited`;
  return undefined;
}

/**
 * Removes the stale lock with inode `ino`. Moving it aside first makes the removal safe against a
 * writer that broke the same lock a moment earlier and has taken a fresh one: that one is put back.
 */
function breakLock(lockPath: string, ino: number): void {
  const aside = `${lockPath}.${process.pid}.${randomBytes(4).toString('hex')}.stale`;
  try {
    renameSync(lockPath, aside);
  } catch {
    return; // gone already: another writer broke it
  }
  try {
    if (statSync(aside).ino !== ino) linkSync(aside, lockPath);
  } catch {
    // a third writer holds the lock path now; the one we moved has finished or will find its lock gone
  } finally {
    unlinkSync(aside);
  }
}

/**
 * Creates the lock file with its owner already in it; its inode when this call created it,
 * undefined when it exists already. The owner is written to a private file first and linked into
 * place (link fails when the lock exists), so a writer killed at any moment never leaves a lock
 * without an owner, which others could only judge by age (30 s of every other writer waiting).
 */
function tryCreate(lockPath: string): number | undefined {
  const draft = `${lockPath}.${process.pid}.${randomBytes(4).toString('hex')}.new`;
  const fd = openSync(draft, 'wx', 0o600);
  let ino: number;
  try {
    writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), acquiredAt: new Date().toISOString() }));
    ino = fstatSync(fd).ino;
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(draft, lockPath);
    return ino;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw error;
  } finally {
    unlinkSync(draft);
  }
}

/** Runs `body` holding the lock of the settings file at `target` (its real path). */
export function withSettingsLock<T>(target: string, body: () => T, options: SettingsLockOptions = {}): T {
  const lockPath = `${target}${LOCK_SUFFIX}`;
  const label = options.label ?? target;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  const start = Date.now();
  let noticed = false;
  let ino: number | undefined;
  while ((ino = tryCreate(lockPath)) === undefined) {
    let stat;
    try {
      stat = statSync(lockPath);
    } catch {
      continue; // released between our create and stat
    }
    const owner = readOwner(lockPath);
    if (staleReason(owner, Date.now() - stat.mtimeMs, staleMs) !== undefined) {
      breakLock(lockPath, stat.ino);
      continue;
    }
    const waited = Date.now() - start;
    if (waited >= timeoutMs) {
      throw new CcBedrockError('SETTINGS_WRITE_FAILED', `${label} is locked by another writer (${describeOwner(owner)} holds ${lockPath}); gave up after ${Math.ceil(timeoutMs / 1000)} s, nothing was written`, {
        remediation: `let the other cc-bedrock setup finish and run setup again; if none is running, delete ${lockPath}`,
        details: { file: target, lock: lockPath, ...(owner.pid !== undefined ? { pid: owner.pid } : {}) },
      });
    }
    if (!noticed && waited >= NOTICE_AFTER_MS) {
      noticed = true;
      options.onWait?.(`waiting for ${lockPath}: ${describeOwner(owner)} is writing ${label} (giving up in ${Math.ceil((timeoutMs - waited) / 1000)} s)`);
    }
    sleepSync(RETRY_MS);
  }
  try {
    return body();
  } finally {
    try {
      // Only our own lock: after an extreme stall another writer may have broken it and taken a new one.
      if (statSync(lockPath).ino === ino) unlinkSync(lockPath);
    } catch {
      // broken already; nothing left to release
    }
  }
}
