/**
 * Mantle (`bedrock-mantle`): the native Anthropic Messages API on Bedrock (wire reference §7).
 * `model` and `stream` stay in the body, streaming is plain SSE, errors are Anthropic-shaped,
 * and only the Mantle lineup's bare `anthropic.claude-…` IDs are served.
 */
import { resolveMantleModel } from '../account.js';
import { AnthropicApiError, anthropicErrorType } from '../anthropic-errors.js';
import { jsonResponse, type EmulatorResponse } from '../http-types.js';
import { streamParts } from './stream-parts.js';
import { parseJsonObject, validateMessagesBody } from '../messages-body.js';
import { messageOf, planReply, streamEventsOf } from '../reply.js';
import { countInputTokens } from '../tokens.js';
import { AwsServiceError } from '../aws-errors.js';
import type { RouteContext } from './context.js';

function asMantleError(error: unknown): unknown {
  return error instanceof AwsServiceError ? new AnthropicApiError(400, error.message) : error;
}

function sse(event: Record<string, unknown>): Uint8Array {
  return Buffer.from(`event: ${String(event.type)}\ndata: ${JSON.stringify(event)}\n\n`);
}

function readBody(context: RouteContext): Record<string, unknown> {
  try {
    const body = parseJsonObject(context.request.body, 'mantle');
    validateMessagesBody(body, 'mantle');
    return body;
  } catch (error) {
    throw asMantleError(error);
  }
}

export async function mantleMessages(context: RouteContext): Promise<EmulatorResponse> {
  const body = readBody(context);
  const modelId = String(body.model);
  context.entry.modelId = modelId;
  const model = resolveMantleModel(context.scenario, context.caller.region, modelId);
  context.entry.resolvedModel = model.id;
  const plan = planReply(body, { modelIds: [modelId, model.id], scenario: context.scenario, ids: context.state.ids });
  const { latency, limits } = context.scenario;
  const headers = { 'request-id': context.requestId, 'x-amzn-requestid': context.requestId };
  if (body.stream !== true) {
    return {
      ...jsonResponse(200, messageOf(plan, context.state.ids.message(), model.anthropicModel), headers),
      delayMs: latency.firstByteMs,
    };
  }
  const events = streamEventsOf(plan, context.state.ids.message(), model.anthropicModel, limits.deltasPerBlock);
  events.splice(1, 0, { type: 'ping' });
  const stream = streamParts(events, {
    fault: context.streamFault,
    entry: context.entry,
    perChunkMs: latency.perChunkMs,
    encode: sse,
    encodeException: (exception) => {
      const status = exception.originalStatusCode ?? 500;
      return sse({ type: 'error', error: { type: anthropicErrorType(status), message: exception.message } });
    },
  });
  return {
    status: 200,
    delayMs: latency.firstByteMs,
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...headers },
    stream,
  };
}

export async function mantleCountTokens(context: RouteContext): Promise<EmulatorResponse> {
  let body: Record<string, unknown>;
  try {
    body = parseJsonObject(context.request.body, 'mantle');
    if (typeof body.model !== 'string') throw new AnthropicApiError(400, 'model: Field required');
    if (!Array.isArray(body.messages)) throw new AnthropicApiError(400, 'messages: Field required');
  } catch (error) {
    throw asMantleError(error);
  }
  context.entry.modelId = body.model;
  const model = resolveMantleModel(context.scenario, context.caller.region, body.model);
  context.entry.resolvedModel = model.id;
  return jsonResponse(200, { input_tokens: countInputTokens(body) }, { 'request-id': context.requestId, 'x-amzn-requestid': context.requestId });
}
