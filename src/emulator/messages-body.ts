/**
 * Validation of Messages request bodies the way each surface words its complaints: Bedrock's
 * InvokeModel schema layer ("Malformed input request: #: required key [messages] not found, …")
 * and the Messages API itself (Mantle, and model-side checks Bedrock passes through verbatim).
 */
import { awsErrors, type AwsServiceError } from './aws-errors.js';

export type BodyFlavor = 'bedrock' | 'mantle';

/** anthropic_version values Bedrock accepts in the body: 0.x SDKs and 1.x SDKs (wire §0.9). */
export const BEDROCK_ANTHROPIC_VERSIONS = ['bedrock-2023-05-31', '2026-10-21'] as const;

const BEDROCK_EXTRANEOUS = ['model', 'stream'];

function jsonType(value: unknown): string {
  if (Array.isArray(value)) return 'JSONArray';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'JSONObject';
  if (typeof value === 'string') return 'String';
  if (typeof value === 'number') return Number.isInteger(value) ? 'Integer' : 'BigDecimal';
  return typeof value === 'boolean' ? 'Boolean' : typeof value;
}

function required(flavor: BodyFlavor, key: string): AwsServiceError {
  return flavor === 'bedrock'
    ? awsErrors.malformedInput(`#: required key [${key}] not found`)
    : awsErrors.modelValidation(`${key}: Field required`);
}

/** Parses the body as a JSON object or throws the surface's malformed-input error. */
export function parseJsonObject(bytes: Uint8Array, flavor: BodyFlavor): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw flavor === 'bedrock'
      ? awsErrors.malformedInput('the request body is not valid JSON')
      : awsErrors.modelValidation('There was an error parsing the body of your request as JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw flavor === 'bedrock'
      ? awsErrors.malformedInput(`#: expected type: JSONObject, found: ${jsonType(value)}`)
      : awsErrors.modelValidation('The request body must be a JSON object.');
  }
  return value as Record<string, unknown>;
}

/** Throws the first problem found in a Messages body; returns nothing when it is acceptable. */
export function validateMessagesBody(body: Record<string, unknown>, flavor: BodyFlavor): void {
  if (flavor === 'bedrock') {
    if (body.anthropic_version === undefined) throw required(flavor, 'anthropic_version');
    if (!(BEDROCK_ANTHROPIC_VERSIONS as readonly unknown[]).includes(body.anthropic_version)) {
      throw awsErrors.malformedInput(`#/anthropic_version: ${JSON.stringify(body.anthropic_version)} is not a valid enum value`);
    }
    for (const key of BEDROCK_EXTRANEOUS) {
      if (key in body) throw awsErrors.malformedInput(`#: extraneous key [${key}] is not permitted`);
    }
  } else {
    if (body.model === undefined) throw required(flavor, 'model');
    if (typeof body.model !== 'string') throw awsErrors.modelValidation('model: Input should be a valid string');
  }
  if (body.max_tokens === undefined) throw required(flavor, 'max_tokens');
  if (typeof body.max_tokens !== 'number' || !Number.isInteger(body.max_tokens)) {
    throw flavor === 'bedrock'
      ? awsErrors.malformedInput(`#/max_tokens: expected type: Integer, found: ${jsonType(body.max_tokens)}`)
      : awsErrors.modelValidation('max_tokens: Input should be a valid integer');
  }
  if (body.max_tokens < 1) throw awsErrors.modelValidation('max_tokens: Input should be greater than or equal to 1');
  if (body.messages === undefined) throw required(flavor, 'messages');
  if (!Array.isArray(body.messages)) {
    throw flavor === 'bedrock'
      ? awsErrors.malformedInput(`#/messages: expected type: JSONArray, found: ${jsonType(body.messages)}`)
      : awsErrors.modelValidation('messages: Input should be a valid list');
  }
  if (body.messages.length === 0) throw awsErrors.modelValidation('messages: at least one message is required');
  body.messages.forEach((message: unknown, index) => {
    if (typeof message !== 'object' || message === null || Array.isArray(message)) {
      throw awsErrors.modelValidation(`messages.${index}: Input should be a valid dictionary or object`);
    }
    const m = message as Record<string, unknown>;
    if (m.role !== 'user' && m.role !== 'assistant') {
      throw awsErrors.modelValidation(`messages.${index}.role: Input should be 'user' or 'assistant'`);
    }
    if (m.content === undefined) throw awsErrors.modelValidation(`messages.${index}.content: Field required`);
    if (typeof m.content !== 'string' && !Array.isArray(m.content)) {
      throw awsErrors.modelValidation(`messages.${index}.content: Input should be a valid string or list`);
    }
  });
  if (body.temperature !== undefined && body.top_p !== undefined && body.temperature !== null && body.top_p !== null) {
    throw awsErrors.modelValidation('`temperature` and `top_p` cannot both be specified for this model. Please use only one.');
  }
  if (body.stop_sequences !== undefined && !(Array.isArray(body.stop_sequences) && body.stop_sequences.every((s) => typeof s === 'string'))) {
    throw awsErrors.modelValidation('stop_sequences: Input should be a valid list of strings');
  }
}

/** What a reply is built from: the last user turn's text and whether it carried tool results. */
export interface LastUserTurn {
  readonly text: string;
  readonly toolResultText: string | undefined;
}

function blockText(block: unknown): string {
  if (typeof block === 'string') return block;
  if (typeof block !== 'object' || block === null) return '';
  const b = block as Record<string, unknown>;
  if (b.type === 'text') return String(b.text ?? '');
  return '';
}

export function lastUserTurn(body: Record<string, unknown>): LastUserTurn {
  const messages = Array.isArray(body.messages) ? (body.messages as Record<string, unknown>[]) : [];
  for (let i = messages.length - 1; i >= 0; i -= 1) {
    const message = messages[i];
    if (message?.role !== 'user') continue;
    const content = message.content;
    if (typeof content === 'string') return { text: content, toolResultText: undefined };
    if (!Array.isArray(content)) return { text: '', toolResultText: undefined };
    const texts: string[] = [];
    const toolResults: string[] = [];
    for (const block of content as unknown[]) {
      const b = block as Record<string, unknown> | null;
      if (b?.type === 'tool_result') {
        const inner = b.content;
        toolResults.push(typeof inner === 'string' ? inner : Array.isArray(inner) ? inner.map(blockText).join('') : '');
      } else {
        const text = blockText(block);
        // Claude Code adds <system-reminder> blocks to the user turn; they are not what was asked.
        if (text !== '' && !text.trimStart().startsWith('<system-reminder>')) texts.push(text);
      }
    }
    return { text: texts.join('\n'), toolResultText: toolResults.length ? toolResults.join('\n') : undefined };
  }
  return { text: '', toolResultText: undefined };
}
