// Time to first token of `cc-bedrock -p` against `claude -p` (Claude Code 2.1.197), both against
// the local Bedrock emulator with 100 ms added to every upstream call, measured in the same run
// with interleaved rounds. cc-bedrock runs with a warm availability cache (the state of every run
// after the first); Claude Code has no such cache and discovers on every start.
// Targets: cc-bedrock's time to first token <= 0.5x Claude Code's; 1 upstream call before the
// first token for cc-bedrock (the main call itself), read from the emulator's request log.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const name = 'ttft';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ROUNDS = 5;
const LATENCY_MS = 100;
const PROMPT = 'say hi';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Runs one CLI in stream-json mode and reports when the first text delta reached its stdout.
 * Both CLIs print `{"type":"stream_event","event":{"type":"content_block_delta",…}}` lines.
 */
function firstToken(command, args, env, cwd) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let buffer = '';
    let stderr = '';
    let tokenMs;
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      buffer += chunk;
      if (tokenMs !== undefined) return;
      for (const line of buffer.split('\n')) {
        if (line.includes('"content_block_delta"') && line.includes('"stream_event"')) {
          tokenMs = Number(process.hrtime.bigint() - started) / 1e6;
          break;
        }
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    const guard = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(guard);
      if (code !== 0 || tokenMs === undefined) reject(new Error(`${command} ${args.join(' ')} failed (exit ${code}): ${stderr.slice(0, 800)}`));
      else resolve(tokenMs);
    });
  });
}

/** Requests the emulator received up to and including the main (streaming) model call. */
function callsBeforeFirstToken(received) {
  const main = received.findIndex((entry) => entry.operation === 'invoke-stream');
  if (main < 0) throw new Error(`no streaming call in the emulator log: ${received.map((e) => e.operation).join(', ')}`);
  return main + 1;
}

export async function run() {
  const claude = join(root, 'node_modules', '.bin', 'claude');
  if (!existsSync(claude)) throw new Error(`Claude Code is not installed at ${claude} (devDependency @anthropic-ai/claude-code)`);
  const { createEmulator, scenarioWith } = await import(join(root, 'dist', 'src', 'emulator', 'index.js'));
  const emulator = createEmulator({ scenario: scenarioWith({ faults: [{ match: {}, delayMs: LATENCY_MS }] }) });
  const server = await emulator.listen({ host: '127.0.0.1', port: 0 });
  // Proxy variables point at a loopback port that refuses everything: nothing leaves the machine.
  const sink = createServer((socket) => socket.destroy());
  await new Promise((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const sinkUrl = `http://127.0.0.1:${sink.address().port}`;
  const base = mkdtempSync(join(tmpdir(), 'cc-bedrock-ttft-'));
  const url = server.url.replace(/\/+$/, '');
  const env = {
    PATH: process.env.PATH,
    HOME: base,
    DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1',
    DISABLE_AUTOUPDATER: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    HTTPS_PROXY: sinkUrl,
    HTTP_PROXY: sinkUrl,
    NO_PROXY: '127.0.0.1,localhost',
    AWS_EC2_METADATA_DISABLED: 'true',
    CC_BEDROCK_MANAGED_SETTINGS_DIR: join(base, 'managed'),
    CLAUDE_CODE_USE_BEDROCK: '1',
    ANTHROPIC_BEDROCK_BASE_URL: url,
    AWS_ENDPOINT_URL_STS: url,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIAEMULATOREXAMPLE1',
    AWS_SECRET_ACCESS_KEY: 'emulatorSecretAccessKey/EXAMPLE/0000000000',
  };
  const ours = [process.execPath, [join(root, 'dist', 'src', 'cli', 'main.js'), '-p', PROMPT, '--output-format', 'stream-json']];
  const theirs = [claude, ['-p', PROMPT, '--output-format', 'stream-json', '--verbose', '--include-partial-messages']];
  try {
    // Warm-up: fills cc-bedrock's availability cache (and the OS file cache for both binaries).
    await firstToken(ours[0], ours[1], env, base);
    await firstToken(theirs[0], theirs[1], env, base);

    const oursMs = [];
    const theirsMs = [];
    const oursCalls = [];
    const theirsCalls = [];
    for (let round = 0; round < ROUNDS; round++) {
      emulator.state.reset();
      oursMs.push(await firstToken(ours[0], ours[1], env, base));
      oursCalls.push(callsBeforeFirstToken(emulator.state.received));
      emulator.state.reset();
      theirsMs.push(await firstToken(theirs[0], theirs[1], env, base));
      theirsCalls.push(callsBeforeFirstToken(emulator.state.received));
    }
    const claudeMedian = median(theirsMs);
    return [
      {
        metric: `-p time to first token (warm cache, +${LATENCY_MS} ms per upstream call)`,
        value: median(oursMs),
        unit: 'ms',
        baseline: { label: 'claude -p', value: claudeMedian },
        target: '<= 0.5x claude -p',
      },
      { metric: 'claude -p time to first token (same conditions)', value: claudeMedian, unit: 'ms' },
      { metric: 'cc-bedrock upstream calls before the first token', value: median(oursCalls), unit: 'calls', target: '1' },
      { metric: 'claude -p upstream calls before the first token', value: median(theirsCalls), unit: 'calls' },
    ];
  } finally {
    await server.close();
    await new Promise((resolve) => sink.close(resolve));
    rmSync(base, { recursive: true, force: true });
  }
}
