/**
 * Which `anthropic-beta` values each Bedrock endpoint accepts, applied to the header *and* the
 * body (`anthropic_beta` on the Invoke API), so a client that sends a flag Bedrock does not know
 * gets its request served without that flag instead of `400 invalid beta flag` (the most
 * reported Claude Code × Bedrock regression: anthropics/claude-code #56595, #49370, #21676).
 *
 * Unknown flags are dropped: Bedrock answers an unknown flag with a 400, so forwarding it can
 * only fail. Operators widen or narrow the table without a release (GatewayOptions.betaOverrides,
 * env CC_BEDROCK_GATEWAY_ALLOW_BETAS / CC_BEDROCK_GATEWAY_DROP_BETAS).
 *
 * Sources for the table: AWS "Anthropic Claude Messages API" request parameters (the betas the
 * Invoke API documents), Claude Code's observed Bedrock bodies (interleaved-thinking, context-1m,
 * wire formats §1.4), and LiteLLM's maintained per-provider map
 * (litellm/anthropic_beta_headers_config.json, `bedrock` and `bedrock_mantle` tables).
 */
import type { CatalogModel } from '../models/model-catalog.js';
import type { EndpointKind } from '../core/route-plan.js';

export type BetaRule = 'keep' | 'drop' | { readonly renameTo: string };

export interface BetaEntry {
  readonly bedrock: BetaRule;
  readonly mantle: BetaRule;
  /**
   * Request-body fields that only exist with this beta; when the beta is dropped they are
   * removed too, or Bedrock answers `Extra inputs are not permitted` (spec §8.1). Dotted paths
   * are nested keys; `cache_control.scope` is removed wherever a cache_control appears.
   */
  readonly bodyFields?: readonly string[];
  /** Why a model cannot take the beta even where the endpoint can (undefined = it can). */
  readonly modelCheck?: (model: CatalogModel) => string | undefined;
}

const only1mBeta = (model: CatalogModel): string | undefined =>
  model.context1m === 'beta'
    ? undefined
    : model.context1m === 'native'
      ? `${model.displayName} always has a 1M window`
      : `${model.displayName} has no 1M context window`;

const notClaude3 = (model: CatalogModel): string | undefined =>
  model.key.startsWith('claude-3') ? `${model.displayName} predates interleaved thinking` : undefined;

const KEEP_BOTH = { bedrock: 'keep', mantle: 'keep' } as const;
export const MID_CONVERSATION_SYSTEM_BETA = 'mid-conversation-system-2026-04-07';
const INVOKE_ONLY = { bedrock: 'keep', mantle: 'drop' } as const;
const MANTLE_ONLY = { bedrock: 'drop', mantle: 'keep' } as const;
const NEITHER = { bedrock: 'drop', mantle: 'drop' } as const;

