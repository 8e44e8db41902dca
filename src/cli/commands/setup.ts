/**
 * `cc-bedrock setup`: the `/setup-bedrock` wizard. Interactive in a terminal; `--yes` takes
 * every answer from flags for CI; `--managed <path>` writes a managed-settings.json for fleets.
 * `chat` opens the same wizard through `run({}, io)`.
 */
import { loadNetworkFetch, resolveProxy } from '../../network/proxy.js';
import { createEnvLookup } from '../../settings/effective-env.js';
import { loadSettings } from '../../settings/load-settings.js';
import { runSetup, type SetupOptions } from '../../setup/run-setup.js';
import type { CliIO } from '../io.js';
import { createTerminalPrompter } from '../prompts.js';

export async function run(options: SetupOptions, io: CliIO): Promise<number> {
  // Verification (STS, ListInferenceProfiles, probes) goes through the proxy the current settings
  // and shell configure; the wizard never writes proxy variables, so this is the proxy in effect.
  // Malformed settings files are the wizard's to report, so they are collected, not thrown here.
  const loaded = loadSettings({ homeDir: io.homeDir, cwd: io.cwd, platform: io.platform, env: io.env, settingsFlag: options.settings, collectErrors: true });
  const networkFetch = await loadNetworkFetch(resolveProxy(createEnvLookup(io.env, loaded)));
  return runSetup(options, io, {
    prompter: options.yes || !io.interactive ? undefined : createTerminalPrompter(io),
    ...(networkFetch ? { fetch: networkFetch } : {}),
  });
}
