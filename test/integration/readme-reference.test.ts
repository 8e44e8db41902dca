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

/** A file under src/ as the scans name it. */
const rel = (root: string, file: string): string => relative(root, file).split(sep).join('/');

/** The modules allowed to parse variable values: the one switch/number parser and the one reader. */
const PARSERS = new Set(['src/core/read-env.ts', 'src/settings/read-var.ts']);

/**
 * On/off comparisons that are not about a variable, each with why. Anything else comparing a
 * value with '1', '0', 'true' or 'false' is a second switch parser and fails the scan.
 */
const NOT_A_VARIABLE: Readonly<Record<string, string>> = {
  'src/bedrock/retry-policy.ts': "the x-should-retry response header, not a variable",
};

// `x === '1'`, `'true' === x`, a regex such as /^(1|true)$/, a list such as ['1', 'true'].
const SWITCH_COMPARISON = /[!=]==\s*(['"`])(?:1|0|true|false)\1|(['"`])(?:1|0|true|false)\2\s*[!=]==|\b1\|true\b|\btrue\|1\b|\b0\|false\b|\bfalse\|0\b|\[\s*(['"`])(?:1|true|0|false)\3\s*,/i;
const NUMBER_CALL = /\b(?:Number|parseInt|parseFloat)\s*\(/;
// A region shape test, a tier list membership test, an IPv4/IPv6 mode comparison: the region and enum parsers' work.
const REGION_CALL = /\bisRegionShaped\s*\(/;
const ENUM_COMPARISON = /\bSERVICE_TIERS\b[^;]*\.(?:includes|has)\(|[!=]==\s*(['"`])ipv[46]\1|(['"`])ipv[46]\2\s*[!=]==/i;
const ENV_READ = /\benv\b|Env\b|readEnv\(|process\.env|\.get\(\s*['"`][A-Z][A-Z0-9_]+['"`]/;

/** Every parse of a variable goes through the table's reader (src/settings/read-var.ts). */
test('no source file parses a variable value outside the table reader', () => {
  const root = repoRoot();
  const offences: string[] = [];
  for (const file of sourceFiles(join(root, 'src'))) {
    const name = rel(root, file);
    if (PARSERS.has(name)) continue;
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, index) => {
      const code = line.replace(/\/\/.*$/, '');
      if (/^\s*\*/.test(code)) return;
      if (SWITCH_COMPARISON.test(code) && !NOT_A_VARIABLE[name]) offences.push(`${name}:${index + 1}: on/off comparison (use readSwitchVar): ${line.trim()}`);
      // A number conversion on a line that reads the environment, or just after one.
      const near = lines.slice(Math.max(0, index - 3), index + 1).join('\n');
      if (NUMBER_CALL.test(code) && ENV_READ.test(near)) offences.push(`${name}:${index + 1}: number conversion of a variable (use readNumberVar): ${line.trim()}`);
      if (REGION_CALL.test(code) && ENV_READ.test(near)) offences.push(`${name}:${index + 1}: region check of a variable (use readRegionVar): ${line.trim()}`);
      // Comparing what readEnumVar returned (the table's spelling) is the point of reading it there.
      if (ENUM_COMPARISON.test(code) && ENV_READ.test(near) && !/\breadEnumVar\(/.test(code)) offences.push(`${name}:${index + 1}: tier or mode comparison of a variable (use readEnumVar): ${line.trim()}`);
    });
  }
  assert.deepEqual(offences, [], 'parse variables with the readers of src/settings/read-var.ts; give the variable a parse kind in src/settings/env-vars.ts');
});

test('typed variables (switches, numbers, URLs, AWS flags, regions, enums) are read only through the table reader', () => {
  const root = repoRoot();
  const typed = ENV_VARS.filter((entry) => ['switch', 'aws-flag', 'integer', 'duration', 'url', 'region', 'enum', 'proxy-url'].includes(entry.parse.kind)).map((entry) => entry.name);
  const names = typed.join('|');
  const direct = new RegExp(
    `\\.get\\(\\s*(['"\`])(${names})\\1|readEnv\\([^,]+,\\s*(['"\`])(${names})\\3|process\\.env\\.(${names})\\b|process\\.env\\[\\s*(['"\`])(${names})\\6|\\benv\\.(${names})\\b`,
  );
  const offences: string[] = [];
  for (const file of sourceFiles(join(root, 'src'))) {
    const name = rel(root, file);
    if (PARSERS.has(name)) continue;
    readFileSync(file, 'utf8').split('\n').forEach((line, index) => {
      // Doc comments name key paths such as `env.AWS_REGION`; they read nothing.
      if (/^\s*(?:\/\*\*|\*|\/\/)/.test(line)) return;
      if (direct.test(line)) offences.push(`${name}:${index + 1}: ${line.trim()}`);
    });
  }
  assert.deepEqual(offences, [], 'read these with readSwitchVar / readNumberVar / readUrlVar / readAwsFlag / readRegionVar / readEnumVar from src/settings/read-var.ts');
});
