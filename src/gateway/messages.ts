/**
 * The Anthropic Messages surface: `POST /v1/messages` (JSON and SSE) and
 * `POST /v1/messages/count_tokens`, served from Bedrock's Invoke API (event stream transcoded
 * to SSE, one frame at a time) or from Mantle (SSE passed through as it arrives).
 */
import { CcBedrockError } from '../core/errors.js';
import { markFinal } from '../bedrock/retry-policy.js';
import { SilenceWatch, formatWait } from '../bedrock/deadlines.js';
import type { ResolvedModel, RoutePlan } from '../core/route-plan.js';
import { guardrailError, guardrailFacts } from '../client/errors.js';
import { classifyFailure } from '../bedrock/classify-failure.js';
import { upstreamFailureFromFrame } from '../bedrock/wire-failure.js';
import { countTokensInvokeBody } from '../client/count-tokens-body.js';
import { countTokensModelId } from '../models/model-ids.js';
import { BEDROCK_ANTHROPIC_VERSION, MANTLE_ANTHROPIC_VERSION, requestHeaders } from '../client/transport.js';
import type { CallTarget } from '../core/route-plan.js';
import { invalidRequest, sseErrorEvent, toWireError } from './anthropic-errors.js';
import { bedrockPath, clip } from './bedrock-paths.js';
import { MID_CONVERSATION_SYSTEM_BETA, applyBetaPolicy, foldSystemMessages, splitBetaHeader, stripBetaFields, type BetaDecision } from './beta-policy.js';
import type { GatewayContext, HandlerInput, HandlerResult } from './context.js';
import { usageOf, type StreamFrame } from './event-stream.js';
import { blockedTextOf, bytesReportIntervention, newTagSuffix, reportsIntervention, tagLatestUserText } from './guardrails.js';
import { remember, type ModelIdentity } from './model-identity.js';
import type { RequestScope } from './request-scope.js';
import { checkMessagesBody, parseJsonObject } from './request-body.js';
import { SseUsageReader } from './sse-usage.js';
import { FrameSource, StreamCutError } from './stream-source.js';
import type { SigningService, UpstreamCall } from './upstream.js';
import type { UpstreamResponse } from './upstream-transport.js';
import { jsonResponse, type GatewayResponse } from './exchange.js';

/** JSON from response bytes; undefined when they are not JSON. */
export function parseJsonBytes(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch {
    return undefined;
  }
}

const encoder = new TextEncoder();

export type AuthKind = 'none' | 'bearer' | 'sigv4';

/** The auth kind the plan will use for an endpoint (the custom-header rules depend on it). */
export function planAuthKind(plan: RoutePlan, endpoint: 'bedrock' | 'mantle'): AuthKind {
  const kind = plan.credentials[endpoint].kind;
  return kind === 'skip-auth' ? 'none' : kind === 'bearer-token' ? 'bearer' : 'sigv4';
}

export function targetFor(resolved: ResolvedModel, requested: string, baseURL: string, betas: readonly string[], identity: ModelIdentity): CallTarget {
  return {
    modelId: resolved.wireModelId,
    requested,
    endpoint: resolved.endpoint,
    region: resolved.region.value,
    baseURL,
    betas,
    catalogKey: identity.model?.key ?? resolved.catalogKey,
  };
}

/** Applies the decision's body side: fields of dropped betas go, system turns fold when their beta is not forwarded. */
export function applyBetaBody(body: Record<string, unknown>, decision: BetaDecision): string[] {
  const stripped = decision.stripFields.length ? stripBetaFields(body, decision.stripFields) : [];
  if (!decision.betas.includes(MID_CONVERSATION_SYSTEM_BETA) && foldSystemMessages(body) > 0) stripped.push('messages[role=system]');
  return stripped;
}

/** Records what the beta policy did on the request's log line and in the metrics. */
export function noteBetas(scope: RequestScope, context: GatewayContext, decision: BetaDecision, stripped: readonly string[]): void {
  Object.assign(scope.fields, betaFields(decision));
  if (stripped.length) scope.fields['fieldsStripped'] = stripped;
  context.metrics.betas('dropped', decision.dropped.length);
  context.metrics.betas('renamed', decision.renamed.length);
}

