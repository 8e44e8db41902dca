import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENV_VARS, renderEnvReference } from '../../src/settings/env-vars.js';

const START = '<!-- env-reference:start -->';
const END = '<!-- env-reference:end -->';
const REGENERATE = 'npm run build && node scripts/update-env-reference.mjs';

/** The checkout root: works from test/ under tsx and from dist/test/ once compiled. */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'README.md'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('repository root (package.json + README.md) not found');
    dir = parent;
  }
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(path, out);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

test('README env-reference block equals renderEnvReference()', () => {
  const readme = readFileSync(join(repoRoot(), 'README.md'), 'utf8');
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  assert.ok(start >= 0 && end > start, `README.md must contain ${START} ... ${END}`);
  const block = readme.slice(start + START.length, end).trim();
  assert.equal(block, renderEnvReference().trim(), `README reference is stale; run: ${REGENERATE}`);
});

test('every variable named in src/ is in the env-vars table', () => {
  const root = repoRoot();
  const known = new Set(ENV_VARS.map((entry) => entry.name));
  // The table file itself also lists names that do not exist (for doctor), so it is not scanned.
  const tableFile = join(root, 'src', 'settings', 'env-vars.ts');
  // A literal ending in `_` is a prefix (AWS_ENDPOINT_URL_<SERVICE>), not a variable name.
  const literal = /(['"`])((?:AWS|ANTHROPIC|CLAUDE_CODE|CC_BEDROCK|CLAUDE)_[A-Z0-9_]*[A-Z0-9])\1/g;
  const missing: string[] = [];
  const files = sourceFiles(join(root, 'src')).filter((file) => file !== tableFile);
  assert.ok(files.length > 0, 'no source files found under src/');
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(literal)) {
      const name = match[2] ?? '';
      if (!known.has(name)) missing.push(`${name} (${relative(root, file).split(sep).join('/')})`);
    }
  }
  assert.deepEqual([...new Set(missing)], [], 'add these variables to src/settings/env-vars.ts, then run: ' + REGENERATE);
});
