#!/usr/bin/env node
// `npm run build:sea`: a standalone `cc-bedrock` executable for the platform it runs on (Linux x64
// in CI) through Node's single-executable applications: esbuild bundles the CLI into one CommonJS
// file (Node 20's SEA runs a CommonJS main only), `node --experimental-sea-config` turns it into a
// blob with the scenarios and the demo home as assets, and postject injects the blob into a copy
// of this Node binary. Output: dist/sea/cc-bedrock (cc-bedrock.exe on Windows). macOS and
// Windows: see README, Install.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, relative, sep } from 'node:path';
import * as esbuild from 'esbuild';
import { commonOptions, root, thirdPartyLicenses } from './build/esbuild-common.mjs';
import { SEA_MANIFEST_ASSET } from './build/sea-asset-names.mjs';

const started = Date.now();
const outdir = join(root, 'dist', 'sea');
const exe = join(outdir, process.platform === 'win32' ? 'cc-bedrock.exe' : 'cc-bedrock');
rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 12)) {
  throw new Error(`building the standalone executable needs Node >= 20.12 (SEA assets); this is ${process.version}`);
}

// 1. One CommonJS file.
const bundle = join(outdir, 'cli.cjs');
const result = await esbuild.build({
  ...commonOptions,
  entryPoints: ['src/cli/main.ts'],
  outfile: bundle,
  format: 'cjs',
  inject: [join(root, 'scripts', 'build', 'sea-prelude.mjs')],
  define: { 'import.meta.url': '__ccbSea.url' },
});
writeFileSync(join(outdir, 'THIRD_PARTY_LICENSES.md'), thirdPartyLicenses(result.metafile));

// 2. The files packageRoot() looks for, as assets, named by their path in the package.
const walk = (dir) => readdirSync(join(root, dir)).flatMap((name) => {
  const path = join(dir, name);
  return statSync(join(root, path)).isDirectory() ? walk(path) : [path.split(sep).join('/')];
});
const files = ['package.json', ...walk('scenarios'), ...walk(join('examples', 'demo-home'))];
const hash = createHash('sha256');
for (const file of files) hash.update(file).update('\0').update(readFileSync(join(root, file)));
const manifestPath = join(outdir, 'manifest.json');
writeFileSync(manifestPath, JSON.stringify({ hash: hash.digest('hex').slice(0, 16), files }));
const seaConfig = join(outdir, 'sea-config.json');
const blob = join(outdir, 'sea-prep.blob');
writeFileSync(
  seaConfig,
  JSON.stringify({
    main: bundle,
    output: blob,
    disableExperimentalSEAWarning: true,
    // V8's code cache for the bundle, made at build time: start-up skips most of the compiling.
    useCodeCache: true,
    assets: { [SEA_MANIFEST_ASSET]: manifestPath, ...Object.fromEntries(files.map((f) => [f, join(root, f)])) },
  }),
);
execFileSync(process.execPath, ['--experimental-sea-config', seaConfig], { stdio: ['ignore', 'ignore', 'inherit'] });

// 3. A copy of this Node binary with the blob injected.
copyFileSync(process.execPath, exe);
chmodSync(exe, 0o755);
if (process.platform === 'darwin') execFileSync('codesign', ['--remove-signature', exe]);
const postject = join(root, 'node_modules', 'postject', 'dist', 'cli.js');
const injected = spawnSync(
  process.execPath,
  [
    postject, exe, 'NODE_SEA_BLOB', blob,
    '--sentinel-fuse', 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2',
    ...(process.platform === 'darwin' ? ['--macho-segment-name', 'NODE_SEA'] : []),
  ],
  { encoding: 'utf8' },
);
// postject warns once per ELF note section it cannot name; harmless.
process.stderr.write(injected.stderr.split('\n').filter((l) => l && !l.includes("Can't find string offset")).map((l) => `${l}\n`).join(''));
if (injected.status !== 0) throw new Error(`postject failed (exit ${injected.status}): ${injected.stdout}`);
if (process.platform === 'darwin') execFileSync('codesign', ['--sign', '-', exe]);
for (const temporary of [blob, seaConfig, manifestPath]) rmSync(temporary);
process.stderr.write(
  `build:sea: ${relative(root, exe)} (${(statSync(exe).size / 1e6).toFixed(0)} MB, ${process.platform}-${process.arch}) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
);
