/**
 * The object `messages.stream()` returns. It mirrors the Anthropic SDK's `MessageStream`
 * (async-iterable events, `on('text')`, `finalMessage()`, `finalText()`, `done()`, `abort()`),
 * but fails with a CcBedrockError and survives a transparent non-streaming retry: the SDK's
 * class wraps foreign errors into its own type and cannot be fed events from outside, so the
 * accumulation below follows the SDK's rules in our own code.
 */
import { CcBedrockError } from '../core/errors.js';
import type { CallTarget, Message, MessageStreamEvent } from './types.js';

type ContentBlock = Message['content'][number];
type TextCitation = NonNullable<Extract<ContentBlock, { type: 'text' }>['citations']>[number];

export interface MessageStreamEvents {
  /** The response started (or the non-streaming retry was sent). */
  connect: (info: { target: CallTarget; requestId: string | undefined; fallback: boolean }) => void;
  streamEvent: (event: MessageStreamEvent, snapshot: Message) => void;
  text: (delta: string, snapshot: string) => void;
  citation: (citation: TextCitation, citations: TextCitation[]) => void;
  inputJson: (partialJson: string, jsonSnapshot: unknown) => void;
  thinking: (delta: string, snapshot: string) => void;
  signature: (signature: string) => void;
  contentBlock: (block: ContentBlock) => void;
  message: (message: Message) => void;
  finalMessage: (message: Message) => void;
  error: (error: CcBedrockError) => void;
  abort: (error: CcBedrockError) => void;
  end: () => void;
}

type Listener<E extends keyof MessageStreamEvents> = { listener: MessageStreamEvents[E]; once: boolean };

/** Partial tool input JSON, kept off the visible block until the block stops. */
const JSON_BUFFER = Symbol('partialJson');

function parsePartialJson(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Applies one event to the message snapshot, as the SDK's MessageStream does. Returns the
 * snapshot (undefined before `message_start`).
 */
export function accumulateEvent(snapshot: Message | undefined, event: MessageStreamEvent): Message | undefined {
  if (event.type === 'message_start') return structuredClone(event.message);
  if (!snapshot) return undefined;
  switch (event.type) {
    case 'content_block_start':
      snapshot.content[event.index] = { ...event.content_block } as ContentBlock;
      return snapshot;
    case 'content_block_delta': {
      const block = snapshot.content[event.index] as (ContentBlock & Record<string | symbol, unknown>) | undefined;
      if (!block) return snapshot;
      const delta = event.delta;
      switch (delta.type) {
        case 'text_delta':
          if (block.type === 'text') block.text = (block.text ?? '') + delta.text;
          break;
        case 'citations_delta':
          if (block.type === 'text') block.citations = [...(block.citations ?? []), delta.citation as TextCitation];
          break;
        case 'thinking_delta':
          if (block.type === 'thinking') block.thinking = (block.thinking ?? '') + delta.thinking;
          break;
        case 'signature_delta':
          if (block.type === 'thinking') block.signature = delta.signature;
          break;
        case 'input_json_delta': {
          const buffer = String(block[JSON_BUFFER] ?? '') + delta.partial_json;
          Object.defineProperty(block, JSON_BUFFER, { value: buffer, enumerable: false, writable: true, configurable: true });
          const parsed = parsePartialJson(buffer);
          if (parsed !== undefined && 'input' in block) (block as { input: unknown }).input = parsed;
          break;
        }
        case 'compaction_delta':
          if (block.type === 'compaction') {
            if (delta.content !== null) block.content = (block.content ?? '') + delta.content;
            if (delta.encrypted_content !== null) block.encrypted_content = delta.encrypted_content;
          }
          break;
        default:
          break;
      }
      return snapshot;
    }
    case 'content_block_stop': {
      const block = snapshot.content[event.index] as (ContentBlock & Record<string | symbol, unknown>) | undefined;
      if (block && JSON_BUFFER in block && 'input' in block) {
        const parsed = parsePartialJson(String(block[JSON_BUFFER]));
        (block as { input: unknown }).input = parsed ?? {};
      }
      return snapshot;
    }
    case 'message_delta': {
      const mutable = snapshot as unknown as Record<string, unknown>;
      const delta = event.delta as unknown as Record<string, unknown>;
      for (const [key, value] of Object.entries(delta)) {
        if (value !== undefined) mutable[key] = value;
      }
      const usage = snapshot.usage as unknown as Record<string, unknown>;
      for (const [key, value] of Object.entries(event.usage as unknown as Record<string, unknown>)) {
        // The counters are whole-message totals that are omitted when they don't apply.
        if (value !== null && value !== undefined) usage[key] = value;
      }
      if (event.context_management) mutable['context_management'] = event.context_management;
      return snapshot;
    }
    case 'message_stop':
      return snapshot;
    default:
      return snapshot;
  }
}

/**
 * The event sequence a streaming call would have produced for a complete message: used when a
 * failed stream is answered by one non-streaming retry, so stream consumers see the same shape.
 */
export function messageToEvents(message: Message): MessageStreamEvent[] {
  const events: MessageStreamEvent[] = [];
  const usage = message.usage;
  events.push({
    type: 'message_start',
    message: { ...message, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: Math.min(usage.output_tokens, 1) } },
  } as MessageStreamEvent);
  message.content.forEach((block, index) => {
    const start = structuredClone(block) as unknown as Record<string, unknown>;
    const deltas: unknown[] = [];
    if (block.type === 'text') {
      start['text'] = '';
      delete start['citations'];
      if (block.text) deltas.push({ type: 'text_delta', text: block.text });
      for (const citation of block.citations ?? []) deltas.push({ type: 'citations_delta', citation });
      if (block.citations) start['citations'] = [];
    } else if (block.type === 'thinking') {
      start['thinking'] = '';
      start['signature'] = '';
      if (block.thinking) deltas.push({ type: 'thinking_delta', thinking: block.thinking });
      if (block.signature) deltas.push({ type: 'signature_delta', signature: block.signature });
    } else if (block.type === 'tool_use' || block.type === 'server_tool_use' || block.type === 'mcp_tool_use') {
      start['input'] = {};
      deltas.push({ type: 'input_json_delta', partial_json: JSON.stringify(block.input ?? {}) });
    }
    events.push({ type: 'content_block_start', index, content_block: start } as unknown as MessageStreamEvent);
    for (const delta of deltas) events.push({ type: 'content_block_delta', index, delta } as unknown as MessageStreamEvent);
    events.push({ type: 'content_block_stop', index } as MessageStreamEvent);
  });
  events.push({
    type: 'message_delta',
    delta: {
      stop_reason: message.stop_reason,
      stop_sequence: message.stop_sequence,
      ...(message.stop_details !== undefined ? { stop_details: message.stop_details } : {}),
      ...(message.container !== undefined ? { container: message.container } : {}),
    },
    usage: { ...usage },
    context_management: message.context_management ?? null,
  } as unknown as MessageStreamEvent);
  events.push({ type: 'message_stop' } as MessageStreamEvent);
  return events;
}

