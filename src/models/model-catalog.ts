/**
 * The one table of Claude model facts on Amazon Bedrock. Every other module asks this file for
 * model IDs, inference-profile geographies, Mantle availability, 1M support and lifecycle;
 * nothing else in the codebase spells a model ID.
 *
 * Sources: spec §7.1–§7.5 and §13.3, wire formats §7–§8 (Anthropic's "Claude on Amazon Bedrock
 * (legacy)" table, the AWS CDK cross-region profile enum, the AWS geographic CRIS guide), and the
 * reference behaviour of Claude Code 2.1.197. Where a fact is unverified the entry says so with
 * `evidence: 'unverified'` rather than guessing silently.
 */

export type ModelFamily = 'opus' | 'sonnet' | 'haiku' | 'fable';
export const MODEL_FAMILIES: readonly ModelFamily[] = ['opus', 'sonnet', 'haiku', 'fable'];

/** System cross-region inference-profile prefixes (the part before `.anthropic.`). */
export type GeoPrefix = 'global' | 'us' | 'eu' | 'apac' | 'jp' | 'au' | 'us-gov';
/** Longest first, so `us-gov.` is never read as `us.`. */
export const GEO_PREFIXES: readonly GeoPrefix[] = ['us-gov', 'global', 'apac', 'us', 'eu', 'jp', 'au'];

/**
 * How sure the catalog is that a system inference profile exists:
 * `documented` (Anthropic/AWS tables or Claude Code docs), `observed` (seen working in public
 * issues/usage), `unverified` (marked `?` in the source tables or inferred; check
 * `aws bedrock list-inference-profiles` before relying on it).
 */
export type Evidence = 'documented' | 'observed' | 'unverified';

export type Lifecycle =
  | { readonly status: 'active' }
  /** Superseded; still served but on its way out. */
  | { readonly status: 'legacy'; readonly replacement: string }
  | { readonly status: 'deprecated'; readonly replacement: string; readonly since?: string }
  | { readonly status: 'retired'; readonly replacement: string; readonly since?: string };

/**
 * `none`: no 1M window. `beta`: 1M on request with the `[1m]` suffix, sent as the
 * `context-1m-2025-08-07` beta. `native`: always 1M, no `[1m]` variant (the suffix is a no-op).
 */
export type Context1m = 'none' | 'beta' | 'native';

export const CONTEXT_1M_BETA = 'context-1m-2025-08-07';

export interface BedrockModelFacts {
  /**
   * The ID after the geo prefix of its system profiles: the ARN-versioned base model ID
   * (`anthropic.claude-sonnet-4-5-20250929-v1:0`, `anthropic.claude-opus-4-6-v1`,
   * `anthropic.claude-sonnet-4-6`) or, for newer models without one, the profile stem
   * (`anthropic.claude-opus-4-8`).
   */
  readonly baseId: string;
  /** True when `baseId` is a real foundation-model ID (it has an ARN); false for profile stems. */
  readonly arnVersioned: boolean;
  /**
   * Whether InvokeModel accepts the base ID with on-demand throughput. Claude 4-era and later
   * models answer `on-demand throughput isn't supported` and need a profile ID or ARN.
   */
  readonly onDemand: boolean;
  /** Geographies with a system profile `<geo>.<baseId>`, and how sure we are. */
  readonly profiles: Readonly<Partial<Record<GeoPrefix, Evidence>>>;
}

export interface MantleModelFacts {
  /** `anthropic.<name>`: no geo prefix, no date, no `-vN` tail. */
  readonly id: string;
  /** In the Mantle lineup (spec §13.3, wire §7). Unserved IDs are kept so errors can name the model. */
  readonly served: boolean;
}

/** One model of `MODEL_CATALOG`. */
export interface CatalogModel {
  /** The short first-party ID, used as the catalog key: `claude-sonnet-4-5`. */
  readonly key: string;
  readonly family: ModelFamily;
  /** `Claude Sonnet 4.5`. */
  readonly displayName: string;
  /** Every first-party Anthropic ID form of this model, dated form first when one exists. */
  readonly anthropicIds: readonly string[];
  readonly bedrock: BedrockModelFacts | undefined;
  readonly mantle: MantleModelFacts | undefined;
  readonly context1m: Context1m;
  readonly lifecycle: Lifecycle;
  /**
   * When Anthropic released the model (YYYY-MM-DD): the Models API's `created_at` and the
   * emulator's foundation-model creation time. `documented` dates are Anthropic's announcements;
   * `unverified` ones are not in our references and only bounded by the first Claude Code
   * version that knew the model (spec §7.1: Opus 4.7 v2.1.111, Opus 4.8 v2.1.154, Fable 5
   * v2.1.170, Sonnet 5 v2.1.197, Opus 5 v2.1.219; docs of v2.1.128 are dated 2026-04-02, of
   * v2.1.141 2026-05-17, of v2.1.239 2026-08-22).
   */
  readonly released: { readonly date: string; readonly evidence: Evidence };
}

