/**
 * `cc-bedrock -p "<prompt>"`: one prompt, the reply streamed to stdout, as `claude -p` does, so
 * both can be driven with the same flags (`-p`, `--model`, `--output-format`, `--settings`).
 *
 * stdout carries only the reply (or the JSON documents); warnings, retry notes and errors go to
 * stderr. Exit codes: 0 ok, 1 API error, 2 usage or configuration error.
 */
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { CcBedrockError, isCcBedrockError } from '../../core/errors.js';
import { ExitCode, exitCodeFor } from '../io.js';
import { type CliIO } from '../../core/command-io.js';
import { explainWebSearchRejection, webSearchIntent, WEB_SEARCH_UNAVAILABLE } from '../chat/web-search.js';
import type { Message, MessageStreamEvent } from '../../client/index.js';
import { waitingNotices } from '../waiting-notice.js';
import { defaultMaxTokens, describeFailure, openSession, parseMaxTokens } from '../session.js';

export type OutputFormat = 'text' | 'json' | 'stream-json';

export interface PrintOptions {
  readonly args?: readonly string[];
  readonly model?: string;
  readonly outputFormat?: OutputFormat;
  readonly maxTokens?: string;
  readonly system?: string;
  readonly refresh?: boolean;
  readonly settings?: string;
}

/**
 * How long to wait for piped stdin when a prompt was also given on the command line: a parent
 * that never closes our stdin must not hang the run (Claude Code waits 3 s too).
 */
const STDIN_GRACE_MS = 3_000;

function isTerminal(stream: Readable): boolean {
  return (stream as Readable & { isTTY?: boolean }).isTTY === true;
}

/** Reads all of stdin; with `graceMs`, gives up if nothing at all has arrived by then. */
function readStdin(stdin: Readable, graceMs: number | undefined): Promise<{ text: string; timedOut: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = (timedOut: boolean) => {
      if (timer) clearTimeout(timer);
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.off('error', onError);
      if (timedOut) stdin.pause();
      resolve({ text: Buffer.concat(chunks).toString('utf8'), timedOut });
    };
    const onData = (chunk: Buffer | string) => {
      if (timer) {
        clearTimeout(timer);
        timer = undefined;
      }
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    };
    const onEnd = () => finish(false);
    const onError = (error: Error) => {
      if (timer) clearTimeout(timer);
      reject(error);
    };
    stdin.on('data', onData);
    stdin.once('end', onEnd);
    stdin.once('error', onError);
    if (graceMs !== undefined) {
      timer = setTimeout(() => finish(true), graceMs);
      timer.unref?.();
    }
  });
}

/**
 * The prompt: the positional words, with piped stdin put in front of them (`cat log | cc-bedrock
 * -p "explain"`), or stdin alone when no words were given.
 */
export async function readPrompt(args: readonly string[], io: CliIO): Promise<string> {
  const positional = args.join(' ').trim();
  if (isTerminal(io.stdin)) {
    if (!positional) {
      throw new CcBedrockError('USAGE', 'no prompt: -p needs a prompt as an argument or on stdin', {
        remediation: 'run `cc-bedrock -p "your prompt"` or pipe it: `echo "your prompt" | cc-bedrock -p`',
      });
    }
    return positional;
  }
  const { text, timedOut } = await readStdin(io.stdin, positional ? STDIN_GRACE_MS : undefined);
  if (timedOut) {
    io.stderr.write(`cc-bedrock: warning: no stdin data received in ${STDIN_GRACE_MS / 1000} s, continuing with the prompt argument only\n  fix: redirect stdin from /dev/null (< /dev/null) when nothing is piped in\n`);
  }
  const piped = text.trim();
  const prompt = piped && positional ? `${piped}\n\n${positional}` : piped || positional;
  if (!prompt) {
    throw new CcBedrockError('USAGE', 'no prompt: the prompt argument is missing and stdin was empty', {
      remediation: 'run `cc-bedrock -p "your prompt"` or pipe it: `echo "your prompt" | cc-bedrock -p`',
    });
  }
  return prompt;
}

function outputFormatOf(value: unknown): OutputFormat {
  if (value === undefined || value === 'text' || value === 'json' || value === 'stream-json') return value ?? 'text';
  throw new CcBedrockError('USAGE', `--output-format ${JSON.stringify(value)} is not one of text, json, stream-json`, {
    remediation: 'pass --output-format text, json or stream-json',
  });
}

