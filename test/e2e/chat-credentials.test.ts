/**
 * Credentials that expire in the middle of a chat: the next turn is rejected as expired, the
 * awsAuthRefresh command runs once, the turn is retried with the new keys, and the conversation
 * so far goes along with it. The chat is driven line by line so the account can change between
 * turns, as it does when an SSO session lapses.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scenarioWith, type ReceivedRequest, type ScenarioInput } from '../../src/emulator/index.js';
import { startUpstream } from '../helpers/cli-emulator.js';
import { repoRoot } from '../helpers/repo-root.js';
import { hermeticEnv } from '../helpers/run-cli.js';
import { PLANTED_CREDENTIAL, PLANTED_DEFAULT_PROFILE, assertNoSecrets } from '../helpers/secrets.js';
import { createTempHomePool } from '../helpers/temp-home.js';

const homes = createTempHomePool();
after(() => homes.cleanup());

/** The key the session starts with; it expires between the first and second turn. */
const SESSION_KEY = { accessKeyId: 'AKIASESSIONKEY000001', secretAccessKey: 'sessionSecretKeyNotPlanted000000000000' };

function account(sessionKeyExpired: boolean): ScenarioInput {
  return scenarioWith({
    credentials: [{ ...SESSION_KEY, ...(sessionKeyExpired ? { expiresAt: '2020-01-01T00:00:00Z' } : {}) }, PLANTED_CREDENTIAL],
  });
}

interface ChatProcess {
  send(line: string): void;
  /** Resolves once stdout (from `from` on) matches; rejects if the process ends first. */
  waitFor(pattern: RegExp, from?: number): Promise<number>;
  readonly stdout: () => string;
  end(): Promise<{ code: number | null; stdout: string; stderr: string }>;
}

function startChat(env: Record<string, string>, cwd: string): ChatProcess {
  const child = spawn(process.execPath, [join(repoRoot(), 'dist', 'src', 'cli', 'main.js'), 'chat'], {
    cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    stdio: 'pipe',
  });
  let stdout = '';
  let stderr = '';
  let exited: { code: number | null } | undefined;
  const listeners = new Set<() => void>();
  const notify = () => listeners.forEach((listener) => listener());
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    notify();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const closed = new Promise<{ code: number | null }>((resolve) =>
    child.on('close', (code) => {
      exited = { code };
      notify();
      resolve({ code });
    }),
  );
  // A guard against a hung child, not a timing assertion.
  const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return {
    send: (line) => child.stdin.write(`${line}\n`),
    stdout: () => stdout,
    waitFor(pattern, from = 0) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(stdout.slice(from));
          if (match) {
            listeners.delete(check);
            resolve(from + match.index + match[0].length);
          } else if (exited) {
            listeners.delete(check);
            reject(new Error(`chat exited (${exited.code}) before ${pattern} appeared:\n${stdout}\n${stderr}`));
          }
        };
        listeners.add(check);
        check();
      });
    },
    async end() {
      child.stdin.end();
      const { code } = await closed;
      clearTimeout(guard);
      return { code, stdout, stderr };
    },
  };
}

test('chat: credentials that expire mid-session are refreshed once and the turn is retried with the conversation intact', async () => {
  const upstream = await startUpstream(account(false));
  const { emulator, url } = upstream;
  const home = homes.create({
    'home/.aws/credentials': `[default]\naws_access_key_id = ${SESSION_KEY.accessKeyId}\naws_secret_access_key = ${SESSION_KEY.secretAccessKey}\n`,
  });
  const counter = join(home.root, 'refresh-runs');
  const refresh = home.write(
    'refresh.mjs',
    [
      "import { appendFileSync, writeFileSync } from 'node:fs';",
      `appendFileSync(${JSON.stringify(counter)}, 'run\\n');`,
      `writeFileSync(${JSON.stringify(join(home.home, '.aws', 'credentials'))}, ${JSON.stringify(PLANTED_DEFAULT_PROFILE)});`,
      "console.log('Successfully logged into Start URL: https://example.awsapps.com/start');",
    ].join('\n'),
  );
  home.write('home/.claude/settings.json', { awsAuthRefresh: `"${process.execPath}" "${refresh}"` });
  try {
    const chat = startChat(
      { ...hermeticEnv(home), CLAUDE_CODE_USE_BEDROCK: '1', ANTHROPIC_BEDROCK_BASE_URL: url, AWS_ENDPOINT_URL_STS: url, AWS_REGION: 'us-east-1' },
      home.cwd,
    );
    chat.send('first turn');
    const afterFirst = await chat.waitFor(/You said: first turn\n> /);

    // The SSO session lapses: the key the chat holds is now expired.
    emulator.state.loadScenario(account(true));
    chat.send('second turn');
    await chat.waitFor(/You said: second turn\n> /, afterFirst);
    const result = await chat.end();

    assert.equal(result.code, 0, result.stderr);
    assertNoSecrets(result.stdout + result.stderr, 'chat output');
    assert.equal(readFileSync(counter, 'utf8'), 'run\n', 'awsAuthRefresh ran exactly once');
    assert.match(result.stderr, /Successfully logged into Start URL/);
    const log: readonly ReceivedRequest[] = emulator.state.received;
    const streams = log.filter((entry) => entry.operation === 'invoke-stream');
    assert.deepEqual(streams.map((entry) => entry.errorType ?? entry.status), ['ExpiredTokenException', 200]);
    assert.equal((streams[1]?.auth as { accessKeyId?: string }).accessKeyId, 'AKIA…0001');
    assert.deepEqual((streams[1]?.body as { messages: unknown[] }).messages, [
      { role: 'user', content: 'first turn' },
      { role: 'assistant', content: [{ type: 'text', text: 'You said: first turn' }] },
      { role: 'user', content: 'second turn' },
    ]);
  } finally {
    await upstream.close();
  }
});
