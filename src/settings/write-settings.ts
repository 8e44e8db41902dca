/**
 * Writing a Claude Code settings file without ever leaving it half-written, reformatting what
 * the user wrote more than necessary, or dropping keys we do not know.
 *
 * Guarantees, in order of importance:
 * 1. A reader (or a crash, or SIGKILL) sees either the old file or the new one, never a mix:
 *    the new content goes to a temporary file in the same directory, is fsynced, and is renamed
 *    over the target (rename is atomic within one file system), then the directory is fsynced.
 * 2. A file that is not valid JSON is never overwritten: the write stops with the line and
 *    column of the problem, so a hand edit in progress is not lost.
 * 3. Every key and the order of keys is kept; the `env` block changes only where the caller
 *    says so explicitly (set these, remove those).
 * 4. The file mode of an existing file is kept; the previous version is kept next to it as
 *    `<name>.bak` whenever the content changes, and nothing at all is written when it does not.
 *
 * Node has no maintained library for "atomic JSON file update with fsync and backup" that also
 * preserves modes and follows symlinks (write-file-atomic is close but is not installed and has
 * no backup or validation), so the few system calls are made here directly.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants as fsConstants,
  fchmodSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { CcBedrockError } from '../core/errors.js';
import { findJsonSyntaxProblem, positionFromParseError } from './json-position.js';
import { withSettingsLock, type SettingsLockOptions } from './settings-lock.js';

/** A change to the `env` block. Only the variables named here are touched. */
export interface SettingsEnvChange {
  /** Variables to set: replaced in place when present, appended in this order when new. */
  readonly set?: Readonly<Record<string, string>>;
  /** Variables to delete. Nothing else is ever removed. */
  readonly unset?: readonly string[];
}

/** A change to a settings object: its `env` block and other top-level keys. */
export interface SettingsChange {
  readonly env?: SettingsEnvChange;
  /** Top-level keys other than `env` to set (replaced in place, appended when new). */
  readonly set?: Readonly<Record<string, unknown>>;
  /** Top-level keys other than `env` to delete. */
  readonly unset?: readonly string[];
}

/** A settings file as it is on disk, read for an update. */
export interface SettingsDocument {
  /** The file that is written: the target of a symlink, not the link. */
  readonly path: string;
  /** How to name the file in messages (the path the user knows, e.g. `~/.claude/settings.json`). */
  readonly label: string;
  readonly exists: boolean;
  /** The raw text, undefined when the file does not exist. */
  readonly text: string | undefined;
  /** The parsed object; `{}` for a missing or empty file. */
  readonly value: Record<string, unknown>;
  /** Permission bits of the existing file. */
  readonly mode: number | undefined;
  /** Indentation unit detected in the file (two spaces when it cannot be told). */
  readonly indent: string;
  readonly bom: boolean;
}

export interface WriteSettingsOptions {
  /** How to name the file in messages; the path by default. */
  readonly label?: string;
  /** Keep the previous version as `<file>.bak` when the content changes. Default true. */
  readonly backup?: boolean;
  /** Permission bits for a file that does not exist yet. Default 0o600: settings may hold secrets. */
  readonly newFileMode?: number;
  /**
   * What the caller read before deciding on the change: the file's text, or `null` for "it did
   * not exist". When the file no longer matches, the write stops instead of silently replacing
   * an edit made meanwhile (by the user in an editor, or by Claude Code's /model).
   */
  readonly expectedText?: string | null;
  /** Indentation for the JSON; detected from the existing file when omitted. */
  readonly indent?: string;
  /** Waiting for another writer's lock on the file (deadline, what to say while waiting). */
  readonly lock?: Omit<SettingsLockOptions, 'label'>;
}

export interface WriteSettingsResult {
  readonly path: string;
  /** False when the new content equals the file's content: nothing was touched. */
  readonly written: boolean;
  /** The backup written by this call, if any. */
  readonly backupPath: string | undefined;
  readonly mode: number;
  readonly created: boolean;
}