export function noteModel(scope: RequestScope, requested: string, resolved: ResolvedModel, identity: ModelIdentity): void {
  scope.fields['model'] = clip(requested);
  scope.fields['upstreamModel'] = clip(resolved.wireModelId);
  scope.fields['endpoint'] = resolved.endpoint;
  scope.fields['region'] = resolved.region.value;
  if (identity.backingModelId) scope.fields['backingModel'] = identity.backingModelId;
}

function sse(type: string, json: string): string {
  // Bedrock sends compact JSON; anything with a raw newline would split the SSE event.
  const data = json.includes('\n') ? JSON.stringify(JSON.parse(json)) : json;
  return `event: ${type}\ndata: ${data}\n\n`;
}

/** A failure reported by an exception frame, classified like any other upstream failure. */
export function streamFrameError(frame: Extract<StreamFrame, { kind: 'exception' }>, target: CallTarget, authKind: AuthKind, now: number): { error: CcBedrockError; retryable: boolean } {
  const failure = upstreamFailureFromFrame(frame.errorType, frame.message, [], now);
  const classified = classifyFailure(undefined, failure, { target, authKind, operation: 'messages' });
  return { error: classified.error, retryable: classified.action === 'retry' || classified.error.code === 'STREAM_INTERRUPTED' };
}

export function streamCutError(cut: StreamCutError, target: CallTarget, committed: boolean): CcBedrockError {
  const where = `model ${target.modelId} in ${target.region}`;
  if (cut.reason === 'idle') {
    // The deadline gave up on the call: a client resend would only wait as long again.
    return markFinal(
      new CcBedrockError('TIMEOUT', `the stream for ${where} was abandoned: ${cut.message}`, {
        remediation: 'retry; if it keeps happening, check the network path between the gateway and Bedrock',
      }),
    );
  }
  return new CcBedrockError('STREAM_INTERRUPTED', `the stream for ${where} failed${committed ? ' after output was sent' : ''}: ${cut.message}`, {
    remediation: committed ? 'retry the turn (the partial reply is incomplete)' : 'retry the request',
    details: { outputDelivered: committed },
  });
}

function interventionError(target: CallTarget, message: unknown, trace: unknown, plan: RoutePlan): CcBedrockError {
  return guardrailError(target, blockedTextOf(message), guardrailFacts(trace, plan.customHeaders));
}

function mergeBlockedText(events: readonly Record<string, unknown>[]): { content: { type: string; text: string }[] } {
  let text = '';
  for (const event of events) {
    const delta = event['delta'] as { type?: unknown; text?: unknown } | undefined;
    if (event['type'] === 'content_block_delta' && delta?.type === 'text_delta' && typeof delta.text === 'string') text += delta.text;
  }
  return { content: [{ type: 'text', text }] };
}

/**
 * SSE from an Invoke event stream. The first frame is read before the response is committed, so
 * a stream that fails at once (throttling frame, cut connection) can still be retried or
 * answered with a plain HTTP error.
 */
