/**
 * Concurrent writers of one settings file never lose a change silently: real processes update
 * different keys of the same file at once and every change is there at the end; `setup --yes`
 * runs at the same time all land; a lock left by a dead writer is broken; a lock held by a live
 * one makes setup give up after its deadline with an error naming the lock file. The same file
 * run with CC_BEDROCK_CONCURRENT_WRITER set is a writer child.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scenarioWith } from '../../src/emulator/index.js';
import { LOCK_SUFFIX } from '../../src/settings/settings-lock.js';
import { updateSettingsFile } from '../../src/settings/write-settings.js';
import { emulatorEndpoints, plantedAccount, startUpstream, type Upstream } from '../helpers/cli-emulator.js';
import { hermeticEnv, runCli, type CliResult } from '../helpers/run-cli.js';
import { PLANTED_ENV_KEYS, assertNoSecrets } from '../helpers/secrets.js';
import { createTempHomePool } from '../helpers/temp-home.js';

const WRITER_ENV = 'CC_BEDROCK_CONCURRENT_WRITER';
const WRITERS = 6;
const UPDATES_PER_WRITER = 10;

const writerPath = process.env[WRITER_ENV];
if (writerPath !== undefined) {
  // The child: its own keys, one update each, as fast as it can.
  const name = process.env.CC_BEDROCK_WRITER_NAME ?? 'w';
  for (let i = 0; i < UPDATES_PER_WRITER; i += 1) updateSettingsFile(writerPath, { env: { set: { [`${name}_${i}`]: String(i) } } });
} else {
  const homes = createTempHomePool();
  let upstream: Upstream;
  before(async () => {
    upstream = await startUpstream(scenarioWith(plantedAccount()));
  });
  after(async () => {
    await upstream.close();
    homes.cleanup();
  });

  const self = fileURLToPath(import.meta.url);
  const loaderArgs = process.execArgv.filter((arg, i, all) => arg === '--import' || all[i - 1] === '--import');

  function runWriter(path: string, name: string): Promise<{ code: number | null; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [...loaderArgs, self], {
        env: { ...process.env, [WRITER_ENV]: path, CC_BEDROCK_WRITER_NAME: name },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stderr }));
    });
  }

  const settingsOf = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as { env: Record<string, string>; keep?: boolean };

  async function setup(home: ReturnType<typeof homes.create>, flags: string[]): Promise<CliResult> {
    const env = { ...hermeticEnv(home), ...emulatorEndpoints(upstream.url), ...PLANTED_ENV_KEYS };
    const result = await runCli(['setup', '--yes', '--auth', 'environment', '--region', 'us-east-1', ...flags], { cwd: home.cwd, env });
    assertNoSecrets(result.stdout + result.stderr, `setup ${flags.join(' ')}`);
    return result;
  }

  describe('concurrent writers of one settings file', { concurrency: true }, () => {
    test(`${WRITERS} processes updating different keys at once: every change is in the file`, async () => {
      const home = homes.create({ 'home/.claude/settings.json': { keep: true, env: {} } });
      const path = join(home.home, '.claude', 'settings.json');
      const names = Array.from({ length: WRITERS }, (_, i) => `W${i}`);
      const runs = await Promise.all(names.map((name) => runWriter(path, name)));
      runs.forEach((run, i) => assert.equal(run.code, 0, `writer ${names[i]}: ${run.stderr}`));
      const settings = settingsOf(path);
      assert.equal(settings.keep, true);
      const missing = names.flatMap((name) => Array.from({ length: UPDATES_PER_WRITER }, (_, i) => `${name}_${i}`)).filter((key) => settings.env[key] === undefined);
      assert.deepEqual(missing, []);
      assert.equal(existsSync(`${path}${LOCK_SUFFIX}`), false, 'the lock is released');
    });

    test('setup --yes runs at the same time with different pins and tier: all exit 0 and all changes land', async () => {
      // Each run reads the file, verifies for seconds, then writes: their windows overlap.
      const home = homes.create();
      const runs = await Promise.all([
        setup(home, ['--opus', 'us.anthropic.claude-opus-4-1-20250805-v1:0']),
        setup(home, ['--sonnet', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0']),
        setup(home, ['--haiku', 'us.anthropic.claude-haiku-4-5-20251001-v1:0']),
        setup(home, ['--service-tier', 'flex']),
      ]);
      runs.forEach((run) => assert.equal(run.code, 0, run.stdout + run.stderr));
      const { env } = settingsOf(join(home.home, '.claude', 'settings.json'));
      assert.equal(env.ANTHROPIC_DEFAULT_OPUS_MODEL, 'us.anthropic.claude-opus-4-1-20250805-v1:0');
      assert.equal(env.ANTHROPIC_DEFAULT_SONNET_MODEL, 'us.anthropic.claude-sonnet-4-5-20250929-v1:0');
      assert.equal(env.ANTHROPIC_DEFAULT_HAIKU_MODEL, 'us.anthropic.claude-haiku-4-5-20251001-v1:0');
      assert.equal(env.ANTHROPIC_BEDROCK_SERVICE_TIER, 'flex');
    });

    test('a lock left by a writer that has exited is broken: setup writes', async () => {
      const home = homes.create({ 'home/.claude/settings.json': { env: {} } });
      const path = join(home.home, '.claude', 'settings.json');
      const gone = spawnSync(process.execPath, ['-e', '']).pid;
      writeFileSync(`${path}${LOCK_SUFFIX}`, JSON.stringify({ pid: gone, host: hostname(), acquiredAt: new Date().toISOString() }));
      const run = await setup(home, ['--service-tier', 'priority']);
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.equal(settingsOf(path).env.ANTHROPIC_BEDROCK_SERVICE_TIER, 'priority');
      assert.equal(existsSync(`${path}${LOCK_SUFFIX}`), false);
    });

    test('a lock held by a live writer: setup says what it waits for, gives up naming the lock file, and writes nothing', async () => {
      const original = { env: { AWS_REGION: 'us-west-2' } };
      const home = homes.create({ 'home/.claude/settings.json': original });
      const path = join(home.home, '.claude', 'settings.json');
      const lock = `${path}${LOCK_SUFFIX}`;
      // This test process is alive for the whole run and keeps its lock fresh, as a writer would
      // that is slow, not dead: the lock is never stale.
      writeFileSync(lock, JSON.stringify({ pid: process.pid, host: hostname(), acquiredAt: new Date().toISOString() }));
      const keepFresh = setInterval(() => utimesSync(lock, new Date(), new Date()), 500);
      const run = await setup(home, ['--service-tier', 'priority']).finally(() => clearInterval(keepFresh));
      assert.equal(run.code, 2, run.stdout + run.stderr);
      assert.match(run.stdout, new RegExp(`waiting for ${lock.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: pid ${process.pid} is writing`));
      assert.match(run.stderr, /is locked by another writer \(pid \d+ holds .*settings\.json\.lock\); gave up after 10 s, nothing was written\n {2}fix: .*delete .*settings\.json\.lock/);
      assert.deepEqual(settingsOf(path), original);
      assert.equal(existsSync(lock), true, 'a live writer keeps its lock');
    });
  });
}