function textOf(message: Message): string {
  return message.content
    .filter((block): block is Extract<Message['content'][number], { type: 'text' }> => block.type === 'text')
    .map((block) => block.text)
    .join('');
}

interface RunFacts {
  readonly sessionId: string;
  readonly startedAt: number;
  apiStartedAt?: number;
}

function errorResult(error: unknown, facts: RunFacts): Record<string, unknown> {
  const now = Date.now();
  return {
    type: 'result',
    subtype: 'error',
    is_error: true,
    result: describeFailure(error).trimEnd(),
    error: isCcBedrockError(error) ? error.toJSON() : { code: 'INTERNAL', message: String(error) },
    duration_ms: now - facts.startedAt,
    duration_api_ms: facts.apiStartedAt === undefined ? 0 : now - facts.apiStartedAt,
    num_turns: 1,
    session_id: facts.sessionId,
  };
}

export async function run(options: PrintOptions, io: CliIO): Promise<number> {
  const facts: RunFacts = { sessionId: randomUUID(), startedAt: Date.now() };
  let format: OutputFormat = 'text';
  let wroteText = false;
  let lastText = '';
  const writeLine = (value: unknown) => io.stdout.write(`${JSON.stringify(value)}\n`);
  try {
    format = outputFormatOf(options.outputFormat);
    const maxTokensFlag = parseMaxTokens(options.maxTokens);
    const prompt = await readPrompt(options.args ?? [], io);
    if (webSearchIntent(prompt)) {
      io.stderr.write(`cc-bedrock: note: ${WEB_SEARCH_UNAVAILABLE} The prompt is sent as is; Claude answers from what it knows.\n`);
    }

    const session = await openSession({
      io,
      model: options.model,
      settings: options.settings,
      refresh: options.refresh,
      onWaiting: waitingNotices(io.stderr),
    });
    const main = session.plan.models.main;
    const maxTokens = maxTokensFlag ?? defaultMaxTokens(session, main);

    if (format === 'stream-json') {
      writeLine({
        type: 'system',
        subtype: 'init',
        session_id: facts.sessionId,
        provider: session.plan.providers.label,
        model: main.wireModelId,
        endpoint: main.endpoint,
        region: main.region.value,
        discovery: session.discovery
          ? { from_cache: session.discovery.fromCache, upstream_calls: session.discovery.upstreamCalls }
          : null,
      });
    }

    facts.apiStartedAt = Date.now();
    const stream = session.client.messages.stream({
      max_tokens: maxTokens,
      messages: [{ role: 'user', content: prompt }],
      ...(options.system ? { system: options.system } : {}),
    });
    const onEvent = (event: MessageStreamEvent) => {
      if (format === 'stream-json') writeLine({ type: 'stream_event', session_id: facts.sessionId, event });
      else if (format === 'text' && event.type === 'content_block_delta' && event.delta.type === 'text_delta' && event.delta.text) {
        io.stdout.write(event.delta.text);
        wroteText = true;
        lastText = event.delta.text;
      }
    };
    for await (const event of stream) onEvent(event);
    const message = await stream.finalMessage();
    const result = textOf(message);

    if (format === 'text') {
      if (wroteText && !lastText.endsWith('\n')) io.stdout.write('\n');
      wroteText = false;
    } else {
      const now = Date.now();
      if (format === 'stream-json') writeLine({ type: 'assistant', session_id: facts.sessionId, message });
      const document = {
        type: 'result',
        subtype: 'success',
        is_error: false,
        result,
        model: stream.target.modelId,
        stop_reason: message.stop_reason,
        usage: message.usage,
        duration_ms: now - facts.startedAt,
        duration_api_ms: now - facts.apiStartedAt,
        num_turns: 1,
        session_id: facts.sessionId,
        request_id: stream.requestId ?? null,
        region: stream.target.region,
        endpoint: stream.target.endpoint,
        non_streaming_fallback: stream.usedNonStreamingFallback,
      };
      if (format === 'json') io.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
      else writeLine(document);
    }
    return ExitCode.ok;
  } catch (raw) {
    const error = explainWebSearchRejection(raw);
    // A reply cut after some text keeps that text on its own line, above the error.
    if (format === 'text' && wroteText && !lastText.endsWith('\n')) io.stdout.write('\n');
    io.stderr.write(describeFailure(error));
    if (format === 'json') io.stdout.write(`${JSON.stringify(errorResult(error, facts), null, 2)}\n`);
    else if (format === 'stream-json') writeLine(errorResult(error, facts));
    return exitCodeFor(error);
  }
}