async function invokeStream(input: HandlerInput, call: UpstreamCall, target: CallTarget): Promise<HandlerResult> {
  const { scope, context } = input;
  const authKind = planAuthKind(context.plan, 'bedrock');
  // One budget for the HTTP retries and the re-sends of a stream that failed before output.
  const budget = context.upstream.budget();
  const budgeted: UpstreamCall = { ...call, budget };
  for (;;) {
    const sent = await context.upstream.send(budgeted);
    context.metrics.upstreamLatency(sent.latencyMs);
    scope.fields['attempts'] = sent.attempts;
    scope.fields['upstreamMs'] = sent.latencyMs;
    const source = new FrameSource(sent.response, context.streamIdleTimeoutMs, () => scope.abort(new Error('idle')));
    let first: StreamFrame[] | null;
    try {
      first = await source.next();
    } catch (error) {
      if (!(error instanceof StreamCutError)) throw error;
      const failure = streamCutError(error, target, false);
      if (error.reason !== 'idle' && budget.take(failure, scope.aborted)) continue;
      throw failure;
    }
    const exception = first?.find((frame) => frame.kind === 'exception');
    if (exception && exception.kind === 'exception' && first!.indexOf(exception) === 0) {
      source.cancel();
      const { error, retryable } = streamFrameError(exception, target, authKind, context.clock());
      if (retryable && budget.take(error, scope.aborted)) {
        context.metrics.retry(error.code);
        continue;
      }
      throw error;
    }
    if (first === null) {
      throw new CcBedrockError('STREAM_INTERRUPTED', `Bedrock ended the stream for model ${target.modelId} in ${target.region} without sending anything`, {
        remediation: 'retry the request',
      });
    }
    return { response: sseResponse(input, source, first, target), streaming: true };
  }
}

function sseResponse(input: HandlerInput, source: FrameSource, first: StreamFrame[], target: CallTarget): GatewayResponse {
  const { scope, context } = input;
  const authKind = planAuthKind(context.plan, 'bedrock');
  let pending: StreamFrame[] | null = first;
  let sawStop = false;
  let ended = false;
  const seen: Record<string, unknown>[] = [];
  let guardrailWatch = false;

  const endWith = (controller: ReadableStreamDefaultController<Uint8Array>, text: string, error?: CcBedrockError) => {
    ended = true;
    source.cancel();
    if (text) controller.enqueue(encoder.encode(text));
    controller.close();
    if (error) {
      const wire = toWireError(error);
      scope.finish(200, { type: wire.type, code: wire.code, message: error.message });
    } else {
      scope.finish(200);
    }
  };

  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (ended) return;
        let frames = pending;
        pending = null;
        try {
          frames ??= await source.next();
        } catch (error) {
          const failure =
            scope.cutBy ??
            (error instanceof StreamCutError
              ? streamCutError(error, target, true)
              : new CcBedrockError('STREAM_INTERRUPTED', `reading the stream for model ${target.modelId} failed: ${(error as Error)?.message ?? String(error)}`, {
                  remediation: 'retry the turn (the partial reply is incomplete)',
                }));
          endWith(controller, sseErrorEvent(toWireError(failure)), failure);
          return;
        }
        if (frames === null) {
          if (sawStop) return endWith(controller, '');
          const failure = new CcBedrockError('STREAM_INTERRUPTED', `Bedrock ended the stream for model ${target.modelId} in ${target.region} before message_stop`, {
            remediation: 'retry the turn (the partial reply is incomplete)',
          });
          return endWith(controller, sseErrorEvent(toWireError(failure)), failure);
        }
        let out = '';
        for (const frame of frames) {
          if (frame.kind === 'exception') {
            const { error } = streamFrameError(frame, target, authKind, context.clock());
            return endWith(controller, out + sseErrorEvent(toWireError(error)), error);
          }
          if (frame.kind !== 'event') continue;
          const { event } = frame;
          const usage = usageOf(event);
          if (usage.input !== undefined || usage.output !== undefined) scope.addTokens(usage.input, usage.output);
          if (reportsIntervention(frame.json)) guardrailWatch = true;
          if (guardrailWatch) {
            // Bedrock marks the intervention on the closing events, after the canned reply
            // streamed: end with an error so the canned text never becomes an assistant turn.
            seen.push(event);
            const error = interventionError(target, mergeBlockedText(seen), event['amazon-bedrock-trace'], context.plan);
            scope.fields['guardrail'] = 'intervened';
            return endWith(controller, out + sseErrorEvent(toWireError(error)), error);
          }
          if (event['type'] === 'content_block_delta') seen.push(event);
          if (frame.type === 'message_stop') sawStop = true;
          out += sse(frame.type, frame.json);
        }
        if (out) controller.enqueue(encoder.encode(out));
      },
      cancel() {
        ended = true;
        source.cancel();
        scope.abort(new Error('client closed the stream'));
        scope.finish(499);
      },
    },
    { highWaterMark: 0 },
  );
  return {
    status: 200,
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'request-id': scope.id },
    body,
  };
}

