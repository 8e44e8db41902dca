/**
 * Reading and checking request bodies. The gateway checks only what it must rely on itself
 * (a JSON object, `model`, `messages`, `max_tokens`, `stream`); everything else is Bedrock's to
 * judge, and its answer is passed back as an Anthropic error.
 */
import { CcBedrockError } from '../core/errors.js';
import { invalidRequest } from './anthropic-errors.js';
import type { GatewayRequest } from './exchange.js';

const KIB = 1024;

function sizeLabel(bytes: number): string {
  return bytes >= KIB * KIB ? `${(bytes / (KIB * KIB)).toFixed(1)} MiB` : `${Math.ceil(bytes / KIB)} KiB`;
}

export function tooLarge(limit: number, size?: number): CcBedrockError {
  return new CcBedrockError(
    'REQUEST_TOO_LARGE',
    `the request body${size !== undefined ? ` (${sizeLabel(size)})` : ''} is larger than the gateway accepts (${sizeLabel(limit)})`,
    { remediation: 'send less: shrink images and documents or drop history (Bedrock itself accepts at most 20 MB)' },
  );
}

/**
 * The request-body bytes the gateway holds across all requests, against one budget: each body
 * is bounded by maxBodyBytes, and this bounds their sum, so many concurrent large uploads cannot
 * take the process's memory (60 bodies of 19 MB once held 4.7 GB). Adapters reserve as bytes
 * arrive (or the declared length up front) and give back once the body has gone upstream.
 */
export class BodyBudget {
  #used = 0;
  constructor(readonly limit: number) {}

  /** Bytes reserved right now (`cc_bedrock_gateway_request_body_bytes`). */
  get used(): number {
    return this.#used;
  }

  /** Reserves `bytes`, or nothing and false when that would pass the budget. */
  take(bytes: number): boolean {
    if (this.#used + bytes > this.limit) return false;
    this.#used += bytes;
    return true;
  }

  give(bytes: number): void {
    this.#used = Math.max(0, this.#used - bytes);
  }
}

/** The answer to a body that found the budget spent: 429 with Retry-After, the client retries. */
export function budgetSpent(budget: BodyBudget): CcBedrockError {
  return new CcBedrockError('THROTTLED', `the gateway is already holding ${sizeLabel(budget.used)} of request bodies, its budget (${sizeLabel(budget.limit)})`, {
    remediation: 'retry in a moment; a gateway operator can raise CC_BEDROCK_GATEWAY_BODY_MEMORY_BYTES or run more instances',
    details: { retryAfterMs: 1000 },
  });
}

/** Refuses a body over `limit`, by its declared length or by what the adapter received (`bodyLength`, or what it read). */
export function checkBodySize(request: GatewayRequest, limit: number): void {
  const declared = Number(request.header('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit, declared);
  const received = request.bodyLength ?? request.body.byteLength;
  if (received > limit) throw tooLarge(limit, received);
}

export function parseJsonObject(bytes: Uint8Array): Record<string, unknown> {
  if (bytes.byteLength === 0) {
    throw invalidRequest('the request body is empty', 'send a JSON object (Content-Type: application/json)');
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch (error) {
    throw invalidRequest(`the request body is not valid JSON: ${(error as Error).message}`, 'send a JSON object (Content-Type: application/json)');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidRequest(`the request body must be a JSON object, not ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`, 'send a JSON object');
  }
  return value as Record<string, unknown>;
}

function typeName(value: unknown): string {
  return Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
}

/** The fields every Messages request must get right, named the way the Messages API names them. */
export function checkMessagesBody(body: Record<string, unknown>, kind: 'messages' | 'count_tokens'): { model: string; stream: boolean } {
  const model = body['model'];
  if (model === undefined) throw invalidRequest('model: Field required', 'name a model, e.g. "claude-sonnet-4-5" or an alias such as "sonnet"');
  if (typeof model !== 'string' || model.trim() === '') {
    throw invalidRequest(`model: Input should be a non-empty string, not ${typeName(model)}`, 'name a model, e.g. "claude-sonnet-4-5"');
  }
  const messages = body['messages'];
  if (messages === undefined) throw invalidRequest('messages: Field required', 'send at least one message');
  if (!Array.isArray(messages)) throw invalidRequest(`messages: Input should be a valid list, not ${typeName(messages)}`, 'send "messages" as an array');
  if (messages.length === 0) throw invalidRequest('messages: at least one message is required', 'send at least one message');
  messages.forEach((message: unknown, index) => {
    if (typeof message !== 'object' || message === null || Array.isArray(message)) {
      throw invalidRequest(`messages.${index}: Input should be a valid dictionary`, 'each message is {"role": "user"|"assistant", "content": …}');
    }
    const role = (message as Record<string, unknown>)['role'];
    // `system` turns are the mid-conversation-system beta; the gateway folds them when Bedrock cannot take them.
    if (role !== 'user' && role !== 'assistant' && role !== 'system') {
      throw invalidRequest(`messages.${index}.role: Input should be 'user' or 'assistant'`, 'each message is {"role": "user"|"assistant", "content": …}');
    }
  });
  if (kind === 'messages') {
    const maxTokens = body['max_tokens'];
    if (maxTokens === undefined) throw invalidRequest('max_tokens: Field required', 'set max_tokens, e.g. 1024');
    if (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens < 1) {
      throw invalidRequest(`max_tokens: Input should be a positive integer, not ${JSON.stringify(maxTokens)}`, 'set max_tokens to a whole number ≥ 1');
    }
  }
  const stream = body['stream'];
  if (stream !== undefined && typeof stream !== 'boolean') {
    throw invalidRequest(`stream: Input should be a valid boolean, not ${typeName(stream)}`, 'set "stream" to true or false');
  }
  for (const key of ['system', 'tools', 'stop_sequences'] as const) {
    const value = body[key];
    if (value === undefined || value === null) continue;
    if (key === 'system' ? typeof value !== 'string' && !Array.isArray(value) : !Array.isArray(value)) {
      throw invalidRequest(`${key}: Input has the wrong type (${typeName(value)})`, `send "${key}" as ${key === 'system' ? 'a string or a list of text blocks' : 'a list'}`);
    }
  }
  return { model: model.trim(), stream: stream === true };
}
