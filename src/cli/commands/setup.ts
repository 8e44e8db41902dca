/**
 * `cc-bedrock setup`: the `/setup-bedrock` wizard. Interactive in a terminal; `--yes` takes
 * every answer from flags for CI; `--managed <path>` writes a managed-settings.json for fleets.
 * `chat` opens the same wizard through `run({}, io)`.
 */
import { loadNetworkFetch, resolveProxy } from '../../network/proxy.js';
import { createEnvLookup } from '../../settings/effective-env.js';
import { loadSettings } from '../../settings/load-settings.js';
import { runSetup, type SetupOptions } from '../../setup/run-setup.js';
import type { SetupOutcome } from '../../setup/types.js';
import { ExitCode } from '../io.js';
import { type CliIO } from '../../core/command-io.js';
import { createTerminalPrompter } from '../prompts.js';

export async function run(options: SetupOptions, io: CliIO): Promise<number> {
  // Verification (STS, ListInferenceProfiles, probes) goes through the proxy the current settings
  // and shell configure; the wizard never writes proxy variables, so this is the proxy in effect.
  // Malformed settings files are the wizard's to report, so they are collected, not thrown here.
  const loaded = loadSettings({ homeDir: io.homeDir, cwd: io.cwd, platform: io.platform, env: io.env, settingsFlag: options.settings, collectErrors: true });
  const networkFetch = await loadNetworkFetch(resolveProxy(createEnvLookup(io.env, loaded)));
  const result = await runSetup(options, io, {
    prompter: options.yes || !io.interactive ? undefined : createTerminalPrompter(io),
    ...(networkFetch ? { fetch: networkFetch } : {}),
  });
  if (options.json) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  return EXIT_CODE[result.outcome];
}

const EXIT_CODE: Readonly<Record<SetupOutcome, number>> = {
  written: ExitCode.ok,
  unchanged: ExitCode.ok,
  declined: ExitCode.ok,
  cancelled: ExitCode.interrupted,
  'verification-failed': ExitCode.apiError,
  'pins-unavailable': ExitCode.apiError,
};
