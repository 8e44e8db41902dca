/**
 * Routes one request: admin back door, or authenticate → record → fault injection → handler,
 * with every failure shaped the way the addressed surface shapes errors (restJson1 for
 * bedrock-runtime and the control plane, Anthropic JSON for Mantle, awsQuery XML for STS).
 */
import { randomUUID } from 'node:crypto';
import { resolveModelId } from './account.js';
import { AnthropicApiError, anthropicErrorResponse, anthropicErrorType } from './anthropic-errors.js';
import { authenticate, type Caller } from './auth.js';
import { AwsServiceError, awsErrorResponse, awsErrors } from './aws-errors.js';
import type { EmulatorRequest, EmulatorResponse } from './http-types.js';
import { redactHeaders } from '../core/redact.js';
import type { Scenario, ScenarioFault } from './scenario.js';
import { attachBody, loggedBody, type EmulatorStateImpl, type ReceivedRequest, type Surface } from './state.js';
import { ADMIN_PREFIX, handleAdmin } from './routes/admin.js';
import type { RouteContext, RouteHandler } from './routes/context.js';
import {
  getFoundationModel,
  getFoundationModelAvailability,
  getInferenceProfile,
  listFoundationModels,
  listInferenceProfiles,
} from './routes/control-plane.js';
import { mantleCountTokens, mantleMessages } from './routes/mantle.js';
import { countTokens, invokeModel, invokeModelWithResponseStream } from './routes/runtime.js';
import { stsErrorResponse, stsQuery } from './routes/sts.js';

type ErrorStyle = 'aws' | 'anthropic' | 'sts';

interface RouteDefinition {
  readonly method: string;
  readonly pattern: RegExp;
  /** Names of the pattern's capture groups, in order; values are percent-decoded. */
  readonly params: readonly string[];
  readonly surface: Surface;
  readonly operation: string;
  readonly services: readonly string[];
  readonly style: ErrorStyle;
  readonly handler: RouteHandler;
  /** Operations whose 200 is a stream (stream faults apply). */
  readonly streams?: boolean;
}

const BEDROCK = ['bedrock'];
const MANTLE = ['bedrock-mantle'];

export const ROUTES: readonly RouteDefinition[] = [
  { method: 'POST', pattern: /^\/model\/([^/]+)\/invoke$/, params: ['modelId'], surface: 'runtime', operation: 'invoke', services: BEDROCK, style: 'aws', handler: invokeModel },
  {
    method: 'POST',
    pattern: /^\/model\/([^/]+)\/invoke-with-response-stream$/,
    params: ['modelId'],
    surface: 'runtime',
    operation: 'invoke-stream',
    services: BEDROCK,
    style: 'aws',
    handler: invokeModelWithResponseStream,
    streams: true,
  },
  { method: 'POST', pattern: /^\/model\/([^/]+)\/count-tokens$/, params: ['modelId'], surface: 'runtime', operation: 'count-tokens', services: BEDROCK, style: 'aws', handler: countTokens },
  { method: 'GET', pattern: /^\/inference-profiles\/?$/, params: [], surface: 'control', operation: 'list-inference-profiles', services: BEDROCK, style: 'aws', handler: listInferenceProfiles },
  { method: 'GET', pattern: /^\/inference-profiles\/(.+)$/, params: ['profileId'], surface: 'control', operation: 'get-inference-profile', services: BEDROCK, style: 'aws', handler: getInferenceProfile },
  { method: 'GET', pattern: /^\/foundation-models\/?$/, params: [], surface: 'control', operation: 'list-foundation-models', services: BEDROCK, style: 'aws', handler: listFoundationModels },
  { method: 'GET', pattern: /^\/foundation-models\/(.+)$/, params: ['modelId'], surface: 'control', operation: 'get-foundation-model', services: BEDROCK, style: 'aws', handler: getFoundationModel },
  {
    method: 'GET',
    pattern: /^\/foundation-model-availability\/(.+)$/,
    params: ['modelId'],
    surface: 'control',
    operation: 'get-foundation-model-availability',
    services: BEDROCK,
    style: 'aws',
    handler: getFoundationModelAvailability,
  },
  { method: 'POST', pattern: /^\/anthropic\/v1\/messages$/, params: [], surface: 'mantle', operation: 'mantle-messages', services: MANTLE, style: 'anthropic', handler: mantleMessages, streams: true },
  { method: 'POST', pattern: /^\/anthropic\/v1\/messages\/count_tokens$/, params: [], surface: 'mantle', operation: 'mantle-count-tokens', services: MANTLE, style: 'anthropic', handler: mantleCountTokens },
  { method: 'POST', pattern: /^\/$/, params: [], surface: 'sts', operation: 'sts', services: ['sts'], style: 'sts', handler: stsQuery },
  { method: 'GET', pattern: /^\/$/, params: [], surface: 'sts', operation: 'sts', services: ['sts'], style: 'sts', handler: stsQuery },
];

