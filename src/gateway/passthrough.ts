/**
 * The Bedrock passthrough: `POST /model/{id}/invoke[-with-response-stream]`, `/count-tokens`
 * and the inference-profile reads, re-signed with the gateway's credentials, so Claude Code runs
 * against the gateway with `ANTHROPIC_BEDROCK_BASE_URL=<gateway>` and
 * `CLAUDE_CODE_SKIP_BEDROCK_AUTH=1` (spec §8.1 "Startup traffic to a Bedrock-format gateway").
 *
 * Bodies are forwarded as received unless the gateway must change them (beta policy, guardrail
 * tagging, a remapped model); the event stream is forwarded frame for frame, byte for byte, with
 * `Content-Type: application/vnd.amazon.eventstream`. Bedrock's own error responses are handed
 * on unchanged; only the gateway's own failures are shaped here (bedrock-errors.ts).
 */
import { CcBedrockError, withRemediation } from '../core/errors.js';
import { guardrailError, guardrailFacts } from '../client/errors.js';
import { countTokensModelId } from '../models/model-ids.js';
import { requestHeaders } from '../client/transport.js';
import type { CallTarget } from '../core/route-plan.js';
import { invalidRequest } from './anthropic-errors.js';
import { applyBetaPolicy, splitBetaHeader } from './beta-policy.js';
import type { HandlerInput, HandlerResult } from './context.js';
import { encodeExceptionFrame, usageOf } from './event-stream.js';
import { blockedTextOf, hasGuardrail, newTagSuffix, reportsIntervention, tagLatestUserText } from './guardrails.js';
import { bedrockPath, clientSegment, clip, type BedrockModelOperation } from './bedrock-paths.js';
import { applyBetaBody, noteBetas, noteModel, planAuthKind, streamCutError, targetFor } from './messages.js';
import { parseJsonObject } from './request-body.js';
import { FrameSource, StreamCutError } from './stream-source.js';
import type { UpstreamResponse } from './upstream-transport.js';
import type { GatewayResponse } from './exchange.js';

/**
 * Client headers a Bedrock call may carry upstream (they are re-signed). Everything else stays
 * behind; the service tier is the gateway's (checkServiceTier), sent from its plan.
 */
const FORWARDED_REQUEST_HEADERS = [
  'content-type',
  'accept',
  'x-amzn-bedrock-accept',
  'x-amzn-bedrock-trace',
  'x-amzn-bedrock-performanceconfig-latency',
  'x-amzn-bedrock-guardrailidentifier',
  'x-amzn-bedrock-guardrailversion',
];
const FORWARDED_RESPONSE_HEADERS = [
  'content-type',
  'x-amzn-requestid',
  'x-amzn-bedrock-content-type',
  'x-amzn-bedrock-input-token-count',
  'x-amzn-bedrock-output-token-count',
  'x-amzn-bedrock-invocation-latency',
  'x-amzn-bedrock-service-tier',
  'x-amzn-bedrock-performanceconfig-latency',
];

function responseHeaders(upstream: UpstreamResponse, requestId: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of FORWARDED_RESPONSE_HEADERS) {
    const value = upstream.header(name);
    if (value !== null) headers[name] = value;
  }
  headers['x-amzn-requestid'] ??= requestId;
  return headers;
}

const SERVICE_TIER_HEADER = 'x-amzn-bedrock-service-tier';
/** Body fields that name a tier: Anthropic's `service_tier`, Converse's `serviceTier`. */
const SERVICE_TIER_FIELDS = ['service_tier', 'serviceTier'];

/**
 * The service tier is the gateway operator's choice (ANTHROPIC_BEDROCK_SERVICE_TIER on the
 * gateway host): it decides cost and capacity for every client. A client asking for the same
 * tier is served; one asking for another, in the header or the body, is refused with a 400 rather
 * than silently served on a tier it did not ask for (docs/gateway.md).
 */