export const BACKUP_SUFFIX = '.bak';
const DEFAULT_INDENT = '  ';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The file a write must replace: for a symlink (dotfile managers link settings.json into a
 * repository) its target, so the link survives; for anything else the path itself.
 */
export function resolveWritePath(path: string): string {
  const absolute = resolve(path);
  try {
    return realpathSync(absolute);
  } catch {
    // A dangling link: write where it points, creating the file there.
    try {
      if (lstatSync(absolute).isSymbolicLink()) return resolve(dirname(absolute), readlinkSync(absolute));
    } catch {
      // does not exist at all
    }
    return absolute;
  }
}

function detectIndent(text: string): string {
  const match = /^([ \t]+)\S/m.exec(text);
  return match?.[1] ?? DEFAULT_INDENT;
}

function stripBom(text: string): { body: string; bom: boolean } {
  return text.charCodeAt(0) === 0xfeff ? { body: text.slice(1), bom: true } : { body: text, bom: false };
}

/** The error for a settings file that is not JSON: `file:line:column`, never the file's content. */
export function malformedSettingsError(label: string, path: string, text: string, parseError: unknown): CcBedrockError {
  const problem = findJsonSyntaxProblem(text) ?? positionFromParseError(text, parseError);
  return new CcBedrockError('SETTINGS_JSON_INVALID', `${label}:${problem.line}:${problem.column}: invalid JSON: ${problem.reason}`, {
    remediation: `Fix the JSON at line ${problem.line}, column ${problem.column} of ${label} and run setup again; the file was not changed.`,
    details: { file: path, line: problem.line, column: problem.column },
  });
}

/** Parses settings text; `{}` for an empty file. Throws with line and column for invalid JSON. */
export function parseSettingsText(text: string, label: string, path: string): Record<string, unknown> {
  const { body } = stripBom(text);
  if (body.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    throw malformedSettingsError(label, path, body, error);
  }
  if (!isPlainObject(value)) {
    const found = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    throw new CcBedrockError('SETTINGS_TYPE_INVALID', `${label}: settings must be a JSON object ({ ... }), found ${found}; the file was not changed`, {
      remediation: `Wrap the settings of ${label} in an object, e.g. {"env": {...}}, or move the file away.`,
      details: { file: path },
    });
  }
  return value;
}

function readTextIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new CcBedrockError('SETTINGS_WRITE_FAILED', `cannot read ${path} (${code ?? 'read error'})`, {
      remediation: `make ${path} readable by this user, or choose another settings file`,
      cause: error,
      details: { file: path },
    });
  }
}

/** Reads a settings file for an update. Throws for a file that cannot be read or is not a JSON object. */
export function readSettingsDocument(path: string, label: string = path): SettingsDocument {
  const target = resolveWritePath(path);
  const text = readTextIfExists(target);
  if (text === undefined) {
    return { path: target, label, exists: false, text: undefined, value: {}, mode: undefined, indent: DEFAULT_INDENT, bom: false };
  }
  const value = parseSettingsText(text, label, target);
  return {
    path: target,
    label,
    exists: true,
    text,
    value,
    mode: statSync(target).mode & 0o7777,
    indent: detectIndent(text),
    bom: stripBom(text).bom,
  };
}

/**
 * The `env` block after a change: existing variables keep their position, set ones are
 * replaced in place or appended, and only the named ones are removed. Values that are not
 * strings (Claude Code would ignore them) are kept untouched unless named.
 */
export function mergeEnvBlock(env: Readonly<Record<string, unknown>>, change: SettingsEnvChange): Record<string, unknown> {
  const set = change.set ?? {};
  const unset = new Set(change.unset ?? []);
  for (const name of Object.keys(set)) {
    if (unset.has(name)) throw new CcBedrockError('INTERNAL', `env.${name} is both set and removed by one change`);
    if (typeof set[name] !== 'string') throw new CcBedrockError('INTERNAL', `env.${name} must be set to a string`);
  }
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(env)) {
    if (unset.has(name)) continue;
    out[name] = Object.prototype.hasOwnProperty.call(set, name) ? set[name] : value;
  }
  for (const [name, value] of Object.entries(set)) {
    if (!Object.prototype.hasOwnProperty.call(out, name)) out[name] = value;
  }
  return out;
}

