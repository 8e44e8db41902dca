/**
 * IAM policies for Claude Code on Amazon Bedrock: the documented policy (spec §11.1, verbatim)
 * and a least-privilege policy scoped to exactly the models a configuration can call.
 *
 * Facts this module encodes, and why:
 * - Invoking a cross-region inference profile is authorised on the profile in the source region
 *   and on the foundation model in every region the profile may route to (the AWS CRIS guide),
 *   which is why the documented policy lists `foundation-model/*`. Destination regions come from
 *   the catalog's GEO_INFO; `global.` profiles also need the region-less foundation-model ARN.
 * - CountTokens is its own action, `bedrock:CountTokens`, on the base foundation-model ARN in the
 *   calling region; InvokeModel does not cover it. The documented policy omits it, so token
 *   counting (`/context`) is refused under that policy; the configured policy grants it for the
 *   models that have a base ID (models reachable only through a profile cannot be counted on
 *   bedrock-runtime at all).
 * - Mantle authorises `bedrock-mantle:CreateInference` per project, not per model
 *   (`arn:aws:bedrock-mantle:<region>:<account>:project/*`, the AWS managed policy
 *   AmazonBedrockMantleInferenceAccess); restricting Mantle models needs an SCP.
 * - Bedrock API keys additionally need `bedrock:CallWithBearerToken`
 *   (`bedrock-mantle:CallWithBearerToken` on Mantle).
 */
import {
  GEO_INFO,
  findModelById,
  foundationModelArns,
  geoForRegion,
  getModel,
  parseBedrockArn,
  parseGeoPrefix,
  strip1m,
  type CatalogModel,
  type GeoPrefix,
} from '../models/model-catalog.js';
import type { EndpointKind } from '../core/route-plan.js';

export interface IamStatement {
  readonly Sid: string;
  readonly Effect: 'Allow';
  readonly Action: readonly string[];
  readonly Resource: readonly string[] | string;
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export interface IamPolicy {
  readonly Version: '2012-10-17';
  readonly Statement: readonly IamStatement[];
}

export const INVOKE_ACTIONS = ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'] as const;
export const MANTLE_ACTION = 'bedrock-mantle:CreateInference';

const MARKETPLACE_STATEMENT: IamStatement = {
  Sid: 'AllowMarketplaceSubscription',
  Effect: 'Allow',
  Action: ['aws-marketplace:ViewSubscriptions', 'aws-marketplace:Subscribe'],
  Resource: '*',
  Condition: { StringEquals: { 'aws:CalledViaLast': 'bedrock.amazonaws.com' } },
};

/** The recommended policy of the Claude Code docs (spec §11.1), statement for statement. */
export function documentedPolicy(options: { mantle?: boolean } = {}): IamPolicy {
  const statements: IamStatement[] = [
    {
      Sid: 'AllowModelAndInferenceProfileAccess',
      Effect: 'Allow',
      Action: [...INVOKE_ACTIONS, 'bedrock:ListInferenceProfiles', 'bedrock:GetInferenceProfile'],
      Resource: [
        'arn:aws:bedrock:*:*:inference-profile/*',
        'arn:aws:bedrock:*:*:application-inference-profile/*',
        'arn:aws:bedrock:*:*:foundation-model/*',
      ],
    },
  ];
  if (options.mantle) {
    statements.push({ Sid: 'AllowMantleInference', Effect: 'Allow', Action: [MANTLE_ACTION], Resource: 'arn:aws:bedrock-mantle:*:*:project/*' });
  }
  statements.push(MARKETPLACE_STATEMENT);
  return { Version: '2012-10-17', Statement: statements };
}

/** One model the configuration calls, as resolved (see iam/targets.ts). */
export interface PolicyTarget {
  /** The ID on the wire (no `[1m]`). */
  readonly modelId: string;
  readonly endpoint: EndpointKind;
  /** Region the request is sent to (the source region of a cross-region profile). */
  readonly region: string;
  /** A built-in default that Claude Code looks up with ListInferenceProfiles. */
  readonly discoverable: boolean;
  /** Where it comes from, for notes: `main model`, `modelOverrides["claude-opus-4-7"]`. */
  readonly label: string;
  /** Catalog key when known; for an application inference profile, the model its override key names. */
  readonly catalogKey?: string | undefined;
  /** Foundation-model ARNs behind an application inference profile, from GetInferenceProfile. */
  readonly backingModelArns?: readonly string[] | undefined;
}

export interface ConfiguredPolicyInput {
  readonly targets: readonly PolicyTarget[];
  /** Add `bedrock-mantle:CreateInference` even when no target is on Mantle (`--mantle`). */
  readonly mantle?: boolean;
  /** Session region, for the Mantle project ARN when `mantle` is forced on. */
  readonly sessionRegion: string;
  /** Requests authenticate with a Bedrock API key. */
  readonly bearerToken?: { readonly bedrock: boolean; readonly mantle: boolean };
}

export interface ConfiguredPolicy {
  readonly policy: IamPolicy;
  /** Every action the policy grants, deduplicated. */
  readonly actions: readonly string[];
  /** Things a reader must know (a resource that could not be derived, an assumption); never secrets. */
  readonly notes: readonly string[];
}

export function partitionFor(region: string): string {
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('cn-')) return 'aws-cn';
  return 'aws';
}

