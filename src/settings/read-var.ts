/**
 * The one reader of the variables in the table (env-vars.ts): `readVar(env, NAME)` parses the
 * value the way the table says and returns it with where it came from (shell or which settings
 * file). One policy for a value the parser rejects, per the entry's `badValue`:
 *
 * - `error`: a SETTINGS_TYPE_INVALID CcBedrockError naming the variable, its source, the value
 *   (never for a secret or a URL, which may embed credentials) and a valid fix.
 * - `warn`: Claude Code's own leniency is kept (the value is ignored: a switch counts as off, a
 *   number leaves the default) and the caller's `warn` hears why, with the same fix.
 *
 * Switch and number text go through the one parser of each in src/core/read-env.ts.
 */
import { CcBedrockError, type ErrorCode } from '../core/errors.js';
import { parseNumberWord, parseSwitchWord } from '../core/read-env.js';
import { isRegionShaped } from '../core/region-shape.js';
import type { EnvLookup, RouteWarning } from '../core/route-plan.js';
import { parseProxyUrl, redactRawProxyValue } from './proxy-url.js';
import { ENV_VARS, findEnvVar, type EnvVarEntry, type VarKind, type VarParse } from './env-vars.js';

export interface VarReading<T> {
  readonly name: string;
  readonly value: T;
  /** `shell env`, `~/.claude/settings.json env`, `managed settings env (<file>)`… */
  readonly source: string;
}

export interface ReadVarOptions {
  /** Hears about a rejected value of a `warn` variable; without it the value is ignored quietly. */
  readonly warn?: (warning: RouteWarning) => void;
}

export type VarValue = boolean | number | string | readonly string[] | URL;

/** Why a value was rejected, and the fix: both end up in the error or the warning. */
interface Rejection {
  readonly expected: string;
  readonly fix: string;
}

function tableEntry(name: string, kinds?: readonly VarKind[]): EnvVarEntry {
  const entry = findEnvVar(name);
  // A programming error, not a user's: the scan test in test/integration keeps it from shipping.
  if (!entry || entry.kind !== 'env') throw new CcBedrockError('INTERNAL', `${name} is not in the variable table (src/settings/env-vars.ts)`);
  if (kinds && !kinds.includes(entry.parse.kind)) {
    throw new CcBedrockError('INTERNAL', `${name} is a ${entry.parse.kind} variable in the table, read as ${kinds.join('/')}`);
  }
  return entry;
}

/** "a whole number of milliseconds", "a positive whole number of tokens", "a whole number" (a count). */
export function numberPhrase(spec: { readonly kind: 'integer' | 'duration'; readonly unit?: string; readonly min: number }): string {
  const unit = spec.kind === 'duration' ? 'milliseconds' : spec.unit;
  const whole = spec.min === 1 ? 'a positive whole number' : 'a whole number';
  return unit === undefined || unit === 'count' ? whole : `${whole} of ${unit}`;
}

function rangeText(min: number, unit: string): string {
  return min > 1 ? `, at least ${min}${unit ? ` ${unit}` : ''}` : '';
}

