/**
 * The setup every talking command shares (`-p`, `chat`, `demo`): the client opened from settings
 * and env by src/client/open-client.ts (route plan → credential providers → discovery → client),
 * with the CLI's warnings and retry notes on stderr, and the CLI's exit codes and failure lines.
 */
import type { ClientLogger } from '../client/types.js';
import { openClient, type OpenedClient } from '../client/open-client.js';
import { CcBedrockError, isCcBedrockError } from '../core/errors.js';
import { planNameContext, resolveModelName } from '../models/resolve-model.js';
import type { ResolvedModel, RouteWarning } from '../core/route-plan.js';
import { readNumberVar } from '../settings/read-var.js';
import { type CliIO, resolutionInputs } from '../core/command-io.js';
import type { OnWaiting } from '../bedrock/deadlines.js';

export interface OpenSessionOptions {
  readonly io: CliIO;
  /** `--model`. */
  readonly model?: string | undefined;
  /** `--settings <file-or-json>`. */
  readonly settings?: string | undefined;
  /** `--refresh`: ignore the discovery cache. */
  readonly refresh?: boolean | undefined;
  /**
   * Sends every upstream request (tests and the demo may pass the emulator's in-process fetch).
   * Default: direct, or through the proxy of HTTPS_PROXY / HTTP_PROXY (NO_PROXY honoured).
   */
  readonly fetch?: typeof fetch;
  /** Where warnings go; by default `cc-bedrock: warning: …` lines on stderr. */
  readonly warn?: (warning: RouteWarning) => void;
  /** Told while a stream waits without a byte (print and chat say so on stderr). */
  readonly onWaiting?: OnWaiting;
}

/** A client opened from settings and env (src/client/open-client.ts), plus model-name resolution. */
export interface Session extends OpenedClient {
  /**
   * Resolves a model name the way a request for it will be resolved (`/model opus`): pins,
   * overrides, discovered profile IDs and `availableModels` apply. Throws MODEL_NOT_ALLOWED etc.
   */
  resolveModel(name: string, origin?: string): ResolvedModel;
}

/** `cc-bedrock: <message>\n  fix: <remediation>` — the one way every talking command reports a failure. */
export function describeFailure(error: unknown): string {
  if (isCcBedrockError(error)) return `cc-bedrock: ${error.describe()}\n`;
  const message = error instanceof Error ? error.message : String(error);
  return `cc-bedrock: unexpected error (please report it): ${message}\n`;
}

export function formatWarning(warning: RouteWarning): string {
  return `cc-bedrock: warning: ${warning.message}\n${warning.fix ? `  fix: ${warning.fix}\n` : ''}`;
}

/** Client retry notes and the like: shown, because a silent 30-second backoff looks like a hang. */
function stderrLogger(io: CliIO): ClientLogger {
  return {
    debug() {},
    warn(message) {
      io.stderr.write(`cc-bedrock: ${message}\n`);
    },
  };
}

/** Warnings are printed once per message, however many times resolution repeats them. */
function warningSink(io: CliIO, custom: OpenSessionOptions['warn']): (warning: RouteWarning) => void {
  const seen = new Set<string>();
  return (warning) => {
    if (seen.has(warning.message)) return;
    seen.add(warning.message);
    if (custom) custom(warning);
    else io.stderr.write(formatWarning(warning));
  };
}

export async function openSession(options: OpenSessionOptions): Promise<Session> {
  const { io } = options;
  const opened = await openClient({
    ...resolutionInputs(io, options),
    stderr: io.stderr,
    warn: warningSink(io, options.warn),
    logger: stderrLogger(io),
    fetch: options.fetch,
    refresh: options.refresh,
    onWaiting: options.onWaiting,
  });
  const { plan } = opened;
  const envLookup = opened.resolution.envLookup;
  const discoveredProfileIds = opened.discovery?.discoveredProfileIds;
  const resolveModel = (name: string, origin = 'the model selection'): ResolvedModel =>
    resolveModelName(name, planNameContext(plan, envLookup, { origin, discoveredProfileIds })).model;

  return { ...opened, resolveModel };
}

/**
 * The reply budget when `--max-tokens` is not given: CLAUDE_CODE_MAX_OUTPUT_TOKENS, else what
 * Claude Code asks for on current models, lowered for the older models that cap below it.
 */
export function defaultMaxTokens(session: Pick<Session, 'resolution'>, model: ResolvedModel): number {
  const configured = readNumberVar(session.resolution.envLookup, 'CLAUDE_CODE_MAX_OUTPUT_TOKENS');
  if (configured) return configured.value;
  const key = model.catalogKey ?? '';
  if (key.startsWith('claude-3-haiku')) return 4096;
  if (key.startsWith('claude-3-5')) return 8192;
  return 32_000;
}

/** `--max-tokens <n>`: a positive whole number, or a usage error naming the flag. */
export function parseMaxTokens(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const text = String(value).trim();
  const parsed = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(parsed) || parsed <= 0) {
    throw new CcBedrockError('USAGE', `--max-tokens ${JSON.stringify(String(value))} is not a positive whole number`, {
      remediation: 'pass the largest number of tokens the reply may have, e.g. --max-tokens 1024',
    });
  }
  return parsed;
}
