#!/usr/bin/env node
// Regenerates the environment-variable reference between the env-reference markers in
// README.md from the table in src/settings/env-vars.ts (compiled), so the docs never drift from
// the code. Usage: npm run build && node scripts/update-env-reference.mjs
// With --check it changes nothing and exits 1 when the README is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const START = '<!-- env-reference:start -->';
const END = '<!-- env-reference:end -->';

const { renderEnvReference } = await import(pathToFileURL(join(root, 'dist', 'src', 'settings', 'env-vars.js')).href);
const readmePath = join(root, 'README.md');
const readme = readFileSync(readmePath, 'utf8');
const start = readme.indexOf(START);
const end = readme.indexOf(END);
if (start < 0 || end < start) {
  console.error(`README.md has no ${START} ... ${END} block`);
  process.exit(1);
}
const updated = `${readme.slice(0, start + START.length)}\n${renderEnvReference().trim()}\n${readme.slice(end)}`;
if (process.argv.includes('--check')) {
  if (updated !== readme) {
    console.error('README.md env reference is stale: run npm run build && node scripts/update-env-reference.mjs');
    process.exit(1);
  }
  console.log('README.md env reference is up to date');
} else if (updated === readme) {
  console.log('README.md env reference already up to date');
} else {
  writeFileSync(readmePath, updated);
  console.log('README.md env reference updated');
}
