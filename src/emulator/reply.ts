/**
 * The emulated model: turns a Messages request into a reply. By default the reply echoes the
 * last user text ("You said: …") so end-to-end tests can see their prompt came through; a
 * scenario can script replies (text, tool_use, thinking) by prompt match. `max_tokens` and
 * `stop_sequences` are honoured with the same tokenizer that counts usage.
 */
import { createHash } from 'node:crypto';
import { lastUserTurn } from './messages-body.js';
import type { ReplyBlock, Scenario } from './scenario.js';
import { countInputTokens, countTextTokens, splitTokens } from './tokens.js';

export type StopReason = 'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence' | 'pause_turn' | 'refusal';

export type OutputBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> }
  | { type: 'thinking'; thinking: string; signature: string };

export interface ReplyPlan {
  readonly content: OutputBlock[];
  readonly stopReason: StopReason;
  readonly stopSequence: string | null;
  readonly inputTokens: number;
  readonly outputTokens: number;
}

/** Deterministic IDs: `msg_bdrk_01…` and `toolu_bdrk_01…`, from a per-emulator counter. */
export class IdFactory {
  private counter = 0;
  constructor(private readonly seed: string = 'cc-bedrock-emulator') {}

  private next(prefix: string): string {
    this.counter += 1;
    const digest = createHash('sha256').update(`${this.seed}:${prefix}:${this.counter}`).digest();
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    let out = '';
    for (let i = 0; i < 22; i += 1) out += alphabet[digest[i]! % alphabet.length];
    return `${prefix}01${out}`;
  }

  message(): string {
    return this.next('msg_bdrk_');
  }

  tool(): string {
    return this.next('toolu_bdrk_');
  }

  reset(): void {
    this.counter = 0;
  }
}

export interface ReplyContext {
  /** IDs the request resolved to (as sent, base model, Mantle ID): scripted replies match any. */
  readonly modelIds: readonly string[];
  readonly scenario: Scenario;
  readonly ids: IdFactory;
}

function scriptedReply(body: Record<string, unknown>, context: ReplyContext): { blocks: ReplyBlock[]; stopReason?: StopReason } | undefined {
  const turn = lastUserTurn(body);
  for (const reply of context.scenario.replies) {
    const { match } = reply;
    if (match.contains !== undefined && !turn.text.toLowerCase().includes(match.contains.toLowerCase())) continue;
    if (match.regex !== undefined && !new RegExp(match.regex, 'u').test(turn.text)) continue;
    if (match.model !== undefined && !context.modelIds.includes(match.model)) continue;
    if (match.toolResult !== undefined && match.toolResult !== (turn.toolResultText !== undefined)) continue;
    return { blocks: reply.content, ...(reply.stopReason ? { stopReason: reply.stopReason } : {}) };
  }
  return undefined;
}

/** The echo reply: what the user asked, or what the tool returned. */
export function echoText(body: Record<string, unknown>): string {
  const turn = lastUserTurn(body);
  if (turn.text.trim() !== '') return `You said: ${turn.text.trim()}`;
  if (turn.toolResultText !== undefined) return `Tool result received: ${turn.toolResultText.trim().slice(0, 500)}`;
  return 'You said nothing.';
}

function blockTokens(block: OutputBlock): number {
  switch (block.type) {
    case 'text':
      return countTextTokens(block.text);
    case 'thinking':
      return countTextTokens(block.thinking);
    case 'tool_use':
      return countTextTokens(block.name) + countTextTokens(JSON.stringify(block.input));
  }
}