const ACTIVE: Lifecycle = { status: 'active' };

/**
 * Every Claude model cc-bedrock knows: first-party names, Bedrock and Mantle IDs, regions,
 * limits and lifecycle dates. The one source of model facts.
 *
 * GovCloud (`us-gov.`) profiles are listed only where there is evidence for them (Sonnet 4.5,
 * Haiku 4.5). Other models may well exist in GovCloud; until seen they are left out, so a
 * GovCloud user asking for them by first-party name gets a warning instead of a confident ID.
 *
 * Deprecation and retirement dates are Anthropic API dates where given; Bedrock runs its own
 * lifecycle (modelLifecycle in GetFoundationModel), which may end earlier or later.
 */
export const MODEL_CATALOG: readonly CatalogModel[] = [
  {
    key: 'claude-opus-5',
    family: 'opus',
    displayName: 'Claude Opus 5',
    anthropicIds: ['claude-opus-5'],
    bedrock: {
      baseId: 'anthropic.claude-opus-5',
      arnVersioned: false,
      onDemand: false,
      profiles: { global: 'documented', us: 'documented', eu: 'documented' },
    },
    mantle: { id: 'anthropic.claude-opus-5', served: true },
    context1m: 'beta',
    lifecycle: ACTIVE,
    // after v2.1.207–218 (default Opus 4.8) and before the 2026-08-22 docs (v2.1.239) that make it the default
    released: { date: '2026-08-01', evidence: 'unverified' },
  },
  {
    key: 'claude-opus-4-8',
    family: 'opus',
    displayName: 'Claude Opus 4.8',
    anthropicIds: ['claude-opus-4-8'],
    bedrock: {
      baseId: 'anthropic.claude-opus-4-8',
      arnVersioned: false,
      onDemand: false,
      profiles: { us: 'documented', eu: 'observed', global: 'unverified' },
    },
    mantle: { id: 'anthropic.claude-opus-4-8', served: true },
    context1m: 'beta',
    lifecycle: ACTIVE,
    // first in v2.1.154, after the 2026-05-17 docs (v2.1.141)
    released: { date: '2026-06-01', evidence: 'unverified' },
  },
  {
    key: 'claude-opus-4-7',
    family: 'opus',
    displayName: 'Claude Opus 4.7',
    anthropicIds: ['claude-opus-4-7'],
    bedrock: {
      baseId: 'anthropic.claude-opus-4-7',
      arnVersioned: false,
      onDemand: false,
      profiles: { us: 'documented', global: 'unverified', eu: 'unverified' },
    },
    mantle: { id: 'anthropic.claude-opus-4-7', served: true },
    context1m: 'beta',
    lifecycle: ACTIVE,
    // first in v2.1.111, before the 2026-04-02 docs (v2.1.128)
    released: { date: '2026-03-01', evidence: 'unverified' },
  },
  {
    key: 'claude-opus-4-6',
    family: 'opus',
    displayName: 'Claude Opus 4.6',
    anthropicIds: ['claude-opus-4-6'],
    bedrock: {
      baseId: 'anthropic.claude-opus-4-6-v1',
      arnVersioned: true,
      onDemand: false,
      profiles: { global: 'documented', us: 'documented', eu: 'documented', jp: 'documented', apac: 'documented' },
    },
    mantle: { id: 'anthropic.claude-opus-4-6', served: false },
    context1m: 'beta',
    lifecycle: ACTIVE,
    // Anthropic announcement "Claude Opus 4.6"
    released: { date: '2026-02-05', evidence: 'documented' },
  },
  {
    key: 'claude-opus-4-5',
    family: 'opus',
    displayName: 'Claude Opus 4.5',
    anthropicIds: ['claude-opus-4-5-20251101', 'claude-opus-4-5'],
    bedrock: {
      baseId: 'anthropic.claude-opus-4-5-20251101-v1:0',
      arnVersioned: true,
      onDemand: false,
      profiles: { global: 'documented', us: 'documented', eu: 'documented' },
    },
    mantle: { id: 'anthropic.claude-opus-4-5', served: false },
    context1m: 'none',
    lifecycle: ACTIVE,
    // Anthropic announcement "Introducing Claude Opus 4.5"
    released: { date: '2025-11-24', evidence: 'documented' },
  },
  {
    key: 'claude-opus-4-1',
    family: 'opus',
    displayName: 'Claude Opus 4.1',
    anthropicIds: ['claude-opus-4-1-20250805', 'claude-opus-4-1'],
    bedrock: {
      baseId: 'anthropic.claude-opus-4-1-20250805-v1:0',
      arnVersioned: true,
      onDemand: false,
      profiles: { us: 'documented' },
    },
    mantle: { id: 'anthropic.claude-opus-4-1', served: false },
    context1m: 'none',
    lifecycle: { status: 'deprecated', replacement: 'claude-opus-4-8' },
    // Anthropic announcement "Claude Opus 4.1"
    released: { date: '2025-08-05', evidence: 'documented' },
  },
  {
    key: 'claude-opus-4',
    family: 'opus',
    displayName: 'Claude Opus 4',
    anthropicIds: ['claude-opus-4-20250514', 'claude-opus-4-0'],
    bedrock: {
      baseId: 'anthropic.claude-opus-4-20250514-v1:0',
      arnVersioned: true,
      onDemand: false,
      profiles: { us: 'documented' },
    },
    mantle: { id: 'anthropic.claude-opus-4', served: false },
    context1m: 'none',
    lifecycle: { status: 'deprecated', replacement: 'claude-opus-4-8' },
    // Anthropic announcement "Introducing Claude 4"
    released: { date: '2025-05-22', evidence: 'documented' },
  },
  {
    key: 'claude-3-opus',
    family: 'opus',
    displayName: 'Claude 3 Opus',
    anthropicIds: ['claude-3-opus-20240229', 'claude-3-opus-latest'],
    bedrock: {
      baseId: 'anthropic.claude-3-opus-20240229-v1:0',
      arnVersioned: true,
      onDemand: false,
      profiles: { us: 'unverified' },
    },
    mantle: undefined,
    context1m: 'none',
    lifecycle: { status: 'retired', replacement: 'claude-opus-4-8', since: '2026-01-05' },
    // Anthropic announcement "Introducing the next generation of Claude"
    released: { date: '2024-03-04', evidence: 'documented' },
  },
  {
    key: 'claude-sonnet-5',
    family: 'sonnet',
    displayName: 'Claude Sonnet 5',
    anthropicIds: ['claude-sonnet-5'],
    bedrock: {
      baseId: 'anthropic.claude-sonnet-5',
      arnVersioned: false,
      onDemand: false,
      // `eu.anthropic.claude-sonnet-5` is the spec's example of an ID that does not exist.
      profiles: { us: 'observed', global: 'observed' },
    },
    mantle: { id: 'anthropic.claude-sonnet-5', served: true },
    context1m: 'native',
    lifecycle: ACTIVE,
    // first in v2.1.197, after Fable 5 (v2.1.170)
    released: { date: '2026-07-01', evidence: 'unverified' },
  },
  {
    key: 'claude-sonnet-4-6',
    family: 'sonnet',
    displayName: 'Claude Sonnet 4.6',
    anthropicIds: ['claude-sonnet-4-6'],
    bedrock: {
      // A real foundation-model ID that happens to look like a Mantle ID (no `-vN` tail).
      baseId: 'anthropic.claude-sonnet-4-6',
      arnVersioned: true,
      onDemand: false,
      profiles: { global: 'documented', us: 'documented', eu: 'documented', jp: 'documented' },
    },
    mantle: { id: 'anthropic.claude-sonnet-4-6', served: true },
    context1m: 'beta',
    lifecycle: ACTIVE,
    // Anthropic announcement; in the Bedrock docs from 2026-02-18 (spec §7.1)
    released: { date: '2026-02-17', evidence: 'documented' },
  },
  {
    key: 'claude-sonnet-4-5',
    family: 'sonnet',
    displayName: 'Claude Sonnet 4.5',
    anthropicIds: ['claude-sonnet-4-5-20250929', 'claude-sonnet-4-5'],
    bedrock: {
      baseId: 'anthropic.claude-sonnet-4-5-20250929-v1:0',
      arnVersioned: true,
      onDemand: false,
      profiles: {
        global: 'documented',
        us: 'documented',
        eu: 'documented',
        jp: 'documented',
        'us-gov': 'observed',
      },
    },
    mantle: { id: 'anthropic.claude-sonnet-4-5', served: false },
    context1m: 'beta', // context-1m-2025-08-07 on Bedrock; Claude Code sends it for sonnet[1m] on this model
    lifecycle: ACTIVE,
    // Anthropic announcement "Introducing Claude Sonnet 4.5"; in the Bedrock docs of 2025-09-29 (spec §7.1)
    released: { date: '2025-09-29', evidence: 'documented' },
  },
  {
    key: 'claude-sonnet-4',
    family: 'sonnet',
    displayName: 'Claude Sonnet 4',
    anthropicIds: ['claude-sonnet-4-20250514', 'claude-sonnet-4-0'],
    bedrock: {
      baseId: 'anthropic.claude-sonnet-4-20250514-v1:0',
      arnVersioned: true,
      onDemand: false,
      profiles: { global: 'documented', us: 'documented', eu: 'documented', apac: 'documented' },
    },
    mantle: { id: 'anthropic.claude-sonnet-4', served: false },
    context1m: 'beta', // context-1m-2025-08-07 on Bedrock; Claude Code sends it for sonnet[1m] on this model
    lifecycle: { status: 'deprecated', replacement: 'claude-sonnet-4-5' },
    // Anthropic announcement "Introducing Claude 4"
    released: { date: '2025-05-22', evidence: 'documented' },
  },
  {
    key: 'claude-3-7-sonnet',
    family: 'sonnet',
    displayName: 'Claude Sonnet 3.7',
    anthropicIds: ['claude-3-7-sonnet-20250219', 'claude-3-7-sonnet-latest'],
    bedrock: {
      baseId: 'anthropic.claude-3-7-sonnet-20250219-v1:0',
      arnVersioned: true,
      onDemand: false,
      profiles: { us: 'documented', eu: 'documented', apac: 'documented' },
    },
    mantle: undefined,
    context1m: 'none',
    lifecycle: { status: 'deprecated', replacement: 'claude-sonnet-4-5' },
    // Anthropic announcement "Claude 3.7 Sonnet and Claude Code"
    released: { date: '2025-02-24', evidence: 'documented' },
  },
  {
    key: 'claude-3-5-sonnet-20241022',
    family: 'sonnet',
    displayName: 'Claude Sonnet 3.5 v2',
    anthropicIds: ['claude-3-5-sonnet-20241022', 'claude-3-5-sonnet-latest'],
    bedrock: {
      baseId: 'anthropic.claude-3-5-sonnet-20241022-v2:0',
      arnVersioned: true,
      onDemand: true,
      profiles: { us: 'observed', eu: 'unverified', apac: 'unverified' },
    },
    mantle: undefined,
    context1m: 'none',
    lifecycle: { status: 'legacy', replacement: 'claude-sonnet-4-5' },
    // Anthropic announcement "Introducing computer use, a new Claude 3.5 Sonnet, and Claude 3.5 Haiku"
    released: { date: '2024-10-22', evidence: 'documented' },
  },
  {
    key: 'claude-3-5-sonnet-20240620',
    family: 'sonnet',
    displayName: 'Claude Sonnet 3.5',
    anthropicIds: ['claude-3-5-sonnet-20240620'],
    bedrock: {
      baseId: 'anthropic.claude-3-5-sonnet-20240620-v1:0',
      arnVersioned: true,
      onDemand: true,
      profiles: { us: 'observed', eu: 'unverified', apac: 'unverified' },
    },
    mantle: undefined,
    context1m: 'none',
    lifecycle: { status: 'legacy', replacement: 'claude-sonnet-4-5' },
    // Anthropic announcement "Introducing Claude 3.5 Sonnet"
    released: { date: '2024-06-20', evidence: 'documented' },
  },
  {
    key: 'claude-3-sonnet',
    family: 'sonnet',
    displayName: 'Claude 3 Sonnet',
    anthropicIds: ['claude-3-sonnet-20240229'],
    bedrock: {
      baseId: 'anthropic.claude-3-sonnet-20240229-v1:0',
      arnVersioned: true,
      onDemand: true,
      profiles: { us: 'unverified' },
    },
    mantle: undefined,
    context1m: 'none',
    lifecycle: { status: 'retired', replacement: 'claude-sonnet-4-5', since: '2025-07-21' },
    // Anthropic announcement "Introducing the next generation of Claude"
    released: { date: '2024-03-04', evidence: 'documented' },
  },
  {
    key: 'claude-haiku-4-5',
    family: 'haiku',
    displayName: 'Claude Haiku 4.5',
    anthropicIds: ['claude-haiku-4-5-20251001', 'claude-haiku-4-5'],
    bedrock: {
      baseId: 'anthropic.claude-haiku-4-5-20251001-v1:0',
      arnVersioned: true,
      onDemand: false,
      // jp./apac. are `?` in the source table: left out until seen.
      profiles: { us: 'documented', global: 'unverified', eu: 'unverified', 'us-gov': 'observed' },
    },
    mantle: { id: 'anthropic.claude-haiku-4-5', served: true },
    context1m: 'none',
    lifecycle: ACTIVE,
    // Anthropic announcement "Introducing Claude Haiku 4.5"; in the Bedrock docs of 2025-10-15 (spec §7.1)
    released: { date: '2025-10-15', evidence: 'documented' },
  },
  {
    key: 'claude-3-5-haiku',
    family: 'haiku',
    displayName: 'Claude Haiku 3.5',
    anthropicIds: ['claude-3-5-haiku-20241022', 'claude-3-5-haiku-latest'],
    bedrock: {
      baseId: 'anthropic.claude-3-5-haiku-20241022-v1:0',
      arnVersioned: true,
      onDemand: true,
      profiles: { us: 'documented' },
    },
    mantle: undefined,
    context1m: 'none',
    lifecycle: { status: 'deprecated', replacement: 'claude-haiku-4-5' },
    // Anthropic announcement "Introducing computer use, a new Claude 3.5 Sonnet, and Claude 3.5 Haiku"
    released: { date: '2024-10-22', evidence: 'documented' },
  },
  {
    key: 'claude-3-haiku',
    family: 'haiku',
    displayName: 'Claude Haiku 3',
    anthropicIds: ['claude-3-haiku-20240307'],
    bedrock: {
      baseId: 'anthropic.claude-3-haiku-20240307-v1:0',
      arnVersioned: true,
      onDemand: true,
      profiles: { us: 'observed', eu: 'unverified', apac: 'unverified' },
    },
    mantle: undefined,
    context1m: 'none',
    lifecycle: { status: 'legacy', replacement: 'claude-haiku-4-5' },
    // Anthropic announcement "Claude 3 Haiku: our fastest model yet"
    released: { date: '2024-03-13', evidence: 'documented' },
  },
  {
    key: 'claude-fable-5',
    family: 'fable',
    displayName: 'Claude Fable 5',
    anthropicIds: ['claude-fable-5'],
    bedrock: {
      // Reachable through InvokeModel (spec §7.3); no profile ID has been published yet.
      baseId: 'anthropic.claude-fable-5',
      arnVersioned: false,
      onDemand: false,
      profiles: { us: 'unverified', global: 'unverified' },
    },
    mantle: { id: 'anthropic.claude-fable-5', served: true },
    context1m: 'native',
    lifecycle: ACTIVE,
    // first in v2.1.170, between Opus 4.8 (v2.1.154) and Sonnet 5 (v2.1.197)
    released: { date: '2026-06-15', evidence: 'unverified' },
  },
];

