/**
 * Runs the shell examples of README.md and docs/*.md that are marked runnable: a ```sh or
 * ```bash block right after an `<!-- docs-test -->` comment (optionally
 * `<!-- docs-test expect: TEXT -->`, TEXT then has to appear in the output). Unmarked blocks are
 * skipped by design: they name the reader's own profiles, accounts and files.
 *
 * Each block runs in a temp HOME with `cc-bedrock` on PATH (the built CLI) and nothing else of
 * this machine's configuration; AWS is the emulator the block starts itself, if it needs one.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { hermeticEnv, runProcess } from '../helpers/run-cli.js';
import { repoRoot } from '../helpers/repo-root.js';
import { createTempHomePool } from '../helpers/temp-home.js';

interface Example {
  readonly file: string;
  readonly line: number;
  readonly shell: 'sh' | 'bash';
  readonly script: string;
  readonly expect: string | undefined;
}

const MARK = /^<!-- docs-test(?: expect: (.*?))? -->$/;

export function markedExamples(file: string, text: string): Example[] {
  const lines = text.split('\n');
  const out: Example[] = [];
  lines.forEach((line, index) => {
    const mark = MARK.exec(line.trim());
    if (!mark) return;
    const fence = /^```(sh|bash)$/.exec(lines[index + 1] ?? '');
    if (!fence?.[1]) throw new Error(`${file}:${index + 1}: <!-- docs-test --> must be followed by a \`\`\`sh or \`\`\`bash block`);
    const end = lines.indexOf('```', index + 2);
    if (end < 0) throw new Error(`${file}:${index + 2}: unterminated code block`);
    out.push({ file, line: index + 2, shell: fence[1] as 'sh' | 'bash', script: lines.slice(index + 2, end).join('\n'), expect: mark[1] });
  });
  return out;
}

const root = repoRoot();
const files = ['README.md', ...readdirSync(join(root, 'docs')).filter((n) => n.endsWith('.md')).map((n) => `docs/${n}`)];
const examples = files.flatMap((file) => markedExamples(file, readFileSync(join(root, file), 'utf8')));
const homes = createTempHomePool();
after(() => homes.cleanup());

describe('runnable shell examples in the docs', () => {
  test('README.md and docs/emulator.md have marked examples', () => {
    assert.ok(examples.some((e) => e.file === 'README.md'));
    assert.ok(examples.some((e) => e.file === 'docs/emulator.md'));
  });

  for (const example of examples) {
    test(`${example.file}:${example.line}`, async () => {
      const home = homes.create();
      const bin = join(home.root, 'bin');
      const shim = join(bin, 'cc-bedrock');
      home.write('bin/cc-bedrock', `#!/bin/sh\nexec "${process.execPath}" "${join(root, 'dist', 'src', 'cli', 'main.js')}" "$@"\n`);
      chmodSync(shim, 0o755);
      const script = join(home.root, `example.${example.shell}`);
      writeFileSync(script, `set -e\n${example.script}\n`);
      const result = await runProcess(example.shell, [script], {
        cwd: home.cwd,
        env: { ...hermeticEnv(home), PATH: `${bin}:${dirname(process.execPath)}:/usr/bin:/bin`, TMPDIR: home.root },
        timeoutMs: 60_000,
      });
      assert.equal(result.code, 0, `${example.file}:${example.line} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
      if (example.expect !== undefined) assert.ok(result.stdout.includes(example.expect), `${example.file}:${example.line}: output lacks ${example.expect}\n${result.stdout}`);
    });
  }
});
