/**
 * The `bedrock` control plane: inference profiles and foundation models (wire reference §5).
 * Timestamps are RFC 3339 strings (the AWS SDK refuses epoch numbers).
 */
import {
  applicationProfileArn,
  describeSystemProfile,
  findApplicationProfile,
  foundationModelArn,
  modelsInRegion,
  systemProfileArn,
  systemProfilesInRegion,
  type SystemProfile,
} from '../account.js';
import { AwsServiceError, awsErrors } from '../aws-errors.js';
import { jsonResponse, type EmulatorResponse } from '../http-types.js';
import type { Scenario, ScenarioApplicationProfile, ScenarioModel } from '../scenario.js';
import { parseQuery } from '../sigv4-verifier.js';
import type { RouteContext } from './context.js';

const iso = (value: string): string => new Date(value).toISOString();

function queryOf(context: RouteContext): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(parseQuery(context.request.rawQuery))) {
    out[key] = Array.isArray(value) ? (value[0] ?? '') : value;
  }
  return out;
}

function systemSummary(scenario: Scenario, region: string, profile: SystemProfile): Record<string, unknown> {
  const { name, description } = describeSystemProfile(profile);
  return {
    inferenceProfileName: name,
    description,
    createdAt: iso(profile.model.releasedAt),
    updatedAt: iso(profile.model.releasedAt),
    inferenceProfileArn: systemProfileArn(scenario, region, profile.id),
    models: profile.destinations.map((r) => ({ modelArn: foundationModelArn(r, profile.model.id) })),
    inferenceProfileId: profile.id,
    status: 'ACTIVE',
    type: 'SYSTEM_DEFINED',
  };
}

function applicationSummary(scenario: Scenario, profile: ScenarioApplicationProfile): Record<string, unknown> {
  const system = systemProfilesInRegion(scenario, profile.region).find((p) => p.id === profile.source);
  const modelArns = system
    ? system.destinations.map((r) => foundationModelArn(r, system.model.id))
    : [foundationModelArn(profile.region, profile.source)];
  return {
    inferenceProfileName: profile.name,
    ...(profile.description ? { description: profile.description } : {}),
    createdAt: iso(profile.createdAt),
    updatedAt: iso(profile.createdAt),
    inferenceProfileArn: applicationProfileArn(scenario, profile),
    models: modelArns.map((modelArn) => ({ modelArn })),
    inferenceProfileId: profile.id,
    status: 'ACTIVE',
    type: 'APPLICATION',
  };
}

interface PageToken {
  readonly offset: number;
  readonly type: string;
}

function decodeToken(token: string): PageToken {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as PageToken;
    if (Number.isInteger(parsed.offset) && parsed.offset >= 0 && typeof parsed.type === 'string') return parsed;
  } catch {
    // fall through to the error below
  }
  throw new AwsServiceError('ValidationException', 'The pagination token is invalid.');
}

export async function listInferenceProfiles(context: RouteContext): Promise<EmulatorResponse> {
  const query = queryOf(context);
  // Without `type`, real Bedrock lists only SYSTEM_DEFINED profiles (wire reference §0.10).
  const type = query.type ?? 'SYSTEM_DEFINED';
  if (type !== 'SYSTEM_DEFINED' && type !== 'APPLICATION') {
    throw new AwsServiceError(
      'ValidationException',
      `1 validation error detected: Value '${type}' at 'typeEquals' failed to satisfy constraint: Member must satisfy enum value set: [SYSTEM_DEFINED, APPLICATION]`,
    );
  }
  let maxResults = 1000;
  if (query.maxResults !== undefined) {
    maxResults = Number(query.maxResults);
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 1000) {
      throw new AwsServiceError(
        'ValidationException',
        `1 validation error detected: Value '${query.maxResults}' at 'maxResults' failed to satisfy constraint: Member must have value ${maxResults < 1 ? 'greater than or equal to 1' : 'less than or equal to 1000'}`,
      );
    }
  }
  let offset = 0;
  if (query.nextToken !== undefined) {
    const token = decodeToken(query.nextToken);
    if (token.type !== type) throw new AwsServiceError('ValidationException', 'The pagination token is invalid.');
    offset = token.offset;
  }
  const { scenario } = context;
  const region = context.caller.region;
  const all =
    type === 'SYSTEM_DEFINED'
      ? systemProfilesInRegion(scenario, region).map((p) => systemSummary(scenario, region, p))
      : scenario.applicationProfiles.filter((p) => p.region === region).map((p) => applicationSummary(scenario, p));
  const page = all.slice(offset, offset + maxResults);
  const next = offset + maxResults < all.length ? Buffer.from(JSON.stringify({ offset: offset + maxResults, type })).toString('base64url') : undefined;
  return jsonResponse(200, { inferenceProfileSummaries: page, ...(next ? { nextToken: next } : {}) }, { 'x-amzn-requestid': context.requestId });
}

