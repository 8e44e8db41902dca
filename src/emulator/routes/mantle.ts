/**
 * Mantle (`bedrock-mantle`): the native Anthropic Messages API on Bedrock (wire reference §7).
 * `model` and `stream` stay in the body, streaming is plain SSE, errors are Anthropic-shaped,
 * and only the Mantle lineup's bare `anthropic.claude-…` IDs are served.
 */
import { resolveMantleModel } from '../account.js';
import { AnthropicApiError, anthropicErrorType } from '../anthropic-errors.js';
import { jsonResponse, type EmulatorResponse, type StreamPart } from '../http-types.js';
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
  const fault = context.streamFault;
  const entry = context.entry;
  function* parts(): Iterable<StreamPart> {
    let written = 0;
    for (const event of events) {
      if (fault?.streamException && written === fault.streamException.afterEvents) {
        const status = fault.streamException.originalStatusCode ?? 500;
        yield {
          kind: 'data',
          bytes: sse({ type: 'error', error: { type: anthropicErrorType(status), message: fault.streamException.message } }),
          delayMs: latency.perChunkMs,
        };
        return;
      }
      if (fault?.cutStream && written === fault.cutStream.afterEvents) {
        yield { kind: 'cut', delayMs: latency.perChunkMs };
        return;
      }
      yield { kind: 'data', bytes: sse(event), delayMs: written === 0 ? 0 : latency.perChunkMs };
      written += 1;
      entry.streamEvents = written;
    }
  }
  return {
    status: 200,
    delayMs: latency.firstByteMs,
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...headers },
    stream: parts(),
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