/** Token counts of a non-streaming reply: Bedrock's headers when present, else the body's usage. */
function replyTokens(response: UpstreamResponse, parsed: () => Record<string, unknown> | undefined): { input?: number; output?: number } {
  const input = Number(response.header('x-amzn-bedrock-input-token-count') ?? NaN);
  const output = Number(response.header('x-amzn-bedrock-output-token-count') ?? NaN);
  if (Number.isFinite(input) && Number.isFinite(output)) return { input, output };
  const usage = parsed()?.['usage'] as Record<string, unknown> | undefined;
  return {
    ...(typeof usage?.['input_tokens'] === 'number' ? { input: usage['input_tokens'] } : {}),
    ...(typeof usage?.['output_tokens'] === 'number' ? { output: usage['output_tokens'] } : {}),
  };
}

async function completeReply(input: HandlerInput, call: UpstreamCall, target: CallTarget): Promise<HandlerResult> {
  const { scope, context } = input;
  const sent = await context.upstream.send(call);
  context.metrics.upstreamLatency(sent.latencyMs);
  scope.fields['attempts'] = sent.attempts;
  scope.fields['upstreamMs'] = sent.latencyMs;
  const bytes = await sent.response.bytes();
  let parsed: Record<string, unknown> | undefined;
  const parse = () => (parsed ??= parseJsonBytes(bytes) as Record<string, unknown> | undefined);
  const tokens = replyTokens(sent.response, parse);
  scope.addTokens(tokens.input, tokens.output);
  if (bytesReportIntervention(bytes)) {
    scope.fields['guardrail'] = 'intervened';
    const message = parse();
    throw interventionError(target, message, message?.['amazon-bedrock-trace'], context.plan);
  }
  // Bedrock's reply already is the Messages API object: handed on without a parse/serialise round trip.
  return {
    response: { status: 200, headers: { 'content-type': 'application/json', 'request-id': scope.id }, body: bytes },
  };
}

/** Mantle answers in the Messages API's own shapes: its JSON and SSE go back unchanged. */
async function mantlePassthrough(input: HandlerInput, call: UpstreamCall, stream: boolean): Promise<HandlerResult> {
  const { scope, context } = input;
  const sent = await context.upstream.send(call);
  context.metrics.upstreamLatency(sent.latencyMs);
  scope.fields['attempts'] = sent.attempts;
  scope.fields['upstreamMs'] = sent.latencyMs;
  const headers = { 'content-type': sent.response.header('content-type') ?? (stream ? 'text/event-stream' : 'application/json'), 'request-id': scope.id };
  if (!stream) {
    const bytes = await sent.response.bytes();
    const tokens = replyTokens(sent.response, () => parseJsonBytes(bytes) as Record<string, unknown> | undefined);
    scope.addTokens(tokens.input, tokens.output);
    return { response: { status: 200, headers, body: bytes } };
  }
  const reader = sent.response.chunks()[Symbol.asyncIterator]();
  const usage = new SseUsageReader((input, output) => scope.addTokens(input, output));
  // Mantle's SSE is relayed as is, under the same idle deadline as an Invoke event stream.
  const watch = new SilenceWatch({ limitMs: context.streamIdleTimeoutMs, onExpire: () => scope.abort(new Error('idle')) });
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          watch.arm();
          const { done, value } = await reader.next();
          watch.stop();
          if (done) {
            controller.close();
            scope.finish(200);
            return;
          }
          usage.push(value);
          controller.enqueue(value);
        } catch (error) {
          watch.stop();
          const failure =
            scope.cutBy ??
            (watch.expired
              ? streamCutError(new StreamCutError(`Mantle sent nothing for ${formatWait(watch.limitMs)}`, 'idle'), call.target, true)
              : new CcBedrockError('STREAM_INTERRUPTED', `the Mantle stream for model ${call.target.modelId} broke: ${(error as Error)?.message ?? String(error)}`, {
                  remediation: 'retry the turn (the partial reply is incomplete)',
                }));
          const wire = toWireError(failure);
          controller.enqueue(encoder.encode(sseErrorEvent(wire)));
          controller.close();
          scope.finish(200, { type: wire.type, code: wire.code, message: failure.message });
        }
      },
      cancel() {
        watch.stop();
        sent.response.cancel();
        scope.abort(new Error('client closed the stream'));
        scope.finish(499);
      },
    },
    { highWaterMark: 0 },
  );
  return { response: { status: 200, headers: { ...headers, 'cache-control': 'no-cache' }, body }, streaming: true };
}

