/**
 * The standalone executable (`npm run build:sea`) runs with no Node.js on the PATH: `--version`,
 * `status` and `-p` against its own `emulate`. Built here when dist/sea/cc-bedrock is missing or
 * older than the bundle (about 20 s on a 2-core machine); skipped, saying why, only where this
 * Node cannot build one (SEA assets need Node >= 20.12).
 */
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { assertInstalledCliWorks } from '../helpers/installed-cli.js';
import { repoRoot } from '../helpers/repo-root.js';
import { runProcess } from '../helpers/run-cli.js';
import { createTempHomePool } from '../helpers/temp-home.js';

const homes = createTempHomePool();
after(() => homes.cleanup());

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
const cannotBuild = major < 20 || (major === 20 && minor < 12) ? `Node ${process.version} cannot build single-executable applications with assets (needs >= 20.12)` : undefined;

test('the standalone executable works with no node on the PATH', { skip: cannotBuild }, async () => {
  const exe = join(repoRoot(), 'dist', 'sea', process.platform === 'win32' ? 'cc-bedrock.exe' : 'cc-bedrock');
  const bundle = join(repoRoot(), 'dist', 'bundle', 'cli.js');
  if (!existsSync(exe) || statSync(exe).mtimeMs < statSync(bundle).mtimeMs) {
    const started = Date.now();
    const built = await runProcess(process.execPath, [join(repoRoot(), 'scripts', 'build-sea.mjs')], { env: { HOME: process.env.HOME }, timeoutMs: 600_000 });
    assert.equal(built.code, 0, `npm run build:sea failed:\n${built.stdout}\n${built.stderr}`);
    process.stderr.write(`standalone-executable: built ${exe} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
  const home = homes.create();
  // An empty directory as the whole PATH: nothing named node can be found.
  const emptyPath = join(home.root, 'empty-path');
  const noNode = await runProcess('/bin/sh', ['-c', `mkdir -p '${emptyPath}' && PATH='${emptyPath}' command -v node || true`]);
  assert.equal(noNode.stdout.trim(), '', 'node is still reachable on the test PATH');
  await assertInstalledCliWorks(
    {
      command: exe,
      env: {
        PATH: emptyPath,
        HOME: home.home,
        CC_BEDROCK_MANAGED_SETTINGS_DIR: join(home.root, 'managed'),
        AWS_EC2_METADATA_DISABLED: 'true',
      },
    },
    home,
  );
});
