import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, resolve, sep, win32 } from 'node:path';
import { CcBedrockError } from '../core/errors.js';
import { readEnv } from '../core/read-env.js';
import type { Env } from '../core/read-env.js';
import type { RouteWarning } from '../core/route-plan.js';
import { findMisnamedVariable } from './env-vars.js';
import { findJsonSyntaxProblem, positionFromParseError } from './json-position.js';
import { hostManagedReaders, readPolicySources, selectManagedSource, type ManagedReaders, type ManagedRole, type ManagedSourceKind } from './managed-sources.js';
import { KNOWN_SETTINGS_KEYS, validateSettingsObject } from './settings-schema.js';
import type { Settings } from './settings-schema.js';

/** Lowest precedence first: user < project < local < flag < managed (spec §3.2). */
export type SettingsScope = 'user' | 'project' | 'local' | 'flag' | 'managed';

export const SCOPE_ORDER: readonly SettingsScope[] = ['user', 'project', 'local', 'flag', 'managed'];

/** The inputs of `loadSettings`: home and working directory, platform, environment and `--settings`. */
export interface LoadSettingsOptions {
  readonly homeDir: string;
  readonly cwd: string;
  readonly platform: NodeJS.Platform;
  /** The process environment; read for CLAUDE_CONFIG_DIR and CC_BEDROCK_MANAGED_SETTINGS_DIR. */
  readonly env: Env;
  /** The `--settings` value: a file path, or inline JSON when it starts with `{`. */
  readonly settingsFlag?: string | undefined;
  /** Return problems in `files[].errors` instead of throwing the first one (doctor). */
  readonly collectErrors?: boolean | undefined;
  /** Reads the macOS managed-preferences plist and the Windows policy keys; this machine's tools by default. */
  readonly managedReaders?: ManagedReaders | undefined;
}

/** One settings file: its scope, path, whether it exists, and what it holds. */
export interface SettingsFile {
  readonly scope: SettingsScope;
  /** Absolute path; `--settings` for inline JSON. */
  readonly path: string;
  /** How the file is shown to users: the home directory as `~`, `--settings (inline JSON)`. */
  readonly label: string;
  readonly exists: boolean;
  /** The file's valid content (invalid known entries left out); undefined when absent or unparseable. */
  readonly settings: Settings | undefined;
  readonly unknownKeys: readonly string[];
  readonly errors: readonly CcBedrockError[];
  /** For managed sources: which kind, and what it contributes after the within-managed rule. */
  readonly managedSource?: ManagedSourceKind | undefined;
  readonly managedRole?: ManagedRole | undefined;
}

/** The settings files Claude Code reads, in precedence order, with the merged values and their sources. */
export interface LoadedSettings {
  /** All files merged by the precedence rules: known keys typed, unknown keys preserved. */
  readonly merged: Settings;
  /**
   * Which file each value came from, by key path: top-level keys (`model`), and one level into
   * objects (`env.AWS_REGION`, `modelOverrides.claude-opus-4-7`). A list merged from several
   * files names them all, lowest precedence first, joined by ` + `.
   */
  readonly origins: Readonly<Record<string, string>>;
  /** Scope of the file that won each key path in `origins` (for a merged list: the highest). */
  readonly originScopes: Readonly<Record<string, SettingsScope>>;
  /** Every file looked at, lowest precedence first, including the ones that do not exist. */
  readonly files: readonly SettingsFile[];
  /** True when a managed file delivered at least one key. */
  readonly managedActive: boolean;
  /** The managed source whose keys apply (MDM profile / registry, files, HKCU), when any delivers keys. */
  readonly managedWinner?: ManagedSourceKind | undefined;
  readonly warnings: readonly RouteWarning[];
  /** `origins[path]`: the label of the file a key path came from, e.g. `~/.claude/settings.json`. */
  originOf(path: string): string | undefined;
  /** `originScopes[path]`. */
  originScopeOf(path: string): SettingsScope | undefined;
}

const MANAGED_FILE = 'managed-settings.json';
const MANAGED_DROP_IN_DIR = 'managed-settings.d';

/** Where the managed settings file lives on each platform (spec §3.1). */
export function defaultManagedSettingsDir(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return '/Library/Application Support/ClaudeCode';
  if (platform === 'win32') return 'C:\\Program Files\\ClaudeCode';
  return '/etc/claude-code';
}