export type ModelTier = 'opus' | 'sonnet' | 'haiku' | 'fable';

/**
 * What unpinned aliases resolve to. Bedrock follows Claude Code as of the seed (v2.1.141–v2.1.206):
 * the default is the Sonnet tier, `opus` is Opus 4.6. Mantle's default and `opus` are Opus 4.7
 * (observed in 2.1.197). Mantle's `sonnet` is not observed; the seed's Sonnet 4.5 is not in the
 * Mantle lineup, so it maps to the oldest Sonnet Mantle serves, the closest to that default.
 */
export const BUILT_IN_DEFAULTS: {
  readonly bedrock: { readonly defaultTier: ModelTier; readonly tiers: Readonly<Record<ModelTier, string>> };
  readonly mantle: { readonly defaultTier: ModelTier; readonly tiers: Readonly<Record<ModelTier, string>> };
  /** The current Opus users should pin when they want the latest (seed: "Pin ANTHROPIC_DEFAULT_OPUS_MODEL to the Opus 4.8 ID"). */
  readonly recommendedOpusPin: string;
} = {
  bedrock: {
    defaultTier: 'sonnet',
    tiers: { sonnet: 'claude-sonnet-4-5', opus: 'claude-opus-4-6', haiku: 'claude-haiku-4-5', fable: 'claude-fable-5' },
  },
  mantle: {
    defaultTier: 'opus',
    tiers: { sonnet: 'claude-sonnet-4-6', opus: 'claude-opus-4-7', haiku: 'claude-haiku-4-5', fable: 'claude-fable-5' },
  },
  recommendedOpusPin: 'claude-opus-4-8',
};