/** The settings object after a change; the input is not modified. */
export function applySettingsChange(
  settings: Readonly<Record<string, unknown>>,
  change: SettingsChange,
  label = 'settings',
): Record<string, unknown> {
  const set = change.set ?? {};
  const unset = new Set(change.unset ?? []);
  if ('env' in set || unset.has('env')) throw new CcBedrockError('INTERNAL', 'change the env block through change.env');
  for (const key of Object.keys(set)) {
    if (unset.has(key)) throw new CcBedrockError('INTERNAL', `${key} is both set and removed by one change`);
  }
  const existingEnv = settings.env;
  if (change.env && existingEnv !== undefined && !isPlainObject(existingEnv)) {
    throw new CcBedrockError('SETTINGS_TYPE_INVALID', `${label}: env must be an object of variable names to string values; the file was not changed`, {
      remediation: `Change env in ${label} to an object such as {"AWS_REGION": "us-east-1"}, then run setup again.`,
    });
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(settings)) {
    if (unset.has(key)) continue;
    if (key === 'env' && change.env) out.env = mergeEnvBlock(value as Record<string, unknown>, change.env);
    else out[key] = Object.prototype.hasOwnProperty.call(set, key) ? structuredClone(set[key]) : value;
  }
  for (const [key, value] of Object.entries(set)) {
    if (!Object.prototype.hasOwnProperty.call(out, key)) out[key] = structuredClone(value);
  }
  if (change.env && !('env' in out)) {
    const env = mergeEnvBlock({}, change.env);
    if (Object.keys(env).length > 0) out.env = env;
  }
  return out;
}

/** The file text for a settings object: JSON with the file's own indentation and a final newline. */
export function serializeSettings(value: Readonly<Record<string, unknown>>, indent: string = DEFAULT_INDENT, bom = false): string {
  return `${bom ? '\ufeff' : ''}${JSON.stringify(value, null, indent)}\n`;
}

/** A name no other writer (another process, another call in this one) can pick at the same time. */
export function temporaryPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

function fsyncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, fsConstants.O_RDONLY);
    fsyncSync(fd);
  } catch {
    // Some platforms (Windows) and file systems cannot fsync a directory; the rename is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Writes `text` to `target` through a fsynced temporary file and a rename. */
function replaceFileAtomically(target: string, text: string, mode: number): void {
  const temp = temporaryPathFor(target);
  let fd: number | undefined;
  try {
    // `wx`: never follow or reuse an existing path, even one planted between our checks.
    fd = openSync(temp, 'wx', mode);
    // The umask may have narrowed the mode at creation; the file must end up exactly as the old one.
    fchmodSync(fd, mode);
    const bytes = Buffer.from(text, 'utf8');
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, target);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(temp);
    } catch {
      // already renamed or never created
    }
    throw error;
  }
  fsyncDirectory(dirname(target));
}

function writeFailed(label: string, path: string, error: unknown): CcBedrockError {
  const code = (error as NodeJS.ErrnoException).code ?? 'write error';
  return new CcBedrockError('SETTINGS_WRITE_FAILED', `cannot write ${label} (${code}); the file was not changed`, {
    remediation:
      code === 'EACCES' || code === 'EPERM'
        ? `make ${dirname(path)} writable by this user (managed settings usually need sudo), or choose another target`
        : `check that ${dirname(path)} exists on a writable file system with free space, then run setup again`,
    cause: error,
    details: { file: path, code },
  });
}

