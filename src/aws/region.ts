import type { EnvLookup, RouteWarning, Sourced } from '../core/route-plan.js';
import { isRegionShaped } from '../core/region-shape.js';
import { readRegionVar } from '../settings/read-var.js';
import { activeProfile, loadAwsFiles, sectionHeader, type AwsFilePath, type IniSections } from './shared-files.js';

export const DEFAULT_REGION = 'us-east-1';

export interface RegionResolution {
  readonly region: Sourced<string>;
  /** One per ignored value (not shaped like a region), naming where it was found. */
  readonly warnings: RouteWarning[];
}

/** The inputs of `resolveRegion`: the effective environment and the home directory (for the AWS config files). */
export interface ResolveRegionOptions {
  readonly env: EnvLookup;
  readonly homeDir: string;
}

const REGION_VARIABLES = ['AWS_REGION', 'AWS_DEFAULT_REGION'] as const;

/**
 * Claude Code's region order (v2.1.172+, spec §5.1): AWS_REGION, AWS_DEFAULT_REGION, the
 * `region` of the active profile (credentials file before config file, as the AWS SDK merges
 * them), then us-east-1. A value not shaped like a region is skipped with a warning, so a typo
 * never ends up in a request URL.
 */
export async function resolveRegion({ env, homeDir }: ResolveRegionOptions): Promise<RegionResolution> {
  const warnings: RouteWarning[] = [];

  for (const variable of REGION_VARIABLES) {
    // The table's region parser: a value not shaped like a region is skipped with a warning.
    const entry = readRegionVar(env, variable, { warn: (warning) => warnings.push(warning) });
    if (entry) return { region: { value: entry.value, source: `${variable} (${entry.source})` }, warnings };
  }

  const profile = activeProfile(env);
  const files = await loadAwsFiles(env, homeDir);
  const candidates: ReadonlyArray<{ file: AwsFilePath; kind: 'credentials' | 'config'; sections: IniSections }> = [
    { file: files.paths.credentials, kind: 'credentials', sections: files.credentials },
    { file: files.paths.config, kind: 'config', sections: files.config },
  ];
  for (const { file, kind, sections } of candidates) {
    const raw = sections[profile.value]?.region?.trim();
    if (!raw) continue;
    if (isRegionShaped(raw)) {
      return { region: { value: raw, source: `region of profile "${profile.value}" in ${file.label}` }, warnings };
    }
    warnings.push({
      code: 'region-invalid',
      message: `region ${JSON.stringify(raw)} of profile "${profile.value}" in ${file.label} is not a region name, so it is ignored`,
      fix: `correct the region line under ${sectionHeader(profile.value, kind)} in ${file.path}`,
    });
  }

  return { region: { value: DEFAULT_REGION, source: `default (${DEFAULT_REGION})` }, warnings };
}
