import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './repo-root.js';
import type { TempHome } from './temp-home.js';

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunCliOptions {
  /** Complete environment for the child: nothing is inherited except PATH, so tests are hermetic. */
  readonly env?: Record<string, string | undefined>;
  readonly cwd?: string;
  readonly input?: string;
  readonly timeoutMs?: number;
}

export interface RunProcessOptions extends RunCliOptions {
  /** `ignore` gives the child no stdin at all (/dev/null); `pipe` (the default) writes `input` and closes it. */
  readonly stdin?: 'pipe' | 'ignore';
}

/**
 * No EC2 instance metadata lookups: a test machine is not an EC2 instance, and a test's traffic
 * stays on loopback (without this, a run with no credentials has the AWS chain try 169.254.169.254).
 */
const NO_INSTANCE_METADATA = { AWS_EC2_METADATA_DISABLED: 'true' } as const;

/**
 * What keeps a spawned CLI off the caller's own setup: the temp HOME, a managed-settings
 * directory inside the temp tree (none exists there), and no EC2 instance metadata lookups.
 */
export function hermeticEnv(home: TempHome): Record<string, string> {
  return {
    HOME: home.home,
    CC_BEDROCK_MANAGED_SETTINGS_DIR: join(home.root, 'managed'),
    ...NO_INSTANCE_METADATA,
  };
}

/**
 * A child's whole environment: PATH, no instance metadata lookups, and `env` over them; a
 * variable set to undefined in `env` is left out (so a test can switch instance metadata back on).
 */
export function childEnv(env: Record<string, string | undefined> = {}): Record<string, string> {
  const result: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...NO_INSTANCE_METADATA };
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete result[k];
    else result[k] = v;
  }
  return result;
}

/** The built CLI's entry (`dist/src/cli/main.js`), for spawning it with `process.execPath`. */
export const cliEntry = (): string => join(repoRoot(), 'dist', 'src', 'cli', 'main.js');

/** Spawns `command` and collects its output; variables set to undefined in `env` are left out. */
export function runProcess(command: string, args: readonly string[], options: RunProcessOptions = {}): Promise<CliResult> {
  const env = childEnv(options.env);
  return new Promise((resolve, reject) => {
    const cwd = options.cwd ?? repoRoot();
    const child =
      options.stdin === 'ignore' ? spawn(command, [...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] }) : spawn(command, [...args], { cwd, env, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    // A guard against a hung child, not a timing assertion.
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    // A child that exits without reading its input (an early error) closes the pipe: that is its
    // outcome to report, not a crash of the test process.
    child.stdin?.on('error', () => {});
    child.stdin?.end(options.input ?? '');
  });
}

/** Spawns the built CLI (`dist/src/cli/main.js`) and collects its output. */
export function runCli(args: readonly string[], options: RunCliOptions = {}): Promise<CliResult> {
  return runProcess(process.execPath, [cliEntry(), ...args], options);
}
