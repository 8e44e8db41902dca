import { existsSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import type { EnvLookup, Sourced } from '../core/route-plan.js';

/** One section of an AWS ini file: `aws_access_key_id`, `region`, `sso_session`… */
export type IniSection = Readonly<Record<string, string | undefined>>;
export type IniSections = Readonly<Record<string, IniSection | undefined>>;

export interface AwsFilePath {
  readonly path: string;
  /** How to show the file: `~/.aws/config`, or the path plus the variable that chose it. */
  readonly label: string;
}

export interface AwsFilePaths {
  readonly credentials: AwsFilePath;
  readonly config: AwsFilePath;
}

/**
 * The two shared files as the AWS SDK parses them. `config` is keyed by profile name with the
 * `profile ` prefix removed (`[profile dev]` → `dev`, `[default]` → `default`); other section
 * types keep a dotted prefix (`sso-session.corp`).
 */
export interface AwsFiles {
  readonly paths: AwsFilePaths;
  readonly credentials: IniSections;
  readonly config: IniSections;
}

/** Shows a path under the home directory as `~/…`, the way users write it. */
export function tildify(path: string, homeDir: string): string {
  const rel = relative(homeDir, path);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return path;
  return `~/${rel.split(sep).join('/')}`;
}

function expandHome(path: string, homeDir: string): string {
  if (path === '~') return homeDir;
  if (path.startsWith('~/') || path.startsWith('~\\')) return join(homeDir, path.slice(2));
  return path;
}

function filePath(env: EnvLookup, homeDir: string, variable: string, defaultName: string): AwsFilePath {
  const override = env.get(variable);
  if (override) {
    const path = expandHome(override.value, homeDir);
    return { path, label: `${tildify(path, homeDir)} (${variable}, ${override.source})` };
  }
  const path = join(homeDir, '.aws', defaultName);
  return { path, label: tildify(path, homeDir) };
}

/** Where the AWS SDK would look, honouring AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE. */
export function awsFilePaths(env: EnvLookup, homeDir: string): AwsFilePaths {
  return {
    credentials: filePath(env, homeDir, 'AWS_SHARED_CREDENTIALS_FILE', 'credentials'),
    config: filePath(env, homeDir, 'AWS_CONFIG_FILE', 'config'),
  };
}

/**
 * Reads both files with the SDK's own parser, so section naming, comments and continuation
 * lines are understood exactly as the credential providers will understand them. The loader is
 * imported on demand: when the environment already answers, or neither file exists, status
 * never pays for it.
 * `ignoreCache` matters: the loader memoises file contents per path for the whole process, and
 * `aws sso login` or `aws configure` may rewrite the files while we run.
 */
export async function loadAwsFiles(env: EnvLookup, homeDir: string): Promise<AwsFiles> {
  const paths = awsFilePaths(env, homeDir);
  // Most CI machines have no ~/.aws at all: answer without loading the parser.
  if (!existsSync(paths.credentials.path) && !existsSync(paths.config.path)) return { paths, credentials: {}, config: {} };
  const { loadSharedConfigFiles } = await import('@smithy/shared-ini-file-loader');
  const files = await loadSharedConfigFiles({
    filepath: paths.credentials.path,
    configFilepath: paths.config.path,
    ignoreCache: true,
  });
  return { paths, credentials: files.credentialsFile, config: files.configFile };
}

/** The active profile: AWS_PROFILE, else `default`. */
export function activeProfile(env: EnvLookup): Sourced<string> {
  const entry = env.get('AWS_PROFILE');
  if (entry) return { value: entry.value, source: `AWS_PROFILE (${entry.source})` };
  return { value: 'default', source: 'default profile (AWS_PROFILE not set)' };
}

/** How a profile's section header is spelled in each file, for messages that point at it. */
export function sectionHeader(profile: string, file: 'credentials' | 'config'): string {
  return file === 'config' && profile !== 'default' ? `[profile ${profile}]` : `[${profile}]`;
}

export interface ProfileView {
  readonly name: string;
  /** Merged the SDK's way: credentials-file keys win over config-file keys. */
  readonly merged: IniSection;
  readonly exists: boolean;
  /** The file that supplies a key, for source labels. */
  fileOf(key: string): AwsFilePath | undefined;
}

export function viewProfile(files: AwsFiles, name: string): ProfileView {
  const fromCredentials = files.credentials[name];
  const fromConfig = files.config[name];
  return {
    name,
    merged: { ...fromConfig, ...fromCredentials },
    exists: fromCredentials !== undefined || fromConfig !== undefined,
    fileOf(key) {
      if (fromCredentials?.[key] !== undefined) return files.paths.credentials;
      if (fromConfig?.[key] !== undefined) return files.paths.config;
      return undefined;
    },
  };
}
