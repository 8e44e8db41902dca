/**
 * The README's Install section, kept true: `npm pack` of this checkout installs with
 * `npm install -g` into an empty prefix with no network and an empty npm cache (every runtime
 * dependency is in the bundle), puts `cc-bedrock` on that prefix's PATH, and the installed
 * program answers `--version`, `status` and `-p` against its own `emulate`. The tarball carries
 * no tests, fixtures or benches, and does carry the third-party licences and the library's types.
 * Packs what `npm test`'s pretest built (`npm pack --ignore-scripts`), so it runs no second build.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { assertInstalledCliWorks } from '../helpers/installed-cli.js';
import { repoRoot } from '../helpers/repo-root.js';
import { runProcess } from '../helpers/run-cli.js';
import { createTempHomePool } from '../helpers/temp-home.js';

const homes = createTempHomePool();
after(() => homes.cleanup());

interface PackedFile {
  readonly path: string;
}

describe('the packed package, installed globally', () => {
  const work = homes.create();
  const prefix = join(work.root, 'prefix');
  let files: string[] = [];
  let tarballName = '';

  before(async () => {
    assert.ok(existsSync(join(repoRoot(), 'dist', 'bundle', 'cli.js')), 'dist/bundle/cli.js is missing: run `npm run build && npm run bundle` (npm test does)');
    const npmEnv = { HOME: work.home, npm_config_cache: join(work.root, 'npm-cache'), npm_config_update_notifier: 'false' };
    const packed = await runProcess('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work.root], { env: npmEnv, timeoutMs: 120_000 });
    assert.equal(packed.code, 0, packed.stderr);
    const [info] = JSON.parse(packed.stdout) as [{ filename: string; files: PackedFile[] }];
    files = info.files.map((f) => f.path);
    tarballName = info.filename;
    const tarball = join(work.root, info.filename);
    // --offline with an empty cache: the install succeeds only if it needs nothing from a registry.
    const installed = await runProcess(
      'npm',
      ['install', '--global', '--prefix', prefix, '--offline', '--ignore-scripts', '--no-audit', '--no-fund', tarball],
      { env: npmEnv, cwd: work.cwd, timeoutMs: 180_000 },
    );
    assert.equal(installed.code, 0, `npm install -g of the tarball failed:\n${installed.stdout}\n${installed.stderr}`);
  });

  test("the README's Install section names this tarball and only npm scripts that exist", () => {
    const readme = readFileSync(join(repoRoot(), 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Install'), readme.indexOf('\n## ', readme.indexOf('## Install') + 1));
    assert.ok(section.includes(`npm install -g ./${tarballName}`), `README Install does not show installing ./${tarballName}`);
    const { scripts } = JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const named = [...section.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]!);
    assert.ok(named.includes('build:sea'), 'README Install does not say how to build the standalone executable');
    assert.deepEqual(named.filter((name) => !(name in scripts)), []);
  });

  test('holds the bundle, types and licences, and no tests, fixtures or benches', () => {
    for (const required of ['dist/bundle/cli.js', 'dist/bundle/index.js', 'dist/bundle/THIRD_PARTY_LICENSES.md', 'dist/src/index.d.ts', 'scenarios/default.json', 'package.json']) {
      assert.ok(files.includes(required), `${required} is not in the package`);
    }
    const unwanted = files.filter((f) => /\.test\.|(^|\/)(test|bench|fixtures)\//.test(f) || f.endsWith('meta.json') || f.endsWith('.map'));
    assert.deepEqual(unwanted, []);
  });

  test('puts cc-bedrock on the PATH of the prefix, and it works offline against its own emulator', async () => {
    const bin = join(prefix, 'bin', 'cc-bedrock');
    assert.ok(existsSync(bin), `${bin} was not created`);
    const home = homes.create();
    await assertInstalledCliWorks(
      {
        command: 'cc-bedrock',
        env: {
          // The prefix's bin first; node itself from wherever this test's node is.
          PATH: [join(prefix, 'bin'), dirname(process.execPath), '/usr/bin', '/bin'].join(delimiter),
          HOME: home.home,
          CC_BEDROCK_MANAGED_SETTINGS_DIR: join(home.root, 'managed'),
          AWS_EC2_METADATA_DISABLED: 'true',
        },
      },
      home,
    );
  });

  test('import ... from "cc-bedrock" works from the installed package, with its types', async () => {
    const consumer = join(work.root, 'consumer');
    mkdirSync(join(consumer, 'node_modules'), { recursive: true });
    symlinkSync(join(prefix, 'lib', 'node_modules', 'cc-bedrock'), join(consumer, 'node_modules', 'cc-bedrock'));
    writeFileSync(join(consumer, 'package.json'), JSON.stringify({ type: 'module', private: true }));
    writeFileSync(
      join(consumer, 'use.ts'),
      [
        "import { createEmulator, resolveRoutePlan, MODEL_CATALOG, type RoutePlan } from 'cc-bedrock';",
        'const plan: RoutePlan | undefined = undefined;',
        'const count: number = MODEL_CATALOG.length;',
        'const emulator = createEmulator();',
        'const server = await emulator.listen({ host: "127.0.0.1", port: 0 });',
        'await server.close();',
        'console.log(typeof resolveRoutePlan, count > 0, plan === undefined);',
        '',
      ].join('\n'),
    );
    // Types: the published .d.ts files resolve from the installed package (skipLibCheck off).
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, preserveSymlinks: true, types: ['node'], typeRoots: [join(repoRoot(), 'node_modules', '@types')] }, files: ['use.ts'] }),
    );
    // The optional peers the published types name, as a TypeScript consumer would install them.
    for (const peer of ['@anthropic-ai', '@smithy', '@opentelemetry', 'zod', '@types']) symlinkSync(join(repoRoot(), 'node_modules', peer), join(consumer, 'node_modules', peer));
    const tsc = await runProcess(process.execPath, [join(repoRoot(), 'node_modules', 'typescript', 'bin', 'tsc'), '-p', consumer], { cwd: consumer, timeoutMs: 120_000 });
    assert.equal(tsc.code, 0, `tsc on a consumer of the installed package:\n${tsc.stdout}\n${tsc.stderr}`);
    writeFileSync(join(consumer, 'use.mjs'), "const lib = await import('cc-bedrock');\nconst e = lib.createEmulator(); const s = await e.listen({ host: '127.0.0.1', port: 0 }); await s.close();\nconsole.log(typeof lib.resolveRoutePlan, lib.MODEL_CATALOG.length > 0);\n");
    const ran = await runProcess(process.execPath, [join(consumer, 'use.mjs')], { cwd: consumer });
    assert.equal(ran.code, 0, ran.stderr);
    assert.equal(ran.stdout.trim(), 'function true');
  });
});