/** The lock around one read-check-write of `target`; the directory is made first so the lock file has a place. */
function underLock<T>(target: string, label: string, options: WriteSettingsOptions, body: () => T): T {
  try {
    mkdirSync(dirname(target), { recursive: true });
  } catch (error) {
    throw writeFailed(label, target, error);
  }
  return withSettingsLock(target, body, { ...options.lock, label });
}

/**
 * Replaces a settings file with `content` (an object, serialized as JSON, or final text)
 * atomically. Refuses to replace a file that is not valid JSON. Keeps the file mode, writes the
 * previous version to `<file>.bak` first, and does nothing when the content is unchanged. The
 * read, the `expectedText` check and the rename happen under the file's lock, so a change another
 * process makes meanwhile is either seen (and refused) or comes after ours, never lost.
 */
export function writeSettingsAtomic(
  path: string,
  content: Readonly<Record<string, unknown>> | string,
  options: WriteSettingsOptions = {},
): WriteSettingsResult {
  const target = resolveWritePath(path);
  const label = options.label ?? path;
  return underLock(target, label, options, () => writeLocked(target, label, content, options));
}

function writeLocked(target: string, label: string, content: Readonly<Record<string, unknown>> | string, options: WriteSettingsOptions): WriteSettingsResult {
  const oldText = readTextIfExists(target);
  if (options.expectedText !== undefined && oldText !== (options.expectedText ?? undefined)) {
    throw new CcBedrockError('SETTINGS_WRITE_FAILED', `${label} changed while setup was running; nothing was written`, {
      remediation: 'run setup again so it starts from the current content of the file',
      details: { file: target },
    });
  }
  if (oldText !== undefined) parseSettingsText(oldText, label, target);
  const text =
    typeof content === 'string'
      ? content
      : serializeSettings(content, options.indent ?? (oldText === undefined ? DEFAULT_INDENT : detectIndent(oldText)), oldText !== undefined && stripBom(oldText).bom);
  if (typeof content === 'string') parseSettingsText(text, label, target);

  const mode = oldText === undefined ? (options.newFileMode ?? 0o600) : statSync(target).mode & 0o7777;
  if (oldText === text) return { path: target, written: false, backupPath: undefined, mode, created: false };

  let backupPath: string | undefined;
  try {
    if (oldText !== undefined && options.backup !== false) {
      backupPath = `${target}${BACKUP_SUFFIX}`;
      // The backup is written atomically too: a crash here must not leave a torn backup either.
      replaceFileAtomically(backupPath, oldText, mode);
    }
    replaceFileAtomically(target, text, mode);
  } catch (error) {
    throw writeFailed(label, target, error);
  }
  return { path: target, written: true, backupPath, mode, created: oldText === undefined };
}

/** Writes a file that is not settings JSON (an MDM profile, a .reg file) the same atomic way. */
export function writeTextFileAtomic(path: string, text: string, label: string, mode = 0o644): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    replaceFileAtomically(path, text, mode);
  } catch (error) {
    throw writeFailed(label, path, error);
  }
}

export interface UpdateSettingsResult extends WriteSettingsResult {
  readonly before: Record<string, unknown>;
  readonly after: Record<string, unknown>;
}

/**
 * Reads, changes and writes a settings file in one call (for callers without a review step).
 * `change` may be worked out from the content as it is under the lock (a function of it), so a
 * change planned against an older read is planned again against what another writer left.
 */
export function updateSettingsFile(
  path: string,
  change: SettingsChange | ((current: Readonly<Record<string, unknown>>) => SettingsChange),
  options: WriteSettingsOptions = {},
): UpdateSettingsResult {
  const label = options.label ?? path;
  // One lock around the read and the write: concurrent updates of different keys all land.
  return underLock(resolveWritePath(path), label, options, () => {
    const document = readSettingsDocument(path, label);
    const after = applySettingsChange(document.value, typeof change === 'function' ? change(document.value) : change, document.label);
    const result = writeLocked(document.path, document.label, after, { ...options, indent: options.indent ?? document.indent, expectedText: document.text ?? null });
    return { ...result, before: document.value, after };
  });
}
