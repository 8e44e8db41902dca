/**
 * The real Claude Code (v2.1.197), interactive in a pseudo-terminal, in first-party mode through
 * the gateway (ANTHROPIC_BASE_URL): `/model` switches to each model its picker lists (read from
 * the screen), and each answers through the gateway with a 200. Before the emulator's lineup came
 * from the model catalog, picking Sonnet (sent as `claude-sonnet-5`) ended in "There's an issue
 * with the selected model".
 *
 * Once the conversation is cached for one model, switching to another asks "Switch model?" first
 * (the next response re-reads the history); the test answers Yes.
 *
 * The screen is kept as a grid (test/helpers/terminal-screen.ts) and every key is sent alone,
 * after the UI shows the result of the one before: Ink drops or merges keys that arrive while it
 * is still rendering, which is what made row 3 of an earlier fixed-delay attempt flaky.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { spawn as spawnPty, type IPty } from '@lydell/node-pty';
import { startGatewayHarness, type GatewayHarness } from '../helpers/gateway-harness.js';
import { claudeCodeBin, claudeCodeEnv } from '../helpers/claude-code.js';
import { createTempHome, type TempHome } from '../helpers/temp-home.js';
import { TerminalScreen } from '../helpers/terminal-screen.js';

const GATEWAY_KEY = 'claude-code-picker-gateway-key-0123456789';
const COLS = 140;
const ROWS = 50;
/** Generous: the machine running the suite may be loaded; each wait ends as soon as the screen shows what it waits for. */
const WAIT_MS = 60_000;
const UP = '\x1b[A';
const DOWN = '\x1b[B';

interface PickerRow {
  readonly number: number;
  readonly label: string;
  readonly highlighted: boolean;
}

class Terminal {
  readonly screen = new TerminalScreen(COLS, ROWS);
  exited = false;
  constructor(readonly pty: IPty) {
    pty.onData((data) => this.screen.write(data));
    pty.onExit(() => (this.exited = true));
  }

  /** Polls the screen until `check` returns a value, for at most WAIT_MS. */
  async until<T>(what: string, check: (lines: string[]) => T | undefined): Promise<T> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const found = check(this.screen.lines());
      if (found !== undefined && found !== false) return found;
      if (this.exited) throw new Error(`Claude Code exited while waiting for ${what}; screen:\n${this.screen.text()}`);
      if (Date.now() > deadline) throw new Error(`timed out after ${WAIT_MS} ms waiting for ${what}; screen:\n${this.screen.text()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Waits until the screen has not changed for `quietMs` (the UI finished reacting to a key). */
  async settle(quietMs = 400): Promise<void> {
    let last = this.screen.text();
    let since = Date.now();
    const deadline = Date.now() + WAIT_MS;
    while (Date.now() - since < quietMs) {
      if (Date.now() > deadline) throw new Error(`the screen kept changing for ${WAIT_MS} ms:\n${last}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const now = this.screen.text();
      if (now !== last) {
        last = now;
        since = Date.now();
      }
    }
  }
}

/** The picker's numbered rows as on screen, below its "Select model" title. */
function pickerRows(lines: string[]): PickerRow[] | undefined {
  const title = lines.findIndex((line) => line.includes('Select model'));
  if (title === -1) return undefined;
  const rows: PickerRow[] = [];
  for (const line of lines.slice(title + 1)) {
    const match = /^\s*(❯)?\s*(\d+)\.\s+(.+?)(?:\s+✔)?(?:\s{2,}|$)/u.exec(line);
    if (match) rows.push({ number: Number(match[2]), label: match[3]!.trim(), highlighted: match[1] !== undefined });
  }
  return rows.length > 0 && rows.some((row) => row.highlighted) ? rows : undefined;
}

/** The prompt is back and idle: its footer shows the shortcuts hint. */
const idle = (lines: string[]) => lines.some((line) => line.includes('? for shortcuts'));

