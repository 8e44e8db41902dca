/**
 * `createClient`: an Anthropic-shaped Messages client that executes a route plan on Amazon
 * Bedrock (Invoke API) and Bedrock Mantle, with Claude Code's wire format and our retry,
 * recovery and error policy. Transport is the official `@anthropic-ai/bedrock-sdk`.
 */
import type { AnthropicBedrockMantle } from '@anthropic-ai/bedrock-sdk';
import { APIUserAbortError } from '@anthropic-ai/sdk/core/error';
import { CcBedrockError, isCcBedrockError } from '../core/errors.js';
import { systemClock } from '../core/clock.js';
import { planNameContext, resolveModelName } from '../models/resolve-model.js';
import { parseBedrockArn } from '../models/model-catalog.js';
import type { EnvLookup, ResolvedModel, RoutePlan } from '../core/route-plan.js';
import {
  GUARDRAIL_TRACE_KEY,
  classifyFailure,
  describeUpstreamFailure,
  guardrailError,
  guardrailFacts,
  guardrailIntervened,
} from './errors.js';
import { BedrockMessageStream, accumulateEvent, messageToEvents } from './message-stream.js';
import { countTokensInvokeBody } from './count-tokens-body.js';
import { countTokensModelId } from '../models/model-ids.js';
import { baseUrlFor } from './regional-endpoints.js';
import { CallRunner } from './runner.js';
import { DEFAULT_FIRST_BYTE_TIMEOUT_MS, DEFAULT_STREAM_IDLE_TIMEOUT_MS, DEFAULT_WAIT_NOTICE_MS, SilenceWatch, formatWait, type OnWaiting } from '../bedrock/deadlines.js';
import { markFinal } from '../bedrock/retry-policy.js';
import { DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_MS, defaultSleep } from '../bedrock/retry-policy.js';
import {
  BEDROCK_ANTHROPIC_VERSION,
  SdkClientPool,
  requestHeaders,
  withAllowedHeaders,
} from './transport.js';
import type { ClientLogger, CreateClientOptions, Message, MessageCountTokensParams, MessageCreateParams, MessageStreamEvent, MessageTokensCount, RequestOptions } from './types.js';
import type { CallTarget } from '../core/route-plan.js';
import { getInferenceProfile, type InferenceProfile } from './inference-profiles.js';

/** `client.messages`: the Anthropic SDK's Messages methods, sent to Bedrock. */
export interface BedrockMessages {
  /** One complete message (non-streaming Invoke, or Mantle `POST /v1/messages?beta=true`). */
  create(params: MessageCreateParams, options?: RequestOptions): Promise<Message>;
  /** A stream of Anthropic stream events, plus `finalMessage()`; see BedrockMessageStream. */
  stream(params: MessageCreateParams, options?: RequestOptions): BedrockMessageStream;
  /** Bedrock CountTokens on the base model ID, or Mantle `/v1/messages/count_tokens`. */
  countTokens(params: MessageCountTokensParams, options?: RequestOptions): Promise<MessageTokensCount>;
}

/** The Messages client from `createClient`: `messages`, the plan it executes, and where a call for a model would go. */
export interface BedrockClient {
  readonly plan: RoutePlan;
  readonly messages: BedrockMessages;
  /** Where a call for `model` (the plan's main model when omitted) would go. */
  resolveTarget(model?: string): CallTarget;
  /** GetInferenceProfile for an application inference profile ARN, cached per client. */
  inferenceProfile(arn: string, options?: RequestOptions): Promise<InferenceProfile>;
}

