/**
 * `cc-bedrock setup` in a pseudo-terminal, against the emulator on a loopback port: answers are
 * typed as keystrokes into the real prompt library, the settings file is written, and a re-run
 * with the same answers leaves it byte for byte as it was. The typed secret access key is a
 * planted secret: it must reach the settings file (the user chose that) and never the terminal.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn as spawnProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { spawn as spawnPty, type IPty } from '@lydell/node-pty';
import { scenarioWith } from '../../src/emulator/index.js';
import { emulatorEndpoints, startUpstream, type Upstream } from '../helpers/cli-emulator.js';
import { createTempHomePool, type TempHome } from '../helpers/temp-home.js';
import { PLANTED, assertNoSecrets } from '../helpers/secrets.js';
import { repoRoot } from '../helpers/repo-root.js';
import { hermeticEnv, runProcess, type CliResult } from '../helpers/run-cli.js';

const DOWN = '\x1b[B';
const ENTER = '\r';
const CTRL_C = '\x03';

/** The CLI as this test was built: compiled output next to compiled tests, else the sources through tsx. */
function cliCommand(): string[] {
  const root = repoRoot();
  if (fileURLToPath(import.meta.url).endsWith('.ts')) {
    const tsx = createRequire(join(root, 'package.json')).resolve('tsx');
    return ['--import', pathToFileURL(tsx).href, join(root, 'src', 'cli', 'main.ts')];
  }
  return [join(root, 'dist', 'src', 'cli', 'main.js')];
}

// eslint-disable-next-line no-control-regex -- terminal escape sequences are what is being removed
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[()][A-Za-z0-9]|\x1b[=>]/g;

class Terminal {
  raw = '';
  private cursor = 0;
  private waiters: Array<() => void> = [];
  readonly exited: Promise<number>;

