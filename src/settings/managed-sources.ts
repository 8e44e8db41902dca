/**
 * The managed sources Claude Code reads besides managed-settings.json (spec §3.1, §3.2): the macOS
 * managed-preferences domain `com.anthropic.claudecode` (pushed by an MDM configuration profile)
 * and the Windows policy keys `HKLM\SOFTWARE\Policies\ClaudeCode` / `HKCU\...` (value `Settings`,
 * the settings JSON as a string).
 *
 * Within managed, Claude Code takes the first source that delivers at least one key, in the order
 * MDM (plist / HKLM) → files (managed-settings.json with managed-settings.d) → HKCU, and does not
 * merge the others, except `env`, which merges per variable across the admin sources (MDM and
 * files; the higher source wins each variable, v2.1.223+). HKCU is user-writable: it counts only
 * when nothing else delivers a key.
 *
 * Reading the plist and the registry is impure and injected (`ManagedReaders`); deciding which
 * source wins is a pure function of what was read, tested with fixtures on any OS.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Settings } from './settings-schema.js';

export const MANAGED_PREFERENCES_DOMAIN = 'com.anthropic.claudecode';
/** Where macOS puts a configuration profile's preferences for every user of the machine. */
export const MACOS_MANAGED_PLIST = `/Library/Managed Preferences/${MANAGED_PREFERENCES_DOMAIN}.plist`;
export const WINDOWS_POLICY_KEY = 'SOFTWARE\\Policies\\ClaudeCode';
export const WINDOWS_POLICY_VALUE = 'Settings';

export type RegistryHive = 'HKLM' | 'HKCU';
/** Where a managed settings object came from; `file` covers managed-settings.json and its drop-ins. */
export type ManagedSourceKind = 'mdm' | 'file' | 'hkcu';
/** What a managed source contributes after the within-managed rule. */
export type ManagedRole = 'in effect' | 'env only' | 'not used';

export interface ManagedReaders {
  /** The managed-preferences plist as a plain object; undefined when there is none. */
  readonly readPlist?: ((path: string) => Record<string, unknown> | undefined) | undefined;
  /** The `Settings` value of `<hive>\SOFTWARE\Policies\ClaudeCode`; undefined when absent. */
  readonly readRegistry?: ((hive: RegistryHive) => string | undefined) | undefined;
}

/** A managed source other than the files, as load-settings reads it: inline JSON with a label. */
export interface PolicySource {
  readonly kind: 'mdm' | 'hkcu';
  /** A stable identifier (the plist path, or the registry key and value). */
  readonly path: string;
  readonly label: string;
  /** The settings JSON text; undefined when the source is absent on this machine. */
  readonly inline: string | undefined;
}

export function registryLabel(hive: RegistryHive): string {
  return `${hive}\\${WINDOWS_POLICY_KEY} (${WINDOWS_POLICY_VALUE})`;
}

/**
 * The MDM and registry sources for a platform, read through `readers`. A reader that throws
 * leaves its source absent: a broken `reg.exe` must not stop `status`.
 */
export function readPolicySources(platform: NodeJS.Platform, readers: ManagedReaders): { mdm: PolicySource[]; hkcu: PolicySource[] } {
  const safely = <T>(read: () => T): T | undefined => {
    try {
      return read();
    } catch {
      return undefined;
    }
  };
  if (platform === 'darwin') {
    const value = readers.readPlist ? safely(() => readers.readPlist?.(MACOS_MANAGED_PLIST)) : undefined;
    return {
      mdm: [{ kind: 'mdm', path: MACOS_MANAGED_PLIST, label: `${MACOS_MANAGED_PLIST} (MDM profile)`, inline: value === undefined ? undefined : JSON.stringify(value) }],
      hkcu: [],
    };
  }
  if (platform === 'win32') {
    const read = (hive: RegistryHive): PolicySource => ({
      kind: hive === 'HKLM' ? 'mdm' : 'hkcu',
      path: `${hive}\\${WINDOWS_POLICY_KEY}\\${WINDOWS_POLICY_VALUE}`,
      label: registryLabel(hive),
      inline: readers.readRegistry ? safely(() => readers.readRegistry?.(hive)) : undefined,
    });
    return { mdm: [read('HKLM')], hkcu: [read('HKCU')] };
  }
  return { mdm: [], hkcu: [] };
}

