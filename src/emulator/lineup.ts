/**
 * The emulated account's model lineup, derived from the model catalog: which foundation models
 * exist, in which regions, with which system inference profiles and Mantle IDs. A scenario may
 * leave models out or narrow their regions, profiles and Mantle presence (grants and denials
 * live in `access`), but it cannot invent a model, profile or Mantle ID the catalog does not
 * know, nor restate a catalog fact differently: the emulator and the resolver never drift apart.
 */
import { z } from 'zod';
import {
  GEO_PREFIXES,
  MODEL_CATALOG,
  findModelById,
  geoServesRegion,
  type CatalogModel,
  type GeoPrefix,
} from '../models/model-catalog.js';

/** A scenario's model entry as written: a catalog model, optionally narrowed. */
export const scenarioModelSchema = z.strictObject({
  /** The catalog model: its Bedrock base ID (`anthropic.claude-sonnet-4-5-20250929-v1:0`) or any ID form the catalog knows. */
  id: z.string().min(1),
  /** Regions hosting the foundation model; default: the scenario's regions some catalog profile serves. */
  regions: z.array(z.string()).min(1).optional(),
  /** Profile prefixes that exist for this model; default and upper bound: the catalog's. */
  profiles: z.array(z.string()).optional(),
  /** The catalog's Mantle ID (with optional regions), or `false` to leave the model off Mantle. */
  mantle: z
    .union([
      z.literal(false),
      z.object({
        id: z.string().regex(/^anthropic\.[a-z0-9-]+$/, 'a Mantle ID is `anthropic.` plus a bare model name'),
        regions: z.array(z.string()).optional(),
      }),
    ])
    .optional(),
  countTokens: z.boolean().default(true),
  // Catalog facts: accepted when they agree with the catalog (a scenario read back and written again).
  name: z.string().optional(),
  anthropicModel: z.string().optional(),
  onDemand: z.boolean().optional(),
  lifecycle: z.enum(['ACTIVE', 'LEGACY']).optional(),
  releasedAt: z.string().optional(),
});

export type ScenarioModelInput = z.input<typeof scenarioModelSchema>;

/** A model of the emulated account, every fact filled in from the catalog. */
export interface ScenarioModel {
  /** Base foundation-model ID (or, for models without one, the catalog's profile stem). */
  readonly id: string;
  /** Display name as the control plane shows it. */
  readonly name: string;
  /** Anthropic model name reported in response bodies. */
  readonly anthropicModel: string;
  // Mutable arrays: tests and scenarios take a served lineup, narrow it, and pass it back in.
  readonly regions: string[];
  readonly onDemand: boolean;
  readonly profiles: string[];
  readonly mantle?: { readonly id: string; readonly regions?: string[] };
  readonly countTokens: boolean;
  readonly lifecycle: 'ACTIVE' | 'LEGACY';
  readonly releasedAt: string;
}

/** A key path and what is wrong there, for the scenario error. */
export interface LineupIssue {
  readonly path: string;
  readonly message: string;
}

/** Models the emulator can serve at all: the catalog's Bedrock models that are not retired. */
export function servableCatalogModels(): CatalogModel[] {
  return MODEL_CATALOG.filter((model) => model.bedrock !== undefined && model.lifecycle.status !== 'retired');
}

function catalogProfiles(model: CatalogModel): GeoPrefix[] {
  return GEO_PREFIXES.filter((geo) => model.bedrock?.profiles[geo] !== undefined);
}

/** The scenario regions where a system profile of these geographies can be called. */
function regionsServed(profiles: readonly string[], regions: readonly string[]): string[] {
  return regions.filter((region) => profiles.some((geo) => (GEO_PREFIXES as readonly string[]).includes(geo) && geoServesRegion(geo as GeoPrefix, region)));
}

function catalogFacts(model: CatalogModel): Pick<ScenarioModel, 'id' | 'name' | 'anthropicModel' | 'onDemand' | 'lifecycle' | 'releasedAt'> {
  return {
    id: model.bedrock!.baseId,
    name: model.displayName,
    anthropicModel: model.anthropicIds[0] ?? model.key,
    onDemand: model.bedrock!.onDemand,
    lifecycle: model.lifecycle.status === 'active' ? 'ACTIVE' : 'LEGACY',
    releasedAt: `${model.released.date}T00:00:00Z`,
  };
}