class OrderedSet {
  readonly #items: string[] = [];
  add(...values: string[]): void {
    for (const value of values) if (!this.#items.includes(value)) this.#items.push(value);
  }
  get values(): string[] {
    return [...this.#items];
  }
  get size(): number {
    return this.#items.length;
  }
}

function foundationArn(region: string, baseId: string): string {
  return `arn:${partitionFor(region)}:bedrock:${region}::foundation-model/${baseId}`;
}

/** Foundation-model ARNs a `<geo>.<baseId>` profile invoked from `sourceRegion` needs. */
function routedFoundationArns(geo: GeoPrefix, baseId: string, sourceRegion: string, model: CatalogModel | undefined): string[] {
  const out = new OrderedSet();
  // The source region's own foundation model is checked too, even where the geography's list
  // would not include it (a us. profile called from us-west-1).
  out.add(foundationArn(sourceRegion, baseId));
  if (model) {
    out.add(...foundationModelArns(model, geo, { includeOccasional: true }));
  } else {
    const info = GEO_INFO[geo];
    if (info.anyCommercialRegion) out.add(`arn:${info.partition}:bedrock:::foundation-model/${baseId}`);
    for (const region of [...info.destinationRegions, ...info.occasionalDestinationRegions]) {
      out.add(`arn:${info.partition}:bedrock:${region}::foundation-model/${baseId}`);
    }
  }
  return out.values;
}

interface Accumulator {
  invoke: OrderedSet;
  getProfile: OrderedSet;
  countTokens: OrderedSet;
  mantleRegions: OrderedSet;
  listRegions: OrderedSet;
  notes: string[];
}

function addCountTokens(acc: Accumulator, model: CatalogModel | undefined, region: string): void {
  if (model?.bedrock?.arnVersioned) acc.countTokens.add(foundationArn(region, model.bedrock.baseId));
}

function addBedrockTarget(acc: Accumulator, target: PolicyTarget): void {
  const id = strip1m(target.modelId).id;
  const arn = parseBedrockArn(id);
  if (arn) {
    acc.invoke.add(id);
    if (arn.resourceType === 'application-inference-profile') {
      acc.getProfile.add(id);
      const model = target.catalogKey ? getModel(target.catalogKey) : undefined;
      if (target.backingModelArns && target.backingModelArns.length > 0) {
        acc.invoke.add(...target.backingModelArns);
        const backing = target.backingModelArns.map((value) => parseBedrockArn(value)?.resourceId).find((value) => value !== undefined);
        addCountTokens(acc, backing ? findModelById(backing) : model, arn.region || target.region);
      } else if (model?.bedrock) {
        // The profile copies either the base model in its region or a system profile of the
        // region's geography; granting the geography's foundation models covers both.
        const region = arn.region || target.region;
        acc.invoke.add(...routedFoundationArns(geoForRegion(region), model.bedrock.baseId, region, model));
        addCountTokens(acc, model, region);
        acc.notes.push(
          `${target.label}: ${id} is an application inference profile; its backing model is taken to be ${model.displayName} (from the modelOverrides key), routed within ${GEO_INFO[geoForRegion(region)].label}. \`cc-bedrock doctor\` reads the exact model ARNs with GetInferenceProfile.`,
        );
      } else {
        acc.notes.push(
          `${target.label}: ${id} is an application inference profile whose backing model is unknown; also allow bedrock:InvokeModel on the foundation-model ARNs it routes to (aws bedrock get-inference-profile --inference-profile-identifier ${id}).`,
        );
      }
      return;
    }
    if (arn.resourceType === 'inference-profile') {
      const geo = parseGeoPrefix(arn.resourceId);
      const model = findModelById(arn.resourceId);
      if (geo) {
        acc.invoke.add(...routedFoundationArns(geo.geo, geo.rest, arn.region || target.region, model));
      } else {
        acc.notes.push(`${target.label}: ${id} names an inference profile without a known geography prefix; also allow the foundation-model ARNs it routes to.`);
      }
      addCountTokens(acc, model, arn.region || target.region);
      return;
    }
    if (arn.resourceType === 'foundation-model') {
      addCountTokens(acc, findModelById(arn.resourceId), arn.region || target.region);
      return;
    }
    acc.notes.push(`${target.label}: ${id} is a ${arn.resourceType} ARN; it is allowed as given.`);
    return;
  }

  const profile = parseGeoPrefix(id);
  if (profile && profile.rest.startsWith('anthropic.')) {
    const model = findModelById(id);
    const partition = GEO_INFO[profile.geo].partition;
    acc.invoke.add(`arn:${partition}:bedrock:${target.region}:*:inference-profile/${id}`);
    acc.invoke.add(...routedFoundationArns(profile.geo, profile.rest, target.region, model));
    addCountTokens(acc, model, target.region);
    if (target.discoverable) acc.listRegions.add(target.region);
    return;
  }
  if (id.startsWith('anthropic.')) {
    const model = findModelById(id);
    acc.invoke.add(foundationArn(target.region, id));
    addCountTokens(acc, model, target.region);
    if (target.discoverable) acc.listRegions.add(target.region);
    return;
  }
  acc.notes.push(`${target.label}: "${id}" is not a Bedrock model ID or ARN, so no resource can be derived for it (a gateway alias?).`);
}

/**
 * A policy that allows exactly the configured models: each inference profile and the foundation
 * models in every region it routes to, application inference profiles as given plus their
 * backing model when known, token counting for them, Mantle when used, and the Marketplace
 * subscription statement of the documented policy.
 */
export function configuredPolicy(input: ConfiguredPolicyInput): ConfiguredPolicy {
  const acc: Accumulator = {
    invoke: new OrderedSet(),
    getProfile: new OrderedSet(),
    countTokens: new OrderedSet(),
    mantleRegions: new OrderedSet(),
    listRegions: new OrderedSet(),
    notes: [],
  };
  for (const target of input.targets) {
    if (target.endpoint === 'mantle') acc.mantleRegions.add(target.region);
    else addBedrockTarget(acc, target);
  }
  if (input.mantle && acc.mantleRegions.size === 0) acc.mantleRegions.add(input.sessionRegion);

  const statements: IamStatement[] = [];
  if (acc.invoke.size > 0) {
    statements.push({ Sid: 'AllowConfiguredModelInvocation', Effect: 'Allow', Action: [...INVOKE_ACTIONS], Resource: acc.invoke.values });
  }
  if (acc.listRegions.size > 0) {
    statements.push({
      Sid: 'AllowInferenceProfileDiscovery',
      Effect: 'Allow',
      Action: ['bedrock:ListInferenceProfiles'],
      Resource: acc.listRegions.values.map((region) => `arn:${partitionFor(region)}:bedrock:${region}:*:inference-profile/*`),
    });
  }
  if (acc.getProfile.size > 0) {
    statements.push({ Sid: 'AllowApplicationInferenceProfileLookup', Effect: 'Allow', Action: ['bedrock:GetInferenceProfile'], Resource: acc.getProfile.values });
  }
  if (acc.countTokens.size > 0) {
    statements.push({ Sid: 'AllowTokenCounting', Effect: 'Allow', Action: ['bedrock:CountTokens'], Resource: acc.countTokens.values });
  }
  if (acc.mantleRegions.size > 0) {
    statements.push({
      Sid: 'AllowMantleInference',
      Effect: 'Allow',
      Action: [MANTLE_ACTION],
      Resource: acc.mantleRegions.values.map((region) => `arn:${partitionFor(region)}:bedrock-mantle:${region}:*:project/*`),
    });
    acc.notes.push('Mantle authorises bedrock-mantle:CreateInference per project, not per model; restrict Mantle models with an SCP if you need to.');
  }
  const bearer: string[] = [];
  if (input.bearerToken?.bedrock && acc.invoke.size > 0) bearer.push('bedrock:CallWithBearerToken');
  if (input.bearerToken?.mantle && acc.mantleRegions.size > 0) bearer.push('bedrock-mantle:CallWithBearerToken');
  if (bearer.length > 0) {
    statements.push({ Sid: 'AllowBedrockApiKeys', Effect: 'Allow', Action: bearer, Resource: '*' });
  }
  if (acc.invoke.size > 0) statements.push(MARKETPLACE_STATEMENT);

  const actions = [...new Set(statements.flatMap((statement) => statement.Action))];
  return { policy: { Version: '2012-10-17', Statement: statements }, actions, notes: [...new Set(acc.notes)] };
}