/**
 * Everything a Messages call's upstream leg depends on apart from the body: the model resolved
 * (and its ARN identity), the beta decision, the target, path and headers. The same model name,
 * `anthropic-beta` header and stream flag always give the same answer for the life of the
 * gateway, so it is worked out once and reused: the per-request work is the body itself.
 */
export interface PreparedCall {
  readonly resolved: ResolvedModel;
  readonly identity: ModelIdentity;
  readonly decision: BetaDecision;
  readonly baseURL: string;
  readonly target: CallTarget;
  readonly service: SigningService;
  readonly path: string;
  readonly query: Readonly<Record<string, string>> | undefined;
  readonly headers: Readonly<Record<string, string>>;
  /** The request log fields every call of this kind carries. */
  readonly fields: Readonly<Record<string, unknown>>;
  /** Until when it may be reused (an ARN's looked-up identity is refreshed; everything else is fixed). */
  readonly expires: number;
}

/** How long a call prepared with an ARN's looked-up identity is reused before the identity is asked again. */
const PREPARED_ARN_TTL_MS = 60_000;
/** Client input is part of the key (model name, beta header): longer keys are not remembered. */
const MAX_PREPARED_KEY_LENGTH = 4096;
const MANTLE_QUERY: Readonly<Record<string, string>> = Object.freeze({ beta: 'true' });
type MessagesRoute = 'messages' | 'count_tokens';

export function betaFields(decision: BetaDecision): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  if (decision.dropped.length) fields['betasDropped'] = decision.dropped.map((d) => `${d.beta} (${d.reason})`);
  if (decision.renamed.length) fields['betasRenamed'] = decision.renamed.map((r) => `${r.from} -> ${r.to}`);
  return fields;
}

