/**
 * Which file the wizard writes (`--target`, `--managed`), how it is shown, and what may go in it.
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { CcBedrockError } from '../core/errors.js';
import type { Env } from '../core/read-env.js';
import { displayPath, findGitRoot, userSettingsPath, type SettingsScope } from '../settings/load-settings.js';
import type { AuthMethod } from './types.js';

export type TargetKind = 'user' | 'project' | 'local' | 'path' | 'managed';

export interface SetupTarget {
  readonly kind: TargetKind;
  readonly path: string;
  /** The path as users write it (`~/.claude/settings.json`). */
  readonly label: string;
  /** The settings scope the file is read at, for precedence warnings. A custom path is read through `--settings`. */
  readonly scope: SettingsScope;
  /** Permission bits for a new file: managed settings must be readable by every user. */
  readonly newFileMode: number;
  /** Whether the file may hold a secret the user typed. */
  readonly secretsAllowed: boolean;
}

export interface TargetOptions {
  readonly target?: string | undefined;
  readonly managed?: string | undefined;
  readonly homeDir: string;
  readonly cwd: string;
  readonly env: Env;
  readonly platform: NodeJS.Platform;
}

function expandHome(path: string, homeDir: string): string {
  if (path === '~') return homeDir;
  if (path.startsWith('~/') || path.startsWith('~\\')) return join(homeDir, path.slice(2));
  return path;
}

function isDirectoryPath(path: string, raw: string): boolean {
  if (raw.endsWith('/') || raw.endsWith(sep)) return true;
  try {
    return existsSync(path) && statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export function resolveSetupTarget(options: TargetOptions): SetupTarget {
  const { homeDir, cwd } = options;
  const label = (path: string): string => displayPath(path, homeDir);
  if (options.managed !== undefined) {
    if (options.target !== undefined) {
      throw new CcBedrockError('USAGE', '--managed and --target both name the file to write', {
        remediation: 'pass --managed <path> for a fleet managed-settings.json, or --target for a user/project/local file, not both',
      });
    }
    const raw = options.managed.trim();
    if (raw === '') throw new CcBedrockError('USAGE', '--managed needs a path', { remediation: 'pass --managed ./managed-settings.json or a directory' });
    const base = resolve(cwd, expandHome(raw, homeDir));
    const path = isDirectoryPath(base, raw) ? join(base, 'managed-settings.json') : base;
    return { kind: 'managed', path, label: label(path), scope: 'managed', newFileMode: 0o644, secretsAllowed: false };
  }
  const target = (options.target ?? 'user').trim();
  switch (target) {
    case 'user': {
      const path = userSettingsPath(homeDir, cwd, options.env);
      return { kind: 'user', path, label: label(path), scope: 'user', newFileMode: 0o600, secretsAllowed: true };
    }
    case 'project': {
      const path = join(resolve(cwd), '.claude', 'settings.json');
      return { kind: 'project', path, label: label(path), scope: 'project', newFileMode: 0o644, secretsAllowed: false };
    }
    case 'local': {
      // v2.1.211+: the local file lives at the git repository root (spec §3.1).
      const root = findGitRoot(cwd, homeDir, options.platform) ?? resolve(cwd);
      const path = join(root, '.claude', 'settings.local.json');
      return { kind: 'local', path, label: label(path), scope: 'local', newFileMode: 0o600, secretsAllowed: true };
    }
    default: {
      if (target === '') throw new CcBedrockError('USAGE', '--target needs a value', { remediation: 'pass --target user, project, local, or a file path' });
      const base = resolve(cwd, expandHome(target, homeDir));
      const path = isDirectoryPath(base, target) ? join(base, 'settings.json') : base;
      return { kind: 'path', path, label: label(path), scope: 'flag', newFileMode: 0o600, secretsAllowed: true };
    }
  }
}

/** Refuses to put a typed secret where it would be shared: a project file (git) or managed settings (every machine). */
export function assertSecretsAllowed(target: SetupTarget, method: AuthMethod): void {
  if (target.secretsAllowed || (method !== 'api-key' && method !== 'access-keys')) return;
  const where =
    target.kind === 'managed'
      ? `${target.label} is managed settings, deployed to every machine of the fleet`
      : `${target.label} is project settings, usually committed to git and shared with everyone`;
  throw new CcBedrockError('USAGE', `--auth ${method} would write a secret into ${where}`, {
    remediation:
      target.kind === 'managed'
        ? 'use --auth profile (with AWS_PROFILE provisioned on each machine) or --auth environment for a fleet rollout'
        : 'use --target user or --target local for a secret, or --auth profile to share only the profile name',
  });
}