  constructor(private readonly pty: IPty) {
    pty.onData((data) => {
      this.raw += data;
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.exited = new Promise((resolve) => pty.onExit(({ exitCode }) => {
      for (const wake of this.waiters.splice(0)) wake();
      resolve(exitCode);
    }));
  }

  get text(): string {
    return this.raw.replace(ANSI, '');
  }

  /** Waits until the output after the last match matches `pattern` (bounded). */
  async expect(pattern: RegExp, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rest = this.text.slice(this.cursor);
      const match = pattern.exec(rest);
      if (match) {
        this.cursor += match.index + match[0].length;
        return;
      }
      const left = deadline - Date.now();
      if (left <= 0) assert.fail(`timed out waiting for ${pattern} in the terminal; it shows:\n${rest.slice(-2000)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async answer(prompt: RegExp, keys: string): Promise<void> {
    await this.expect(prompt);
    this.pty.write(keys);
  }
}

let upstream: Upstream;
const homes = createTempHomePool();
const terminals: IPty[] = [];

before(async () => {
  upstream = await startUpstream(
    scenarioWith({
      credentials: [{ accessKeyId: PLANTED.accessKeyId, secretAccessKey: PLANTED.secretAccessKey }],
      apiKeys: [{ token: PLANTED.bearerToken }],
    }),
  );
});

after(async () => {
  // A failed expectation leaves its wizard waiting for a keystroke: end it, or the run never finishes.
  for (const pty of terminals) {
    try {
      pty.kill('SIGKILL');
    } catch {
      // already exited
    }
  }
  await upstream.close();
  homes.cleanup();
});

function childEnv(home: TempHome): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    ...hermeticEnv(home),
    TERM: 'xterm-256color',
    ...emulatorEndpoints(upstream.url),
  };
}

function openTerminal(home: TempHome, args: string[] = []): Terminal {
  const pty = spawnPty(process.execPath, [...cliCommand(), 'setup', ...args], {
    name: 'xterm-256color',
    cols: 160,
    rows: 50,
    cwd: home.cwd,
    env: childEnv(home),
  });
  terminals.push(pty);
  return new Terminal(pty);
}

const EXISTING = {
  permissions: { allow: ['Bash(npm test:*)'] },
  env: { EDITOR: 'vim' },
  statusLine: { type: 'command', command: 'echo hi' },
};

describe('setup wizard in a pseudo-terminal', () => {
  test('access keys typed by the user: file written, secret never shown, re-run byte-identical', async () => {
    const home = homes.create({ 'home/.claude/settings.json': EXISTING });
    const settingsPath = join(home.home, '.claude', 'settings.json');
    const original = readFileSync(settingsPath, 'utf8');

    const first = openTerminal(home);
    await first.expect(/Settings file: ~\/\.claude\/settings\.json/);
    // Nothing detected: the API key is suggested; one step down is "Access key ID and secret access key".
    await first.answer(/How should Claude Code authenticate/, DOWN + ENTER);
    await first.answer(/AWS access key ID/, PLANTED.accessKeyId + ENTER);
    await first.answer(/AWS secret access key/, PLANTED.secretAccessKey + ENTER);
    await first.answer(/AWS session token/, ENTER);
    await first.expect(/Region: us-east-1 \(the default/);
    await first.answer(/AWS region for Bedrock/, ENTER);
    await first.expect(/signed in as arn:aws:iam::123456789012/);
    await first.expect(/Checking which models this account can invoke in us-east-1: (\d+)\/\1/);
    await first.answer(/Pin opus/, ENTER);
    await first.answer(/Pin sonnet/, ENTER);
    await first.answer(/Pin haiku/, ENTER);
    await first.answer(/service tier, a guardrail or the Mantle endpoint/, ENTER);
    await first.expect(/\+ env\.AWS_SECRET_ACCESS_KEY = set \(\d+ characters, hidden\)/);
    await first.expect(/stored in plain text in ~\/\.claude\/settings\.json because you chose the access key method/);
    await first.answer(/Write these changes to ~\/\.claude\/settings\.json/, ENTER);
    await first.expect(/Wrote ~\/\.claude\/settings\.json \(the previous version is kept as ~\/\.claude\/settings\.json\.bak\)/);
    assert.equal(await first.exited, 0, first.text);
    assertNoSecrets(first.raw, 'wizard terminal output');

    const text = readFileSync(settingsPath, 'utf8');
    const written = JSON.parse(text) as Record<string, Record<string, string>>;
    assert.deepEqual(Object.keys(written), ['permissions', 'env', 'statusLine'], 'other keys and their order are kept');
    assert.deepEqual(written.permissions, EXISTING.permissions);
    assert.deepEqual(written.env, {
      EDITOR: 'vim',
      CLAUDE_CODE_USE_BEDROCK: '1',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: PLANTED.accessKeyId,
      AWS_SECRET_ACCESS_KEY: PLANTED.secretAccessKey,
      ANTHROPIC_DEFAULT_OPUS_MODEL: 'us.anthropic.claude-opus-5',
      ANTHROPIC_DEFAULT_SONNET_MODEL: 'us.anthropic.claude-sonnet-5',
      ANTHROPIC_DEFAULT_HAIKU_MODEL: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
    });
    assert.equal(readFileSync(`${settingsPath}.bak`, 'utf8'), original);
    assert.equal(statSync(settingsPath).mode & 0o777, 0o644 & ~process.umask() & 0o777, 'the mode of the existing file is kept');
    const { mtimeMs } = statSync(settingsPath);

    // Re-run with the same answers: defaults come from the file (method, region, pins).
    const again = openTerminal(home);
    await again.answer(/How should Claude Code authenticate/, ENTER);
    await again.answer(/AWS access key ID \(Enter keeps AKIA…0001\)/, PLANTED.accessKeyId + ENTER);
    await again.answer(/AWS secret access key/, PLANTED.secretAccessKey + ENTER);
    await again.answer(/AWS session token/, ENTER);
    await again.expect(/Region: us-east-1 \(from AWS_REGION \(~\/\.claude\/settings\.json env\)\)/);
    await again.answer(/AWS region for Bedrock/, ENTER);
    await again.answer(/Pin opus/, ENTER);
    await again.answer(/Pin sonnet/, ENTER);
    await again.answer(/Pin haiku/, ENTER);
    await again.answer(/service tier, a guardrail or the Mantle endpoint/, ENTER);
    await again.expect(/already has this configuration; nothing was written/);
    assert.equal(await again.exited, 0, again.text);
    assertNoSecrets(again.raw, 'wizard terminal output (re-run)');
    assert.equal(readFileSync(settingsPath, 'utf8'), text, 'byte-identical');
    assert.equal(statSync(settingsPath).mtimeMs, mtimeMs, 'not even rewritten');
    assert.equal(readFileSync(`${settingsPath}.bak`, 'utf8'), original, 'no backup churn');
  });

  test('Bedrock API key typed into the password prompt, then Ctrl-C on a re-run writes nothing', async () => {
    const home = homes.create();
    const settingsPath = join(home.home, '.claude', 'settings.json');
    const term = openTerminal(home, ['--region', 'us-west-2']);
    await term.answer(/How should Claude Code authenticate/, ENTER);
    // The finished select line also reads "…authenticate? Amazon Bedrock API key": typing then would
    // land in the cooked-mode gap between prompts, where the terminal itself echoes. Wait for the
    // notice printed just before the password prompt, then for the prompt.
    await term.expect(/an AWS profile avoids that\./);
    await term.answer(/Amazon Bedrock API key/, PLANTED.bearerToken + ENTER);
    await term.expect(/Region: us-west-2 \(from --region\)/);
    await term.answer(/Pin opus/, DOWN + ENTER);
    await term.answer(/Pin sonnet/, ENTER);
    await term.answer(/Pin haiku/, ENTER);
    await term.answer(/service tier, a guardrail or the Mantle endpoint/, ENTER);
    await term.expect(/AWS_BEARER_TOKEN_BEDROCK = set \(\d+ characters, hidden\)/);
    await term.answer(/Write these changes/, ENTER);
    await term.expect(/Wrote ~\/\.claude\/settings\.json\./);
    assert.equal(await term.exited, 0, term.text);
    assertNoSecrets(term.raw, 'wizard terminal output');
    const env = (JSON.parse(readFileSync(settingsPath, 'utf8')) as { env: Record<string, string> }).env;
    assert.equal(env.AWS_BEARER_TOKEN_BEDROCK, PLANTED.bearerToken);
    assert.equal(env.ANTHROPIC_DEFAULT_OPUS_MODEL, 'us.anthropic.claude-opus-5[1m]', 'the 1M variant follows its model in the list');
    assert.equal(statSync(settingsPath).mode & 0o777, 0o600, 'a new settings file holding a secret is private');
    const written = readFileSync(settingsPath, 'utf8');

    const cancelled = openTerminal(home);
    await cancelled.answer(/How should Claude Code authenticate/, CTRL_C);
    await cancelled.expect(/Setup cancelled; nothing was written/);
    assert.equal(await cancelled.exited, 130);
    assert.equal(readFileSync(settingsPath, 'utf8'), written);
    assert.equal(existsSync(`${settingsPath}.bak`), false);
  });
});

function runPiped(home: TempHome, args: string[]): Promise<CliResult> {
  return runProcess(process.execPath, [...cliCommand(), 'setup', ...args], { cwd: home.cwd, env: childEnv(home) });
}

describe('setup without a terminal', () => {
  test('without --yes: exit 2 and a pointer to --yes with flags', async () => {
    const home = homes.create();
    const result = await runPiped(home, []);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /not a terminal/);
    assert.match(result.stderr, /--yes/);
    assert.equal(existsSync(join(home.home, '.claude', 'settings.json')), false);
  });

  test('a malformed settings file is never overwritten: exit 2 with line and column', async () => {
    const broken = '{\n  "env": {\n    "AWS_REGION": "us-east-1"\n  }\n  "model": "opus"\n}\n';
    const home = homes.create({ 'home/.claude/settings.json': broken });
    const result = await runPiped(home, ['--yes', '--auth', 'environment']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /~\/\.claude\/settings\.json:5:3: invalid JSON/);
    assert.equal(readFileSync(join(home.home, '.claude', 'settings.json'), 'utf8'), broken);
  });

  test('--yes with flags serves CI: the secret comes from the environment and is never printed', async () => {
    const home = homes.create();
    const child = await new Promise<{ code: number | null; out: string }>((resolve, reject) => {
      const env = { ...childEnv(home), AWS_ACCESS_KEY_ID: PLANTED.accessKeyId, AWS_SECRET_ACCESS_KEY: PLANTED.secretAccessKey };
      const proc = spawnProcess(process.execPath, [...cliCommand(), 'setup', '--yes', '--auth', 'access-keys', '--region', 'us-west-2', '--sonnet', 'claude-sonnet-4-6[1m]', '--target', 'local'], {
        cwd: home.cwd,
        env,
        stdio: 'pipe',
      });
      let out = '';
      proc.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      proc.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
      proc.on('error', reject);
      proc.on('close', (code) => resolve({ code, out }));
      proc.stdin.end();
    });
    assert.equal(child.code, 0, child.out);
    assertNoSecrets(child.out, 'setup --yes output');
    const local = JSON.parse(readFileSync(join(home.cwd, '.claude', 'settings.local.json'), 'utf8')) as { env: Record<string, string> };
    assert.equal(local.env.ANTHROPIC_DEFAULT_SONNET_MODEL, 'us.anthropic.claude-sonnet-4-6[1m]');
    assert.equal(local.env.AWS_SECRET_ACCESS_KEY, PLANTED.secretAccessKey);
  });
});
