/**
 * Ctrl-C in a real terminal: `cc-bedrock chat` runs in a pseudo-terminal, a slow reply streams
 * (the emulator paces its chunks), Ctrl-C cancels that reply but not the session, the next turn
 * is sent without the cancelled exchange, and Ctrl-C twice at an empty prompt leaves with exit 0.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { spawn as spawnPty } from '@lydell/node-pty';
import { scenarioWith } from '../../src/emulator/index.js';
import { startUpstream } from '../helpers/cli-emulator.js';
import { repoRoot } from '../helpers/repo-root.js';
import { hermeticEnv } from '../helpers/run-cli.js';
import { PLANTED_CREDENTIAL, PLANTED_ENV_KEYS, assertNoSecrets } from '../helpers/secrets.js';
import { createTempHomePool } from '../helpers/temp-home.js';

const homes = createTempHomePool();
after(() => homes.cleanup());

/** Terminal output without colour and cursor sequences, for matching. */
const plain = (text: string) => stripVTControlCharacters(text).replace(/\r/g, '');

test('chat in a terminal: Ctrl-C cancels the reply being written, the session goes on, Ctrl-C twice leaves', async () => {
  const upstream = await startUpstream(
    scenarioWith({
      credentials: [PLANTED_CREDENTIAL],
      // 40 chunks 150 ms apart: the reply is still streaming when Ctrl-C arrives.
      latency: { firstByteMs: 0, perChunkMs: 150 },
      limits: { maxBodyBytes: 20 * 1024 * 1024, deltasPerBlock: 40 },
    }),
  );
  const { emulator, url } = upstream;
  const home = homes.create();
  const terminal = spawnPty(process.execPath, [join(repoRoot(), 'dist', 'src', 'cli', 'main.js'), 'chat', '--model', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0'], {
    name: 'xterm',
    cols: 160,
    rows: 48,
    cwd: home.cwd,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      ...hermeticEnv(home),
      CLAUDE_CODE_USE_BEDROCK: '1',
      ANTHROPIC_BEDROCK_BASE_URL: url,
      AWS_REGION: 'us-east-1',
      ...PLANTED_ENV_KEYS,
      NO_COLOR: '1',
    },
  });
  let output = '';
  const listeners = new Set<() => void>();
  let exitCode: number | undefined;
  terminal.onData((data) => {
    output += data;
    listeners.forEach((listener) => listener());
  });
  const exited = new Promise<number>((resolve) =>
    terminal.onExit(({ exitCode: code }) => {
      exitCode = code;
      listeners.forEach((listener) => listener());
      resolve(code);
    }),
  );
  // A guard against a hung child, not a timing assertion.
  const guard = setTimeout(() => terminal.kill('SIGKILL'), 60_000);
  const waitFor = (pattern: RegExp, from = 0): Promise<number> =>
    new Promise((resolve, reject) => {
      const check = () => {
        const text = plain(output);
        const match = pattern.exec(text.slice(from));
        if (match) {
          listeners.delete(check);
          resolve(from + match.index + match[0].length);
        } else if (exitCode !== undefined) {
          listeners.delete(check);
          reject(new Error(`chat exited (${exitCode}) before ${pattern} appeared:\n${text}`));
        }
      };
      listeners.add(check);
      check();
    });

  try {
    let at = await waitFor(/> $/m);
    const story = 'tell me a long story about the sea and the ships that sail on it';
    terminal.write(`${story}\r`);
    // Some of the reply has arrived, but not all of it.
    at = await waitFor(/You said: tell/, at);
    terminal.write('\u0003');
    at = await waitFor(/\(reply cancelled; this exchange is not kept in the conversation\)\n/, at);
    assert.ok(!plain(output).includes(`You said: ${story}`), 'the reply was cut short');

    await waitFor(/> $/m, at);
    terminal.write('next question\r');
    at = await waitFor(/You said: next question\n/, at);

    await waitFor(/> $/m, at);
    terminal.write('\u0003');
    at = await waitFor(/\(press Ctrl-C again, or type \/exit, to leave\)/, at);
    terminal.write('\u0003');
    const code = await exited;

    assert.equal(code, 0);
    assertNoSecrets(output, 'terminal output');
    const streams = emulator.state.received.filter((entry) => entry.operation === 'invoke-stream');
    assert.equal(streams.length, 2);
    assert.deepEqual((streams[1]?.body as { messages: unknown[] }).messages, [{ role: 'user', content: 'next question' }]);
  } finally {
    clearTimeout(guard);
    if (exitCode === undefined) terminal.kill();
    await upstream.close();
  }
});