interface Matched {
  readonly route: RouteDefinition;
  readonly params: Record<string, string>;
}

function match(request: EmulatorRequest): Matched | undefined {
  const method = request.method.toUpperCase();
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const found = route.pattern.exec(request.rawPath);
    if (!found) continue;
    const params: Record<string, string> = {};
    route.params.forEach((name, index) => {
      const raw = found[index + 1] ?? '';
      try {
        params[name] = decodeURIComponent(raw);
      } catch {
        params[name] = raw;
      }
    });
    return { route, params };
  }
  return undefined;
}

function shapeError(error: unknown, style: ErrorStyle, requestId: string): EmulatorResponse {
  if (style === 'anthropic') {
    const anthropic =
      error instanceof AnthropicApiError
        ? error
        : error instanceof AwsServiceError
          ? AnthropicApiError.fromAws(error)
          : new AnthropicApiError(500, 'Internal server error');
    return anthropicErrorResponse(anthropic, requestId);
  }
  const aws =
    error instanceof AwsServiceError
      ? error
      : error instanceof AnthropicApiError
        ? new AwsServiceError('ValidationException', error.message, error.status)
        : new AwsServiceError('InternalServerException', 'The server encountered an internal error while processing the request.');
  return style === 'sts' ? stsErrorResponse(aws, requestId) : awsErrorResponse(aws, requestId);
}

const SECRET_QUERY_PARAM = /^(x-amz-security-token|x-amz-signature|x-amz-credential)$/i;

/** Presigned requests carry credentials in the query: those values never reach the log. */
function redactQuery(rawQuery: string): string {
  if (rawQuery === '') return rawQuery;
  return rawQuery
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      return eq > 0 && SECRET_QUERY_PARAM.test(pair.slice(0, eq)) ? `${pair.slice(0, eq)}=<redacted>` : pair;
    })
    .join('&');
}

/** Counts the request against every fault whose criteria match, and returns the first that fires. */
function pickFault(
  state: EmulatorStateImpl,
  scenario: Scenario,
  facts: { operation: string; path: string; modelIds: readonly string[]; region: string },
): { index: number; fault: ScenarioFault } | undefined {
  let fired: { index: number; fault: ScenarioFault } | undefined;
  scenario.faults.forEach((fault, index) => {
    const m = fault.match;
    if (m.operation !== undefined && m.operation !== facts.operation) return;
    if (m.path !== undefined && !new RegExp(m.path, 'u').test(facts.path)) return;
    if (m.model !== undefined && !facts.modelIds.includes(m.model)) return;
    if (m.region !== undefined && m.region !== facts.region) return;
    const count = (state.faultCounters.get(index) ?? 0) + 1;
    state.faultCounters.set(index, count);
    if (m.nth !== undefined && count !== m.nth) return;
    if (m.times !== undefined && count > m.times) return;
    fired ??= { index, fault };
  });
  return fired;
}

function modelIdsFor(scenario: Scenario, region: string, sentId: string | undefined): string[] {
  if (sentId === undefined) return [];
  const ids = [sentId];
  try {
    ids.push(resolveModelId(scenario, region, sentId).model.id);
  } catch {
    const mantle = scenario.models.find((m) => m.mantle?.id === sentId);
    if (mantle) ids.push(mantle.id);
  }
  return ids;
}

function faultResponse(fault: ScenarioFault, style: ErrorStyle, requestId: string): EmulatorResponse | undefined {
  const spec = fault.error;
  if (!spec) return undefined;
  if (style === 'anthropic') {
    const status = spec.status ?? 500;
    const type = /^[a-z_]+$/.test(spec.name) ? spec.name : anthropicErrorType(status);
    return anthropicErrorResponse(new AnthropicApiError(status, spec.message, type, spec.retryAfterSeconds), requestId);
  }
  const error = new AwsServiceError(spec.name, spec.message, spec.status, {
    ...(spec.retryAfterSeconds !== undefined ? { retryAfterSeconds: spec.retryAfterSeconds } : {}),
    ...(spec.fields ? { extra: spec.fields } : {}),
  });
  return style === 'sts' ? stsErrorResponse(error, requestId) : awsErrorResponse(error, requestId);
}

