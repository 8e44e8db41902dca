#!/usr/bin/env node
// `npm run bundle`: the CLI and the library as self-contained ESM under dist/bundle/, which is
// what the published package runs (bin `cc-bedrock` → dist/bundle/cli.js). Code splitting gives
// each command its own chunks, so `status` loads neither the gateway, the emulator, the wizard nor
// the SDKs, and one file per chunk costs far less to load than the hundreds of modules in
// node_modules. Writes dist/bundle/meta.json (esbuild's metafile; the lazy-loading test reads it)
// and dist/bundle/THIRD_PARTY_LICENSES.md.
import { rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { buildLazyRequires, commonOptions, lazyRequirePlugin, root, thirdPartyLicenses } from './build/esbuild-common.mjs';

const outdir = join(root, 'dist', 'bundle');
rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });

const lazyPackages = new Set();
const result = await esbuild.build({
  ...commonOptions,
  plugins: [lazyRequirePlugin({ lazyPackages })],
  entryPoints: { cli: 'src/cli/main.ts', index: 'src/index.ts' },
  outdir,
  format: 'esm',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  // CommonJS packages inside an ESM bundle call require() for Node built-ins.
  banner: { js: "import { createRequire as __ccbCreateRequire } from 'node:module'; const require = __ccbCreateRequire(import.meta.url);" },
});

const lazyInputs = await buildLazyRequires(esbuild, lazyPackages, result.metafile, join(outdir, 'chunks'));

writeFileSync(join(outdir, 'meta.json'), JSON.stringify(result.metafile));
writeFileSync(join(outdir, 'THIRD_PARTY_LICENSES.md'), thirdPartyLicenses({ inputs: { ...result.metafile.inputs, ...lazyInputs } }));
const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
process.stderr.write(`bundle: ${Object.keys(result.metafile.outputs).length} files, ${(bytes / 1e6).toFixed(1)} MB in dist/bundle\n`);
