/** Small pure helpers several checks share. */
import type { RouteWarning } from '../core/route-plan.js';
import {
  findModelById,
  geoForRegion,
  geoServesRegion,
  hasProfileIn,
  profileIdFor,
  type CatalogModel,
} from '../models/model-catalog.js';
import type { Selection } from '../routing/resolve-configuration.js';
import type { DoctorFacts } from './facts.js';

/**
 * Selections whose model the user chose (or the session uses): the main and small/fast roles,
 * pinned aliases, modelOverrides values and the subagent model. Unpinned aliases and
 * availableModels entries are not configuration problems by themselves.
 */
export function chosenSelections(facts: DoctorFacts): Selection[] {
  return facts.models.selections.filter((selection) => {
    if (selection.kind === 'allowlist') return false;
    if (selection.kind === 'tier') return selection.configured !== undefined;
    return true;
  });
}

/** Selections carrying a value the user wrote (so a fix can name where to change it). */
export function configuredSelections(facts: DoctorFacts): Array<Selection & { configured: NonNullable<Selection['configured']> }> {
  return chosenSelections(facts).filter((selection): selection is Selection & { configured: NonNullable<Selection['configured']> } => selection.configured !== undefined);
}

/** Each configured pin once (several roles can share one setting): what the models.* checks judge. */
export function distinctPins(facts: DoctorFacts): ReturnType<typeof configuredSelections> {
  return uniqueBy(configuredSelections(facts), (selection) => selection.configured.source);
}

/** Keeps the first item per key. */
export function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Every warning of the model resolution, once. */
export function modelWarnings(facts: DoctorFacts, selections: readonly Selection[] = facts.models.selections): RouteWarning[] {
  return uniqueBy([...facts.models.warnings, ...selections.flatMap((selection) => selection.warnings)], (warning) => `${warning.code}\u0000${warning.message}`);
}

/** `1.2.3` → comparable tuple; undefined when not a version. */
export function parseVersion(text: string | undefined): [number, number, number] | undefined {
  const match = /^(\d+)\.(\d+)\.(\d+)/.exec(text ?? '');
  if (!match) return undefined;
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

export function versionBefore(version: string, minimum: string): boolean {
  const a = parseVersion(version);
  const b = parseVersion(minimum);
  if (!a || !b) return false;
  for (let i = 0; i < 3; i++) {
    if (a[i]! !== b[i]!) return a[i]! < b[i]!;
  }
  return false;
}

/** The inference-profile ID to suggest for a model in a region: its geography's, else `global.`. */
export function suggestedProfileId(model: CatalogModel | undefined, region: string): string | undefined {
  if (!model?.bedrock) return undefined;
  const geo = geoForRegion(region);
  if (hasProfileIn(model, geo)) return profileIdFor(model, geo);
  if (geo !== 'us-gov' && hasProfileIn(model, 'global') && geoServesRegion('global', region)) return profileIdFor(model, 'global');
  return undefined;
}

export function catalogModelOf(selection: Selection): CatalogModel | undefined {
  const key = selection.resolved?.catalogKey;
  if (key) return findModelById(key);
  return selection.resolved ? findModelById(selection.resolved.wireModelId) : undefined;
}

/** Levenshtein distance, bounded: returns limit + 1 as soon as the distance exceeds it. */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      current[j] = value;
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length] ?? limit + 1;
}

export function formatDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours < 48) return rest ? `${hours} h ${rest} min` : `${hours} h`;
  return `${Math.round(hours / 24)} days`;
}
