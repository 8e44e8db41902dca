// Injected into the standalone executable's bundle (scripts/build-sea.mjs), where every
// `import.meta.url` becomes `__ccbSea.url`: CommonJS has no import.meta, and a single executable
// has no package directory for packageRoot() to find scenarios/ and examples/ in. On first use
// the files the build embedded as SEA assets are written once to
// `<cache dir>/sea-<content hash>/` (CC_BEDROCK_CACHE_DIR, else ~/.cache/cc-bedrock, as the
// discovery cache), and the module URL points inside it, so the sources need no SEA branch.
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
// node:sea (assets from Node 20.12) exists only where this prelude runs: the standalone executable.
import { getAsset } from 'node:sea';
import { discoveryCacheDir } from '../../src/client/availability-cache.ts';
import { createEnvLookup } from '../../src/settings/effective-env.ts';

import { SEA_MANIFEST_ASSET } from './sea-asset-names.mjs';

function extractAssets() {
  const manifest = JSON.parse(getAsset(SEA_MANIFEST_ASSET, 'utf8'));
  const base = discoveryCacheDir(createEnvLookup(process.env, undefined), homedir());
  const dir = join(base, `sea-${manifest.hash}`);
  if (!existsSync(join(dir, 'package.json'))) {
    mkdirSync(base, { recursive: true });
    const staging = mkdtempSync(join(base, '.sea-'));
    for (const file of manifest.files) {
      mkdirSync(dirname(join(staging, file)), { recursive: true });
      writeFileSync(join(staging, file), new Uint8Array(getAsset(file)));
    }
    try {
      renameSync(staging, dir);
    } catch (error) {
      // Another run extracted the same content first: use its copy.
      rmSync(staging, { recursive: true, force: true });
      if (!existsSync(join(dir, 'package.json'))) throw error;
    }
  }
  return pathToFileURL(join(dir, 'sea', 'cli.cjs')).href;
}

let url;
export const __ccbSea = {
  get url() {
    return (url ??= extractAssets());
  },
};