export function displayPath(path: string, homeDir: string): string {
  if (homeDir === '') return path;
  const home = homeDir.endsWith(sep) && homeDir.length > 1 ? homeDir.slice(0, -1) : homeDir;
  if (path === home) return '~';
  if (path.startsWith(home + sep)) return `~${path.slice(home.length)}`;
  return path;
}

function expandHome(path: string, homeDir: string): string {
  if (path === '~') return homeDir;
  if (path.startsWith('~/') || path.startsWith('~\\')) return join(homeDir, path.slice(2));
  return path;
}

/** `$CLAUDE_CONFIG_DIR` when set, else `<home>/.claude`. */
export function claudeConfigDir(homeDir: string, cwd: string, env: Env): string {
  const configured = readEnv(env, 'CLAUDE_CONFIG_DIR');
  if (configured === undefined) return join(homeDir, '.claude');
  return resolve(cwd, expandHome(configured, homeDir));
}

/** The path of the user settings file Claude Code (and the setup wizard) uses. */
export function userSettingsPath(homeDir: string, cwd: string, env: Env): string {
  return join(claudeConfigDir(homeDir, cwd, env), 'settings.json');
}

/**
 * The git repository root above `cwd`, for `settings.local.json` (v2.1.211+). Not used when
 * the root would be the home directory, outside a repository, or on Windows, as in Claude Code.
 */
