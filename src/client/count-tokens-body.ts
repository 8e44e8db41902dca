/**
 * The InvokeModel body Bedrock CountTokens measures, built the same way by the client
 * (`messages.countTokens`) and the gateway (`POST /v1/messages/count_tokens`).
 *
 * CountTokens validates that body more strictly than InvokeModel: a tool definition carrying
 * `eager_input_streaming` (fine-grained tool streaming) is refused with
 * `tools.0.custom.eager_input_streaming: Extra inputs are not permitted`, which is why Claude
 * Code's `/context` showed 0 tokens for every tool on Bedrock before 2.1.196 (spec "count-tokens
 * endpoint with sanitized schemas"; anthropics/claude-code#63532). The flag only changes how a
 * tool call streams, not the prompt's tokens, so it is dropped here; every other field is kept.
 */
import { BEDROCK_ANTHROPIC_VERSION } from './transport.js';

/** Tool-definition fields CountTokens rejects and that do not change the count. */
const FIELDS_COUNT_TOKENS_REJECTS = ['eager_input_streaming'] as const;

function withoutRejectedToolFields(tools: unknown): unknown {
  if (!Array.isArray(tools)) return tools;
  return tools.map((tool: unknown) => {
    if (typeof tool !== 'object' || tool === null || !FIELDS_COUNT_TOKENS_REJECTS.some((field) => field in tool)) return tool;
    const kept: Record<string, unknown> = { ...(tool as Record<string, unknown>) };
    for (const field of FIELDS_COUNT_TOKENS_REJECTS) delete kept[field];
    return kept;
  });
}

/**
 * `fields`: the Messages request without `model`, `stream` and `max_tokens`. CountTokens measures
 * an InvokeModel body, which must carry `max_tokens` (above any thinking budget).
 */
export function countTokensInvokeBody(fields: Readonly<Record<string, unknown>>, maxTokens: unknown, betas: readonly string[]): Record<string, unknown> {
  const thinking = fields['thinking'] as { type?: unknown; budget_tokens?: unknown } | undefined;
  return {
    anthropic_version: BEDROCK_ANTHROPIC_VERSION,
    max_tokens: typeof maxTokens === 'number' ? maxTokens : thinking?.type === 'enabled' && typeof thinking.budget_tokens === 'number' ? thinking.budget_tokens + 1 : 1,
    ...fields,
    ...(fields['tools'] !== undefined ? { tools: withoutRejectedToolFields(fields['tools']) } : {}),
    ...(betas.length ? { anthropic_beta: betas } : {}),
  };
}
