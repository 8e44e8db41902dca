/**
 * Bedrock Guardrails done the way the platform needs them (peer-projects platform fact 4, wire
 * formats §10): the configured guardrail headers on every model call, optional tagging of the
 * user's own text so the Prompt-Attack filter evaluates it, and an intervention turned into an
 * error instead of an assistant message.
 *
 * Only the *latest* user turn is tagged: earlier turns were evaluated when they were new, and
 * re-evaluating a blocked turn on every later request is what poisons a session (anthropics/
 * claude-code #30258). System prompts, tool definitions and tool results are never tagged.
 * The tag suffix is random per request, so user text cannot close the tag early.
 */
import { randomBytes } from 'node:crypto';
import type { CustomHeader } from '../core/route-plan.js';

export const GUARDRAIL_CONFIG_KEY = 'amazon-bedrock-guardrailConfig';
const INTERVENED = /"amazon-bedrock-guardrailAction"\s*:\s*"INTERVENED"/;

export function hasGuardrail(headers: readonly CustomHeader[]): boolean {
  return headers.some((header) => header.name.toLowerCase() === 'x-amzn-bedrock-guardrailidentifier');
}

export function newTagSuffix(): string {
  return randomBytes(6).toString('hex');
}

function wrap(text: string, suffix: string): string {
  const tag = `amazon-bedrock-guardrails-guardContent_${suffix}`;
  return `<${tag}>${text}</${tag}>`;
}

/**
 * Wraps the text of the last user message (string content or `text` blocks; never tool_result,
 * images or documents) and adds `amazon-bedrock-guardrailConfig.tagSuffix`. Mutates `body`.
 * Returns how many text pieces were tagged.
 */
export function tagLatestUserText(body: Record<string, unknown>, suffix: string): number {
  const messages = body['messages'];
  let tagged = 0;
  if (Array.isArray(messages)) {
    for (let index = messages.length - 1; index >= 0; index -= 1) {
      const message = messages[index] as Record<string, unknown> | null;
      if (typeof message !== 'object' || message === null || message['role'] !== 'user') continue;
      const content = message['content'];
      if (typeof content === 'string') {
        message['content'] = wrap(content, suffix);
        tagged += 1;
      } else if (Array.isArray(content)) {
        for (const block of content as unknown[]) {
          const record = block as Record<string, unknown> | null;
          if (typeof record === 'object' && record !== null && record['type'] === 'text' && typeof record['text'] === 'string') {
            record['text'] = wrap(record['text'], suffix);
            tagged += 1;
          }
        }
      }
      break;
    }
  }
  const existing = body[GUARDRAIL_CONFIG_KEY];
  body[GUARDRAIL_CONFIG_KEY] = {
    ...(typeof existing === 'object' && existing !== null ? (existing as Record<string, unknown>) : {}),
    tagSuffix: suffix,
  };
  return tagged;
}

/** Whether a response body (or one decoded stream event) reports an intervention. */
export function reportsIntervention(json: string): boolean {
  return json.includes(GUARDRAIL_ACTION) && INTERVENED.test(json);
}

const GUARDRAIL_ACTION = 'amazon-bedrock-guardrailAction';
const GUARDRAIL_ACTION_BYTES = Buffer.from(GUARDRAIL_ACTION);

/** The same for a body still in bytes: only a body that mentions the action is decoded to look closer. */
export function bytesReportIntervention(bytes: Uint8Array): boolean {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return buffer.includes(GUARDRAIL_ACTION_BYTES) && INTERVENED.test(buffer.toString('utf8'));
}

/** The blocked text Bedrock put in place of the answer, for the error message. */
export function blockedTextOf(message: unknown): string {
  const content = (message as { content?: unknown } | null)?.content;
  if (!Array.isArray(content)) return '';
  return content
    .filter((block): block is { type: string; text: string } => typeof block === 'object' && block !== null && (block as { type?: unknown }).type === 'text' && typeof (block as { text?: unknown }).text === 'string')
    .map((block) => block.text)
    .join('\n');
}
