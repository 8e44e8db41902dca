/**
 * A deterministic stand-in tokenizer. Real Claude tokenization is not public; what the emulator
 * needs is a rule that is stable, cheap and applied the same way everywhere, so CountTokens,
 * `usage` and the stream's invocation metrics always agree. A token is up to four letters or
 * digits, or one other non-space character; whitespace rides with the token that follows it.
 */

const PIECE = /\s*(?:[\p{L}\p{N}_]{1,4}|[^\s\p{L}\p{N}_])/gu;

/** Splits text into token pieces; joining them gives back the text (less trailing blanks). */
export function splitTokens(text: string): string[] {
  return text.match(PIECE) ?? [];
}

export function countTextTokens(text: string): number {
  let count = 0;
  PIECE.lastIndex = 0;
  while (PIECE.exec(text) !== null) count += 1;
  return count;
}

/** Fixed costs per non-text element, so images and documents count without decoding them. */
const IMAGE_TOKENS = 85;
const DOCUMENT_TOKENS = 500;
const MESSAGE_OVERHEAD = 4;
const REQUEST_OVERHEAD = 3;

function countBlock(block: unknown): number {
  if (typeof block === 'string') return countTextTokens(block);
  if (typeof block !== 'object' || block === null) return 0;
  const b = block as Record<string, unknown>;
  switch (b.type) {
    case 'text':
      return countTextTokens(String(b.text ?? ''));
    case 'thinking':
      return countTextTokens(String(b.thinking ?? ''));
    case 'redacted_thinking':
      return 0;
    case 'tool_use':
    case 'server_tool_use':
      return countTextTokens(String(b.name ?? '')) + countTextTokens(JSON.stringify(b.input ?? {}));
    case 'tool_result': {
      const content = b.content;
      if (typeof content === 'string') return countTextTokens(content) + 2;
      if (Array.isArray(content)) return content.reduce((sum: number, inner) => sum + countBlock(inner), 2);
      return 2;
    }
    case 'image':
      return IMAGE_TOKENS;
    case 'document': {
      const source = b.source as Record<string, unknown> | undefined;
      return source?.type === 'text' ? countTextTokens(String(source.data ?? '')) : DOCUMENT_TOKENS;
    }
    default:
      return countTextTokens(JSON.stringify(b));
  }
}

export function countContentTokens(content: unknown): number {
  if (typeof content === 'string') return countTextTokens(content);
  if (Array.isArray(content)) return content.reduce((sum: number, block) => sum + countBlock(block), 0);
  return 0;
}

/** Input tokens of a Messages request body (Bedrock invoke, Mantle and CountTokens alike). */
export function countInputTokens(body: Record<string, unknown>): number {
  let total = REQUEST_OVERHEAD;
  total += countContentTokens(body.system);
  if (Array.isArray(body.messages)) {
    for (const message of body.messages) {
      const content = typeof message === 'object' && message !== null ? (message as Record<string, unknown>).content : undefined;
      total += MESSAGE_OVERHEAD + countContentTokens(content);
    }
  }
  if (Array.isArray(body.tools) && body.tools.length > 0) total += countTextTokens(JSON.stringify(body.tools));
  return total;
}
