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

export type Switch = 'on' | 'off' | 'unset' | 'invalid';

/**
 * On/off parsing of spec §1: `1`/`true` on, `0`/`false` off (case-insensitive), empty unset.
 * Any other non-empty value is `invalid`; callers decide whether that is a warning.
 */
export function readSwitch(env: Env, name: string): Switch {
  const value = readEnv(env, name);
  if (value === undefined) return 'unset';
  const lower = value.toLowerCase();
  if (lower === '1' || lower === 'true') return 'on';
  if (lower === '0' || lower === 'false') return 'off';
  return 'invalid';
}

export function isTruthy(env: Env, name: string): boolean {
  return readSwitch(env, name) === 'on';
}