export interface GeoInfo {
  readonly geo: GeoPrefix;
  readonly label: string;
  readonly partition: 'aws' | 'aws-us-gov';
  /** Regions a profile of this geography may route to (model-dependent subsets). Empty for `global`. */
  readonly destinationRegions: readonly string[];
  /** Regions some AWS docs/IAM examples add; include them when a policy must never block a route. */
  readonly occasionalDestinationRegions: readonly string[];
  /** `global` routes to any commercial region. */
  readonly anyCommercialRegion: boolean;
}

export const GEO_INFO: Readonly<Record<GeoPrefix, GeoInfo>> = {
  global: {
    geo: 'global',
    label: 'all commercial regions',
    partition: 'aws',
    destinationRegions: [],
    occasionalDestinationRegions: [],
    anyCommercialRegion: true,
  },
  us: {
    geo: 'us',
    label: 'United States',
    partition: 'aws',
    destinationRegions: ['us-east-1', 'us-east-2', 'us-west-2'],
    occasionalDestinationRegions: ['us-west-1'],
    anyCommercialRegion: false,
  },
  eu: {
    geo: 'eu',
    label: 'Europe',
    partition: 'aws',
    destinationRegions: [
      'eu-central-1',
      'eu-west-1',
      'eu-west-2',
      'eu-west-3',
      'eu-north-1',
      'eu-south-1',
      'eu-south-2',
      'eu-central-2',
    ],
    occasionalDestinationRegions: [],
    anyCommercialRegion: false,
  },
  apac: {
    geo: 'apac',
    label: 'Asia-Pacific',
    partition: 'aws',
    destinationRegions: [
      'ap-northeast-1',
      'ap-northeast-2',
      'ap-northeast-3',
      'ap-south-1',
      'ap-south-2',
      'ap-southeast-1',
      'ap-southeast-2',
      'ap-southeast-3',
      'ap-southeast-4',
      'ap-southeast-5',
      'ap-southeast-7',
      'ap-east-2',
      'me-central-1',
    ],
    occasionalDestinationRegions: [],
    anyCommercialRegion: false,
  },
  jp: {
    geo: 'jp',
    label: 'Japan',
    partition: 'aws',
    destinationRegions: ['ap-northeast-1', 'ap-northeast-3'],
    occasionalDestinationRegions: [],
    anyCommercialRegion: false,
  },
  au: {
    geo: 'au',
    label: 'Australia',
    partition: 'aws',
    destinationRegions: ['ap-southeast-2', 'ap-southeast-4'],
    occasionalDestinationRegions: [],
    anyCommercialRegion: false,
  },
  'us-gov': {
    geo: 'us-gov',
    label: 'AWS GovCloud (US)',
    partition: 'aws-us-gov',
    destinationRegions: ['us-gov-east-1', 'us-gov-west-1'],
    occasionalDestinationRegions: [],
    anyCommercialRegion: false,
  },
};

