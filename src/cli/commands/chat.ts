/**
 * `cc-bedrock chat`: an interactive session through Amazon Bedrock. Replies stream as they
 * arrive; Ctrl-C cancels the reply being written, not the session; slash commands cover what
 * Claude Code offers on Bedrock (/status, /model, /setup-bedrock) and explain what it does not
 * (/logout, web search).
 *
 * History rules: only a completed reply is committed. A failed turn (credentials that could not
 * be refreshed, throttling that outlasted the retries, a cut stream) and a cancelled turn leave
 * the conversation as it was; a guardrail intervention drops the blocked exchange so later turns
 * are not refused for it. Expired credentials are refreshed and the turn retried inside the
 * client, so the user sees one reply and keeps the conversation.
 *
 * Exit code: 0 when the session ends (/exit, Ctrl-D, end of piped input); 2 when it cannot start
 * for a configuration reason and 1 for an API reason; with piped (non-terminal) input, 1 when any
 * turn failed, so scripted runs notice.
 */
import { isCcBedrockError } from '../../core/errors.js';
import type { CliIO } from '../../core/command-io.js';
import { ExitCode, exitCodeFor } from '../io.js';
import { Conversation } from '../chat/conversation.js';
import { LineEditor } from '../chat/line-editor.js';
import { parseSlashCommand, runSlashCommand, type ChatState } from '../chat/slash-commands.js';
import { explainWebSearchRejection, webSearchIntent, WEB_SEARCH_REMEDIATION, WEB_SEARCH_UNAVAILABLE } from '../chat/web-search.js';
import { waitingNotices } from '../waiting-notice.js';
import { startWaitIndicator } from '../chat/wait-indicator.js';
import { defaultMaxTokens, describeFailure, openSession, parseMaxTokens, type Session } from '../session.js';

export interface ChatOptions {
  readonly model?: string;
  readonly system?: string;
  readonly maxTokens?: string;
  readonly refresh?: boolean;
  readonly settings?: string;
}

const PROMPT = '> ';

function banner(state: ChatState): string {
  const { plan } = state.session;
  const discovery = state.session.discovery;
  const availability = discovery ? (discovery.fromCache ? 'availability from cache' : `availability checked (${discovery.upstreamCalls} requests)`) : '';
  return [
    `cc-bedrock chat · ${plan.providers.label} · ${plan.region.value}${availability ? ` · ${availability}` : ''}`,
    `model ${state.model.wireModelId} (${state.model.rule})`,
    '/help for commands · Ctrl-C cancels a reply · /exit or Ctrl-D leaves',
    '',
  ].join('\n');
}

interface TurnResult {
  readonly ok: boolean;
  readonly cancelled: boolean;
}