async function prepareCall(input: HandlerInput, route: MessagesRoute, options: MessagesRouteOptions, requested: string, stream: boolean, betaHeader: string | null): Promise<PreparedCall> {
  const { context } = input;
  const resolved = context.models.resolve(requested, 'anthropic');
  if (options.mantleOnly && resolved.endpoint !== 'mantle') {
    throw invalidRequest(
      `model: ${JSON.stringify(clip(requested))} goes to the Invoke API on this gateway, and ${MANTLE_PASSTHROUGH_PREFIX}/… serves Bedrock Mantle only`,
      'start the gateway with CLAUDE_CODE_USE_MANTLE=1 and send a Mantle model ID (anthropic.claude-…), or send Anthropic-API clients to /v1/messages',
    );
  }
  const pendingIdentity = context.models.identity(resolved);
  const looked = pendingIdentity instanceof Promise;
  const identity = looked ? await pendingIdentity : pendingIdentity;
  const decision = applyBetaPolicy([...splitBetaHeader(betaHeader), ...resolved.betas], resolved.endpoint, identity.model, context.betaOverrides);
  const baseURL = context.models.baseUrlFor(resolved);
  const endpoint = resolved.endpoint;
  const fields: Record<string, unknown> = {
    model: clip(requested),
    upstreamModel: clip(resolved.wireModelId),
    endpoint,
    region: resolved.region.value,
    ...(identity.backingModelId ? { backingModel: identity.backingModelId } : {}),
    ...betaFields(decision),
  };
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: route === 'messages' && stream && endpoint === 'mantle' ? 'text/event-stream' : 'application/json',
    ...requestHeaders({
      endpoint,
      authKind: planAuthKind(context.plan, endpoint),
      customHeaders: context.plan.customHeaders,
      ...(route === 'messages' ? { serviceTier: context.plan.serviceTier?.value } : {}),
    }),
  };
  let target = targetFor(resolved, requested, baseURL, decision.betas, identity);
  let path: string;
  if (endpoint === 'mantle') {
    if (decision.betas.length) headers['anthropic-beta'] = decision.betas.join(',');
    headers['anthropic-version'] = MANTLE_ANTHROPIC_VERSION;
    path = route === 'messages' ? '/v1/messages' : '/v1/messages/count_tokens';
  } else if (route === 'messages') {
    path = bedrockPath({ kind: stream ? 'invoke-with-response-stream' : 'invoke', modelId: resolved.wireModelId });
  } else {
    const baseId = countTokensModelId(resolved.wireModelId, identity.backingModelId);
    fields['countTokensModel'] = baseId;
    target = { ...target, modelId: baseId };
    path = bedrockPath({ kind: 'count-tokens', modelId: baseId });
  }
  return {
    resolved,
    identity,
    decision,
    baseURL,
    target,
    service: endpoint === 'mantle' ? 'bedrock-mantle' : 'bedrock',
    path,
    query: endpoint === 'mantle' ? MANTLE_QUERY : undefined,
    headers: Object.freeze(headers),
    fields: Object.freeze(fields),
    expires: looked ? context.clock() + PREPARED_ARN_TTL_MS : Number.POSITIVE_INFINITY,
  };
}

/** The prepared call for this request: from the gateway's cache (no promise then), or worked out and remembered. */
function preparedCallFor(input: HandlerInput, route: MessagesRoute, options: MessagesRouteOptions, requested: string, stream: boolean): PreparedCall | Promise<PreparedCall> {
  const { context } = input;
  const betaHeader = input.request.header('anthropic-beta');
  const key = `${route}${options.mantleOnly ? '+mantle' : ''}${stream ? '+stream' : ''}\u0000${requested}\u0000${betaHeader ?? ''}`;
  const cached = context.preparedCalls.get(key);
  if (cached && cached.expires > context.clock()) return cached;
  return prepareCall(input, route, options, requested, stream, betaHeader).then((prepared) => {
    if (key.length <= MAX_PREPARED_KEY_LENGTH) remember(context.preparedCalls, key, prepared);
    return prepared;
  });
}

/**
 * What both Messages routes do first: the body checked, the call prepared (or taken from the
 * cache), the beta decision applied to the body, all noted on the request's log line.
 */
async function prepareMessagesCall(input: HandlerInput, route: MessagesRoute, options: MessagesRouteOptions) {
  const { scope, context } = input;
  const body = parseJsonObject(input.body);
  const { model: requested, stream } = checkMessagesBody(body, route);
  const pending = preparedCallFor(input, route, options, requested, stream);
  const prepared = pending instanceof Promise ? await pending : pending;
  Object.assign(scope.fields, prepared.fields);
  if (route === 'messages') scope.fields['stream'] = stream;
  const stripped = applyBetaBody(body, prepared.decision);
  if (stripped.length) scope.fields['fieldsStripped'] = stripped;
  context.metrics.betas('dropped', prepared.decision.dropped.length);
  context.metrics.betas('renamed', prepared.decision.renamed.length);
  return { body, stream, prepared };
}

function upstreamCall(prepared: PreparedCall, body: string, scope: RequestScope, operation: UpstreamCall['operation'], firstByteTimeoutMs?: number): UpstreamCall {
  return {
    target: prepared.target,
    service: prepared.service,
    method: 'POST',
    baseURL: prepared.baseURL,
    path: prepared.path,
    ...(prepared.query ? { query: prepared.query } : {}),
    headers: prepared.headers,
    body,
    operation,
    ...(operation === 'count-tokens' && prepared.service === 'bedrock' ? { countTokensModelId: prepared.target.modelId } : {}),
    cancel: scope,
    ...(firstByteTimeoutMs !== undefined ? { firstByteTimeoutMs } : {}),
  };
}

