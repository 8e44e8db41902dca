/**
 * The review step: what changes in the settings file, shown line by line with every secret
 * masked. Pure; the wizard prints the lines.
 */
import { describeSecret, isSecretHeaderName, maskKeyId } from '../core/redact.js';
import { SECRET_VARIABLES } from './decide-changes.js';

export type DiffKind = 'added' | 'changed' | 'removed';

export interface DiffEntry {
  /** `env.AWS_REGION` or a top-level key such as `awsAuthRefresh`. */
  readonly path: string;
  readonly kind: DiffKind;
  readonly before: unknown;
  readonly after: unknown;
}

export interface SettingsDiff {
  readonly entries: readonly DiffEntry[];
  /** env variables present before and after with the same value. */
  readonly unchangedEnv: number;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function compare(path: string, before: unknown, after: unknown, into: DiffEntry[]): boolean {
  if (before === undefined && after === undefined) return true;
  if (before === undefined) into.push({ path, kind: 'added', before, after });
  else if (after === undefined) into.push({ path, kind: 'removed', before, after });
  else if (JSON.stringify(before) !== JSON.stringify(after)) into.push({ path, kind: 'changed', before, after });
  else return true;
  return false;
}

/** Differences between two settings objects: the `env` block per variable, other keys whole. */
export function diffSettings(before: Readonly<Record<string, unknown>>, after: Readonly<Record<string, unknown>>): SettingsDiff {
  const entries: DiffEntry[] = [];
  const envBefore = isPlainObject(before.env) ? before.env : {};
  const envAfter = isPlainObject(after.env) ? after.env : {};
  let unchangedEnv = 0;
  for (const name of new Set([...Object.keys(envBefore), ...Object.keys(envAfter)])) {
    if (compare(`env.${name}`, envBefore[name], envAfter[name], entries) && name in envBefore) unchangedEnv += 1;
  }
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (key === 'env') continue;
    compare(key, before[key], after[key], entries);
  }
  return { entries, unchangedEnv };
}

/** A variable name that looks like it holds a secret, though it is not one we know. */
const SECRET_NAME = /(SECRET|TOKEN|PASSWORD|PASSWD|API_KEY|APIKEY|PRIVATE|CREDENTIAL|_AUTH$)/i;

/**
 * How a value may be shown: secrets as "set (N characters, hidden)", access key IDs masked,
 * header values of credential headers redacted, everything else as JSON.
 */
export function displayValue(path: string, value: unknown): string {
  const name = path.startsWith('env.') ? path.slice(4) : path;
  if (typeof value !== 'string') return JSON.stringify(value) ?? String(value);
  if (SECRET_VARIABLES.has(name) || SECRET_NAME.test(name)) return describeSecret(value);
  if (name === 'AWS_ACCESS_KEY_ID') return maskKeyId(value);
  if (name === 'ANTHROPIC_CUSTOM_HEADERS') {
    const lines = value.split(/\r?\n/).map((line) => {
      const colon = line.indexOf(':');
      return colon > 0 && isSecretHeaderName(line.slice(0, colon).trim()) ? `${line.slice(0, colon)}: <redacted>` : line;
    });
    return JSON.stringify(lines.join('\n'));
  }
  return JSON.stringify(value);
}

/** The diff as printable lines (`+ env.AWS_REGION = "eu-west-1"`), secrets masked. */
export function renderDiff(diff: SettingsDiff): string[] {
  const lines = diff.entries.map((entry) => {
    switch (entry.kind) {
      case 'added':
        return `  + ${entry.path} = ${displayValue(entry.path, entry.after)}`;
      case 'removed':
        return `  - ${entry.path} (was ${displayValue(entry.path, entry.before)})`;
      case 'changed':
        return `  ~ ${entry.path}: ${displayValue(entry.path, entry.before)} -> ${displayValue(entry.path, entry.after)}`;
    }
  });
  if (diff.unchangedEnv > 0) {
    lines.push(`    (${diff.unchangedEnv} other env variable${diff.unchangedEnv === 1 ? '' : 's'} unchanged; every other key is kept as it is)`);
  }
  return lines;
}
