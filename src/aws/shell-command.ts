import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import type { Env } from '../core/read-env.js';

export interface ShellCommandOptions {
  /** The whole environment of the child (the effective env: settings `env` over the process env). */
  readonly env: Env;
  readonly timeoutMs: number;
  /**
   * `capture`: stdout is collected and returned, stderr is read and dropped (never shown: it may
   * echo secrets). A stream: stdout and stderr are both copied to it, for commands whose output
   * the user must see (an SSO device code).
   */
  readonly output: 'capture' | Writable;
  readonly platform?: NodeJS.Platform;
}

export type ShellCommandResult =
  | { readonly kind: 'exited'; readonly exitCode: number; readonly stdout: string }
  | { readonly kind: 'signalled'; readonly signal: string }
  | { readonly kind: 'timed-out' }
  | { readonly kind: 'spawn-failed'; readonly message: string };

const MAX_CAPTURE_BYTES = 1024 * 1024;

function childEnv(env: Env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value;
  return out;
}

/**
 * Runs a user-configured command line through the platform shell (sh -c, or cmd.exe on
 * Windows) the way Claude Code runs `awsAuthRefresh` and `awsCredentialExport`: stdin closed
 * (no interactive input is supported), bounded by a timeout that kills the whole process group
 * so a stuck grandchild cannot keep the pipes open.
 */
export function runShellCommand(command: string, options: ShellCommandOptions): Promise<ShellCommandResult> {
  const platform = options.platform ?? process.platform;
  const ownGroup = platform !== 'win32';
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: ShellCommandResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };

    const child = spawn(command, {
      shell: true,
      env: childEnv(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: ownGroup,
      windowsHide: true,
    });

    const chunks: Buffer[] = [];
    let captured = 0;
    if (options.output === 'capture') {
      child.stdout.on('data', (chunk: Buffer) => {
        if (captured >= MAX_CAPTURE_BYTES) return;
        chunks.push(chunk);
        captured += chunk.length;
      });
      child.stderr.resume();
    } else {
      child.stdout.pipe(options.output, { end: false });
      child.stderr.pipe(options.output, { end: false });
    }

    const timer = setTimeout(() => {
      try {
        if (ownGroup && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        // already gone
      }
      child.stdout.destroy();
      child.stderr.destroy();
      finish({ kind: 'timed-out' });
    }, options.timeoutMs);

    child.on('error', (error) => finish({ kind: 'spawn-failed', message: error.message }));
    child.on('close', (code, signal) => {
      if (code !== null) finish({ kind: 'exited', exitCode: code, stdout: Buffer.concat(chunks).toString('utf8') });
      else finish({ kind: 'signalled', signal: signal ?? 'unknown' });
    });
  });
}

/** A result as a short phrase for messages; never includes the command's output. */
export function describeShellFailure(result: ShellCommandResult, timeoutMs: number): string {
  switch (result.kind) {
    case 'exited':
      return `exited with code ${result.exitCode}`;
    case 'signalled':
      return `was killed by ${result.signal}`;
    case 'timed-out':
      return `did not finish within ${timeoutMs} ms and was stopped`;
    case 'spawn-failed':
      return `could not be started (${result.message})`;
  }
}