/**
 * Where Claude Code and the Mantle SDK post when `ANTHROPIC_BEDROCK_MANTLE_BASE_URL` names the
 * gateway (`http://gateway/anthropic`, with `CLAUDE_CODE_SKIP_MANTLE_AUTH=1`): the same handlers
 * as `/v1/messages`, limited to models the plan sends to Mantle, re-signed for bedrock-mantle.
 */
export const MANTLE_PASSTHROUGH_PREFIX = '/anthropic';

export interface MessagesRouteOptions {
  /** The Mantle passthrough: refuse models the plan routes to the Invoke API. */
  readonly mantleOnly?: boolean;
}

/** `POST /v1/messages` (and `/anthropic/v1/messages`, Mantle only). */
export async function handleMessages(input: HandlerInput, options: MessagesRouteOptions = {}): Promise<HandlerResult> {
  const { scope, context } = input;
  const { body, stream, prepared } = await prepareMessagesCall(input, 'messages', options);
  const { resolved, decision, target } = prepared;

  if (resolved.endpoint === 'mantle') {
    body['model'] = resolved.wireModelId;
    return mantlePassthrough(input, upstreamCall(prepared, JSON.stringify(body), scope, 'messages', stream ? context.firstByteTimeoutMs : undefined), stream);
  }

  delete body['model'];
  delete body['stream'];
  body['anthropic_version'] = BEDROCK_ANTHROPIC_VERSION;
  if (decision.betas.length) body['anthropic_beta'] = decision.betas;
  else delete body['anthropic_beta'];
  if (context.tagUserText) {
    scope.fields['guardrailTagged'] = tagLatestUserText(body, newTagSuffix());
  }
  const call = upstreamCall(prepared, JSON.stringify(body), scope, 'messages', stream ? context.firstByteTimeoutMs : undefined);
  return stream ? invokeStream(input, call, target) : completeReply(input, call, target);
}

/** `POST /v1/messages/count_tokens`: Bedrock CountTokens on the base model ID, or Mantle's own endpoint. */
export async function handleCountTokens(input: HandlerInput, options: MessagesRouteOptions = {}): Promise<HandlerResult> {
  const { scope, context } = input;
  const { body, prepared } = await prepareMessagesCall(input, 'count_tokens', options);
  const { resolved, decision, target } = prepared;

  if (resolved.endpoint === 'mantle') {
    body['model'] = resolved.wireModelId;
    const sent = await context.upstream.send(upstreamCall(prepared, JSON.stringify(body), scope, 'count-tokens'));
    context.metrics.upstreamLatency(sent.latencyMs);
    const bytes = await sent.response.bytes();
    return { response: { status: 200, headers: { 'content-type': 'application/json', 'request-id': scope.id }, body: bytes } };
  }

  const { model: _model, stream: _stream, max_tokens: maxTokens, ...fields } = body;
  const invokeBody = countTokensInvokeBody(fields, maxTokens, decision.betas);
  const wrapped = JSON.stringify({ input: { invokeModel: { body: Buffer.from(JSON.stringify(invokeBody)).toString('base64') } } });
  const sent = await context.upstream.send(upstreamCall(prepared, wrapped, scope, 'count-tokens'));
  context.metrics.upstreamLatency(sent.latencyMs);
  const result = parseJsonBytes(await sent.response.bytes()) as { inputTokens?: unknown } | undefined;
  if (typeof result?.inputTokens !== 'number') {
    throw new CcBedrockError('UPSTREAM_ERROR', `Bedrock CountTokens for ${target.modelId} in ${target.region} answered without inputTokens`, {
      remediation: 'check that the upstream is Amazon Bedrock (or a gateway that implements CountTokens)',
    });
  }
  return {
    response: jsonResponse({ input_tokens: result.inputTokens }, { 'request-id': scope.id }),
  };
}
