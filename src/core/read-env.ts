/** An environment as a plain record, so every resolver can be called with a test object. */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads a variable the way Claude Code does: surrounding whitespace is trimmed and an empty
 * value counts as unset (GitHub Actions exports empty strings; a settings `env` entry of ""
 * is how users cancel a shell export).
 */
export function readEnv(env: Env, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined) return undefined;
  const trimmed = raw.trim();
  return trimmed === '' ? undefined : trimmed;
}

/**
 * THE on/off parser (spec §1): `1`/`true` on, `0`/`false` off, case-insensitive, surrounding
 * blanks ignored. Anything else is undefined; the variable table (src/settings/read-var.ts)
 * decides what that means for each variable. No other module compares a value with '1' or 'true'.
 */
export function parseSwitchWord(text: string): 'on' | 'off' | undefined {
  const lower = text.trim().toLowerCase();
  if (lower === '1' || lower === 'true') return 'on';
  if (lower === '0' || lower === 'false') return 'off';
  return undefined;
}

/**
 * THE number parser for variable values, as Claude Code reads them (v2.1.211+): digit separators
 * (`60_000`) and scientific notation (`2e3`) are fine; anything that is not a finite number
 * (including an empty string) is undefined. Ranges are the table's business.
 */
export function parseNumberWord(text: string): number | undefined {
  const compact = text.trim().replace(/_/g, '');
  if (compact === '') return undefined;
  const value = Number(compact);
  return Number.isFinite(value) ? value : undefined;
}
