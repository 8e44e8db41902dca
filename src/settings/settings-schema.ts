import { createRequire } from 'node:module';
import type { z as ZodNamespace } from 'zod';

type Zod = typeof ZodNamespace;

/**
 * The settings keys cc-bedrock reads (spec §2). Claude Code's settings files hold many more keys
 * (permissions, hooks, statusLine…); those are kept untouched and listed, never rejected, so a
 * file that works with Claude Code also loads here.
 */
function buildSchemas(z: Zod) {
  const stringRecord = z.record(z.string(), z.string());
  const stringList = z.array(z.string());
  const known = z.object({
    env: stringRecord.optional(),
    model: z.string().optional(),
    availableModels: stringList.optional(),
    enforceAvailableModels: z.boolean().optional(),
    modelOverrides: stringRecord.optional(),
    awsAuthRefresh: z.string().optional(),
    awsCredentialExport: z.string().optional(),
    fallbackModel: z.union([z.string(), stringList]).optional(),
    apiKeyHelper: z.string().optional(),
  });
  return { known, stringList, string: z.string() };
}

type Schemas = ReturnType<typeof buildSchemas>;

let schemas: Schemas | undefined;

/**
 * zod is loaded on first use, synchronously, and only when a value fails the plain type checks
 * below: importing it costs about 100 ms, which every `status` cold start would otherwise pay
 * for files that are almost always valid. The zod schema stays the authority for error reports.
 */
export function settingsSchemas(): Schemas {
  schemas ??= buildSchemas((createRequire(import.meta.url)('zod') as { z: Zod }).z);
  return schemas;
}

export type KnownSettings = ZodNamespace.infer<Schemas['known']>;
export type KnownSettingsKey = keyof KnownSettings;

/** Known keys typed; any other key is carried through as parsed JSON. */
export type Settings = KnownSettings & { readonly [key: string]: unknown };

export const KNOWN_SETTINGS_KEYS: readonly KnownSettingsKey[] = [
  'env',
  'model',
  'availableModels',
  'enforceAvailableModels',
  'modelOverrides',
  'awsAuthRefresh',
  'awsCredentialExport',
  'fallbackModel',
  'apiKeyHelper',
];

/** Keys whose value is a name -> string record; a bad entry drops only that entry. */
const RECORD_KEYS: ReadonlySet<string> = new Set<KnownSettingsKey>(['env', 'modelOverrides']);

/** What each key must hold, in words, for messages when zod's own expectation is too terse. */
const EXPECTED: Record<KnownSettingsKey, string> = {
  env: 'an object of variable names to string values',
  model: 'a string (a model alias or ID)',
  availableModels: 'an array of strings',
  enforceAvailableModels: 'true or false',
  modelOverrides: 'an object of model IDs to string provider IDs',
  awsAuthRefresh: 'a string (a shell command)',
  awsCredentialExport: 'a string (a shell command)',
  fallbackModel: 'a model name or an array of model names',
  apiKeyHelper: 'a string (a shell command)',
};

export interface SettingsIssue {
  /** Key path as users write it: `env.AWS_REGION`, `availableModels[2]`. */
  readonly path: string;
  readonly expected: string;
  /** JSON type of what was found (`number`, `null`, `array`…), never the value, which may be a secret. */
  readonly found: string;
}

export interface ValidatedSettings {
  /** Valid known keys plus every unknown key; invalid known entries are left out. */
  readonly settings: Settings;
  readonly unknownKeys: readonly string[];
  readonly issues: readonly SettingsIssue[];
}

export function isKnownSettingsKey(key: string): key is KnownSettingsKey {
  return Object.prototype.hasOwnProperty.call(EXPECTED, key);
}

export function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

export function formatKeyPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

function describeExpected(code: string, expected: unknown, key: KnownSettingsKey, depth: number): string {
  if (code === 'invalid_type' && depth > 1) {
    if (expected === 'string') return 'a string';
    if (expected === 'boolean') return 'true or false';
    if (expected === 'array') return 'an array';
    if (expected === 'object' || expected === 'record') return 'an object';
  }
  return EXPECTED[key];
}

function valueAt(root: unknown, segments: readonly PropertyKey[]): unknown {
  let current = root;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

function schemaFor(key: KnownSettingsKey, value: unknown): ZodNamespace.ZodType {
  const { known, stringList, string } = settingsSchemas();
  // A union reports one issue at the key itself; picking the branch by shape lets an error
  // point at the offending element (`fallbackModel[1]`).
  if (key === 'fallbackModel') return Array.isArray(value) ? stringList : string;
  return known.shape[key].unwrap();
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

const isStringList = (value: unknown): boolean => Array.isArray(value) && value.every((item) => typeof item === 'string');
const isStringRecord = (value: unknown): boolean =>
  isPlainObject(value) && Object.values(value).every((item) => typeof item === 'string');

/** What the zod schema accepts, as plain checks (kept equal to it by a test). */
const FAST_CHECKS: Record<KnownSettingsKey, (value: unknown) => boolean> = {
  env: isStringRecord,
  model: (value) => typeof value === 'string',
  availableModels: isStringList,
  enforceAvailableModels: (value) => typeof value === 'boolean',
  modelOverrides: isStringRecord,
  awsAuthRefresh: (value) => typeof value === 'string',
  awsCredentialExport: (value) => typeof value === 'string',
  fallbackModel: (value) => typeof value === 'string' || isStringList(value),
  apiKeyHelper: (value) => typeof value === 'string',
};

export function passesFastCheck(key: KnownSettingsKey, value: unknown): boolean {
  return FAST_CHECKS[key](value);
}

/**
 * Checks the known keys of one parsed settings object. Unknown keys are kept as they are.
 * A record key (`env`, `modelOverrides`) with one bad entry keeps its good entries, so one
 * mistyped variable does not silently drop the rest of the block.
 */
export function validateSettingsObject(raw: Readonly<Record<string, unknown>>): ValidatedSettings {
  const settings: Record<string, unknown> = {};
  const unknownKeys: string[] = [];
  const issues: SettingsIssue[] = [];
  for (const [key, value] of Object.entries(raw)) {
    if (key === '__proto__') continue;
    if (!isKnownSettingsKey(key)) {
      unknownKeys.push(key);
      settings[key] = value;
      continue;
    }
    if (passesFastCheck(key, value)) {
      settings[key] = value;
      continue;
    }
    const result = schemaFor(key, value).safeParse(value);
    if (result.success) {
      settings[key] = result.data;
      continue;
    }
    const badEntries = new Set<string>();
    for (const issue of result.error.issues) {
      const segments = [key, ...issue.path];
      issues.push({
        path: formatKeyPath(segments),
        expected: describeExpected(issue.code, (issue as { expected?: unknown }).expected, key, segments.length),
        found: jsonTypeOf(valueAt({ [key]: value }, segments)),
      });
      if (issue.path.length > 0) badEntries.add(String(issue.path[0]));
    }
    if (RECORD_KEYS.has(key) && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const kept: Record<string, string> = {};
      for (const [name, entry] of Object.entries(value as Record<string, unknown>)) {
        if (!badEntries.has(name) && typeof entry === 'string' && name !== '__proto__') kept[name] = entry;
      }
      settings[key] = kept;
    }
  }
  return { settings: settings as Settings, unknownKeys, issues };
}
