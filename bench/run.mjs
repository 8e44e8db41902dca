#!/usr/bin/env node
// `npm run bench`: runs every bench/*.bench.mjs module in turn and prints one table.
// Each module exports `name` and `async run()` returning rows:
//   { metric, value, unit, baseline?: { label, value }, target?: string }
// Ratios are always against a baseline measured in the same run, never a stored number.
import { readdirSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const modules = readdirSync(here)
  .filter((f) => f.endsWith('.bench.mjs'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

const results = [];
for (const file of modules) {
  const mod = await import(pathToFileURL(join(here, file)).href);
  process.stderr.write(`bench: ${mod.name ?? file} …\n`);
  const rows = await mod.run();
  for (const row of rows) results.push({ bench: mod.name ?? file, ...row });
}

const fmt = (n) => (Number.isInteger(n) ? String(n) : n.toFixed(n < 10 ? 3 : 1));
for (const r of results) {
  const ratio = r.baseline ? `  (${fmt(r.value / r.baseline.value)}× ${r.baseline.label} = ${fmt(r.baseline.value)} ${r.unit})` : '';
  const target = r.target ? `  target: ${r.target}` : '';
  console.log(`${r.bench.padEnd(10)} ${r.metric.padEnd(48)} ${fmt(r.value).padStart(10)} ${r.unit}${ratio}${target}`);
}
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', 'latest.json'), JSON.stringify({ at: new Date().toISOString(), node: process.version, results }, null, 2));