export const BETA_TABLE: Readonly<Record<string, BetaEntry>> = {
  // Claude Code's own marker: first-party and Mantle only; Claude Code never sends it to Invoke.
  'claude-code-20250219': MANTLE_ONLY,
  'interleaved-thinking-2025-05-14': { ...KEEP_BOTH, modelCheck: notClaude3 },
  'context-1m-2025-08-07': { ...KEEP_BOTH, modelCheck: only1mBeta },
  // Claude Code leaves both out of its own Invoke requests, and gateways that forward them see
  // `400 … Extra inputs are not permitted` (spec §8.1). Operators can allow them per deployment.
  'context-management-2025-06-27': { ...MANTLE_ONLY, bodyFields: ['context_management'] },
  'effort-2025-11-24': { ...MANTLE_ONLY, bodyFields: ['output_config.effort'] },
  // `role: "system"` turns inside `messages`; without the beta they are folded into the user turn
  // as <system-reminder> text, which is how Claude Code sends the same content to Bedrock.
  [MID_CONVERSATION_SYSTEM_BETA]: NEITHER,
  'tool-search-tool-2025-10-19': KEEP_BOTH,
  // First-party name of tool search; Bedrock knows it under its own date (LiteLLM renames it the same way).
  'advanced-tool-use-2025-11-20': { bedrock: { renameTo: 'tool-search-tool-2025-10-19' }, mantle: { renameTo: 'tool-search-tool-2025-10-19' } },
  'tool-examples-2025-10-29': KEEP_BOTH,
  'fine-grained-tool-streaming-2025-05-14': KEEP_BOTH,
  'token-efficient-tools-2025-02-19': KEEP_BOTH,
  'output-128k-2025-02-19': KEEP_BOTH,
  'dev-full-thinking-2025-05-14': INVOKE_ONLY,
  'computer-use-2024-10-22': KEEP_BOTH,
  'computer-use-2025-01-24': KEEP_BOTH,
  'computer-use-2025-11-24': KEEP_BOTH,
  'compact-2026-01-12': KEEP_BOTH,
  'dangerous-tool-use-2026-09-03': KEEP_BOTH,
  'thinking-binding-controls-2026-08-01': KEEP_BOTH,
  'thinking-display-updates-2026-08-18': KEEP_BOTH,
  'mid-conversation-output-config-2026-07-01': INVOKE_ONLY,
  'mid-conversation-tool-changes-2026-07-01': INVOKE_ONLY,
  'per-turn-control-2026-07-01': MANTLE_ONLY,
  'web-search-2025-03-05': MANTLE_ONLY,
  'structured-outputs-2025-11-13': { ...MANTLE_ONLY, bodyFields: ['output_config.format', 'output_format'] },
  'structured-outputs-2025-12-15': { ...MANTLE_ONLY, bodyFields: ['output_config.format', 'output_format'] },
  // First-party-only features: server tools, files, MCP connector, skills, fast mode, caching scope.
  'prompt-caching-scope-2026-01-05': { ...NEITHER, bodyFields: ['cache_control.scope'] },
  'web-fetch-2025-09-10': NEITHER,
  'code-execution-2025-08-25': { ...NEITHER, bodyFields: ['container'] },
  'skills-2025-10-02': { ...NEITHER, bodyFields: ['container'] },
  'files-api-2025-04-14': NEITHER,
  'mcp-client-2025-04-04': { ...NEITHER, bodyFields: ['mcp_servers'] },
  'mcp-client-2025-11-20': { ...NEITHER, bodyFields: ['mcp_servers'] },
  'advisor-tool-2026-03-01': NEITHER,
  'fast-mode-2026-02-01': { ...NEITHER, bodyFields: ['speed'] },
  'oauth-2025-04-20': NEITHER,
};

export interface BetaOverrides {
  /** Betas forwarded as-is on every endpoint, whatever the table says. */
  readonly allow?: readonly string[];
  /** Betas always dropped. */
  readonly drop?: readonly string[];
}

export interface BetaDecision {
  /** What goes upstream, in the client's order, without duplicates. */
  readonly betas: readonly string[];
  readonly dropped: readonly { readonly beta: string; readonly reason: string }[];
  readonly renamed: readonly { readonly from: string; readonly to: string }[];
  /** Body fields to remove because the beta that introduces them was dropped. */
  readonly stripFields: readonly string[];
}

/** `a, b,,c` → `['a','b','c']`: the header is a comma list and SDKs join repeated values with commas. */
export function splitBetaHeader(value: string | null | undefined): string[] {
  if (!value) return [];
  return value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

function endpointLabel(endpoint: EndpointKind): string {
  return endpoint === 'mantle' ? 'Bedrock Mantle' : 'the Bedrock Invoke API';
}

/**
 * Decides every requested beta for one endpoint and model. `model` is the catalog model the
 * request resolved to (for application-inference-profile ARNs: the backing model), undefined
 * when unknown, in which case model checks are skipped rather than guessed.
 */
export function applyBetaPolicy(
  requested: readonly string[],
  endpoint: EndpointKind,
  model: CatalogModel | undefined,
  overrides: BetaOverrides = {},
): BetaDecision {
  const betas: string[] = [];
  const dropped: { beta: string; reason: string }[] = [];
  const renamed: { from: string; to: string }[] = [];
  const strip = new Set<string>();
  const allow = new Set(overrides.allow ?? []);
  const deny = new Set(overrides.drop ?? []);
  const push = (beta: string) => {
    if (!betas.includes(beta)) betas.push(beta);
  };

  // Header and body often carry the same list (the SDKs copy one into the other): decide each once.
  for (const beta of new Set(requested)) {
    const entry = BETA_TABLE[beta];
    if (deny.has(beta)) {
      dropped.push({ beta, reason: 'dropped by the gateway configuration' });
      for (const field of entry?.bodyFields ?? []) strip.add(field);
      continue;
    }
    if (allow.has(beta)) {
      push(beta);
      continue;
    }
    if (!entry) {
      dropped.push({ beta, reason: `not a beta ${endpointLabel(endpoint)} is known to accept` });
      continue;
    }
    const rule = entry[endpoint];
    if (rule === 'drop') {
      dropped.push({ beta, reason: `not accepted by ${endpointLabel(endpoint)}` });
      for (const field of entry.bodyFields ?? []) strip.add(field);
      continue;
    }
    const modelProblem = model && entry.modelCheck ? entry.modelCheck(model) : undefined;
    if (modelProblem) {
      dropped.push({ beta, reason: modelProblem });
      for (const field of entry.bodyFields ?? []) strip.add(field);
      continue;
    }
    if (rule === 'keep') {
      push(beta);
    } else {
      renamed.push({ from: beta, to: rule.renameTo });
      push(rule.renameTo);
    }
  }
  // A field is only stripped when no surviving beta still needs it.
  for (const beta of betas) for (const field of BETA_TABLE[beta]?.bodyFields ?? []) strip.delete(field);
  return { betas, dropped, renamed, stripFields: [...strip] };
}

function stripCacheControlScope(value: unknown): boolean {
  let changed = false;
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const record = node as Record<string, unknown>;
    const cacheControl = record['cache_control'];
    if (typeof cacheControl === 'object' && cacheControl !== null && 'scope' in cacheControl) {
      delete (cacheControl as Record<string, unknown>)['scope'];
      changed = true;
    }
    if (Array.isArray(record['content'])) visit(record['content']);
  };
  visit(value);
  return changed;
}

