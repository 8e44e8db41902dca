import type { Readable, Writable } from 'node:stream';
import type { Env } from './read-env.js';

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
 * What configuration resolution reads from a command: the IO's environment, home, working
 * directory and platform, with the `--model` and `--settings` flags where the command has them.
 */
export function resolutionInputs(io: CliIO, flags: { readonly model?: string | undefined; readonly settings?: string | undefined }) {
  return { env: io.env, homeDir: io.homeDir, cwd: io.cwd, platform: io.platform, modelFlag: flags.model, settingsFlag: flags.settings };
}