export interface ClientExtras {
  /** Effective variables (settings `env` over the process env), so model names resolve with the user's pins. */
  readonly env?: EnvLookup;
  /** ListInferenceProfiles result from discovery, used when resolving model names. */
  readonly discoveredProfileIds?: readonly string[];
  /** A stream that sends nothing for this long is abandoned (default and variables: src/bedrock/timing.ts). */
  readonly streamIdleTimeoutMs?: number;
  /** A streaming call whose response has not begun after this long is given up, not retried. */
  readonly firstByteTimeoutMs?: number;
  /** Told every `waitNoticeMs` while a stream waits without a byte (the CLI says so on stderr). */
  readonly onWaiting?: OnWaiting;
  readonly waitNoticeMs?: number;
  /** GetInferenceProfile answers already known (DiscoveryResult.inferenceProfiles), so they are not asked again. */
  readonly inferenceProfiles?: readonly InferenceProfile[];
}

/** Events that carry output: once one reached the caller, the request can never be sent again. */
const OUTPUT_EVENTS = new Set<MessageStreamEvent['type']>(['content_block_delta', 'message_delta', 'message_stop']);

const silentLogger: ClientLogger = { debug() {}, warn() {} };
const emptyEnv: EnvLookup = { get: () => undefined };

function targetOf(plan: RoutePlan, model: ResolvedModel): CallTarget {
  const region = model.region.value;
  return {
    modelId: model.wireModelId,
    requested: model.requested,
    endpoint: model.endpoint,
    region,
    baseURL: baseUrlFor(plan, model.endpoint === 'mantle' ? 'mantle' : 'invoke', region),
    betas: model.betas,
    catalogKey: model.catalogKey,
  };
}

function mergeBetas(...lists: (readonly string[] | undefined)[]): string[] {
  const out: string[] = [];
  for (const list of lists) for (const beta of list ?? []) if (beta && !out.includes(beta)) out.push(beta);
  return out;
}

/** Path label as the Anthropic SDK writes it: `:` stays literal, `/` becomes `%2F`. */
export function encodeModelLabel(modelId: string): string {
  return encodeURIComponent(modelId).replace(/%3A/gi, ':').replace(/%40/g, '@');
}

/**
 * Claude Code addresses Mantle's beta Messages API as `/v1/messages?beta=true`; the SDK 1.x no
 * longer writes the marker itself. (On the Invoke API the SDK drops it while rewriting the path.)
 */
function betaQuery(target: CallTarget): { query?: Record<string, string> } {
  return target.endpoint === 'mantle' ? { query: { beta: 'true' } } : {};
}

function combineSignals(...signals: (AbortSignal | undefined)[]): AbortSignal | undefined {
  const present = signals.filter((signal): signal is AbortSignal => signal !== undefined);
  if (present.length === 0) return undefined;
  if (present.length === 1) return present[0];
  return AbortSignal.any(present);
}

function abortedError(target: CallTarget, authKind: 'none' | 'bearer' | 'sigv4'): CcBedrockError {
  const failure = describeUpstreamFailure(new APIUserAbortError(), [], 0);
  return classifyFailure(undefined, failure, { target, authKind, operation: 'messages' }).error;
}

function hostOf(baseURL: string): string {
  try {
    return new URL(baseURL).host;
  } catch {
    return baseURL;
  }
}

/** A stream given up by a deadline of the wire layer: final, so no hop sends it again. */
function deadlineError(target: CallTarget, phase: 'response' | 'stream', limitMs: number, outputDelivered: boolean, cause: unknown): CcBedrockError {
  const where = `model ${target.modelId} in ${target.region} (${hostOf(target.baseURL)})`;
  const variable = phase === 'response' ? 'CC_BEDROCK_FIRST_BYTE_TIMEOUT_MS' : 'CC_BEDROCK_STREAM_IDLE_TIMEOUT_MS';
  const message =
    phase === 'response'
      ? `no response from ${where} within ${formatWait(limitMs)}; the request was given up`
      : `the stream for ${where} sent nothing for ${formatWait(limitMs)} and was abandoned`;
  return markFinal(
    new CcBedrockError(phase === 'response' ? 'TIMEOUT' : 'STREAM_INTERRUPTED', message, {
      cause,
      remediation: `retry; if it keeps happening, check the network path and any proxy between you and the endpoint (the limit is ${variable})`,
      details: { model: target.modelId, region: target.region, endpoint: target.endpoint, baseURL: target.baseURL, outputDelivered, timeoutMs: limitMs },
    }),
  );
}