export interface ManagedEntry {
  readonly source: ManagedSourceKind;
  readonly label: string;
  readonly settings: Settings | undefined;
}

function deliversKeys(entry: ManagedEntry): boolean {
  return entry.settings !== undefined && Object.keys(entry.settings).length > 0;
}

/**
 * The within-managed rule: which source wins, and what each entry contributes. Entries are in
 * load order (lowest first: HKCU, files, MDM), so merging the returned settings in that order
 * gives the winner's keys and, per variable, the highest admin source's `env`.
 */
export function selectManagedSource(entries: readonly ManagedEntry[]): {
  readonly winner: ManagedSourceKind | undefined;
  readonly contributions: ReadonlyArray<{ readonly role: ManagedRole; readonly settings: Settings | undefined }>;
} {
  const order: ManagedSourceKind[] = ['mdm', 'file', 'hkcu'];
  const winner = order.find((kind) => entries.some((entry) => entry.source === kind && deliversKeys(entry)));
  const contributions = entries.map((entry) => {
    if (entry.source === winner || !deliversKeys(entry)) return { role: 'in effect' as const, settings: entry.settings };
    if (entry.source !== 'hkcu' && entry.settings?.env !== undefined) {
      return { role: 'env only' as const, settings: { env: entry.settings.env } as Settings };
    }
    return { role: 'not used' as const, settings: undefined };
  });
  return { winner, contributions };
}

/**
 * The `Settings` value in `reg query <key> /v Settings` output, or undefined when the output has
 * none. Lines look like `    Settings    REG_SZ    {"env":...}`; the data runs to the end of the line.
 */
export function parseRegQueryOutput(output: string): string | undefined {
  for (const line of output.split(/\r?\n/)) {
    const match = /^\s+(\S+)\s+(REG_SZ|REG_EXPAND_SZ)\s{4}(.*)$/.exec(line);
    if (match && match[1]?.toLowerCase() === WINDOWS_POLICY_VALUE.toLowerCase()) return match[3];
  }
  return undefined;
}

/** Bounded: a hung `reg.exe` or `plutil` must not hang `status`. */
const READ_TIMEOUT_MS = 5000;

/**
 * The readers for the machine this process runs on, or none when `platform` is another OS (a
 * test resolving for `darwin` on Linux reads nothing). `reg query` and `plutil` are the tools
 * the OS ships; plutil also reads the binary plists MDM agents write.
 */
export function hostManagedReaders(platform: NodeJS.Platform): ManagedReaders {
  if (platform !== process.platform) return {};
  if (platform === 'darwin') {
    return {
      readPlist: (path) => {
        if (!existsSync(path)) return undefined;
        const result = spawnSync('/usr/bin/plutil', ['-convert', 'json', '-o', '-', path], { encoding: 'utf8', timeout: READ_TIMEOUT_MS });
        if (result.status !== 0) return undefined;
        const value = JSON.parse(result.stdout) as unknown;
        return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
      },
    };
  }
  if (platform === 'win32') {
    return {
      readRegistry: (hive) => {
        const result = spawnSync('reg', ['query', `${hive}\\${WINDOWS_POLICY_KEY}`, '/v', WINDOWS_POLICY_VALUE], {
          encoding: 'utf8',
          timeout: READ_TIMEOUT_MS,
          windowsHide: true,
        });
        return result.status === 0 ? parseRegQueryOutput(result.stdout) : undefined;
      },
    };
  }
  return {};
}
