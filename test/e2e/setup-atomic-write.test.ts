/**
 * Crash safety of settings writes: a child process rewrites a large settings file in a loop
 * through writeSettingsAtomic while this test SIGKILLs it at random moments. Afterwards the
 * file (and its backup) must always parse and be exactly one of the versions written, never a
 * mix or a truncation. The same file run with CC_BEDROCK_ATOMIC_WRITER set is the child.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serializeSettings, writeSettingsAtomic } from '../../src/settings/write-settings.js';

const WRITER_ENV = 'CC_BEDROCK_ATOMIC_WRITER';

/**
 * A settings object of about 2 MB whose content depends on `tag` throughout, so versions cannot
 * be confused. Few, long values: cheap to parse and serialize, so the writer spends most of its
 * time in the write itself, where a kill is meant to land.
 */
function version(tag: string): Record<string, unknown> {
  const env: Record<string, string> = {};
  for (let i = 0; i < 8; i += 1) env[`VAR_${i}`] = `${tag}${i}`.repeat(256 * 1024 / (tag.length + 1));
  return { permissions: { allow: [`Bash(${tag}:*)`] }, env, marker: tag };
}

function runWriter(path: string, tags: string[]): void {
  const versions = tags.map((tag) => version(tag));
  for (let i = 0; ; i += 1) {
    writeSettingsAtomic(path, versions[i % versions.length]!);
    // Synchronous, so the parent's count is exact: the kill then lands inside a later write.
    writeSync(1, 'wrote\n');
    // Writers take the settings lock: one that retook it at once after every write would starve
    // the others (no real writer loops like this), so each leaves the others a turn.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 30);
  }
}

const writerPath = process.env[WRITER_ENV];
if (writerPath !== undefined) {
  runWriter(writerPath, (process.env.CC_BEDROCK_ATOMIC_TAGS ?? 'A,B').split(','));
} else {
  describe('settings writes survive SIGKILL at any moment', () => {
    // Run this same file as the child: compiled .js directly, sources through the loader that runs us.
    const self = fileURLToPath(import.meta.url);
    const loaderArgs = process.execArgv.filter((arg, i, all) => arg === '--import' || all[i - 1] === '--import');

    /** Starts a writer; `written(n)` resolves once it has completed n writes. */
    function startWriter(path: string, tags: string[]): { child: ChildProcess; written(n: number): Promise<void> } {
      const child = spawn(process.execPath, [...loaderArgs, self], {
        env: { ...process.env, [WRITER_ENV]: path, CC_BEDROCK_ATOMIC_TAGS: tags.join(',') },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let count = 0;
      let err = '';
      const waiters: Array<{ n: number; resolve: () => void }> = [];
      child.stdout?.setEncoding('utf8').on('data', (d: string) => {
        count += d.split('wrote').length - 1;
        for (const waiter of waiters.filter((w) => w.n <= count)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      });
      child.stderr?.setEncoding('utf8').on('data', (d: string) => (err += d));
      const exited = new Promise<never>((_resolve, reject) =>
        child.on('exit', (code, signal) => reject(new Error(`writer exited (${code ?? signal}) after ${count} writes: ${err.slice(-1000)}`))),
      );
      exited.catch(() => undefined);
      return {
        child,
        written: (n) => Promise.race([new Promise<void>((resolve) => (count >= n ? resolve() : waiters.push({ n, resolve }))), exited]),
      };
    }

    function kill(child: ChildProcess): Promise<void> {
      return new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      });
    }

    const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

    function assertWhole(path: string, allowed: ReadonlyMap<string, string>, what: string): string {
      const text = readFileSync(path, 'utf8');
      const tag = allowed.get(text);
      assert.ok(tag !== undefined, `${what} is not one of the versions written (${text.length} bytes; torn or mixed)`);
      JSON.parse(text);
      return tag;
    }

    test('one writer killed at random moments: the file is always the old or the new version', async (t) => {
      const dir = mkdtempSync(join(tmpdir(), 'cc-bedrock-atomic-'));
      try {
        const path = join(dir, 'settings.json');
        const tags = ['A', 'B'];
        const allowed = new Map(tags.map((tag) => [serializeSettings(version(tag)), tag]));
        writeFileSync(path, serializeSettings(version('A')));
        const seen = new Set<string>();
        let leftovers = 0;
        const iterations = 20;
        for (let i = 0; i < iterations; i += 1) {
          const { child, written } = startWriter(path, i % 2 === 0 ? tags : [...tags].reverse());
          await written(1 + Math.floor(Math.random() * 3));
          // One write takes tens of milliseconds: a random moment inside one of the next writes.
          await sleep(Math.floor(Math.random() * 120));
          await kill(child);
          seen.add(assertWhole(path, allowed, `settings.json after kill ${i + 1}`));
          if (existsSync(`${path}.bak`)) assertWhole(`${path}.bak`, allowed, `settings.json.bak after kill ${i + 1}`);
          const temps = readdirSync(dir).filter((name) => name.endsWith('.tmp'));
          for (const name of temps) {
            assert.match(name, /^\.settings\.json(\.bak)?\.\d+\.[0-9a-f]{12}\.tmp$/, 'only our own temporary files');
            rmSync(join(dir, name));
          }
          leftovers += temps.length;
        }
        // Evidence, not an assertion: how often a kill landed between creating and renaming a temp file.
        t.diagnostic(`${iterations} kills; versions seen ${[...seen].sort().join(',')}; kills that interrupted a write: ${leftovers}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    test('concurrent writers in separate processes never collide on temp names or tear the file', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'cc-bedrock-atomic-'));
      try {
        const path = join(dir, 'settings.json');
        const groups = [['P1', 'P2'], ['Q1', 'Q2'], ['R1', 'R2']];
        const allowed = new Map([...groups.flat(), 'START'].map((tag) => [serializeSettings(version(tag)), tag]));
        // An existing file: every write of every writer then also rotates the backup.
        writeFileSync(path, serializeSettings(version('START')));
        const writers = groups.map((tags) => startWriter(path, tags));
        await Promise.all(writers.map((w) => w.written(3)));
        const exits = writers.map((w) => new Promise<number | null>((resolve) => w.child.once('exit', (code) => resolve(code))));
        // Still running means no writer died on an EEXIST or a rename error.
        for (const w of writers) assert.equal(w.child.exitCode, null, 'a writer stopped on its own');
        await Promise.all(writers.map((w) => kill(w.child)));
        await Promise.all(exits);
        assertWhole(path, allowed, 'settings.json');
        assertWhole(`${path}.bak`, allowed, 'settings.json.bak');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
