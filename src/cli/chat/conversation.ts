/**
 * The conversation of a chat session. A turn is sent as history + the new user message, and
 * only a completed reply is committed: a failed, cancelled or guardrail-blocked turn leaves the
 * history exactly as it was, so one bad exchange never poisons the turns after it.
 */
import type { BetaContentBlockParam, BetaMessageParam } from '@anthropic-ai/sdk/resources/beta/messages/messages';
import type { Message } from '../../client/index.js';

export type MessageParam = BetaMessageParam;
type AssistantContent = BetaContentBlockParam[];

/**
 * Reply blocks as request blocks: text without the response-only `citations: null`, every other
 * block (thinking with its signature, tool use) as it came, since the API takes them back verbatim.
 */
function asRequestContent(content: Message['content']): AssistantContent {
  return content.map((block) => (block.type === 'text' ? { type: 'text' as const, text: block.text } : block)) as unknown as AssistantContent;
}

export class Conversation {
  readonly #messages: MessageParam[] = [];

  get messages(): readonly MessageParam[] {
    return this.#messages;
  }

  /** Completed exchanges so far. */
  get turns(): number {
    return this.#messages.length / 2;
  }

  /** What to send for a new user turn; nothing is recorded until `commit`. */
  request(userText: string): MessageParam[] {
    return [...this.#messages, { role: 'user', content: userText }];
  }

  /**
   * Records a completed exchange. A reply without any content block (possible after
   * `max_tokens: 0`-style edge cases) is not kept: the API refuses an empty assistant turn.
   */
  commit(userText: string, reply: Message): boolean {
    const content = asRequestContent(reply.content).filter((block) => !(block.type === 'text' && block.text === ''));
    if (content.length === 0) return false;
    this.#messages.push({ role: 'user', content: userText }, { role: 'assistant', content });
    return true;
  }

  clear(): void {
    this.#messages.length = 0;
  }
}