function textOf(message: { content: readonly { type: string; text?: string }[] } | undefined): string {
  return (message?.content ?? [])
    .filter((block) => block.type === 'text' && typeof block.text === 'string')
    .map((block) => block.text)
    .join('\n');
}

export function createClient(options: CreateClientOptions & ClientExtras): BedrockClient {
  const { plan } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  // The cap of 15 belongs to CLAUDE_CODE_MAX_RETRIES (clientOptionsFromEnv); an explicit option is taken as given.
  const maxRetries = Math.max(0, Math.floor(options.maxRetries ?? DEFAULT_MAX_RETRIES));
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const idleTimeoutMs = options.streamIdleTimeoutMs ?? DEFAULT_STREAM_IDLE_TIMEOUT_MS;
  const firstByteTimeoutMs = options.firstByteTimeoutMs ?? DEFAULT_FIRST_BYTE_TIMEOUT_MS;
  const waitNoticeMs = options.waitNoticeMs ?? DEFAULT_WAIT_NOTICE_MS;
  /** A silence watch for one wait of a stream, telling `onWaiting` as it goes. */
  const watchFor = (target: CallTarget, phase: 'response' | 'stream', limitMs: number, onExpire: () => void): SilenceWatch => {
    const host = hostOf(target.baseURL);
    const onWaiting = options.onWaiting;
    return new SilenceWatch({
      limitMs,
      onExpire,
      noticeEveryMs: waitNoticeMs,
      onWaiting: onWaiting && ((waitedMs) => onWaiting({ phase, host, modelId: target.modelId, waitedMs, limitMs })),
    });
  };
  const pool = new SdkClientPool({ fetch: options.fetch ?? globalThis.fetch, timeoutMs });
  const runner = new CallRunner({
    pool,
    auth: options.auth,
    clock,
    sleep: options.sleep ?? defaultSleep,
    random: options.random ?? Math.random,
    logger,
    maxRetries,
  });
  const profiles = new Map<string, Promise<InferenceProfile>>(
    (options.inferenceProfiles ?? []).map((profile) => [profile.inferenceProfileArn, Promise.resolve(profile)]),
  );

  const resolveName = (name: string): ResolvedModel => {
    if (options.resolveModelName) return options.resolveModelName(name, plan);
    return resolveModelName(name, planNameContext(plan, options.env ?? emptyEnv, { origin: 'the model parameter', discoveredProfileIds: options.discoveredProfileIds })).model;
  };

  const resolveTarget = (model?: string): CallTarget => {
    if (!plan.providers.bedrock && !plan.providers.mantle) {
      throw new CcBedrockError('PROVIDER_NOT_CONFIGURED', `neither Amazon Bedrock nor Bedrock Mantle is enabled (${plan.providers.source}), so there is nowhere to send the request`, {
        remediation: 'set CLAUDE_CODE_USE_BEDROCK=1 (Invoke API) or CLAUDE_CODE_USE_MANTLE=1 (Mantle), in the shell or the env block of ~/.claude/settings.json',
      });
    }
    const name = model?.trim();
    if (!name) return targetOf(plan, plan.models.main);
    for (const role of [plan.models.main, plan.models.smallFast]) {
      if (name === role.requested || name === role.wireModelId) return targetOf(plan, role);
    }
    return targetOf(plan, resolveName(name));
  };

  const headersFor = (target: CallTarget, authKind: 'none' | 'bearer' | 'sigv4', extra: RequestOptions['headers'], withTier: boolean) =>
    withAllowedHeaders(
      requestHeaders({
        endpoint: target.endpoint,
        authKind,
        customHeaders: plan.customHeaders,
        serviceTier: withTier ? plan.serviceTier?.value : undefined,
        extra,
      }),
    );

  // ANTHROPIC_BETAS: extra beta values Claude Code adds to every Messages call (on Invoke they
  // travel in the body's anthropic_beta, as Claude Code sends them).
  const envBetas = (options.env?.get('ANTHROPIC_BETAS')?.value ?? '').split(',').map((beta) => beta.trim());

  /** The Messages body for a target: Invoke carries Claude Code's version dialect in the body. */
  const bodyFor = (target: CallTarget, params: MessageCreateParams) => {
    const { model: _model, ...rest } = params as MessageCreateParams & { betas?: string[] };
    const betas = mergeBetas(target.betas, envBetas, (params as { betas?: string[] }).betas);
    return {
      ...rest,
      model: target.modelId,
      ...(betas.length ? { betas } : { betas: undefined }),
      ...(target.endpoint === 'bedrock' ? { anthropic_version: BEDROCK_ANTHROPIC_VERSION } : {}),
    };
  };

  const createMessage = async (target: CallTarget, params: MessageCreateParams, request: RequestOptions | undefined): Promise<Message> => {
    const body = bodyFor(target, params);
    const message = await runner.run({
      target,
      operation: 'messages',
      signal: request?.signal,
      send: (sdk, auth) =>
        sdk.beta.messages.create({ ...body, stream: false } as never, {
          headers: headersFor(target, auth.kind, request?.headers, true),
          timeout: timeoutMs,
          ...betaQuery(target),
          ...(request?.signal ? { signal: request.signal } : {}),
        }) as unknown as Promise<Message>,
    });
    if (guardrailIntervened(message)) {
      throw guardrailError(target, textOf(message), guardrailFacts((message as unknown as Record<string, unknown>)[GUARDRAIL_TRACE_KEY], plan.customHeaders));
    }
    return message;
  };

  const runStream = async (target: CallTarget, params: MessageCreateParams, request: RequestOptions | undefined, stream: BedrockMessageStream) => {
    const signal = combineSignals(request?.signal, stream.controller.signal);
    const body = bodyFor(target, params);
    const held: MessageStreamEvent[] = [];
    let committed = false;
    const deliver = (event: MessageStreamEvent) => {
      if (!committed && !OUTPUT_EVENTS.has(event.type)) {
        held.push(event);
        return;
      }
      if (!committed) {
        committed = true;
        for (const early of held.splice(0)) stream._push(early);
      }
      stream._push(event);
    };

    const fallBack = async (reason: string) => {
      logger.warn(`the stream for model ${target.modelId} in ${target.region} failed before any output (${reason}); sending it once without streaming`, {
        model: target.modelId,
      });
      const message = await createMessage(target, params, { ...request, ...(signal ? { signal } : {}) });
      stream._connected({ requestId: undefined, fallback: true });
      for (const event of messageToEvents(message)) stream._push(event);
      stream._end();
    };

    let connected: Awaited<ReturnType<typeof openStream>>;
    const openStream = () =>
      runner.run({
        target,
        operation: 'messages',
        signal,
        send: async (sdk, auth) => {
          // The first-byte deadline: a silent upstream is given up, not retried (a resend waits as long again).
          const attempt = new AbortController();
          const watch = watchFor(target, 'response', Math.min(firstByteTimeoutMs, timeoutMs), () => attempt.abort());
          watch.arm();
          try {
            const { data, response } = await sdk.beta.messages
              .create({ ...body, stream: true } as never, {
                headers: headersFor(target, auth.kind, request?.headers, true),
                timeout: timeoutMs,
                ...betaQuery(target),
                signal: signal ? AbortSignal.any([signal, attempt.signal]) : attempt.signal,
              })
              .withResponse();
            return { data: data as unknown as AsyncIterable<MessageStreamEvent> & { controller: AbortController }, response, auth };
          } catch (error) {
            if (watch.expired && !signal?.aborted) throw deadlineError(target, 'response', watch.limitMs, false, error);
            throw error;
          } finally {
            watch.stop();
          }
        },
      });
    try {
      connected = await openStream();
    } catch (error) {
      // Claude Code answers a 404 on the streaming path with one non-streaming invoke: some
      // gateways implement only InvokeModel.
      if (isCcBedrockError(error) && error.status === 404) return fallBack(`HTTP 404: ${error.message}`);
      throw error;
    }
    const requestId = connected.response.headers.get('x-amzn-requestid') ?? undefined;
    stream._connected({ requestId, fallback: false });

    const idle = watchFor(target, 'stream', idleTimeoutMs, () => connected.data.controller.abort());

    let local: Message | undefined;
    let intervention: Record<string, unknown> | undefined;
    let sawStop = false;
    try {
      idle.arm();
      for await (const event of connected.data) {
        idle.arm();
        local = accumulateEvent(local, event);
        const record = event as unknown as Record<string, unknown>;
        if (guardrailIntervened(record)) intervention ??= guardrailFacts(record[GUARDRAIL_TRACE_KEY], plan.customHeaders);
        if (event.type === 'message_stop') sawStop = true;
        // After a guardrail intervened nothing more reaches the caller; the rest is read only to report the blocked reply.
        if (!intervention) deliver(event);
      }
    } catch (error) {
      if (isCcBedrockError(error)) throw error;
      const failure = describeUpstreamFailure(error, [], clock());
      if (idle.expired) throw deadlineError(target, 'stream', idleTimeoutMs, committed, error);
      if (failure.phase === 'abort' || signal?.aborted) throw abortedError(target, connected.auth.kind);
      if (!committed && !intervention) return fallBack(`${failure.errorType ? `${failure.errorType}: ` : ''}${failure.message}`);
      throw new CcBedrockError(
        'STREAM_INTERRUPTED',
        `the stream for model ${target.modelId} in ${target.region} (${target.endpoint === 'mantle' ? 'Bedrock Mantle' : 'Bedrock Invoke API'} ${target.baseURL}) broke after output was delivered: ${failure.errorType ? `${failure.errorType}: ` : ''}${failure.message}`,
        {
          cause: error,
          remediation: 'retry the turn; it was not re-sent automatically because the partial reply had already been delivered (a resend would bill it twice)',
          details: {
            model: target.modelId,
            region: target.region,
            endpoint: target.endpoint,
            baseURL: target.baseURL,
            outputDelivered: true,
            ...(failure.errorType ? { upstreamErrorType: failure.errorType } : {}),
          },
        },
      );
    } finally {
      idle.stop();
    }
    if (intervention) throw guardrailError(target, textOf(local), intervention);
    // The SDK ends an aborted stream quietly; that is the caller's cancellation, not a broken stream.
    if (!sawStop && idle.expired) throw deadlineError(target, 'stream', idleTimeoutMs, committed, undefined);
    if (!sawStop && signal?.aborted) throw abortedError(target, connected.auth.kind);
    if (!sawStop) {
      if (!committed) return fallBack('the stream ended without message_stop');
      throw new CcBedrockError('STREAM_INTERRUPTED', `the stream for model ${target.modelId} in ${target.region} ended before message_stop after output was delivered`, {
        remediation: 'retry the turn; it was not re-sent automatically because the partial reply had already been delivered',
        details: { model: target.modelId, region: target.region, endpoint: target.endpoint, baseURL: target.baseURL, outputDelivered: true },
      });
    }
    for (const early of held.splice(0)) stream._push(early);
    stream._end();
  };

  const inferenceProfile = (arn: string, request?: RequestOptions): Promise<InferenceProfile> => {
    const cached = profiles.get(arn);
    if (cached) return cached;
    const region = parseBedrockArn(arn)?.region || plan.region.value;
    const pending = getInferenceProfile(runner, {
      arn,
      region,
      baseURL: baseUrlFor(plan, 'controlPlane', region),
      signal: request?.signal,
    });
    profiles.set(arn, pending);
    pending.catch(() => profiles.delete(arn));
    return pending;
  };

  const countTokens = async (params: MessageCountTokensParams, request?: RequestOptions): Promise<MessageTokensCount> => {
    const target = resolveTarget(params.model);
    const { model: _model, max_tokens: maxTokens, ...rest } = params;
    const userBetas = (params as { betas?: string[] }).betas;
    const betas = mergeBetas(target.betas, userBetas);
    if (target.endpoint === 'mantle') {
      return runner.run({
        target,
        operation: 'count-tokens',
        signal: request?.signal,
        send: (sdk, auth) =>
          (sdk as AnthropicBedrockMantle).beta.messages.countTokens({ ...rest, model: target.modelId, ...(betas.length ? { betas } : { betas: undefined }) } as never, {
            headers: headersFor(target, auth.kind, request?.headers, false),
            timeout: timeoutMs,
            ...betaQuery(target),
            ...(request?.signal ? { signal: request.signal } : {}),
          }) as unknown as Promise<MessageTokensCount>,
      });
    }
    const arn = parseBedrockArn(target.modelId);
    const backing = arn?.resourceType === 'application-inference-profile' ? (await inferenceProfile(target.modelId, request)).backingModelId : undefined;
    const baseId = countTokensModelId(target.modelId, backing);
    const { betas: _betas, ...invokeFields } = rest as typeof rest & { betas?: unknown };
    const invokeBody = countTokensInvokeBody(invokeFields, maxTokens, betas);
    const countTarget: CallTarget = { ...target, modelId: baseId };
    const result = await runner.run({
      target: countTarget,
      operation: 'count-tokens',
      countTokensModelId: baseId,
      signal: request?.signal,
      send: (sdk, auth) =>
        sdk.post(`/model/${encodeModelLabel(baseId)}/count-tokens`, {
          body: { input: { invokeModel: { body: Buffer.from(JSON.stringify(invokeBody)).toString('base64') } } },
          // CountTokens is not a model call: no anthropic-version or anthropic-beta header, which
          // the Bedrock SDK would otherwise copy into this body.
          headers: { ...headersFor(target, auth.kind, request?.headers, false), 'anthropic-version': null, 'anthropic-beta': null },
          timeout: timeoutMs,
          ...(request?.signal ? { signal: request.signal } : {}),
        }) as unknown as Promise<{ inputTokens?: unknown }>,
    });
    if (typeof result?.inputTokens !== 'number') {
      throw new CcBedrockError('UPSTREAM_ERROR', `Bedrock CountTokens for ${baseId} in ${target.region} (${target.baseURL}) answered without inputTokens`, {
        remediation: 'check that the endpoint is Amazon Bedrock (or a gateway that implements CountTokens)',
        details: { model: baseId, region: target.region, baseURL: target.baseURL },
      });
    }
    return { input_tokens: result.inputTokens } as MessageTokensCount;
  };

  const messages: BedrockMessages = {
    create: (params, request) => createMessage(resolveTarget(params.model), params, request),
    stream: (params, request) => {
      const target = resolveTarget(params.model);
      const stream = new BedrockMessageStream(target);
      void runStream(target, params, request, stream).catch((error: unknown) => {
        const aborted = isCcBedrockError(error) && error.details['aborted'] === true;
        stream._fail(
          isCcBedrockError(error)
            ? error
            : new CcBedrockError('INTERNAL', `unexpected failure while streaming model ${target.modelId} in ${target.region}: ${(error as Error)?.message ?? String(error)}`, {
                cause: error,
                remediation: 'retry; report a bug if it persists',
              }),
          aborted,
        );
      });
      return stream;
    },
    countTokens,
  };

  return { plan, messages, resolveTarget, inferenceProfile };
}

/** The plan's models keyed by role, for callers that show where calls go. */
export function plannedTargets(plan: RoutePlan): Record<'main' | 'smallFast', CallTarget> {
  return { main: targetOf(plan, plan.models.main), smallFast: targetOf(plan, plan.models.smallFast) };
}