function checkServiceTier(input: HandlerInput, body: Record<string, unknown>): void {
  const planned = input.context.plan.serviceTier?.value;
  const allowed = planned ?? 'default';
  const source = planned ? `ANTHROPIC_BEDROCK_SERVICE_TIER=${planned} on the gateway` : 'ANTHROPIC_BEDROCK_SERVICE_TIER is not set on the gateway, so Bedrock\'s default tier';
  const asked = input.request.header(SERVICE_TIER_HEADER)?.trim();
  if (asked !== undefined && asked !== '' && asked.toLowerCase() !== allowed) {
    throw invalidRequest(
      `X-Amzn-Bedrock-Service-Tier: ${JSON.stringify(clip(asked))} is not this gateway's service tier (${source})`,
      `leave the header out (unset ANTHROPIC_BEDROCK_SERVICE_TIER on the client) or send ${allowed}; the gateway's operator chooses the tier`,
    );
  }
  for (const field of SERVICE_TIER_FIELDS) {
    if (body[field] === undefined) continue;
    throw invalidRequest(
      `the body field ${field} chooses a service tier, which this gateway decides (${source})`,
      `leave ${field} out of the body; the gateway's operator chooses the tier`,
    );
  }
}

function upstreamHeaders(input: HandlerInput, betas: readonly string[] | undefined): Record<string, string> {
  const { request, context } = input;
  const headers: Record<string, string> = {};
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = request.header(name);
    if (value !== null) headers[name] = value;
  }
  // The gateway's guardrail is policy: a client can neither remove nor replace it.
  if (hasGuardrail(context.plan.customHeaders)) {
    delete headers['x-amzn-bedrock-guardrailidentifier'];
    delete headers['x-amzn-bedrock-guardrailversion'];
  }
  if (betas && betas.length) headers['anthropic-beta'] = betas.join(',');
  headers['content-type'] ??= 'application/json';
  return {
    ...headers,
    ...requestHeaders({
      endpoint: 'bedrock',
      authKind: planAuthKind(context.plan, 'bedrock'),
      customHeaders: context.plan.customHeaders,
      serviceTier: context.plan.serviceTier?.value,
    }),
  };
}

function betasOfBody(body: Record<string, unknown>, key: string): string[] {
  const value = body[key];
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((beta) => typeof beta !== 'string')) {
    throw invalidRequest(`${key} must be a list of strings`, `send "${key}": ["<beta>", …] or leave it out`);
  }
  return value as string[];
}