// ---------------------------------------------------------------------------------------------
// Lookups

const BY_KEY = new Map<string, CatalogModel>(MODEL_CATALOG.map((model) => [model.key, model]));

/** Every ID form (lowercase) → model: first-party IDs, key, Bedrock base/stem, Mantle ID. */
const BY_ID = (() => {
  const index = new Map<string, CatalogModel>();
  for (const model of MODEL_CATALOG) {
    for (const id of allIdForms(model, { includeProfiles: false })) index.set(id.toLowerCase(), model);
  }
  return index;
})();

export function getModel(key: string): CatalogModel | undefined {
  return BY_KEY.get(key);
}

/** Like getModel for keys the catalog itself names (defaults, replacements); a miss is a bug here. */
export function requireModel(key: string): CatalogModel {
  const model = BY_KEY.get(key);
  if (!model) throw new Error(`model catalog has no entry "${key}"`);
  return model;
}

/**
 * All ID forms of one model: key, first-party IDs, Bedrock base/stem, Mantle ID and (by default)
 * every system profile ID of the catalog's geographies.
 */
export function allIdForms(model: CatalogModel, options: { includeProfiles?: boolean } = {}): string[] {
  const ids = new Set<string>([model.key, ...model.anthropicIds]);
  if (model.bedrock) {
    ids.add(model.bedrock.baseId);
    if (options.includeProfiles !== false) {
      for (const geo of Object.keys(model.bedrock.profiles) as GeoPrefix[]) ids.add(`${geo}.${model.bedrock.baseId}`);
    }
  }
  if (model.mantle) ids.add(model.mantle.id);
  return [...ids];
}