export async function getInferenceProfile(context: RouteContext): Promise<EmulatorResponse> {
  const identifier = context.params.profileId ?? '';
  const { scenario } = context;
  const region = context.caller.region;
  const system = systemProfilesInRegion(scenario, region).find(
    (p) => p.id === identifier || systemProfileArn(scenario, region, p.id) === identifier,
  );
  if (system) {
    context.entry.resolvedModel = system.model.id;
    return jsonResponse(200, systemSummary(scenario, region, system), { 'x-amzn-requestid': context.requestId });
  }
  const application = findApplicationProfile(scenario, identifier);
  if (application && application.region === region) {
    return jsonResponse(200, applicationSummary(scenario, application), { 'x-amzn-requestid': context.requestId });
  }
  throw awsErrors.resourceNotFound(`Inference profile ${identifier} not found.`);
}

function modelSummary(region: string, model: ScenarioModel): Record<string, unknown> {
  return {
    modelArn: foundationModelArn(region, model.id),
    modelId: model.id,
    modelName: model.name,
    providerName: 'Anthropic',
    inputModalities: ['TEXT', 'IMAGE'],
    outputModalities: ['TEXT'],
    responseStreamingSupported: true,
    customizationsSupported: [],
    inferenceTypesSupported: model.onDemand ? ['ON_DEMAND'] : ['INFERENCE_PROFILE'],
    modelLifecycle: { status: model.lifecycle, startOfLifeTime: iso(model.releasedAt) },
  };
}

export async function listFoundationModels(context: RouteContext): Promise<EmulatorResponse> {
  const query = queryOf(context);
  const region = context.caller.region;
  const models = modelsInRegion(context.scenario, region)
    .map((model) => modelSummary(region, model))
    .filter(() => query.byProvider === undefined || query.byProvider.toLowerCase() === 'anthropic')
    .filter((summary) => query.byOutputModality === undefined || (summary.outputModalities as string[]).includes(query.byOutputModality))
    .filter((summary) => query.byInferenceType === undefined || (summary.inferenceTypesSupported as string[]).includes(query.byInferenceType))
    .filter((summary) => query.byCustomizationType === undefined || (summary.customizationsSupported as string[]).includes(query.byCustomizationType));
  return jsonResponse(200, { modelSummaries: models }, { 'x-amzn-requestid': context.requestId });
}

function findFoundationModel(context: RouteContext, identifier: string): ScenarioModel {
  const region = context.caller.region;
  const id = identifier.startsWith('arn:') ? (/foundation-model\/(.+)$/.exec(identifier)?.[1] ?? '') : identifier;
  const model = modelsInRegion(context.scenario, region).find((m) => m.id === id);
  if (!model) throw awsErrors.invalidModelIdentifier();
  return model;
}

export async function getFoundationModel(context: RouteContext): Promise<EmulatorResponse> {
  const model = findFoundationModel(context, context.params.modelId ?? '');
  return jsonResponse(200, { modelDetails: modelSummary(context.caller.region, model) }, { 'x-amzn-requestid': context.requestId });
}

export async function getFoundationModelAvailability(context: RouteContext): Promise<EmulatorResponse> {
  const model = findFoundationModel(context, context.params.modelId ?? '');
  const { access } = context.scenario;
  const authorized =
    !access.denied.includes(model.id) &&
    !access.marketplaceDenied.includes(model.id) &&
    (access.granted.includes('*') || access.granted.includes(model.id));
  return jsonResponse(
    200,
    {
      modelId: model.id,
      agreementAvailability: { status: access.marketplaceDenied.includes(model.id) ? 'NOT_AVAILABLE' : 'AVAILABLE' },
      authorizationStatus: authorized ? 'AUTHORIZED' : 'NOT_AUTHORIZED',
      entitlementAvailability: authorized ? 'AVAILABLE' : 'NOT_AVAILABLE',
      regionAvailability: 'AVAILABLE',
    },
    { 'x-amzn-requestid': context.requestId },
  );
}
