/**
 * The environment the real Claude Code runs with in tests: a throwaway home, no telemetry, error
 * reporting or updater, and every HTTP(S) request through `proxyUrl` unless it goes to loopback,
 * so nothing can leave this machine (a proxy nobody listens on, e.g. http://127.0.0.1:9, makes any
 * other attempt fail).
 */
import { join } from 'node:path';

export function claudeCodeEnv(home: string, proxyUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    CLAUDE_CONFIG_DIR: join(home, '.claude'),
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
