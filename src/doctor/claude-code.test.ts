import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createTempHomePool } from '../../test/helpers/temp-home.js';
import { gatherFacts } from './facts.js';

const homes = createTempHomePool();
after(() => homes.cleanup());
const sink = new Writable({ write: (_chunk, _encoding, done) => done() });

/** A `claude` on PATH that counts its runs in `runs.txt` and prints `output` (exit `code`). */
function fakeClaude(binDir: string, output: string, code = 0): { script: string; runs: () => number } {
  const runs = join(binDir, 'runs.txt');
  const script = join(binDir, 'claude');
  writeFileSync(script, `#!/bin/sh\necho run >> '${runs}'\necho '${output}'\nexit ${code}\n`);
  chmodSync(script, 0o755);
  return { script, runs: () => (existsSync(runs) ? readFileSync(runs, 'utf8').split('\n').filter(Boolean).length : 0) };
}

async function claudeFact(home: ReturnType<typeof homes.create>, binDir: string) {
  const facts = await gatherFacts({
    env: { PATH: `${binDir}:/usr/bin:/bin`, CLAUDE_CODE_USE_BEDROCK: '1', AWS_REGION: 'us-east-1', CC_BEDROCK_MANAGED_SETTINGS_DIR: join(home.root, 'managed'), AWS_EC2_METADATA_DISABLED: 'true' },
    homeDir: home.home,
    cwd: home.cwd,
    platform: 'linux',
    offline: true,
    stderr: sink,
  });
  return facts.claudeCode;
}

describe('the Claude Code version is read once per binary', { skip: process.platform === 'win32' ? 'a shell-script claude' : false }, () => {
  test('a second run answers from the cache; a changed binary is asked again', async () => {
    const home = homes.create({ 'bin/.keep': '' });
    const binDir = join(home.root, 'bin');
    const claude = fakeClaude(binDir, '2.1.197 (Claude Code)');
    const first = await claudeFact(home, binDir);
    const second = await claudeFact(home, binDir);
    assert.deepEqual(first, { status: 'found', path: claude.script, version: '2.1.197', output: '2.1.197 (Claude Code)', error: undefined });
    assert.deepEqual(second, first);
    assert.equal(claude.runs(), 1, '`claude --version` ran again although the binary did not change');
    assert.ok(existsSync(join(home.home, '.cache', 'cc-bedrock', 'claude-code-version.json')), 'the version is kept in the default cache directory');

    // An upgrade rewrites the binary: size and modification time change, so it is asked again.
    appendFileSync(claude.script, '# upgraded\n');
    await claudeFact(home, binDir);
    assert.equal(claude.runs(), 2);
  });

  test('a version that could not be read is not kept', async () => {
    const home = homes.create({ 'bin/.keep': '' });
    const binDir = join(home.root, 'bin');
    const claude = fakeClaude(binDir, 'segmentation fault', 1);
    const fact = await claudeFact(home, binDir);
    assert.equal(fact.status === 'found' && fact.version, undefined);
    await claudeFact(home, binDir);
    assert.equal(claude.runs(), 2);
  });

  test('CC_BEDROCK_CACHE_DIR in a settings env block moves the cache, as it does discovery’s', async () => {
    const home = homes.create({ 'bin/.keep': '' });
    const cacheDir = join(home.root, 'elsewhere');
    home.write('home/.claude/settings.json', { env: { CC_BEDROCK_CACHE_DIR: cacheDir } });
    const binDir = join(home.root, 'bin');
    fakeClaude(binDir, '2.1.197 (Claude Code)');
    await claudeFact(home, binDir);
    assert.ok(existsSync(join(cacheDir, 'claude-code-version.json')));
    assert.ok(!existsSync(join(home.home, '.cache', 'cc-bedrock', 'claude-code-version.json')));
  });
});