/** The parsed value, or why the text is not one. */
function parse(name: string, spec: VarParse, text: string): { ok: true; value: VarValue } | { ok: false; rejection: Rejection } {
  switch (spec.kind) {
    case 'switch': {
      const word = parseSwitchWord(text);
      if (word) return { ok: true, value: word === 'on' };
      return { ok: false, rejection: { expected: 'an on/off value (1/true or 0/false)', fix: `set ${name}=1 to turn it on, or remove it` } };
    }
    case 'aws-flag':
      return { ok: true, value: text !== 'false' };
    case 'integer':
    case 'duration': {
      const unit = spec.kind === 'duration' ? 'milliseconds' : spec.unit;
      const what = numberPhrase(spec);
      const expected = `${what}${rangeText(spec.min, unit === 'count' ? '' : unit)}`;
      const fix = `set ${name} to ${what} such as ${spec.example}, or unset it`;
      const number = parseNumberWord(text);
      // Durations may be fractional (`1.5e3`); they are rounded down, as the timers would.
      const value = number === undefined ? undefined : spec.kind === 'duration' ? Math.floor(number) : number;
      if (value === undefined || !Number.isInteger(value) || value < spec.min) return { ok: false, rejection: { expected, fix } };
      return { ok: true, value };
    }
    case 'url': {
      const fix = `set ${name} to an absolute http(s) URL such as ${spec.example}, or unset it`;
      let parsed: URL;
      try {
        parsed = new URL(text);
      } catch {
        return { ok: false, rejection: { expected: 'an absolute URL', fix } };
      }
      if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return { ok: false, rejection: { expected: `an http or https URL (its scheme is ${parsed.protocol})`, fix } };
      if (parsed.username || parsed.password) {
        // Credentials in a base URL would be printed by status and logged by every proxy on the way.
        return { ok: false, rejection: { expected: 'usable: it embeds a user name or password', fix: `remove the credentials from ${name}; put gateway credentials in ANTHROPIC_CUSTOM_HEADERS instead` } };
      }
      return { ok: true, value: text.replace(/\/+$/, '') };
    }
    case 'enum': {
      const match = spec.values.find((value) => value === text || (spec.anyCase === true && value.toLowerCase() === text.toLowerCase()));
      if (match) return { ok: true, value: match };
      const hint = spec.hints?.[text.toLowerCase()];
      return { ok: false, rejection: { expected: `one of ${spec.values.join(', ')}`, fix: `set ${name} to one of ${spec.values.join(', ')}, or unset it${hint ? `; ${hint}` : ''}` } };
    }
    case 'region':
      // A typo must never end up in a request URL; Claude Code skips such a value too.
      if (isRegionShaped(text)) return { ok: true, value: text };
      return { ok: false, rejection: { expected: 'an AWS region name', fix: `set ${name} to a region such as us-east-1, or unset it` } };
    case 'proxy-url': {
      const url = parseProxyUrl(name, text);
      if (url instanceof URL) return { ok: true, value: url };
      return { ok: false, rejection: { expected: `a usable proxy URL: ${url.problem}`, fix: url.fix } };
    }
    case 'list':
      return { ok: true, value: text.split(',').map((item) => item.trim()).filter((item) => item !== '') };
    default:
      return { ok: true, value: text };
  }
}

/** "NAME (source) is "value", which is not …"; the value left out when it could hold a secret (secrets; URLs with `user:password@`). */
function rejectionText(entry: EnvVarEntry, source: string, value: string, expected: string): string {
  // A proxy's login is hidden but the rest shown: which host and scheme were meant is the clue.
  if (entry.parse.kind === 'proxy-url') return `${entry.name} (${source}) is "${redactRawProxyValue(value)}", which is not ${expected}`;
  const hidden = entry.parse.kind === 'secret' || entry.parse.kind === 'url';
  return hidden ? `${entry.name} (${source}) is not ${expected}` : `${entry.name} (${source}) is "${value}", which is not ${expected}`;
}

/** A set value the table's parser rejects: what doctor reports and what `readVar` throws or warns. */
export interface VarRejection {
  readonly name: string;
  readonly source: string;
  readonly badValue: 'error' | 'warn';
  /** The error code (`error`) or warning code (`warn`) the reader uses. */
  readonly code: string;
  /** The reader's message, with what happens for a `warn` value. */
  readonly message: string;
  readonly fix: string;
}

type Outcome = { ok: true; reading: VarReading<VarValue> } | { ok: false; rejection: VarRejection } | undefined;

/** Parses one table variable; undefined when unset (empty counts as unset). */
function outcome(env: EnvLookup, entry: EnvVarEntry): Outcome {
  const raw = env.get(entry.name);
  if (!raw) return undefined;
  const result = parse(entry.name, entry.parse, raw.value);
  if (result.ok) return { ok: true, reading: { name: entry.name, value: result.value, source: raw.source } };
  const { expected, fix } = result.rejection;
  const what = rejectionText(entry, raw.source, raw.value, expected);
  const isSwitch = entry.parse.kind === 'switch';
  if (entry.badValue === 'warn') {
    // A region falls through to the next source in the order, not to a default.
    const consequence = isSwitch ? 'so it counts as off' : entry.parse.kind === 'region' ? 'so it is ignored' : 'so it is ignored and the default applies';
    const code = entry.warningCode ?? (isSwitch ? 'switch-value-unrecognised' : 'variable-value-ignored');
    return { ok: false, rejection: { name: entry.name, source: raw.source, badValue: 'warn', code, message: `${what}, ${consequence}`, fix } };
  }
  return { ok: false, rejection: { name: entry.name, source: raw.source, badValue: 'error', code: entry.errorCode ?? 'SETTINGS_TYPE_INVALID', message: what, fix } };
}

