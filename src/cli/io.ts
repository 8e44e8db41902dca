import type { Readable, Writable } from 'node:stream';
import type { Env } from '../internal/read-env.js';

/**
 * Everything a command touches in the outside world. `main.ts` builds it from the process;
 * tests build it from plain objects, so commands never read `process.*` themselves.
 */
export interface CliIO {
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly stdin: Readable;
  readonly env: Env;
  readonly cwd: string;
  readonly homeDir: string;
  readonly platform: NodeJS.Platform;
  /** Whether stdin and stdout are a terminal (interactive prompts, colours). */
  readonly interactive: boolean;
}

/**
 * Exit codes shared by every command: 0 ok, 1 API/upstream error (or output that could not be
 * delivered), 2 usage or configuration error, 130 interrupted (Ctrl-C), 141 the reader of the
 * output went away (128 + SIGPIPE, what a shell reports for a tool killed by a closed pipe).
 */
export const ExitCode = { ok: 0, apiError: 1, usage: 2, interrupted: 130, brokenPipe: 141 } as const;

/**
 * What configuration resolution reads from a command: the IO's environment, home, working
 * directory and platform, with the `--model` and `--settings` flags where the command has them.
 */
export function resolutionInputs(io: CliIO, flags: { readonly model?: string | undefined; readonly settings?: string | undefined }) {
  return { env: io.env, homeDir: io.homeDir, cwd: io.cwd, platform: io.platform, modelFlag: flags.model, settingsFlag: flags.settings };
}
