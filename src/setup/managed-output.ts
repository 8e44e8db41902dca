/**
 * What `setup --managed` writes besides managed-settings.json, and where each form goes: the
 * same settings as a macOS configuration profile and a Windows .reg file, next to the JSON file,
 * with the paths Claude Code reads on each OS (spec §3.1).
 */
import { dirname, extname, basename, join } from 'node:path';
import { defaultManagedSettingsDir, displayPath } from '../settings/load-settings.js';
import { MACOS_MANAGED_PLIST, registryLabel } from '../settings/managed-sources.js';
import { writeTextFileAtomic } from '../settings/write-settings.js';
import { toMobileconfig, toRegFile } from './mdm-formats.js';

export interface ManagedForms {
  /** The files written, as shown to users. */
  readonly written: readonly string[];
  /** Where to deploy each form. */
  readonly hints: readonly string[];
}

/** Writes `<name>.mobileconfig` and `<name>.reg` next to the managed settings file. */
export function writeManagedForms(settingsPath: string, settings: Readonly<Record<string, unknown>>, homeDir: string): ManagedForms {
  const stem = join(dirname(settingsPath), basename(settingsPath, extname(settingsPath)));
  const profilePath = `${stem}.mobileconfig`;
  const regPath = `${stem}.reg`;
  // Rendered before either is written: a value a form cannot carry stops both, not half.
  const profile = toMobileconfig(settings);
  const reg = toRegFile(settings);
  const label = (path: string): string => displayPath(path, homeDir);
  writeTextFileAtomic(profilePath, profile, label(profilePath));
  writeTextFileAtomic(regPath, reg, label(regPath));
  const file = (platform: NodeJS.Platform): string => `${defaultManagedSettingsDir(platform)}${platform === 'win32' ? '\\' : '/'}managed-settings.json`;
  return {
    written: [label(profilePath), label(regPath)],
    hints: [
      'Deploy one form per OS (Claude Code reads the first managed source that has settings):',
      `  Linux and WSL: copy ${basename(settingsPath)} to ${file('linux')}`,
      `  macOS: push ${label(profilePath)} through your MDM (it lands in ${MACOS_MANAGED_PLIST}), or copy ${basename(settingsPath)} to ${file('darwin')}`,
      `  Windows: import ${label(regPath)} (reg import, or Group Policy) to set ${registryLabel('HKLM')}, or copy ${basename(settingsPath)} to ${file('win32')}`,
    ],
  };
}