const ONE_M_SUFFIX = /\[1m\]$/i;

/** Removes every trailing `[1m]` (users and old Claude Code versions produced `[1M][1m]`). */
export function strip1m(id: string): { id: string; has1m: boolean } {
  let rest = id.trim();
  let has1m = false;
  while (ONE_M_SUFFIX.test(rest)) {
    rest = rest.replace(ONE_M_SUFFIX, '').trimEnd();
    has1m = true;
  }
  return { id: rest, has1m };
}

/** `eu.anthropic.claude-…` → `{ geo: 'eu', rest: 'anthropic.claude-…' }`; undefined without a known prefix. */
export function parseGeoPrefix(id: string): { geo: GeoPrefix; rest: string } | undefined {
  for (const geo of GEO_PREFIXES) {
    if (id.startsWith(`${geo}.`)) return { geo, rest: id.slice(geo.length + 1) };
  }
  return undefined;
}

export interface ParsedBedrockArn {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  /** `foundation-model`, `inference-profile`, `application-inference-profile`, `custom-model`, `provisioned-model`… */
  readonly resourceType: string;
  readonly resourceId: string;
}

const BEDROCK_ARN = /^arn:(aws[a-z-]*):bedrock:([a-z0-9-]*):(\d*):([a-z-]+)\/(.+)$/;