/**
 * A variable's typed value and source; undefined when unset (empty counts as unset) or when a
 * `warn` variable holds a value the parser rejects. Throws for a rejected `error` variable.
 */
export function readVar(env: EnvLookup, name: string, options: ReadVarOptions = {}, kinds?: readonly VarKind[]): VarReading<VarValue> | undefined {
  const result = outcome(env, tableEntry(name, kinds));
  if (!result) return undefined;
  if (result.ok) return result.reading;
  const { rejection } = result;
  if (rejection.badValue === 'warn') {
    options.warn?.({ code: rejection.code, message: rejection.message, fix: rejection.fix });
    return undefined;
  }
  throw new CcBedrockError(rejection.code as ErrorCode, rejection.message, { remediation: rejection.fix, details: { variable: name, source: rejection.source } });
}

/** Every set table variable whose value its parser rejects, in table order: what a session would stop on or ignore. */
export function rejectedVarValues(env: EnvLookup): VarRejection[] {
  const out: VarRejection[] = [];
  for (const entry of ENV_VARS) {
    if (entry.kind !== 'env') continue;
    const result = outcome(env, entry);
    if (result && !result.ok) out.push(result.rejection);
  }
  return out;
}

/** Whether a table variable is set at all (non-empty), its value unparsed: for "is there an override". */
export function isVarSet(env: EnvLookup, name: string): boolean {
  tableEntry(name);
  return env.get(name) !== undefined;
}

/** A switch: true only when on; unset, off, and (for Claude Code's switches) an unrecognised value are false. */
export function readSwitchVar(env: EnvLookup, name: string, options: ReadVarOptions = {}): boolean {
  return readVar(env, name, options, ['switch'])?.value === true;
}

/** An AWS SDK flag with where it came from, when it is on (set to anything but `false`). */
export function readAwsFlag(env: EnvLookup, name: string): VarReading<boolean> | undefined {
  const entry = readVar(env, name, {}, ['aws-flag']);
  return entry?.value === true ? (entry as VarReading<boolean>) : undefined;
}

/** A switch with where it came from, when it is set to an on/off value. */
export function readSwitchReading(env: EnvLookup, name: string, options: ReadVarOptions = {}): VarReading<boolean> | undefined {
  return readVar(env, name, options, ['switch']) as VarReading<boolean> | undefined;
}

/** An integer or duration (milliseconds) variable. */
export function readNumberVar(env: EnvLookup, name: string, options: ReadVarOptions = {}): VarReading<number> | undefined {
  return readVar(env, name, options, ['integer', 'duration']) as VarReading<number> | undefined;
}

/** A URL variable, trailing slashes dropped. */
export function readUrlVar(env: EnvLookup, name: string, options: ReadVarOptions = {}): VarReading<string> | undefined {
  return readVar(env, name, options, ['url']) as VarReading<string> | undefined;
}

/** An enum variable: the table's spelling of the value (matched without regard to case). */
export function readEnumVar(env: EnvLookup, name: string, options: ReadVarOptions = {}): VarReading<string> | undefined {
  return readVar(env, name, options, ['enum']) as VarReading<string> | undefined;
}

/** A region variable: a value not shaped like a region is rejected per the entry's policy. */
export function readRegionVar(env: EnvLookup, name: string, options: ReadVarOptions = {}): VarReading<string> | undefined {
  return readVar(env, name, options, ['region']) as VarReading<string> | undefined;
}

/** A proxy variable (HTTPS_PROXY and friends) as a URL; throws SETTINGS_TYPE_INVALID, its login hidden, when unusable. */
export function readProxyUrlVar(env: EnvLookup, name: string): VarReading<URL> | undefined {
  return readVar(env, name, {}, ['proxy-url']) as VarReading<URL> | undefined;
}

/** A comma list variable, blanks dropped. */
export function readListVar(env: EnvLookup, name: string, options: ReadVarOptions = {}): VarReading<readonly string[]> | undefined {
  return readVar(env, name, options, ['list']) as VarReading<readonly string[]> | undefined;
}
