/**
 * bedrock-runtime: InvokeModel, InvokeModelWithResponseStream and CountTokens for Anthropic
 * models (wire reference §1, §2, §6, §9, §10).
 */
import { resolveForCountTokens, resolveForInvoke } from '../account.js';
import { AwsServiceError, awsErrors } from '../aws-errors.js';
import { encodeChunk, encodeException } from '../event-stream.js';
import { headerValue, type EmulatorResponse } from '../http-types.js';
import { streamParts } from './stream-parts.js';
import { parseJsonObject, validateMessagesBody } from '../messages-body.js';
import { messageOf, planReply, streamEventsOf, type ReplyPlan } from '../reply.js';
import type { ScenarioGuardrail } from '../scenario.js';
import { countInputTokens, countTextTokens } from '../tokens.js';
import type { RouteContext } from './context.js';

const SERVICE_TIERS = new Set(['default', 'flex', 'priority']);
const LATENCY_MODES = new Set(['standard', 'optimized']);

/** Service tier and latency headers: echoed when valid, the Coral enum error otherwise. */
function performanceHeaders(context: RouteContext): { headers: Record<string, string>; usageTier: string | undefined } {
  const headers: Record<string, string> = {};
  let usageTier: string | undefined;
  const tier = headerValue(context.request, 'x-amzn-bedrock-service-tier');
  if (tier !== undefined) {
    if (tier === 'reserved') {
      if (!context.scenario.access.reservedTier) throw awsErrors.reservationNotFound();
    } else if (!SERVICE_TIERS.has(tier)) {
      throw awsErrors.serviceTierInvalid(tier);
    }
    headers['x-amzn-bedrock-service-tier'] = tier;
    usageTier = tier === 'default' ? 'standard' : tier;
  }
  const latency = headerValue(context.request, 'x-amzn-bedrock-performanceconfig-latency');
  if (latency !== undefined) {
    if (!LATENCY_MODES.has(latency)) throw awsErrors.latencyInvalid(latency);
    headers['x-amzn-bedrock-performanceconfig-latency'] = latency;
  }
  return { headers, usageTier };
}

interface GuardrailUse {
  readonly guardrail: ScenarioGuardrail;
  readonly version: string;
  readonly trace: boolean;
}

const GUARDRAIL_ARN = /^arn:aws(?:-[a-z-]+)?:bedrock:[a-z0-9-]{1,20}:\d{12}:guardrail\/([a-z0-9]+)$/;

