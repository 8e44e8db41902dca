// Time to first token of `cc-bedrock -p` against `claude -p` (Claude Code 2.1.197), both against
// the local Bedrock emulator with 100 ms added to every upstream call, measured in the same run
// with interleaved rounds. cc-bedrock runs with a warm availability cache (the state of every run
// after the first); Claude Code has no such cache and discovers on every start.
// cc-bedrock runs as installed (the esbuild bundle, bin of the package); its whole-run wall time
// and CPU are reported beside Claude Code's as well.
// Targets: cc-bedrock's time to first token <= 0.5x Claude Code's, its whole `-p` wall time
// <= 0.35x Claude Code's (issue 12); 1 upstream call before the first token for cc-bedrock (the
// main call itself), read from the emulator's request log.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, childrenCpuSeconds, emulatorCliEnv, median, refusingSink, root } from './cli-run.mjs';

export const name = 'ttft';

const ROUNDS = 5;
const LATENCY_MS = 100;
const PROMPT = 'say hi';


/**
 * Runs one CLI in stream-json mode and reports when the first text delta reached its stdout, when
 * it exited, and the CPU seconds it used.
 * Both CLIs print `{"type":"stream_event","event":{"type":"content_block_delta",…}}` lines.
 */
function firstToken(command, args, env, cwd) {
  return new Promise((resolve, reject) => {
    const cpuBefore = childrenCpuSeconds();
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
      else resolve({ tokenMs, wallMs: Number(process.hrtime.bigint() - started) / 1e6, cpuS: childrenCpuSeconds() - cpuBefore });
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
  const sink = await refusingSink();
  const base = mkdtempSync(join(tmpdir(), 'cc-bedrock-ttft-'));
  const env = emulatorCliEnv({ home: base, emulatorUrl: server.url, sinkUrl: sink.url });
  const ours = [process.execPath, [CLI.bundle, '-p', PROMPT, '--output-format', 'stream-json']];
  const theirs = [claude, ['-p', PROMPT, '--output-format', 'stream-json', '--verbose', '--include-partial-messages']];
  try {
    // Warm-up: fills cc-bedrock's availability cache (and the OS file cache for both binaries).
    await firstToken(ours[0], ours[1], env, base);
    await firstToken(theirs[0], theirs[1], env, base);

    const oursRuns = [];
    const theirsRuns = [];
    const oursCalls = [];
    const theirsCalls = [];
    for (let round = 0; round < ROUNDS; round++) {
      emulator.state.reset();
      oursRuns.push(await firstToken(ours[0], ours[1], env, base));
      oursCalls.push(callsBeforeFirstToken(emulator.state.received));
      emulator.state.reset();
      theirsRuns.push(await firstToken(theirs[0], theirs[1], env, base));
      theirsCalls.push(callsBeforeFirstToken(emulator.state.received));
    }
    const of = (runs, key) => median(runs.map((r) => r[key]));
    const claudeMedian = of(theirsRuns, 'tokenMs');
    const claudeWall = of(theirsRuns, 'wallMs');
    return [
      {
        metric: `-p time to first token (warm cache, +${LATENCY_MS} ms per upstream call)`,
        value: of(oursRuns, 'tokenMs'),
        unit: 'ms',
        baseline: { label: 'claude -p', value: claudeMedian },
        target: '<= 0.5x claude -p',
      },
      { metric: 'claude -p time to first token (same conditions)', value: claudeMedian, unit: 'ms' },
      {
        metric: `-p wall, start to exit (warm cache, +${LATENCY_MS} ms per upstream call)`,
        value: of(oursRuns, 'wallMs'),
        unit: 'ms',
        baseline: { label: 'claude -p', value: claudeWall },
        target: '<= 0.35x claude -p',
      },
      { metric: '-p CPU per run (same conditions)', value: of(oursRuns, 'cpuS'), unit: 's', baseline: { label: 'claude -p', value: of(theirsRuns, 'cpuS') } },
      { metric: 'cc-bedrock upstream calls before the first token', value: median(oursCalls), unit: 'calls', target: '1' },
      { metric: 'claude -p upstream calls before the first token', value: median(theirsCalls), unit: 'calls' },
    ];
  } finally {
    await server.close();
    await sink.close();
    rmSync(base, { recursive: true, force: true });
  }
}
