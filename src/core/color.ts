/**
 * Colour for terminal output, by the usual rules: `FORCE_COLOR` (unless `0`/`false`) turns it on,
 * else `NO_COLOR` turns it off, else only a terminal (not `TERM=dumb`) gets it. Decided from the
 * command's own environment and stream (CliIO), not `process`, so tests pass their own; the ANSI
 * codes come from Node's `util.styleText`.
 */
import type { Writable } from 'node:stream';
import { styleText } from 'node:util';
import { parseSwitchWord, readEnv, type Env } from './read-env.js';

export type Style = 'red' | 'yellow' | 'green' | 'dim' | 'bold';
export type Paint = (style: Style, text: string) => string;

export function colorEnabled(env: Env, stream: Writable): boolean {
  // Any value but an explicit off forces colour (FORCE_COLOR=3 means "yes, 256 colours" elsewhere).
  const force = readEnv(env, 'FORCE_COLOR');
  if (force !== undefined) return parseSwitchWord(force) !== 'off';
  if (readEnv(env, 'NO_COLOR') !== undefined) return false;
  return (stream as { isTTY?: boolean }).isTTY === true && readEnv(env, 'TERM') !== 'dumb';
}

/** A painter for `stream`: the identity when colour is off. */
export function painter(env: Env, stream: Writable): Paint {
  if (!colorEnabled(env, stream)) return (_style, text) => text;
  // validateStream: false, because the decision above already used the command's env and stream.
  return (style, text) => styleText(style, text, { validateStream: false });
}

export const NO_PAINT: Paint = (_style, text) => text;