/** The documented guardrail request checks (wire reference §10). */
function guardrailOf(context: RouteContext, body: Record<string, unknown>): GuardrailUse | undefined {
  const identifier = headerValue(context.request, 'x-amzn-bedrock-guardrailidentifier');
  const version = headerValue(context.request, 'x-amzn-bedrock-guardrailversion');
  if (identifier === undefined) {
    if ('amazon-bedrock-guardrailConfig' in body) {
      throw awsErrors.modelValidation(
        'amazon-bedrock-guardrailConfig is present in the request body, but no guardrail identifier was specified in the request headers.',
      );
    }
    if (version !== undefined) throw awsErrors.modelValidation('Guardrail identifier must be specified when a guardrail version is specified.');
    return undefined;
  }
  if (version === undefined) throw awsErrors.modelValidation('Guardrail version must be specified when a guardrail identifier is specified.');
  const contentType = (headerValue(context.request, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (contentType !== 'application/json') {
    throw awsErrors.modelValidation('Guardrails are only supported for requests with content type application/json.');
  }
  if (!/^(DRAFT|[1-9][0-9]{0,7})$/.test(version)) {
    throw awsErrors.modelValidation(
      `1 validation error detected: Value '${version}' at 'guardrailVersion' failed to satisfy constraint: Member must satisfy regular expression pattern: (([1-9][0-9]{0,7})|(DRAFT))`,
    );
  }
  const id = GUARDRAIL_ARN.exec(identifier)?.[1] ?? identifier;
  const guardrail = context.scenario.guardrails.find((g) => g.id === id);
  if (!guardrail || (version !== 'DRAFT' && !guardrail.versions.includes(version))) {
    throw awsErrors.resourceNotFound(`The guardrail ${identifier} with version ${version} was not found.`);
  }
  const trace = headerValue(context.request, 'x-amzn-bedrock-trace') ?? 'DISABLED';
  return { guardrail, version, trace: trace === 'ENABLED' || trace === 'ENABLED_FULL' };
}

function textsOf(value: unknown, into: string[]): void {
  if (typeof value === 'string') into.push(value);
  else if (Array.isArray(value)) for (const item of value) textsOf(item, into);
  else if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    if (typeof record.text === 'string') into.push(record.text);
    if (record.content !== undefined) textsOf(record.content, into);
  }
}

/** Text the guardrail evaluates: tagged content only when a tag suffix is configured. */
function guardedInput(body: Record<string, unknown>): string {
  const texts: string[] = [];
  textsOf(body.system, texts);
  textsOf(body.messages, texts);
  const all = texts.join('\n');
  const config = body['amazon-bedrock-guardrailConfig'] as Record<string, unknown> | undefined;
  const suffix = typeof config?.tagSuffix === 'string' ? config.tagSuffix : undefined;
  if (suffix === undefined) return all;
  const tag = `amazon-bedrock-guardrails-guardContent_${suffix}`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const tagged = [...all.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => m[1] ?? '');
  return tagged.join('\n');
}

function blockedTerm(guardrail: ScenarioGuardrail, text: string): string | undefined {
  const lower = text.toLowerCase();
  return guardrail.blockedTerms.find((term) => lower.includes(term.toLowerCase()));
}

interface GuardrailOutcome {
  readonly plan: ReplyPlan;
  readonly fields: Record<string, unknown>;
}

function applyGuardrail(use: GuardrailUse | undefined, body: Record<string, unknown>, plan: ReplyPlan, context: RouteContext): GuardrailOutcome {
  if (!use) return { plan, fields: {} };
  const { guardrail } = use;
  const inputHit = blockedTerm(guardrail, guardedInput(body));
  const outputText = plan.content.map((b) => (b.type === 'text' ? b.text : b.type === 'tool_use' ? JSON.stringify(b.input) : '')).join('\n');
  const outputHit = inputHit === undefined ? blockedTerm(guardrail, outputText) : undefined;
  const hit = inputHit ?? outputHit;
  const arn = `arn:aws:bedrock:${context.caller.region}:${context.scenario.account.id}:guardrail/${guardrail.id}`;
  const trace = {
    guardrail: {
      ...(inputHit !== undefined
        ? { input: { [guardrail.id]: { wordPolicy: { customWords: [{ match: inputHit, action: 'BLOCKED' }] } } } }
        : { input: { [guardrail.id]: {} } }),
      ...(outputHit !== undefined
        ? { outputs: [{ [guardrail.id]: { wordPolicy: { customWords: [{ match: outputHit, action: 'BLOCKED' }] } } }] }
        : {}),
      actionReason: hit === undefined ? 'No action.' : 'Guardrail blocked.',
      appliedGuardrailDetails: {
        guardrailId: guardrail.id,
        guardrailVersion: use.version,
        guardrailArn: arn,
        guardrailOrigin: ['REQUEST'],
        guardrailOwnership: 'SELF',
      },
    },
  };
  const fields: Record<string, unknown> = {
    'amazon-bedrock-guardrailAction': hit === undefined ? 'NONE' : 'INTERVENED',
    ...(use.trace ? { 'amazon-bedrock-trace': trace } : {}),
  };
  if (hit === undefined) return { plan, fields };
  const text = inputHit !== undefined ? guardrail.blockedInputMessaging : guardrail.blockedOutputsMessaging;
  const blocked: ReplyPlan = {
    content: [{ type: 'text', text }],
    stopReason: 'end_turn',
    stopSequence: null,
    inputTokens: plan.inputTokens,
    outputTokens: countTextTokens(text),
  };
  return { plan: blocked, fields };
}

interface Prepared {
  readonly body: Record<string, unknown>;
  readonly plan: ReplyPlan;
  readonly anthropicModel: string;
  readonly guardrailFields: Record<string, unknown>;
  readonly extraHeaders: Record<string, string>;
  readonly usageTier: string | undefined;
}

function prepareInvoke(context: RouteContext): Prepared {
  const modelId = context.params.modelId ?? '';
  const resolved = resolveForInvoke(context.scenario, context.caller.region, modelId);
  context.entry.resolvedModel = resolved.model.id;
  const performance = performanceHeaders(context);
  const body = parseJsonObject(context.request.body, 'bedrock');
  validateMessagesBody(body, 'bedrock');
  const guardrail = guardrailOf(context, body);
  const planned = planReply(body, {
    modelIds: [modelId, resolved.model.id, ...(resolved.model.mantle ? [resolved.model.mantle.id] : [])],
    scenario: context.scenario,
    ids: context.state.ids,
  });
  const outcome = applyGuardrail(guardrail, body, planned, context);
  return {
    body,
    plan: outcome.plan,
    anthropicModel: resolved.model.anthropicModel,
    guardrailFields: outcome.fields,
    extraHeaders: performance.headers,
    usageTier: performance.usageTier,
  };
}

export async function invokeModel(context: RouteContext): Promise<EmulatorResponse> {
  const prepared = prepareInvoke(context);
  const { latency } = context.scenario;
  const message = {
    ...messageOf(prepared.plan, context.state.ids.message(), prepared.anthropicModel, { serviceTier: prepared.usageTier }),
    ...prepared.guardrailFields,
  };
  return {
    status: 200,
    delayMs: latency.firstByteMs,
    headers: {
      'content-type': 'application/json',
      'x-amzn-requestid': context.requestId,
      'x-amzn-bedrock-input-token-count': String(prepared.plan.inputTokens),
      'x-amzn-bedrock-output-token-count': String(prepared.plan.outputTokens),
      'x-amzn-bedrock-invocation-latency': String(latency.firstByteMs),
      ...prepared.extraHeaders,
    },
    body: JSON.stringify(message),
  };
}

/** Stream faults use the runtime's ResponseStream union member names (camelCase). */
function exceptionPayload(fault: NonNullable<NonNullable<RouteContext['streamFault']>['streamException']>): Record<string, unknown> {
  return {
    message: fault.message,
    ...(fault.originalStatusCode !== undefined ? { originalStatusCode: fault.originalStatusCode, originalMessage: fault.message } : {}),
  };
}

export async function invokeModelWithResponseStream(context: RouteContext): Promise<EmulatorResponse> {
  const prepared = prepareInvoke(context);
  const { latency, limits } = context.scenario;
  const events = streamEventsOf(
    prepared.plan,
    context.state.ids.message(),
    prepared.anthropicModel,
    limits.deltasPerBlock,
    { serviceTier: prepared.usageTier },
  );
  const invocationLatency = latency.firstByteMs + latency.perChunkMs * (events.length - 1);
  const last = events[events.length - 1]!;
  events[events.length - 1] = {
    ...last,
    ...prepared.guardrailFields,
    'amazon-bedrock-invocationMetrics': {
      inputTokenCount: prepared.plan.inputTokens,
      outputTokenCount: prepared.plan.outputTokens,
      invocationLatency,
      firstByteLatency: latency.firstByteMs,
    },
  };
  if (prepared.guardrailFields['amazon-bedrock-guardrailAction'] === 'INTERVENED') {
    const deltaIndex = events.findIndex((e) => e.type === 'message_delta');
    if (deltaIndex >= 0) events[deltaIndex] = { ...events[deltaIndex], 'amazon-bedrock-guardrailAction': 'INTERVENED' };
  }
  const stream = streamParts(events, {
    fault: context.streamFault,
    entry: context.entry,
    perChunkMs: latency.perChunkMs,
    encode: encodeChunk,
    encodeException: (exception) => encodeException(exception.type, exceptionPayload(exception)),
  });
  return {
    status: 200,
    delayMs: latency.firstByteMs,
    headers: {
      'content-type': 'application/vnd.amazon.eventstream',
      'x-amzn-bedrock-content-type': 'application/json',
      'x-amzn-requestid': context.requestId,
      ...prepared.extraHeaders,
    },
    stream,
  };
}

/** CountTokens: `{"input":{"invokeModel":{"body":"<base64>"}}}` or the Converse form → `{"inputTokens":N}`. */
export async function countTokens(context: RouteContext): Promise<EmulatorResponse> {
  const model = resolveForCountTokens(context.scenario, context.caller.region, context.params.modelId ?? '');
  context.entry.resolvedModel = model.id;
  const outer = parseJsonObject(context.request.body, 'bedrock');
  const input = outer.input as Record<string, unknown> | undefined;
  if (typeof input !== 'object' || input === null) throw awsErrors.malformedInput('#: required key [input] not found');
  const members = Object.keys(input);
  if (members.length !== 1) {
    throw new AwsServiceError('ValidationException', 'Input must contain exactly one of invokeModel or converse.');
  }
  let inner: Record<string, unknown>;
  if (members[0] === 'invokeModel') {
    const invoke = input.invokeModel as Record<string, unknown> | undefined;
    if (typeof invoke?.body !== 'string') throw awsErrors.malformedInput('#/input/invokeModel: required key [body] not found');
    inner = parseJsonObject(Buffer.from(invoke.body, 'base64'), 'bedrock');
    validateMessagesBody(inner, 'bedrock');
    rejectCountTokensToolFields(inner);
  } else if (members[0] === 'converse') {
    inner = converseToMessages(input.converse);
  } else {
    throw new AwsServiceError('ValidationException', `Unknown input member: ${members[0]}`);
  }
  return {
    status: 200,
    headers: { 'content-type': 'application/json', 'x-amzn-requestid': context.requestId },
    body: JSON.stringify({ inputTokens: countInputTokens(inner) }),
  };
}

/**
 * CountTokens refuses tool-definition fields that InvokeModel accepts; observed for fine-grained
 * tool streaming's flag (anthropics/claude-code#63532: `/context` showed 0 tokens per tool).
 */
function rejectCountTokensToolFields(body: Record<string, unknown>): void {
  const tools = body.tools;
  if (!Array.isArray(tools)) return;
  tools.forEach((tool: unknown, index) => {
    if (typeof tool === 'object' && tool !== null && 'eager_input_streaming' in tool) {
      throw new AwsServiceError('ValidationException', `tools.${index}.custom.eager_input_streaming: Extra inputs are not permitted`);
    }
  });
}

/** The Converse shapes map onto Messages shapes closely enough to count the same way. */
function converseToMessages(converse: unknown): Record<string, unknown> {
  const c = (typeof converse === 'object' && converse !== null ? converse : {}) as Record<string, unknown>;
  const block = (b: Record<string, unknown>): unknown =>
    typeof b.text === 'string'
      ? { type: 'text', text: b.text }
      : b.toolUse
        ? { type: 'tool_use', ...(b.toolUse as object) }
        : b.toolResult
          ? { type: 'tool_result', content: (b.toolResult as Record<string, unknown>).content }
          : b;
  const messages = Array.isArray(c.messages)
    ? (c.messages as Record<string, unknown>[]).map((m) => ({
        role: m.role,
        content: Array.isArray(m.content) ? (m.content as Record<string, unknown>[]).map(block) : [],
      }))
    : [];
  const system = Array.isArray(c.system) ? (c.system as Record<string, unknown>[]).map(block) : undefined;
  const tools = (c.toolConfig as Record<string, unknown> | undefined)?.tools;
  return { messages, ...(system ? { system } : {}), ...(Array.isArray(tools) ? { tools } : {}) };
}