export function planReply(body: Record<string, unknown>, context: ReplyContext): ReplyPlan {
  const scripted = scriptedReply(body, context);
  const blocks: ReplyBlock[] = scripted?.blocks ?? [{ type: 'text', text: echoText(body) }];
  const maxTokens = typeof body.max_tokens === 'number' ? body.max_tokens : Number.MAX_SAFE_INTEGER;
  const stopSequences = Array.isArray(body.stop_sequences) ? (body.stop_sequences as string[]).filter((s) => s !== '') : [];

  const content: OutputBlock[] = [];
  let budget = maxTokens;
  let stopReason: StopReason | undefined;
  let stopSequence: string | null = null;

  for (const block of blocks) {
    if (block.type === 'text') {
      let text = block.text;
      let hit: string | undefined;
      let hitAt = Infinity;
      for (const sequence of stopSequences) {
        const at = text.indexOf(sequence);
        if (at >= 0 && at < hitAt) {
          hitAt = at;
          hit = sequence;
        }
      }
      if (hit !== undefined) text = text.slice(0, hitAt);
      const pieces = splitTokens(text);
      if (pieces.length > budget) {
        content.push({ type: 'text', text: pieces.slice(0, budget).join('') });
        budget = 0;
        stopReason = 'max_tokens';
        break;
      }
      content.push({ type: 'text', text });
      budget -= pieces.length;
      if (hit !== undefined) {
        stopReason = 'stop_sequence';
        stopSequence = hit;
        break;
      }
    } else if (block.type === 'thinking') {
      const pieces = splitTokens(block.thinking);
      const signature = block.signature ?? createHash('sha256').update(block.thinking).digest('base64');
      if (pieces.length > budget) {
        content.push({ type: 'thinking', thinking: pieces.slice(0, budget).join(''), signature });
        budget = 0;
        stopReason = 'max_tokens';
        break;
      }
      content.push({ type: 'thinking', thinking: block.thinking, signature });
      budget -= pieces.length;
    } else {
      const toolUse: OutputBlock = { type: 'tool_use', id: block.id ?? context.ids.tool(), name: block.name, input: block.input };
      const cost = blockTokens(toolUse);
      if (cost > budget) {
        stopReason = 'max_tokens';
        break;
      }
      content.push(toolUse);
      budget -= cost;
    }
  }

  const outputTokens = content.reduce((sum, block) => sum + blockTokens(block), 0);
  const defaultStop: StopReason = content.some((block) => block.type === 'tool_use') ? 'tool_use' : 'end_turn';
  return {
    content,
    stopReason: stopReason ?? scripted?.stopReason ?? defaultStop,
    stopSequence,
    inputTokens: countInputTokens(body),
    outputTokens,
  };
}

export interface UsageExtras {
  readonly serviceTier?: string | undefined;
}

export function usageOf(plan: ReplyPlan, extras: UsageExtras = {}): Record<string, unknown> {
  return {
    input_tokens: plan.inputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    output_tokens: plan.outputTokens,
    ...(extras.serviceTier ? { service_tier: extras.serviceTier } : {}),
  };
}

/** The complete Message object of a non-streaming reply. */
export function messageOf(plan: ReplyPlan, id: string, model: string, extras: UsageExtras = {}): Record<string, unknown> {
  return {
    id,
    type: 'message',
    role: 'assistant',
    model,
    content: plan.content,
    stop_reason: plan.stopReason,
    stop_sequence: plan.stopSequence,
    usage: usageOf(plan, extras),
  };
}

function splitEvenly<T>(items: readonly T[], parts: number): T[][] {
  if (items.length === 0) return [];
  const count = Math.max(1, Math.min(parts, items.length));
  const size = Math.ceil(items.length / count);
  const groups: T[][] = [];
  for (let i = 0; i < items.length; i += size) groups.push(items.slice(i, i + size));
  return groups;
}

function splitString(text: string, parts: number): string[] {
  if (text === '') return [];
  const count = Math.max(1, Math.min(parts, text.length));
  const size = Math.ceil(text.length / count);
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/**
 * The Anthropic streaming events of a reply, in order, each text block split into several
 * deltas. The caller decorates `message_stop` (Bedrock adds invocation metrics).
 */
export function streamEventsOf(
  plan: ReplyPlan,
  id: string,
  model: string,
  deltasPerBlock: number,
  extras: UsageExtras = {},
): Record<string, unknown>[] {
  const events: Record<string, unknown>[] = [
    {
      type: 'message_start',
      message: {
        id,
        type: 'message',
        role: 'assistant',
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...usageOf(plan, extras), output_tokens: Math.min(1, plan.outputTokens) },
      },
    },
  ];
  plan.content.forEach((block, index) => {
    if (block.type === 'text') {
      events.push({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
      for (const group of splitEvenly(splitTokens(block.text), deltasPerBlock)) {
        events.push({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: group.join('') } });
      }
    } else if (block.type === 'thinking') {
      events.push({ type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } });
      for (const group of splitEvenly(splitTokens(block.thinking), deltasPerBlock)) {
        events.push({ type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: group.join('') } });
      }
      events.push({ type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: block.signature } });
    } else {
      events.push({
        type: 'content_block_start',
        index,
        content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} },
      });
      for (const part of splitString(JSON.stringify(block.input), deltasPerBlock)) {
        events.push({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: part } });
      }
    }
    events.push({ type: 'content_block_stop', index });
  });
  events.push({
    type: 'message_delta',
    delta: { stop_reason: plan.stopReason, stop_sequence: plan.stopSequence },
    usage: { output_tokens: plan.outputTokens },
  });
  events.push({ type: 'message_stop' });
  return events;
}
