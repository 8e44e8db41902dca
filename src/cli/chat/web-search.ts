/**
 * WebSearch is a server-side tool of the Anthropic API that Amazon Bedrock does not expose
 * (seed: "the WebSearch tool is not available on Bedrock"). Asking for it on Bedrock ends in an
 * opaque 400 about an unknown tool type; cc-bedrock says what is going on instead.
 *
 * Triggers (documented in `/help`):
 * - the chat commands `/web`, `/websearch` and `/web-search`;
 * - a prompt that asks to switch web search on ("enable web search", "turn on the web search
 *   tool"): answered locally, nothing is sent;
 * - a prompt that asks Claude to search the web ("search the web for …", "look it up online"):
 *   sent as usual, preceded by a note that Claude answers without browsing;
 * - an upstream 400 that names the web_search tool type (a tool definition passed through a
 *   gateway): rewritten into this explanation.
 */
import { CcBedrockError, isCcBedrockError } from '../../core/errors.js';

export const WEB_SEARCH_UNAVAILABLE =
  'The WebSearch tool is not available on Bedrock: Amazon Bedrock does not expose the server-side web search tool, so Claude cannot browse in this session.';

export const WEB_SEARCH_REMEDIATION =
  'paste the page or facts you need into the prompt, or use a tool that fetches pages locally; web search needs the Anthropic API (unset CLAUDE_CODE_USE_BEDROCK in a session that may use it)';

export const WEB_SEARCH_COMMANDS: readonly string[] = ['/web', '/websearch', '/web-search'];

const ENABLE_REQUEST =
  /\b(enable|turn\s+on|switch\s+on|activate|allow|give\s+(?:yourself|you)|can\s+you\s+use|use\s+your)\b[^.?!\n]{0,30}\bweb[\s_-]?search(?:ing)?\b(?:\s+tool)?/i;
const SEARCH_REQUEST =
  /\b(search|browse|google|look\s+(?:it|this|that|them)?\s*up)\b[^.?!\n]{0,20}\b(the\s+)?(web|internet|online)\b|\bweb[\s_-]?search\b/i;

export type WebSearchIntent = 'enable' | 'search' | undefined;

/** What a prompt asks of web search, if anything. */
export function webSearchIntent(prompt: string): WebSearchIntent {
  if (ENABLE_REQUEST.test(prompt)) return 'enable';
  if (SEARCH_REQUEST.test(prompt)) return 'search';
  return undefined;
}

export function webSearchError(cause?: unknown): CcBedrockError {
  return new CcBedrockError('TOOL_UNAVAILABLE', WEB_SEARCH_UNAVAILABLE, {
    remediation: WEB_SEARCH_REMEDIATION,
    ...(cause === undefined ? {} : { cause }),
    ...(isCcBedrockError(cause) && cause.status !== undefined ? { status: cause.status } : {}),
  });
}

/** An upstream rejection of a web_search tool definition, rewritten into the explanation; other errors unchanged. */
export function explainWebSearchRejection(error: unknown): unknown {
  if (!isCcBedrockError(error) || error.code === 'TOOL_UNAVAILABLE') return error;
  const rejected = error.status === 400 || error.code === 'REQUEST_INVALID';
  return rejected && /web[_-]?search/i.test(error.message) ? webSearchError(error) : error;
}