export class BedrockMessageStream implements AsyncIterable<MessageStreamEvent> {
  /** Where the request went: model, region, endpoint, base URL. */
  readonly target: CallTarget;
  readonly controller = new AbortController();
  /** Every event delivered so far, in order; each iterator replays from the start. */
  readonly #events: MessageStreamEvent[] = [];
  readonly #listeners: { [E in keyof MessageStreamEvents]?: Listener<E>[] } = {};
  readonly #waiters = new Set<() => void>();
  #snapshot: Message | undefined;
  #final: Message | undefined;
  #error: CcBedrockError | undefined;
  #ended = false;
  #aborted = false;
  #fallback = false;
  #requestId: string | undefined;
  #handled = false;
  readonly #endPromise: Promise<void>;
  #resolveEnd!: () => void;
  #rejectEnd!: (error: CcBedrockError) => void;

  constructor(target: CallTarget) {
    this.target = target;
    this.#endPromise = new Promise<void>((resolve, reject) => {
      this.#resolveEnd = resolve;
      this.#rejectEnd = reject;
    });
    // Rejections are reported through whichever API the caller uses; an unobserved failure is re-raised in _fail.
    this.#endPromise.catch(() => {});
  }

  get ended(): boolean {
    return this.#ended;
  }
  get errored(): boolean {
    return this.#error !== undefined && !this.#aborted;
  }
  get aborted(): boolean {
    return this.#aborted;
  }
  /** True when the stream failed before any output and was answered by one non-streaming call. */
  get usedNonStreamingFallback(): boolean {
    return this.#fallback;
  }
  get requestId(): string | undefined {
    return this.#requestId;
  }
  /** The message as accumulated so far. */
  get currentMessage(): Message | undefined {
    return this.#snapshot;
  }

  on<E extends keyof MessageStreamEvents>(event: E, listener: MessageStreamEvents[E]): this {
    if (event === 'error' || event === 'abort') this.#handled = true;
    const list = (this.#listeners[event] ??= []) as Listener<E>[];
    list.push({ listener, once: false });
    return this;
  }

  once<E extends keyof MessageStreamEvents>(event: E, listener: MessageStreamEvents[E]): this {
    if (event === 'error' || event === 'abort') this.#handled = true;
    const list = (this.#listeners[event] ??= []) as Listener<E>[];
    list.push({ listener, once: true });
    return this;
  }

  off<E extends keyof MessageStreamEvents>(event: E, listener: MessageStreamEvents[E]): this {
    const list = this.#listeners[event] as Listener<E>[] | undefined;
    const index = list?.findIndex((entry) => entry.listener === listener) ?? -1;
    if (list && index >= 0) list.splice(index, 1);
    return this;
  }

  abort(): void {
    this.controller.abort();
  }

  /** Resolves when the stream has ended; rejects with the CcBedrockError that ended it. */
  async done(): Promise<void> {
    this.#handled = true;
    await this.#endPromise;
  }

  async finalMessage(): Promise<Message> {
    await this.done();
    if (!this.#final) {
      throw new CcBedrockError('STREAM_INTERRUPTED', `the stream for model ${this.target.modelId} in ${this.target.region} ended without a complete message`, {
        remediation: 'retry the request',
      });
    }
    return this.#final;
  }

  /** The text blocks of the final message, joined with a space as the SDK does. */
  async finalText(): Promise<string> {
    const message = await this.finalMessage();
    return message.content
      .filter((block): block is Extract<ContentBlock, { type: 'text' }> => block.type === 'text')
      .map((block) => block.text)
      .join(' ');
  }

  [Symbol.asyncIterator](): AsyncIterator<MessageStreamEvent> {
    this.#handled = true;
    let index = 0;
    return {
      next: async (): Promise<IteratorResult<MessageStreamEvent>> => {
        for (;;) {
          if (index < this.#events.length) return { value: this.#events[index++]!, done: false };
          if (this.#error) throw this.#error;
          if (this.#ended) return { value: undefined, done: true };
          await new Promise<void>((resolve) => this.#waiters.add(resolve));
        }
      },
      return: async (): Promise<IteratorResult<MessageStreamEvent>> => {
        if (!this.#ended) this.abort();
        return { value: undefined, done: true };
      },
    };
  }

  #emit<E extends keyof MessageStreamEvents>(event: E, ...args: Parameters<MessageStreamEvents[E]>): void {
    const list = this.#listeners[event] as Listener<E>[] | undefined;
    if (!list) return;
    this.#listeners[event] = list.filter((entry) => !entry.once) as never;
    for (const entry of list) (entry.listener as (...a: Parameters<MessageStreamEvents[E]>) => void)(...args);
  }

  #wake(): void {
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const wake of waiters) wake();
  }

  /** @internal */
  _connected(info: { requestId: string | undefined; fallback: boolean }): void {
    this.#requestId = info.requestId ?? this.#requestId;
    if (info.fallback) this.#fallback = true;
    this.#emit('connect', { target: this.target, requestId: info.requestId, fallback: info.fallback });
  }

  /** @internal Delivers one event to the caller. */
  _push(event: MessageStreamEvent): void {
    if (this.#ended) return;
    if (event.type === 'message_start' && this.#snapshot) {
      // A second message would only come from a bug upstream; the SDK refuses it the same way.
      throw new CcBedrockError('STREAM_INTERRUPTED', `unexpected message_start inside the stream for model ${this.target.modelId}`, {
        remediation: 'retry the request',
      });
    }
    const snapshot = accumulateEvent(this.#snapshot, event);
    this.#snapshot = snapshot;
    this.#events.push(event);
    this.#wake();
    if (!snapshot) return;
    this.#emit('streamEvent', event, snapshot);
    if (event.type === 'content_block_delta') {
      const block = snapshot.content[event.index];
      const delta = event.delta;
      if (delta.type === 'text_delta' && block?.type === 'text') this.#emit('text', delta.text, block.text);
      else if (delta.type === 'citations_delta' && block?.type === 'text') this.#emit('citation', delta.citation as TextCitation, block.citations ?? []);
      else if (delta.type === 'input_json_delta' && block && 'input' in block) this.#emit('inputJson', delta.partial_json, block.input);
      else if (delta.type === 'thinking_delta' && block?.type === 'thinking') this.#emit('thinking', delta.thinking, block.thinking);
      else if (delta.type === 'signature_delta' && block?.type === 'thinking') this.#emit('signature', block.signature);
    } else if (event.type === 'content_block_stop') {
      const block = snapshot.content[event.index];
      if (block) this.#emit('contentBlock', block);
    } else if (event.type === 'message_stop') {
      this.#final = snapshot;
      this.#emit('message', snapshot);
    }
  }

  /** @internal The upstream finished. */
  _end(): void {
    if (this.#ended) return;
    this.#ended = true;
    if (this.#final) this.#emit('finalMessage', this.#final);
    this.#emit('end');
    this.#resolveEnd();
    this.#wake();
  }

  /** @internal The stream failed; nothing more is delivered. */
  _fail(error: CcBedrockError, aborted = false): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#error = error;
    this.#aborted = aborted;
    this.#emit(aborted ? 'abort' : 'error', error);
    this.#emit('end');
    this.#rejectEnd(error);
    this.#wake();
    if (!this.#handled && !aborted) {
      // Same contract as the SDK: an error nobody listens for must not vanish.
      void Promise.reject(error);
    }
  }
}
