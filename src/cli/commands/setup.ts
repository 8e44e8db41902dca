/**
 * `cc-bedrock setup`: the `/setup-bedrock` wizard. Interactive in a terminal; `--yes` takes
 * every answer from flags for CI; `--managed <path>` writes a managed-settings.json for fleets.
 * `chat` opens the same wizard through `run({}, io)`.
 */
import { runSetup, type SetupOptions } from '../../setup/run-setup.js';
import type { CliIO } from '../io.js';
import { createTerminalPrompter } from '../prompts.js';

export async function run(options: SetupOptions, io: CliIO): Promise<number> {
  return runSetup(options, io, { prompter: options.yes || !io.interactive ? undefined : createTerminalPrompter(io) });
}