export function findGitRoot(cwd: string, homeDir: string, platform: NodeJS.Platform): string | undefined {
  if (platform === 'win32') return undefined;
  const home = homeDir === '' ? undefined : resolve(homeDir);
  let dir = resolve(cwd);
  for (;;) {
    if (dir === home) return undefined;
    if (existsSync(join(dir, '.git'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

interface Candidate {
  readonly scope: SettingsScope;
  readonly path: string;
  readonly label: string;
  /** Inline JSON given to --settings. */
  readonly inline?: string;
  /** A file the user named explicitly: its absence is an error, not "not found". */
  readonly required?: boolean;
  readonly managedSource?: ManagedSourceKind;
}

function managedCandidates(options: LoadSettingsOptions): Candidate[] {
  const override = readEnv(options.env, 'CC_BEDROCK_MANAGED_SETTINGS_DIR');
  const dir = override ?? defaultManagedSettingsDir(options.platform);
  const joinPath = override === undefined && options.platform === 'win32' ? win32.join : join;
  const main = joinPath(dir, MANAGED_FILE);
  const label = (path: string): string => displayPath(path, options.homeDir);
  // Lowest precedence first (spec §3.2): HKCU, the files, then the MDM profile / HKLM.
  const policy = readPolicySources(options.platform, options.managedReaders ?? hostManagedReaders(options.platform));
  // A plist or policy key this machine does not have is left out, unlike a missing file: there is no path to create.
  const policyCandidate = (source: (typeof policy.mdm)[number]): Candidate[] =>
    source.inline === undefined ? [] : [{ scope: 'managed', path: source.path, label: source.label, managedSource: source.kind, inline: source.inline }];
  const out: Candidate[] = [...policy.hkcu.flatMap(policyCandidate), { scope: 'managed', path: main, label: label(main), managedSource: 'file' }];
  const dropIns = managedDropIns(joinPath(dir, MANAGED_DROP_IN_DIR), joinPath, label);
  return [...out, ...dropIns, ...policy.mdm.flatMap(policyCandidate)];
}

function managedDropIns(dropInDir: string, joinPath: (...parts: string[]) => string, label: (path: string) => string): Candidate[] {
  const out: Candidate[] = [];
  let names: string[];
  try {
    names = readdirSync(dropInDir);
  } catch {
    return out;
  }
  // Plain code-point order, so the result does not depend on the machine's locale.
  for (const name of names.filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort()) {
    const path = joinPath(dropInDir, name);
    try {
      if (!statSync(path).isFile()) continue;
    } catch {
      continue;
    }
    out.push({ scope: 'managed', path, label: label(path), managedSource: 'file' });
  }
  return out;
}

function candidates(options: LoadSettingsOptions): Candidate[] {
  const { homeDir, cwd, env } = options;
  const label = (path: string): string => displayPath(path, homeDir);
  const userPath = userSettingsPath(homeDir, cwd, env);
  const projectPath = join(resolve(cwd), '.claude', 'settings.json');
  const localPath = join(resolve(cwd), '.claude', 'settings.local.json');
  const out: Candidate[] = [
    { scope: 'user', path: userPath, label: label(userPath) },
    { scope: 'project', path: projectPath, label: label(projectPath) },
    { scope: 'local', path: localPath, label: label(localPath) },
  ];
  const gitRoot = findGitRoot(cwd, homeDir, options.platform);
  if (gitRoot !== undefined && gitRoot !== resolve(cwd)) {
    // Listed after the start-folder file so the repo-root file wins on conflict.
    const rootLocal = join(gitRoot, '.claude', 'settings.local.json');
    out.push({ scope: 'local', path: rootLocal, label: label(rootLocal) });
  }
  const flag = options.settingsFlag?.trim();
  if (flag !== undefined && flag !== '') {
    if (flag.startsWith('{')) {
      out.push({ scope: 'flag', path: '--settings', label: '--settings (inline JSON)', inline: flag });
    } else {
      const path = resolve(cwd, expandHome(flag, homeDir));
      out.push({ scope: 'flag', path, label: `--settings ${label(path)}`, required: true });
    }
  }
  out.push(...managedCandidates(options));
  return withoutSameFile(out);
}

function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/**
 * One file read once: run from $HOME, `.claude/settings.json` of the project is the user file
 * itself (and a symlink can make any two the same). Reading it twice would report each of its
 * warnings twice; the first (lowest-precedence) candidate keeps it, as its merge result is the
 * same either way.
 */
function withoutSameFile(candidates: Candidate[]): Candidate[] {
  const seen = new Set<string>();
  return candidates.filter((candidate) => {
    if (candidate.inline !== undefined) return true;
    const key = realPath(candidate.path);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

interface ReadOutcome {
  readonly exists: boolean;
  readonly settings: Settings | undefined;
  readonly unknownKeys: readonly string[];
  readonly errors: readonly CcBedrockError[];
}

function describeFile(candidate: Candidate): string {
  return candidate.inline === undefined || candidate.scope !== 'flag' ? candidate.label : '--settings inline JSON';
}

function parseJson(candidate: Candidate, rawText: string): { value?: unknown; error?: CcBedrockError } {
  const text = rawText.charCodeAt(0) === 0xfeff ? rawText.slice(1) : rawText;
  if (text.trim() === '') return { value: {} };
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (parseError) {
    const problem = findJsonSyntaxProblem(text) ?? positionFromParseError(text, parseError);
    const where = describeFile(candidate);
    const remediation =
      candidate.inline === undefined || candidate.scope !== 'flag'
        ? `Fix the JSON at line ${problem.line}, column ${problem.column} of ${candidate.label} (a trailing comma, a missing quote or comma are the usual causes).`
        : 'Pass valid JSON to --settings (quote it for your shell), or a path to a settings file.';
    // The V8 message is not passed on as `cause`: it can quote file content.
    return {
      error: new CcBedrockError(
        'SETTINGS_JSON_INVALID',
        `${where}:${problem.line}:${problem.column}: invalid JSON: ${problem.reason}`,
        {
          remediation,
          details: { file: candidate.path, scope: candidate.scope, line: problem.line, column: problem.column },
        },
      ),
    };
  }
}

function readCandidate(candidate: Candidate): ReadOutcome {
  let text: string;
  if (candidate.inline !== undefined) {
    text = candidate.inline;
  } else {
    try {
      text = readFileSync(candidate.path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if ((code === 'ENOENT' || code === 'ENOTDIR') && !candidate.required) {
        return { exists: false, settings: undefined, unknownKeys: [], errors: [] };
      }
      const missing = code === 'ENOENT' || code === 'ENOTDIR';
      const err = new CcBedrockError(
        candidate.scope === 'flag' ? 'SETTINGS_FLAG_INVALID' : 'SETTINGS_JSON_INVALID',
        missing
          ? `${candidate.label}: settings file not found`
          : `${candidate.label}: cannot read settings file (${code ?? 'read error'})`,
        {
          remediation: missing
            ? 'Pass an existing settings file to --settings, or inline JSON starting with {.'
            : `Make ${candidate.path} readable by this user, or remove it.`,
          details: { file: candidate.path, scope: candidate.scope },
        },
      );
      return { exists: !missing, settings: undefined, unknownKeys: [], errors: [err] };
    }
  }
  const parsed = parseJson(candidate, text);
  if (parsed.error) return { exists: true, settings: undefined, unknownKeys: [], errors: [parsed.error] };
  const value = parsed.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const found = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    const err = new CcBedrockError(
      'SETTINGS_TYPE_INVALID',
      `${describeFile(candidate)}: settings must be a JSON object ({ ... }), found ${found}`,
      {
        remediation: `Wrap the settings of ${candidate.label} in an object, e.g. {"env": {...}}.`,
        details: { file: candidate.path, scope: candidate.scope },
      },
    );
    return { exists: true, settings: undefined, unknownKeys: [], errors: [err] };
  }
  const validated = validateSettingsObject(value as Record<string, unknown>);
  const errors = validated.issues.map(
    (issue) =>
      new CcBedrockError(
        'SETTINGS_TYPE_INVALID',
        `${describeFile(candidate)}: ${issue.path} must be ${issue.expected}, found ${issue.found}`,
        {
          remediation: `Change ${issue.path} in ${candidate.label} to ${issue.expected}.`,
          details: { file: candidate.path, scope: candidate.scope, key: issue.path, expected: issue.expected },
        },
      ),
  );
  return { exists: true, settings: validated.settings, unknownKeys: validated.unknownKeys, errors };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function unionLists(lower: readonly unknown[], higher: readonly unknown[]): unknown[] {
  const seen = new Set<string>();
  const out: unknown[] = [];
  for (const item of [...lower, ...higher]) {
    const key = typeof item === 'string' ? `s:${item}` : `j:${JSON.stringify(item)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(item);
  }
  return out;
}

/** Objects key by key (higher wins per key), lists concatenated and deduplicated, scalars replaced. */
function mergeValues(lower: unknown, higher: unknown): unknown {
  if (isPlainObject(lower) && isPlainObject(higher)) {
    const out: Record<string, unknown> = { ...lower };
    for (const [key, value] of Object.entries(higher)) {
      if (key === '__proto__') continue;
      out[key] = key in out ? mergeValues(out[key], value) : structuredClone(value);
    }
    return out;
  }
  if (Array.isArray(lower) && Array.isArray(higher)) return unionLists(lower, higher);
  return structuredClone(higher);
}

const KNOWN_KEYS_LOWER = new Map(KNOWN_SETTINGS_KEYS.map((key) => [key.toLowerCase(), key]));

function editDistanceAtMost(a: string, b: string, limit: number): boolean {
  if (Math.abs(a.length - b.length) > limit) return false;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return (previous[b.length] ?? limit + 1) <= limit;
}

function suggestKnownKey(unknownKey: string): string | undefined {
  const lower = unknownKey.toLowerCase();
  const exact = KNOWN_KEYS_LOWER.get(lower);
  if (exact) return exact;
  if (unknownKey.length < 5) return undefined;
  return KNOWN_SETTINGS_KEYS.find((key) => editDistanceAtMost(lower, key.toLowerCase(), 2));
}

/**
 * Reads every settings file Claude Code reads and merges them (spec §3). Pure apart from
 * synchronous file reads; nothing is written. Throws the first problem as a CcBedrockError
 * unless `collectErrors` is set, in which case problems are left in `files[].errors` and the
 * valid parts of each file still take part in the merge.
 */
export function loadSettings(options: LoadSettingsOptions): LoadedSettings {
  const files: SettingsFile[] = [];
  for (const candidate of candidates(options)) {
    const outcome = readCandidate(candidate);
    if (outcome.errors.length > 0 && !options.collectErrors) throw outcome.errors[0];
    files.push({ scope: candidate.scope, path: candidate.path, label: candidate.label, ...outcome, ...(candidate.managedSource ? { managedSource: candidate.managedSource } : {}) });
  }
  const managedWinner = applyManagedSelection(files);

  const warnings: RouteWarning[] = [];
  const managedActive = files.some(
    (file) => file.scope === 'managed' && file.settings !== undefined && Object.keys(file.settings).length > 0,
  );
  const merged: Record<string, unknown> = {};
  const origins: Record<string, string> = {};
  const originScopes: Record<string, SettingsScope> = {};
  let managedSetAvailableModels = false;

  const record = (path: string, file: SettingsFile, append: boolean): void => {
    const previous = origins[path];
    origins[path] = append && previous !== undefined && !previous.split(' + ').includes(file.label)
      ? `${previous} + ${file.label}`
      : file.label;
    originScopes[path] = file.scope;
  };

  for (const file of files) {
    if (!file.settings) continue;
    for (const unknownKey of file.unknownKeys) {
      const suggestion = suggestKnownKey(unknownKey);
      if (suggestion) {
        warnings.push({
          code: 'SETTINGS_KEY_MISSPELLED',
          message: `${file.label}: unknown key ${unknownKey} is ignored by cc-bedrock (did you mean ${suggestion}?)`,
          fix: `Rename ${unknownKey} to ${suggestion} in ${file.label}.`,
        });
      }
    }
    for (const [key, value] of Object.entries(file.settings)) {
      if (key === 'enforceAvailableModels' && managedActive && file.scope !== 'managed') {
        warnings.push({
          code: 'SETTINGS_ENFORCE_NOT_MANAGED',
          message: `${file.label}: enforceAvailableModels is ignored because managed settings are present; only the managed value counts`,
          fix: 'Set enforceAvailableModels in the managed settings file instead.',
        });
        continue;
      }
      if (key === 'availableModels' && Array.isArray(value)) {
        const replace = file.scope === 'managed' && !managedSetAvailableModels;
        const existing = merged[key];
        merged[key] = replace || !Array.isArray(existing) ? unionLists([], value) : unionLists(existing, value);
        record(key, file, !replace);
        if (file.scope === 'managed') managedSetAvailableModels = true;
        continue;
      }
      if (key === 'fallbackModel') {
        merged[key] = structuredClone(value);
        record(key, file, false);
        continue;
      }
      const existing = merged[key];
      if (!(isPlainObject(existing) && isPlainObject(value))) {
        for (const path of Object.keys(origins)) {
          if (path.startsWith(`${key}.`)) {
            delete origins[path];
            delete originScopes[path];
          }
        }
      }
      merged[key] = existing === undefined ? structuredClone(value) : mergeValues(existing, value);
      record(key, file, Array.isArray(value) && Array.isArray(existing));
      if (isPlainObject(value)) {
        for (const sub of Object.keys(value)) record(`${key}.${sub}`, file, false);
      }
    }
    const env = file.settings.env;
    if (env) {
      for (const name of Object.keys(env)) {
        const misnamed = findMisnamedVariable(name);
        if (misnamed) {
          warnings.push({
            code: 'SETTINGS_ENV_MISNAMED',
            message: `${file.label}: env.${name} is not read by Claude Code or cc-bedrock; the variable is ${misnamed.correct}`,
            fix: `Rename env.${name} to env.${misnamed.correct} in ${file.label}.`,
          });
        }
      }
    }
  }

  return {
    merged: merged as Settings,
    origins,
    originScopes,
    files,
    managedActive,
    managedWinner,
    warnings,
    originOf: (path) => (Object.prototype.hasOwnProperty.call(origins, path) ? origins[path] : undefined),
    originScopeOf: (path) => (Object.prototype.hasOwnProperty.call(originScopes, path) ? originScopes[path] : undefined),
  };
}

/** Replaces each managed file's settings by what it contributes under the within-managed rule. */
function applyManagedSelection(files: SettingsFile[]): ManagedSourceKind | undefined {
  const managed = files.flatMap((file, index) => (file.managedSource ? [{ file, index }] : []));
  const { winner, contributions } = selectManagedSource(managed.map(({ file }) => ({ source: file.managedSource ?? 'file', label: file.label, settings: file.settings })));
  managed.forEach(({ file, index }, i) => {
    const contribution = contributions[i];
    if (!contribution || !file.exists) return;
    files[index] = { ...file, settings: contribution.settings, managedRole: contribution.role };
  });
  return winner;
}

/** The files that exist, highest precedence first: the order to show them in `status`. */
export function existingFilesByPrecedence(loaded: LoadedSettings): SettingsFile[] {
  return loaded.files.filter((file) => file.exists).reverse();
}
