import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface TempHome {
  /** The throwaway home directory (use as HOME). */
  readonly home: string;
  /** A project directory inside the temp tree (use as cwd). */
  readonly cwd: string;
  /** Root of the temp tree; managed-settings and other absolute paths can live under it. */
  readonly root: string;
  write(relativeToRoot: string, content: string | object): string;
  cleanup(): void;
}

/**
 * Creates `root/home` and `root/project` and writes the given files, keyed by a path relative to
 * `root` (for example `home/.aws/config` or `project/.claude/settings.json`). Objects are written
 * as pretty JSON.
 */
export function createTempHome(files: Record<string, string | object> = {}): TempHome {
  const root = mkdtempSync(join(tmpdir(), 'cc-bedrock-test-'));
  const home = join(root, 'home');
  const cwd = join(root, 'project');
  mkdirSync(home, { recursive: true });
  mkdirSync(cwd, { recursive: true });
  const write = (relative: string, content: string | object): string => {
    const path = join(root, relative);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
    return path;
  };
  for (const [relative, content] of Object.entries(files)) write(relative, content);
  return { home, cwd, root, write, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** The temp trees one test file makes, removed together by `cleanup` (call it from an `after` hook). */
export interface TempHomePool {
  /** `createTempHome(files)`, remembered for `cleanup`. */
  create(files?: Record<string, string | object>): TempHome;
  cleanup(): void;
}

export function createTempHomePool(): TempHomePool {
  const homes: TempHome[] = [];
  return {
    create(files = {}) {
      const home = createTempHome(files);
      homes.push(home);
      return home;
    },
    cleanup: () => homes.forEach((home) => home.cleanup()),
  };
}

/** Runs `body` in a fresh temp tree (see createTempHome) and removes the tree afterwards, whatever happens. */
export async function withTempHome<T>(body: (home: TempHome) => Promise<T>): Promise<T>;
export async function withTempHome<T>(files: Record<string, string | object>, body: (home: TempHome) => Promise<T>): Promise<T>;
export async function withTempHome<T>(
  filesOrBody: Record<string, string | object> | ((home: TempHome) => Promise<T>),
  maybeBody?: (home: TempHome) => Promise<T>,
): Promise<T> {
  const [files, body] = typeof filesOrBody === 'function' ? [{}, filesOrBody] : [filesOrBody, maybeBody!];
  const home = createTempHome(files);
  try {
    return await body(home);
  } finally {
    home.cleanup();
  }
}