export async function run(options: ChatOptions, io: CliIO): Promise<number> {
  let maxTokensFlag: number | undefined;
  let session: Session;
  const open = () => openSession({ io, model: options.model, settings: options.settings, refresh: options.refresh, onWaiting: waitingNotices(io.stderr) });
  try {
    maxTokensFlag = parseMaxTokens(options.maxTokens);
    session = await open();
  } catch (error) {
    io.stderr.write(describeFailure(error));
    return exitCodeFor(error);
  }

  let activeTurn: AbortController | undefined;
  let interruptsAtPrompt = 0;
  let leaving = false;
  const onInterrupt = () => {
    if (activeTurn) {
      activeTurn.abort();
      return;
    }
    if (editor.currentLine) {
      editor.clearLine(PROMPT);
      return;
    }
    interruptsAtPrompt += 1;
    if (interruptsAtPrompt >= 2) {
      leaving = true;
      editor.close();
      return;
    }
    io.stdout.write('\n(press Ctrl-C again, or type /exit, to leave)');
    if (editor.terminal) editor.clearLine(PROMPT);
    else io.stdout.write(`\n${PROMPT}`);
  };
  const editor = new LineEditor(io, { onInterrupt });
  // With a terminal, readline turns Ctrl-C into its SIGINT event; without one (a pipe, a parent
  // process), the signal itself arrives and must cancel the reply rather than end the process.
  const onSignal = () => onInterrupt();
  process.on('SIGINT', onSignal);

  const state: ChatState = {
    session,
    selection: undefined,
    model: session.plan.models.main,
    conversation: new Conversation(),
    editor,
    io,
    async reopen() {
      const next = await open();
      this.session = next;
      if (this.selection === undefined) {
        this.model = next.plan.models.main;
      } else {
        try {
          this.model = next.resolveModel(this.selection, '/model');
        } catch {
          this.selection = undefined;
          this.model = next.plan.models.main;
        }
      }
    },
  };

  const sendTurn = async (text: string): Promise<TurnResult> => {
    const controller = new AbortController();
    activeTurn = controller;
    let wrote = false;
    let lastText = '';
    const waiting = startWaitIndicator(io.stdout, { live: io.interactive });
    try {
      const stream = state.session.client.messages.stream(
        {
          ...(state.selection !== undefined ? { model: state.selection } : {}),
          max_tokens: maxTokensFlag ?? defaultMaxTokens(state.session, state.model),
          messages: state.conversation.request(text),
          ...(options.system ? { system: options.system } : {}),
        },
        { signal: controller.signal },
      );
      stream.on('text', (delta) => {
        if (!delta) return;
        waiting.stop();
        io.stdout.write(delta);
        wrote = true;
        lastText = delta;
      });
      const message = await stream.finalMessage();
      waiting.stop();
      if (wrote && !lastText.endsWith('\n')) io.stdout.write('\n');
      if (!state.conversation.commit(text, message)) {
        io.stdout.write(`(the reply was empty${message.stop_reason ? `, stop reason ${message.stop_reason}` : ''}; nothing was added to the conversation)\n`);
      } else if (message.stop_reason === 'max_tokens') {
        io.stdout.write('(the reply hit the token limit; raise it with --max-tokens)\n');
      }
      return { ok: true, cancelled: false };
    } catch (raw) {
      waiting.stop();
      if (wrote && !lastText.endsWith('\n')) io.stdout.write('\n');
      if (controller.signal.aborted) {
        io.stdout.write('(reply cancelled; this exchange is not kept in the conversation)\n');
        return { ok: true, cancelled: true };
      }
      const error = explainWebSearchRejection(raw);
      io.stderr.write(describeFailure(error));
      if (isCcBedrockError(error) && error.code === 'GUARDRAIL_INTERVENED') {
        io.stdout.write('(the guardrail blocked this exchange; it was removed from the conversation, so your next message is judged on its own)\n');
      } else {
        io.stdout.write('(nothing was added to the conversation; send the message again to retry)\n');
      }
      return { ok: false, cancelled: false };
    } finally {
      waiting.stop();
      activeTurn = undefined;
    }
  };

  let failedTurns = 0;
  io.stdout.write(banner(state));
  try {
    for (;;) {
      const line = await editor.read(PROMPT);
      if (line === undefined || leaving) break;
      interruptsAtPrompt = 0;
      const text = line.trim();
      if (!text) continue;

      const command = parseSlashCommand(text);
      if (command) {
        if ((await runSlashCommand(state, command.name, command.argument)) === 'exit') break;
        continue;
      }

      const intent = webSearchIntent(text);
      if (intent === 'enable') {
        io.stdout.write(`${WEB_SEARCH_UNAVAILABLE}\n  fix: ${WEB_SEARCH_REMEDIATION}\n(nothing was sent)\n`);
        continue;
      }
      if (intent === 'search') io.stdout.write('(note: the WebSearch tool is not available on Bedrock; Claude answers without browsing)\n');

      const result = await sendTurn(text);
      if (!result.ok) failedTurns += 1;
    }
  } finally {
    process.off('SIGINT', onSignal);
    editor.close();
  }
  return !io.interactive && failedTurns > 0 ? ExitCode.apiError : ExitCode.ok;
}