/** Removes the fields of dropped betas from a Messages body (mutates it). Returns the fields actually removed. */
export function stripBetaFields(body: Record<string, unknown>, fields: readonly string[]): string[] {
  const removed: string[] = [];
  for (const field of fields) {
    if (field === 'cache_control.scope') {
      const changed = [body['system'], body['messages'], body['tools']].map((part) => stripCacheControlScope(part)).some(Boolean);
      if (changed) removed.push(field);
      continue;
    }
    const [head, tail] = field.split('.', 2) as [string, string | undefined];
    if (!(head in body)) continue;
    if (tail === undefined) {
      delete body[head];
      removed.push(field);
      continue;
    }
    const parent = body[head];
    if (typeof parent === 'object' && parent !== null && tail in parent) {
      delete (parent as Record<string, unknown>)[tail];
      removed.push(field);
      if (Object.keys(parent).length === 0) delete body[head];
    }
  }
  return removed;
}

/** Reads CC_BEDROCK_GATEWAY_ALLOW_BETAS / CC_BEDROCK_GATEWAY_DROP_BETAS (comma lists). */
export function betaOverridesFromEnv(get: (name: string) => string | undefined): BetaOverrides {
  return {
    allow: splitBetaHeader(get('CC_BEDROCK_GATEWAY_ALLOW_BETAS')),
    drop: splitBetaHeader(get('CC_BEDROCK_GATEWAY_DROP_BETAS')),
  };
}

function textOfSystemTurn(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((block) => (typeof block === 'object' && block !== null && typeof (block as { text?: unknown }).text === 'string' ? (block as { text: string }).text : ''))
    .filter((text) => text !== '')
    .join('\n');
}

/**
 * Turns `role: "system"` messages (mid-conversation system, a first-party beta) into
 * `<system-reminder>` text blocks of the neighbouring user turn: the previous one when there is
 * one, else the next, else a user turn of their own. Mutates `body`; returns how many were folded.
 */
export function foldSystemMessages(body: Record<string, unknown>): number {
  const messages = body['messages'];
  if (!Array.isArray(messages) || !messages.some((m) => (m as { role?: unknown } | null)?.role === 'system')) return 0;
  const out: Record<string, unknown>[] = [];
  const waiting: { type: 'text'; text: string }[] = [];
  let folded = 0;
  const asBlocks = (message: Record<string, unknown>): unknown[] =>
    typeof message['content'] === 'string' ? [{ type: 'text', text: message['content'] }] : Array.isArray(message['content']) ? [...(message['content'] as unknown[])] : [];
  for (const raw of messages as Record<string, unknown>[]) {
    if (raw?.['role'] === 'system') {
      folded += 1;
      const block = { type: 'text' as const, text: `<system-reminder>\n${textOfSystemTurn(raw['content'])}\n</system-reminder>` };
      const previous = out[out.length - 1];
      if (previous?.['role'] === 'user') previous['content'] = [...asBlocks(previous), block];
      else waiting.push(block);
      continue;
    }
    if (waiting.length && raw?.['role'] === 'user') {
      out.push({ ...raw, content: [...waiting.splice(0), ...asBlocks(raw)] });
      continue;
    }
    if (waiting.length) out.push({ role: 'user', content: waiting.splice(0) });
    out.push(raw);
  }
  if (waiting.length) out.push({ role: 'user', content: waiting.splice(0) });
  body['messages'] = out;
  return folded;
}