/** `POST /model/{id}/{operation}`; `rawSegment` is the ID as it appeared in the path. */
export async function handleBedrockModel(input: HandlerInput, rawSegment: string, operation: BedrockModelOperation): Promise<HandlerResult> {
  const { request, scope, context } = input;
  const requested = clientSegment(rawSegment, 'the model ID in the path');
  const resolved = context.models.resolve(requested, 'bedrock');
  const identity = await context.models.identity(resolved);
  noteModel(scope, requested, resolved, identity);
  const baseURL = context.models.baseUrlFor(resolved);

  const outer = parseJsonObject(input.body);
  // CountTokens measures an InvokeModel body wrapped in {input:{invokeModel:{body:<base64>}}}.
  const wrapped = operation === 'count-tokens' ? (outer['input'] as { invokeModel?: { body?: unknown } } | undefined)?.invokeModel : undefined;
  let body = outer;
  if (operation === 'count-tokens') {
    if (typeof wrapped?.body !== 'string') {
      throw invalidRequest('CountTokens body must be {"input":{"invokeModel":{"body":"<base64 InvokeModel body>"}}}', 'send the InvokeModel body base64-encoded under input.invokeModel.body');
    }
    body = parseJsonObject(Buffer.from(wrapped.body, 'base64'));
  }
  checkServiceTier(input, body);

  const headerBetas = splitBetaHeader(request.header('anthropic-beta'));
  const bodyBetas = betasOfBody(body, 'anthropic_beta');
  const decision = applyBetaPolicy([...bodyBetas, ...headerBetas, ...resolved.betas], 'bedrock', identity.model, context.betaOverrides);
  const stripped = applyBetaBody(body, decision);
  noteBetas(scope, context, decision, stripped);
  let changed = stripped.length > 0 || decision.betas.length !== bodyBetas.length || decision.betas.some((beta, i) => beta !== bodyBetas[i]);
  if (changed) {
    if (decision.betas.length) body['anthropic_beta'] = decision.betas;
    else delete body['anthropic_beta'];
  }
  if (context.tagUserText && operation !== 'count-tokens') {
    scope.fields['guardrailTagged'] = tagLatestUserText(body, newTagSuffix());
    changed = true;
  }

  let modelId = resolved.wireModelId;
  let payload: Uint8Array | string = input.body;
  if (operation === 'count-tokens') {
    modelId = countTokensModelId(resolved.wireModelId, identity.backingModelId);
    if (changed) payload = JSON.stringify({ ...outer, input: { ...(outer['input'] as object), invokeModel: { ...wrapped, body: Buffer.from(JSON.stringify(body)).toString('base64') } } });
  } else if (changed) {
    payload = JSON.stringify(body);
  }
  const path = bedrockPath({ kind: operation, modelId });
  const target: CallTarget = { ...targetFor(resolved, requested, baseURL, decision.betas, identity), modelId };
  const call = {
    target,
    service: 'bedrock' as const,
    method: 'POST' as const,
    baseURL,
    path,
    headers: upstreamHeaders(input, headerBetas.length ? decision.betas : undefined),
    body: payload,
    operation: operation === 'count-tokens' ? ('count-tokens' as const) : ('messages' as const),
    ...(operation === 'count-tokens' ? { countTokensModelId: modelId } : {}),
    ...(operation === 'invoke-with-response-stream' ? { firstByteTimeoutMs: context.firstByteTimeoutMs } : {}),
    cancel: scope,
  };
  const sent = await context.upstream.send(call);
  context.metrics.upstreamLatency(sent.latencyMs);
  scope.fields['attempts'] = sent.attempts;
  scope.fields['upstreamMs'] = sent.latencyMs;

  if (operation === 'invoke-with-response-stream') {
    return { response: passthroughStream(input, sent.response, target), streaming: true };
  }
  const bytes = await sent.response.bytes();
  const headers = responseHeaders(sent.response, scope.id);
  if (operation === 'invoke') {
    const input_ = Number(headers['x-amzn-bedrock-input-token-count'] ?? NaN);
    const output = Number(headers['x-amzn-bedrock-output-token-count'] ?? NaN);
    scope.addTokens(Number.isFinite(input_) ? input_ : undefined, Number.isFinite(output) ? output : undefined);
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    if (reportsIntervention(text)) {
      scope.fields['guardrail'] = 'intervened';
      let message: Record<string, unknown> | undefined;
      try {
        message = JSON.parse(text) as Record<string, unknown>;
      } catch {
        message = undefined;
      }
      throw guardrailError(target, blockedTextOf(message), guardrailFacts(message?.['amazon-bedrock-trace'], context.plan.customHeaders));
    }
  }
  return { response: { status: 200, headers, body: bytes } };
}

/**
 * The event stream, complete frame by complete frame, bytes unchanged. The gateway reads each
 * frame only to count tokens and to see a guardrail intervention or a failure, which end the
 * stream with an exception frame (what Bedrock itself sends) instead of a dropped connection.
 */
