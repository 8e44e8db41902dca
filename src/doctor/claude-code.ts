/**
 * The Claude Code a user would launch (the first `claude` on PATH) and its `claude --version`.
 *
 * Running Claude Code costs far more than the rest of `status` (it is a large native binary), so
 * the version is kept in the cache directory, keyed by the binary's real path, size and
 * modification time: an upgrade or reinstall changes them and the next run asks again. Only a
 * version actually read is kept; a failure is asked again every time.
 */
import { accessSync, constants, readFileSync, realpathSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { writeCacheFile } from '../client/availability-cache.js';
import type { Env } from '../core/read-env.js';

export type ClaudeCodeFact =
  | { readonly status: 'not-found'; readonly searched: number }
  | { readonly status: 'found'; readonly path: string; readonly version: string | undefined; readonly output: string; readonly error: string | undefined };

function executableOnPath(pathValue: string | undefined, platform: NodeJS.Platform): { found: string | undefined; searched: number } {
  const dirs = (pathValue ?? '').split(delimiter).filter((dir) => dir !== '');
  const names = platform === 'win32' ? ['claude.exe', 'claude.cmd', 'claude'] : ['claude'];
  for (const dir of dirs) {
    for (const name of names) {
      const candidate = join(dir, name);
      try {
        if (!statSync(candidate).isFile()) continue;
        if (platform !== 'win32') accessSync(candidate, constants.X_OK);
        return { found: candidate, searched: dirs.length };
      } catch {
        // not here
      }
    }
  }
  return { found: undefined, searched: dirs.length };
}

const CLAUDE_VERSION_TIMEOUT_MS = 15_000;

async function runVersion(found: string, env: Env): Promise<ClaudeCodeFact> {
  const childEnv: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) childEnv[key] = value;
  // Loaded here: a run answered from the cache never needs child_process.
  const { execFile } = await import('node:child_process');
  return new Promise((resolve) => {
    execFile(
      found,
      ['--version'],
      { env: childEnv, timeout: CLAUDE_VERSION_TIMEOUT_MS, windowsHide: true, maxBuffer: 64 * 1024 },
      (error, stdout) => {
        const output = String(stdout ?? '').trim().split('\n')[0]?.slice(0, 100) ?? '';
        const version = /\b(\d+\.\d+\.\d+)\b/.exec(output)?.[1];
        resolve({
          status: 'found',
          path: found,
          version,
          output,
          error: error && !version ? (error.killed ? `timed out after ${CLAUDE_VERSION_TIMEOUT_MS} ms` : error.message.split('\n')[0]) : undefined,
        });
      },
    );
  });
}

// ---------------------------------------------------------------------------------------------
// The version cache

const CACHE_FILE = 'claude-code-version.json';
const CACHE_VERSION = 1;
/** Binaries remembered at once (several installs on one machine); the oldest answer goes first. */
const MAX_ENTRIES = 8;

interface CachedVersion {
  readonly size: number;
  readonly mtimeMs: number;
  readonly version: string;
  readonly output: string;
  readonly checkedAt: number;
}

interface CacheContent {
  readonly version: number;
  readonly binaries: Record<string, CachedVersion>;
}

function readCache(file: string): Record<string, CachedVersion> {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<CacheContent>;
    if (parsed.version !== CACHE_VERSION || typeof parsed.binaries !== 'object' || parsed.binaries === null) return {};
    return parsed.binaries;
  } catch {
    return {};
  }
}

/** The binary's identity: its real path (PATH entries are often symlinks), size and modification time. */
function identify(found: string): { realPath: string; size: number; mtimeMs: number } | undefined {
  try {
    const realPath = realpathSync(found);
    const stat = statSync(realPath);
    return { realPath, size: stat.size, mtimeMs: stat.mtimeMs };
  } catch {
    return undefined;
  }
}

export interface DetectClaudeCodeOptions {
  /** Directory of the version cache; undefined: no cache, `claude --version` runs every time. */
  readonly cacheDir?: string | undefined;
  readonly now?: () => number;
}

/** `claude --version` of the first `claude` on PATH, from the cache when that binary is unchanged. */
export async function detectClaudeCode(env: Env, platform: NodeJS.Platform, options: DetectClaudeCodeOptions = {}): Promise<ClaudeCodeFact> {
  const { found, searched } = executableOnPath(env.PATH ?? env.Path, platform);
  if (!found) return { status: 'not-found', searched };
  const binary = options.cacheDir === undefined ? undefined : identify(found);
  const file = options.cacheDir === undefined ? undefined : join(options.cacheDir, CACHE_FILE);
  if (binary && file) {
    const cached = readCache(file)[binary.realPath];
    if (cached && cached.size === binary.size && cached.mtimeMs === binary.mtimeMs && typeof cached.version === 'string') {
      return { status: 'found', path: found, version: cached.version, output: String(cached.output), error: undefined };
    }
  }
  const fact = await runVersion(found, env);
  if (binary && file && options.cacheDir !== undefined && fact.status === 'found' && fact.version !== undefined) {
    const entry: CachedVersion = { size: binary.size, mtimeMs: binary.mtimeMs, version: fact.version, output: fact.output, checkedAt: (options.now ?? Date.now)() };
    const kept = Object.entries({ ...readCache(file), [binary.realPath]: entry })
      .sort(([, a], [, b]) => b.checkedAt - a.checkedAt)
      .slice(0, MAX_ENTRIES);
    try {
      writeCacheFile(options.cacheDir, file, { version: CACHE_VERSION, binaries: Object.fromEntries(kept) } satisfies CacheContent);
    } catch {
      // The cache only saves time: a read-only home still gets the version, asked every run.
    }
  }
  return fact;
}

