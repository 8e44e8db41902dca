import { join } from 'node:path';
import { repoRoot } from './repo-root.js';
import type { TempHome } from './temp-home.js';

/** The real Claude Code (2.1.197) the tests drive. */
export const claudeCodeBin = (): string => join(repoRoot(), 'node_modules', '.bin', 'claude');

/**
 * The whole environment of a Claude Code child in a test: the temp home and config dir, no
 * telemetry, error reports or updates, and every connection but loopback sent to `proxyUrl` (a
 * proxy that refuses, so nothing can leave the machine). `extra` (the endpoint, key, TERM) goes over it.
 */
export function claudeCodeEnv(home: TempHome, proxyUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home.home,
    CLAUDE_CONFIG_DIR: join(home.home, '.claude'),
    TERM: 'dumb',
    DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1',
    DISABLE_AUTOUPDATER: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    HTTP_PROXY: proxyUrl,
    HTTPS_PROXY: proxyUrl,
    NO_PROXY: '127.0.0.1,localhost',
    ...extra,
  };
}