function withDelay(response: EmulatorResponse, extraMs: number | undefined): EmulatorResponse {
  return extraMs ? { ...response, delayMs: (response.delayMs ?? 0) + extraMs } : response;
}

export interface DispatchOptions {
  readonly state: EmulatorStateImpl;
  readonly now: () => number;
  readonly startedAt: number;
  readonly onRequest?: (entry: ReceivedRequest) => void;
}

export async function dispatch(request: EmulatorRequest, options: DispatchOptions): Promise<EmulatorResponse> {
  const { state } = options;
  const now = options.now();
  if (request.rawPath.startsWith(ADMIN_PREFIX)) return handleAdmin(request, state, options.startedAt, now);

  const requestId = randomUUID();
  const scenario = state.scenario;
  const matched = match(request);
  const surface: Surface = matched?.route.surface ?? 'unknown';
  const entry: ReceivedRequest = attachBody(
    {
      seq: state.nextSeq(),
      at: new Date(now).toISOString(),
      method: request.method,
      path: request.rawPath,
      query: redactQuery(request.rawQuery),
      httpVersion: request.httpVersion,
      surface,
      operation: matched?.route.operation ?? 'unknown',
      headers: redactHeaders(request.headers),
      ...(matched?.params.modelId !== undefined ? { modelId: matched.params.modelId } : {}),
    },
    loggedBody(request.body, request.bodyTooLarge === true, state.logLimits.bodyBytes),
  );
  state.record(entry);
  const style: ErrorStyle = matched?.route.style ?? (request.rawPath.startsWith('/anthropic/') ? 'anthropic' : 'aws');
  const finish = (response: EmulatorResponse): EmulatorResponse => {
    entry.status = response.status;
    if (response.status >= 400 && typeof response.body === 'string') {
      const body = response.body;
      const xmlCode = /<Code>([^<]*)<\/Code>/.exec(body)?.[1];
      const anthropicType = /"error":\{"type":"([a-z_]+)"/.exec(body)?.[1];
      entry.errorType = response.headers['x-amzn-errortype']?.split(':')[0] ?? xmlCode ?? anthropicType;
      const message = /"[Mm]essage":"((?:[^"\\]|\\.)*)"|<Message>([^<]*)<\/Message>/.exec(body);
      entry.errorMessage = message?.[1] ?? message?.[2];
    }
    options.onRequest?.(entry);
    return response;
  };

  if (!matched) return finish(shapeError(awsErrors.unknownOperation(), style, requestId));
  const { route, params } = matched;
  if (request.bodyTooLarge) {
    return finish(shapeError(awsErrors.requestTooLarge(scenario.limits.maxBodyBytes), route.style, requestId));
  }

  let caller: Caller;
  try {
    caller = await authenticate(request, scenario, now, {
      services: route.services,
      acceptApiKeyHeader: route.surface === 'mantle',
    });
  } catch (error) {
    return finish(shapeError(error, route.style, requestId));
  }
  entry.auth = caller.summary;

  let mantleModel: string | undefined;
  if (route.surface === 'mantle') {
    const body = entry.body as Record<string, unknown> | undefined;
    if (typeof body?.model === 'string') mantleModel = body.model;
  }
  const picked = pickFault(state, scenario, {
    operation: route.operation,
    path: request.rawPath,
    modelIds: modelIdsFor(scenario, caller.region, params.modelId ?? params.profileId ?? mantleModel),
    region: caller.region,
  });
  if (picked) entry.fault = picked.index;
  const errorFault = picked && faultResponse(picked.fault, route.style, requestId);
  if (errorFault) return finish(withDelay(errorFault, picked.fault.delayMs));

  const context: RouteContext = {
    request,
    scenario,
    state,
    caller,
    requestId,
    now,
    params,
    entry,
    streamFault: route.streams && picked && (picked.fault.streamException || picked.fault.cutStream || picked.fault.stallStream) ? picked.fault : undefined,
  };
  try {
    return finish(withDelay(await route.handler(context), picked?.fault.delayMs));
  } catch (error) {
    return finish(shapeError(error, route.style, requestId));
  }
}
