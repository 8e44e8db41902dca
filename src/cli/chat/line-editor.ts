/**
 * The chat line editor: node:readline with a line queue. Piped input arrives many lines at a
 * time while a turn is still streaming, so lines are queued rather than dropped; on a terminal
 * the editor gives history and editing, and Ctrl-C arrives as readline's SIGINT (raw mode) so the
 * session can cancel a reply instead of dying.
 */
import { createInterface, type Interface } from 'node:readline';
import type { CliIO } from '../../core/command-io.js';

export interface LineEditorOptions {
  /** Ctrl-C on the terminal (a real SIGINT when stdin is not a terminal is the caller's to handle). */
  readonly onInterrupt: () => void;
}

export class LineEditor {
  readonly #io: CliIO;
  readonly #options: LineEditorOptions;
  readonly #queue: string[] = [];
  #waiter: ((line: string | undefined) => void) | undefined;
  #rl: Interface | undefined;
  #history: string[] = [];
  #ended = false;
  #closing = false;

  constructor(io: CliIO, options: LineEditorOptions) {
    this.#io = io;
    this.#options = options;
    this.#open();
  }

  get terminal(): boolean {
    return this.#io.interactive;
  }

  /** The text typed so far on the current line (terminal only). */
  get currentLine(): string {
    return this.#rl?.line ?? '';
  }

  #open(): void {
    const rl = createInterface({
      input: this.#io.stdin,
      output: this.#io.stdout,
      terminal: this.#io.interactive,
      history: this.#history,
      historySize: 500,
      removeHistoryDuplicates: true,
    });
    rl.on('line', (line) => {
      if (this.#waiter) {
        const wake = this.#waiter;
        this.#waiter = undefined;
        wake(line);
      } else {
        this.#queue.push(line);
      }
    });
    rl.on('close', () => {
      if (this.#closing) return;
      this.#ended = true;
      const wake = this.#waiter;
      this.#waiter = undefined;
      wake?.(undefined);
    });
    rl.on('SIGINT', () => this.#options.onInterrupt());
    this.#rl = rl;
  }

  /** The next line, or undefined at end of input (Ctrl-D, closed pipe). */
  read(prompt: string): Promise<string | undefined> {
    const queued = this.#queue.shift();
    if (queued !== undefined || this.#ended) {
      this.#echo(prompt, queued);
      return Promise.resolve(queued);
    }
    if (this.terminal) {
      this.#rl?.setPrompt(prompt);
      this.#rl?.prompt();
    } else {
      this.#io.stdout.write(prompt);
    }
    return new Promise((resolve) => {
      this.#waiter = (line) => {
        if (!this.terminal) this.#io.stdout.write(line === undefined ? '\n' : `${line}\n`);
        resolve(line);
      };
    });
  }

  /**
   * Piped input is not echoed by readline; writing it after the prompt keeps the transcript
   * readable. (On a terminal, type-ahead was already echoed while it was typed.)
   */
  #echo(prompt: string, line: string | undefined): void {
    if (this.terminal) return;
    this.#io.stdout.write(line === undefined ? `${prompt}\n` : `${prompt}${line}\n`);
  }

  /** Clears what has been typed on the terminal line and shows the prompt again. */
  clearLine(prompt: string): void {
    if (!this.terminal || !this.#rl) return;
    this.#rl.write(null, { ctrl: true, name: 'u' });
    this.#io.stdout.write('\n');
    this.#rl.setPrompt(prompt);
    this.#rl.prompt();
  }

  /**
   * Hands the terminal to another prompt (the /model picker, the setup wizard): two readline
   * interfaces on one terminal would both echo keys. Piped input stays queued.
   */
  suspend(): void {
    if (!this.terminal || !this.#rl) return;
    const typed = (this.#rl as Interface & { history?: string[] }).history;
    if (typed) this.#history = [...typed];
    this.#closing = true;
    this.#rl.close();
    this.#closing = false;
    this.#rl = undefined;
  }

  resume(): void {
    if (!this.terminal || this.#rl || this.#ended) return;
    this.#open();
  }

  /** Ends the editor; a pending `read` resolves as end of input. */
  close(): void {
    this.#closing = true;
    this.#rl?.close();
    this.#rl = undefined;
    this.#ended = true;
    const wake = this.#waiter;
    this.#waiter = undefined;
    wake?.(undefined);
  }
}