function passthroughStream(input: HandlerInput, upstream: UpstreamResponse, target: CallTarget): GatewayResponse {
  const { scope, context } = input;
  const source = new FrameSource(upstream, context.streamIdleTimeoutMs, () => scope.abort(new Error('idle')));
  let ended = false;
  const contentsBlocked: Record<string, unknown>[] = [];
  const finishWith = (controller: ReadableStreamDefaultController<Uint8Array>, tail: Uint8Array | undefined, error?: CcBedrockError) => {
    ended = true;
    source.cancel();
    if (tail) controller.enqueue(tail);
    controller.close();
    scope.finish(200, error ? { type: 'api_error', code: error.code, message: error.message } : undefined);
  };
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (ended) return;
        let frames;
        try {
          frames = await source.next();
        } catch (error) {
          const failure = scope.cutBy ?? (error instanceof StreamCutError ? streamCutError(error, target, true) : new CcBedrockError('STREAM_INTERRUPTED', String(error)));
          const exceptionType = failure.code === 'TIMEOUT' ? 'modelTimeoutException' : failure.code === 'UPSTREAM_UNAVAILABLE' ? 'serviceUnavailableException' : 'internalServerException';
          finishWith(controller, encodeExceptionFrame(exceptionType, failure.message), failure);
          return;
        }
        if (frames === null) return finishWith(controller, undefined);
        const parts: Uint8Array[] = [];
        for (const frame of frames) {
          if (frame.kind === 'event') {
            const usage = usageOf(frame.event);
            if (usage.input !== undefined || usage.output !== undefined) scope.addTokens(usage.input, usage.output);
            if (frame.type === 'content_block_delta') contentsBlocked.push(frame.event);
            if (reportsIntervention(frame.json)) {
              scope.fields['guardrail'] = 'intervened';
              const text = contentsBlocked
                .map((event) => (event['delta'] as { text?: unknown } | undefined)?.text)
                .filter((piece): piece is string => typeof piece === 'string')
                .join('');
              const error = guardrailError(target, text, guardrailFacts(frame.event['amazon-bedrock-trace'], context.plan.customHeaders));
              if (parts.length) controller.enqueue(Buffer.concat(parts));
              finishWith(controller, encodeExceptionFrame('validationException', withRemediation(error.message, error.remediation)), error);
              return;
            }
          }
          parts.push(frame.bytes);
        }
        if (contentsBlocked.length > 64) contentsBlocked.splice(0, contentsBlocked.length - 64);
        controller.enqueue(parts.length === 1 ? parts[0]! : Buffer.concat(parts));
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
  const headers = responseHeaders(upstream, scope.id);
  headers['content-type'] = 'application/vnd.amazon.eventstream';
  return { status: 200, headers, body };
}

/** ListInferenceProfiles' query parameters; GetInferenceProfile has none. */
const LIST_PROFILES_QUERY = new Set(['maxResults', 'nextToken', 'type']);

function profilesQuery(query: URLSearchParams, allowed: ReadonlySet<string>, operation: string): Record<string, string> {
  const record: Record<string, string> = {};
  for (const [key, value] of query) {
    if (!allowed.has(key)) {
      throw invalidRequest(
        `${operation} takes no query parameter ${JSON.stringify(clip(key))}`,
        allowed.size ? `use only ${[...allowed].join(', ')}` : 'send the request without a query string',
      );
    }
    record[key] = value;
  }
  return record;
}

/**
 * `GET /inference-profiles[/{id}]`: the control-plane reads Claude Code makes at start-up,
 * re-signed, always in the plan's region. `rawSegment` is the profile ID as it appeared in the path.
 */
export async function handleInferenceProfiles(input: HandlerInput, rawSegment: string | undefined, query: URLSearchParams): Promise<HandlerResult> {
  const { scope, context } = input;
  const region = context.plan.region.value;
  const baseURL = context.models.controlPlaneFor(region);
  const profileId = rawSegment === undefined ? undefined : clientSegment(rawSegment, 'the inference profile ID in the path');
  const queryRecord = profileId === undefined ? profilesQuery(query, LIST_PROFILES_QUERY, 'ListInferenceProfiles') : profilesQuery(query, new Set(), 'GetInferenceProfile');
  const label = profileId ?? 'ListInferenceProfiles';
  const target: CallTarget = { modelId: label, requested: label, endpoint: 'bedrock', region, baseURL, betas: [], catalogKey: undefined };
  const sent = await context.upstream.send({
    target,
    service: 'bedrock',
    method: 'GET',
    baseURL,
    path: bedrockPath(profileId === undefined ? { kind: 'list-inference-profiles' } : { kind: 'get-inference-profile', profileId }),
    query: queryRecord,
    headers: { accept: 'application/json' },
    operation: 'control-plane',
    cancel: scope,
  });
  context.metrics.upstreamLatency(sent.latencyMs);
  const bytes = await sent.response.bytes();
  return { response: { status: 200, headers: responseHeaders(sent.response, scope.id), body: bytes } };
}