export function parseBedrockArn(id: string): ParsedBedrockArn | undefined {
  const match = BEDROCK_ARN.exec(id);
  if (!match) return undefined;
  const [, partition, region, accountId, resourceType, resourceId] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  return { partition, region, accountId, resourceType, resourceId };
}

/**
 * The Mantle model-ID rule, precisely: after removing a trailing `[1m]`, the ID is
 * `anthropic.claude-` followed by lowercase alphanumeric words joined by single hyphens, and
 * * it has no `-vN` / `-vN:M` version tail (so `anthropic.claude-opus-4-6-v1` is not Mantle format),
 * * no 8-digit date word (so `anthropic.claude-sonnet-4-5-20250929` is not),
 * * no geo prefix (the ID must start with `anthropic.`, so `us.anthropic.…` is not).
 * `anthropic.claude-sonnet-4-6` matches although it is also a Bedrock base ID; routing decides
 * by which endpoints are on (resolve-model.ts).
 */
export function isMantleFormat(id: string): boolean {
  const bare = strip1m(id).id;
  if (!/^anthropic\.claude-[a-z0-9]+(?:-[a-z0-9]+)*$/.test(bare)) return false;
  if (/-v\d+(?::\d+)?$/.test(bare)) return false;
  if (/(?:^|-)\d{8}(?:-|$)/.test(bare)) return false;
  return true;
}

/**
 * The catalog model behind any ID form: first-party ID (dated or not), Bedrock base or stem ID,
 * system profile ID with any geo prefix, Mantle ID, foundation-model or inference-profile ARN.
 * A trailing `[1m]` is ignored. Application-inference-profile and custom-model ARNs are opaque
 * (their backing model is only known from GetInferenceProfile) and return undefined.
 */
export function findModelById(id: string): CatalogModel | undefined {
  let bare = strip1m(id).id;
  const arn = parseBedrockArn(bare);
  if (arn) {
    if (arn.resourceType !== 'foundation-model' && arn.resourceType !== 'inference-profile') return undefined;
    bare = arn.resourceId;
  }
  const direct = BY_ID.get(bare.toLowerCase());
  if (direct) return direct;
  const geo = parseGeoPrefix(bare);
  if (geo) {
    const model = BY_ID.get(geo.rest.toLowerCase());
    // A profile wraps a Bedrock base ID; `us.claude-opus-4-6` is not a real form.
    if (model && model.bedrock && model.bedrock.baseId.toLowerCase() === geo.rest.toLowerCase()) return model;
  }
  return undefined;
}

