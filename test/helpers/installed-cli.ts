/**
 * What the shipping tests (test/e2e/install-packed, test/e2e/standalone-executable) do with a
 * `cc-bedrock` installed some other way than this checkout's dist/: start its own `emulate`, then
 * run `--version`, `status` and `-p` against it, all from the same installed program.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './repo-root.js';
import { runProcess } from './run-cli.js';
import type { TempHome } from './temp-home.js';

/** An installed program: `command` with `args` before the CLI's own arguments (e.g. a node script). */
export interface InstalledCli {
  readonly command: string;
  readonly args?: readonly string[];
  /** The whole environment of every run (PATH included: the standalone test gives one without node). */
  readonly env: Record<string, string>;
}

/** Starts `cc-bedrock emulate --port 0` of `cli` and returns the variables its `export` lines print. */
async function startEmulate(cli: InstalledCli, home: TempHome): Promise<{ env: Record<string, string>; stop(): Promise<void> }> {
  const child = spawn(cli.command, [...(cli.args ?? []), 'emulate', '--port', '0'], { cwd: home.cwd, env: cli.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const exported = await new Promise<Record<string, string>>((resolve, reject) => {
    // A guard against a hung start, not a timing assertion.
    const guard = setTimeout(() => reject(new Error(`emulate printed no AWS_SECRET_ACCESS_KEY line in 60 s:\n${stdout}\n${stderr}`)), 60_000);
    child.on('error', reject);
    child.on('close', (code) => reject(new Error(`emulate exited (${code}) before it was ready:\n${stdout}\n${stderr}`)));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      if (!/^export AWS_SECRET_ACCESS_KEY=.*\n/m.test(stdout)) return;
      clearTimeout(guard);
      const env: Record<string, string> = {};
      for (const match of stdout.matchAll(/^export ([A-Z0-9_]+)=(.*)$/gm)) env[match[1]!] = match[2]!.replace(/^'(.*)'$/, '$1');
      resolve(env);
    });
  });
  return {
    env: exported,
    stop: async () => {
      child.kill('SIGTERM');
      await closed;
    },
  };
}

/** The checks every shipped form of cc-bedrock must pass: version, status and a prompt, offline. */
export async function assertInstalledCliWorks(cli: InstalledCli, home: TempHome): Promise<void> {
  const run = (args: string[], env: Record<string, string> = {}) =>
    runProcess(cli.command, [...(cli.args ?? []), ...args], { cwd: home.cwd, env: { ...cli.env, ...env }, stdin: 'ignore' });
  const { version } = JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as { version: string };

  const shown = await run(['--version']);
  assert.equal(shown.code, 0, shown.stderr);
  assert.equal(shown.stdout.trim(), version);

  const emulator = await startEmulate(cli, home);
  try {
    const status = await run(['status'], emulator.env);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /Amazon Bedrock/);
    const print = await run(['-p', 'hello from the installed cc-bedrock'], emulator.env);
    assert.equal(print.code, 0, print.stderr);
    assert.match(print.stdout, /hello from the installed cc-bedrock/);
  } finally {
    await emulator.stop();
  }
}