describe('Claude Code interactive, first-party mode through the gateway: every /model pick answers', () => {
  let harness: GatewayHarness;
  let home: TempHome;
  let terminal: Terminal;

  before(async () => {
    harness = await startGatewayHarness({ gateway: { apiKey: GATEWAY_KEY } });
    home = createTempHome();
    const configDir = join(home.home, '.claude');
    mkdirSync(configDir, { recursive: true });
    // Onboarding done, the gateway key approved and the folder trusted: no first-run dialogs.
    writeFileSync(
      join(configDir, '.claude.json'),
      JSON.stringify({ hasCompletedOnboarding: true, theme: 'dark', customApiKeyResponses: { approved: [GATEWAY_KEY.slice(-20)], rejected: [] }, projects: { [home.cwd]: { hasTrustDialogAccepted: true } } }),
    );
    const pty = spawnPty(claudeCodeBin(), [], {
      cols: COLS,
      rows: ROWS,
      cwd: home.cwd,
      // Nothing may leave loopback: a proxy nobody listens on catches any attempt.
      env: claudeCodeEnv(home, 'http://127.0.0.1:9', { TERM: 'xterm-256color', ANTHROPIC_BASE_URL: harness.url, ANTHROPIC_API_KEY: GATEWAY_KEY }),
    });
    terminal = new Terminal(pty);
    await terminal.until('the Claude Code 2.1.197 banner', (lines) => lines.some((line) => line.includes('Claude Code v2.1.197')));
    await terminal.until('the idle prompt', idle);
    await terminal.settle();
  });

  after(async () => {
    if (terminal && !terminal.exited) terminal.pty.kill('SIGKILL');
    await harness?.close();
    home?.cleanup();
  });

  /** Opens the picker with `/model` and returns its rows. */
  async function openPicker(): Promise<PickerRow[]> {
    await terminal.until('the idle prompt', idle);
    terminal.pty.write('/model');
    await terminal.until('the /model command in the suggestions', (lines) => lines.some((line) => /\/model\s+Set the AI model/.test(line)));
    await terminal.settle();
    terminal.pty.write('\r');
    const rows = await terminal.until('the model picker', pickerRows);
    await terminal.settle();
    return pickerRows(terminal.screen.lines()) ?? rows;
  }

  /** Moves the highlight to row `target`, one key at a time, each after the screen shows the last. */
  async function highlight(target: number): Promise<void> {
    for (let step = 0; step < 20; step += 1) {
      const current = (pickerRows(terminal.screen.lines()) ?? []).find((row) => row.highlighted)?.number;
      assert.ok(current !== undefined, `no highlighted picker row:\n${terminal.screen.text()}`);
      if (current === target) return;
      const next = current < target ? current + 1 : current - 1;
      terminal.pty.write(current < target ? DOWN : UP);
      await terminal.until(`row ${next} highlighted`, (lines) => pickerRows(lines)?.find((row) => row.highlighted)?.number === next);
      await terminal.settle();
    }
    assert.fail(`could not move the picker's highlight to row ${target}:\n${terminal.screen.text()}`);
  }

  test('each model the picker lists answers after /model switches to it', async (t) => {
    const rows = await openPicker();
    // Close this first look again; each pick below opens the picker afresh.
    terminal.pty.write('\x1b');
    await terminal.until('the picker closed', (lines) => pickerRows(lines) === undefined && idle(lines));
    await terminal.settle();
    assert.ok(rows.length >= 3, `the picker lists too few models: ${JSON.stringify(rows)}`);
    const models = new Set<string>();

    for (const row of rows) {
      await t.test(`row ${row.number}: ${row.label}`, async () => {
        const seen = harness.logs.length;
        await openPicker();
        await highlight(row.number);
        // `s`: this session only, so the pick does not become the default in the temp settings.
        terminal.pty.write('s');
        // The latest `/model` in the transcript is followed by its answer (earlier picks' answers stay on screen).
        const switched = (lines: string[]) => {
          const command = lines.findLastIndex((line) => /^❯ \/model\s*$/.test(line));
          return command !== -1 && lines.slice(command + 1, command + 3).some((line) => line.includes('Set model to'));
        };
        // Once the conversation is cached for one model, switching asks first; "Yes" is highlighted.
        const asked = (lines: string[]) => lines.some((line) => line.includes('Switch model?')) && lines.some((line) => /❯\s*1\.\s*Yes, switch to/.test(line));
        const outcome = await terminal.until('the switch, or the question whether to switch', (lines) => (switched(lines) ? 'switched' : asked(lines) ? 'asked' : undefined));
        if (outcome === 'asked') {
          await terminal.settle();
          terminal.pty.write('\r');
          await terminal.until('the switch confirmed', switched);
        }
        await terminal.until('the idle prompt', idle);
        await terminal.settle();

        const prompt = `picker row ${row.number} answers`;
        terminal.pty.write(prompt);
        await terminal.until('the typed prompt', (lines) => lines.some((line) => line.includes(prompt)));
        await terminal.settle();
        terminal.pty.write('\r');
        // The emulator echoes the last user turn.
        await terminal.until(`the reply to "${prompt}"`, (lines) => {
          const flat = lines.join(' ').replace(/\s+/g, ' ');
          const reply = flat.lastIndexOf('You said:');
          return reply !== -1 && flat.indexOf(prompt, reply) > reply;
        });
        await terminal.until('the idle prompt after the reply', idle);
        await terminal.settle();

        const lines = harness.logs
          .slice(seen)
          .map((line) => JSON.parse(line) as { route?: string; status?: number; model?: string })
          .filter((line) => line.route === 'messages');
        assert.ok(lines.length > 0, 'no Messages request reached the gateway');
        assert.ok(
          lines.every((line) => line.status === 200),
          JSON.stringify(lines),
        );
        for (const line of lines) if (line.model) models.add(line.model);
        assert.doesNotMatch(terminal.screen.text(), /There's an issue with the selected model/);
      });
    }

    // The picks reached different models (Default, Opus, Sonnet, Haiku are not one model).
    for (const model of ['claude-sonnet-5', 'claude-haiku-4-5-20251001']) assert.ok(models.has(model), [...models].join(', '));
  });
});