/** Whether the catalog records a system profile of this model in the geography. */
export function hasProfileIn(model: CatalogModel, geo: GeoPrefix): boolean {
  return model.bedrock?.profiles[geo] !== undefined;
}

/** `<geo>.<baseId>` for a model with Bedrock facts. */
export function profileIdFor(model: CatalogModel, geo: GeoPrefix): string | undefined {
  return model.bedrock ? `${geo}.${model.bedrock.baseId}` : undefined;
}

export function modelsWith1m(): CatalogModel[] {
  return MODEL_CATALOG.filter((model) => model.context1m !== 'none');
}

/**
 * Region → preferred profile geography (spec §7.4): `us-gov-*` → `us-gov`, `us-*` → `us`,
 * `eu-*` → `eu`, `ap-*` → `apac`, anything else (`ca-*`, `sa-*`, `me-*`, `af-*`, `il-*`) → `global`.
 */
export function geoForRegion(region: string): GeoPrefix {
  if (region.startsWith('us-gov-')) return 'us-gov';
  if (region.startsWith('us-')) return 'us';
  if (region.startsWith('eu-')) return 'eu';
  if (region.startsWith('ap-')) return 'apac';
  return 'global';
}

/**
 * Whether a profile of this geography can be invoked from `region`. Geographic profiles are
 * callable from the regions they route to; `us`/`eu`/`apac` are matched by region family so new
 * regions are not flagged; `global` from any commercial region, never from GovCloud/ISO/China.
 */
export function geoServesRegion(geo: GeoPrefix, region: string): boolean {
  const commercial = !/^(us-gov-|us-iso|cn-)/.test(region);
  switch (geo) {
    case 'global':
      return commercial;
    case 'us-gov':
      return region.startsWith('us-gov-');
    case 'us':
      return region.startsWith('us-') && commercial;
    case 'eu':
      return region.startsWith('eu-');
    case 'apac':
      return region.startsWith('ap-') || GEO_INFO.apac.destinationRegions.includes(region);
    case 'jp':
    case 'au':
      return GEO_INFO[geo].destinationRegions.includes(region);
  }
}

/**
 * Foundation-model ARNs a cross-region profile of `model` in `geo` may route to: what an IAM
 * least-privilege policy must allow besides the profile itself, and what the emulator serves.
 * `global` uses the region-less ARN AWS documents for global profiles.
 */
export function foundationModelArns(model: CatalogModel, geo: GeoPrefix, options: { includeOccasional?: boolean } = {}): string[] {
  if (!model.bedrock) return [];
  const info = GEO_INFO[geo];
  const base = model.bedrock.baseId;
  if (info.anyCommercialRegion) return [`arn:${info.partition}:bedrock:::foundation-model/${base}`];
  const regions = options.includeOccasional
    ? [...info.destinationRegions, ...info.occasionalDestinationRegions]
    : info.destinationRegions;
  return regions.map((region) => `arn:${info.partition}:bedrock:${region}::foundation-model/${base}`);
}

/**
 * The family an arbitrary ID names, from the catalog or, for IDs it doesn't know (custom
 * gateways, future versions), from an embedded family word: `claude-opus-9`, `claude-3-9-haiku`.
 */
export function familyOfId(id: string): ModelFamily | undefined {
  const known = findModelById(id);
  if (known) return known.family;
  const match = /claude-(?:\d+-(?:\d+-)?)?(opus|sonnet|haiku|fable)(?![a-z])/i.exec(id);
  return match ? (match[1]!.toLowerCase() as ModelFamily) : undefined;
}

/**
 * Whether an `availableModels` version-prefix entry names this model: equal to one of its
 * first-party IDs or key, or a prefix of a dated ID followed only by the date
 * (`claude-3-5-sonnet` covers both 3.5 Sonnet snapshots, `claude-opus-4` covers Opus 4 but not
 * Opus 4.8).
 */
export function versionPrefixMatches(entry: string, model: CatalogModel): boolean {
  const e = entry.toLowerCase();
  if (e === model.key) return true;
  return model.anthropicIds.some((id) => id === e || (id.startsWith(`${e}-`) && /^(\d{8}|latest)$/.test(id.slice(e.length + 1))));
}