/** The full lineup for these regions: every servable catalog model with all its profiles and Mantle ID. */
export function catalogLineup(regions: readonly string[]): ScenarioModel[] {
  return servableCatalogModels().flatMap((model) => {
    const profiles = catalogProfiles(model);
    const served = regionsServed(profiles, regions);
    if (served.length === 0) return [];
    return [
      {
        ...catalogFacts(model),
        regions: served,
        profiles,
        ...(model.mantle?.served ? { mantle: { id: model.mantle.id } } : {}),
        countTokens: true,
      },
    ];
  });
}

type ParsedEntry = z.output<typeof scenarioModelSchema>;

/** One written entry against the catalog: the filled-in model, or the issues naming `models.N.key`. */
function materialize(entry: ParsedEntry, index: number, regions: readonly string[], issues: LineupIssue[]): ScenarioModel | undefined {
  const at = (key: string): string => `models.${index}${key ? `.${key}` : ''}`;
  const model = findModelById(entry.id);
  if (!model || !model.bedrock || model.lifecycle.status === 'retired') {
    issues.push({
      path: at('id'),
      message: `${entry.id} is not a model the catalog serves on Bedrock (src/models/model-catalog.ts); use one of ${servableCatalogModels()
        .map((m) => m.bedrock!.baseId)
        .join(', ')}`,
    });
    return undefined;
  }
  const facts = catalogFacts(model);
  for (const key of ['name', 'anthropicModel', 'onDemand', 'lifecycle'] as const) {
    const given = entry[key];
    if (given !== undefined && given !== facts[key] && !(key === 'anthropicModel' && model.anthropicIds.includes(given as string))) {
      issues.push({ path: at(key), message: `is ${JSON.stringify(given)}, but the catalog says ${JSON.stringify(facts[key])}; leave it out` });
    }
  }
  if (entry.releasedAt !== undefined && Date.parse(entry.releasedAt) !== Date.parse(facts.releasedAt)) {
    issues.push({ path: at('releasedAt'), message: `is ${entry.releasedAt}, but the catalog says ${facts.releasedAt}; leave it out` });
  }
  const known = catalogProfiles(model);
  const profiles = entry.profiles ?? known;
  const unknown = profiles.filter((geo) => !(known as string[]).includes(geo));
  if (unknown.length > 0) {
    issues.push({ path: at('profiles'), message: `${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not a profile the catalog knows for ${model.displayName} (known: ${known.join(', ')})` });
  }
  let mantle: ScenarioModel['mantle'];
  if (entry.mantle === undefined) {
    mantle = model.mantle?.served ? { id: model.mantle.id } : undefined;
  } else if (entry.mantle !== false) {
    if (!model.mantle?.served || entry.mantle.id !== model.mantle.id) {
      issues.push({
        path: at('mantle.id'),
        message: model.mantle?.served ? `must be the catalog's Mantle ID ${model.mantle.id}` : `${model.displayName} is not in the catalog's Mantle lineup; leave mantle out`,
      });
    }
    mantle = { id: entry.mantle.id, ...(entry.mantle.regions ? { regions: entry.mantle.regions } : {}) };
  }
  const served = entry.regions ?? regionsServed(profiles, regions);
  if (served.length === 0) {
    issues.push({ path: at('regions'), message: `no region of the scenario (${regions.join(', ')}) is served by the profiles ${profiles.join(', ') || '(none)'}; give regions` });
  }
  return { ...facts, regions: served, profiles, ...(mantle ? { mantle } : {}), countTokens: entry.countTokens };
}

/** Written entries (or none: the full catalog lineup) → the account's models, or the issues. */
export function resolveLineup(entries: readonly ParsedEntry[] | undefined, regions: readonly string[]): { models: ScenarioModel[]; issues: LineupIssue[] } {
  if (entries === undefined) return { models: catalogLineup(regions), issues: [] };
  const issues: LineupIssue[] = [];
  const models: ScenarioModel[] = [];
  entries.forEach((entry, index) => {
    const model = materialize(entry, index, regions, issues);
    if (!model) return;
    if (models.some((m) => m.id === model.id)) issues.push({ path: `models.${index}.id`, message: `${model.id} is listed twice` });
    else models.push(model);
  });
  return { models, issues };
}
