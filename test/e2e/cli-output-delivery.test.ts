/**
 * Every byte of a command's output reaches its reader, and the exit status comes after the last
 * one: through a real shell pipe into a slow reader, into a file, and with `| head -c 20` (a
 * reader that goes away ends the CLI with the SIGPIPE status, no stack trace). The built CLI
 * against the emulator, replying with more than a pipe holds (64 KiB).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scenarioWith } from '../../src/emulator/index.js';
import { bedrockOnEmulator, plantedAccount, startUpstream, type Upstream } from '../helpers/cli-emulator.js';
import { childEnv, cliEntry, hermeticEnv } from '../helpers/run-cli.js';
import { PLANTED_ENV_KEYS, assertNoSecrets } from '../helpers/secrets.js';
import { createTempHomePool } from '../helpers/temp-home.js';

/** About 100 KiB of numbered lines (a cut anywhere shows), under the default max_tokens. */
const LONG_REPLY = Array.from({ length: 1200 }, (_, i) => `${String(i).padStart(5, '0')} ${'abcd'.repeat(20)}`).join('\n');

/**
 * Reads stdin slowly, then prints all of it: after the first 4 KiB it stops for half a second
 * (the writer fills the pipe meanwhile), then reads 4 KiB at a time with pauses.
 */
const SLOW_READER = `
const { readSync } = require('node:fs');
const chunks = [];
const buffer = Buffer.alloc(4096);
function step() {
  let n;
  try { n = readSync(0, buffer, 0, buffer.length, null); }
  catch (error) { if (error.code === 'EAGAIN') return setTimeout(step, 5); throw error; }
  if (n === 0) return process.stdout.write(Buffer.concat(chunks));
  chunks.push(Buffer.from(buffer.subarray(0, n)));
  setTimeout(step, chunks.length === 1 ? 500 : 2);
}
step();
`;

interface PipelineResult {
  /** The CLI's exit status as the shell reports it (141 for a closed pipe). */
  readonly cliStatus: number;
  /** What the reader at the end of the pipe printed. */
  readonly readerOutput: string;
  readonly stderr: string;
}

const homes = createTempHomePool();
let upstream: Upstream;
before(async () => {
  upstream = await startUpstream(scenarioWith(plantedAccount({ replies: [{ content: [{ type: 'text', text: LONG_REPLY }] }] })));
});
after(async () => {
  await upstream.close();
  homes.cleanup();
});

function cliEnv(): Record<string, string> {
  const home = homes.create();
  return childEnv({ ...hermeticEnv(home), ...bedrockOnEmulator(upstream.url), ...PLANTED_ENV_KEYS });
}

/**
 * `cc-bedrock <args> | <reader>` in a POSIX shell, so the two are joined by a real pipe(2) as a
 * user's shell would join them; the CLI's status comes back on fd 3.
 */
function pipeline(args: readonly string[], reader: readonly [string, string, string?], extraEnv: Record<string, string> = {}): Promise<PipelineResult> {
  // CLI_DONE is created once the CLI has exited, for a reader that must outlive it.
  const script = '{ "$@" 3>&-; echo $? >&3; : >"$CLI_DONE"; } | "$READER" "$READER_ARG1" "$READER_ARG2" 3>&-';
  const base = cliEnv();
  const env = { ...base, ...extraEnv, CLI_DONE: join(base['HOME']!, 'cli-done'), READER: reader[0], READER_ARG1: reader[1], READER_ARG2: reader[2] ?? '' };
  const child = spawn('/bin/sh', ['-c', script, 'sh', process.execPath, cliEntry(), ...args], { env, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
  const collect = (stream: NodeJS.ReadableStream | null): Promise<string> =>
    new Promise((resolve) => {
      let text = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (d: string) => (text += d)).on('end', () => resolve(text));
    });
  const [readerOutput, stderr, status] = [collect(child.stdout), collect(child.stderr), collect(child.stdio[3] as NodeJS.ReadableStream)];
  // A guard against a hung pipeline, not a timing assertion.
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', async () => {
      clearTimeout(timer);
      const result = { cliStatus: Number((await status).trim()), readerOutput: await readerOutput, stderr: await stderr };
      assertNoSecrets(result.readerOutput + result.stderr, `cc-bedrock ${args.join(' ')}`);
      resolve(result);
    });
  });
}

const slowReader = [process.execPath, '-e', SLOW_READER] as const;
const headC20 = ['head', '-c', '20'] as const;

describe('cc-bedrock output reaches the reader whole before the exit status', { concurrency: true }, () => {
  test('json over 64 KiB through a pipe into a slow reader: one complete document, exit 0', async () => {
    const run = await pipeline(['-p', 'long please', '--output-format', 'json'], slowReader);
    assert.equal(run.cliStatus, 0, run.stderr);
    const doc = JSON.parse(run.readerOutput) as { result: string };
    assert.equal(doc.result, LONG_REPLY);
    assert.equal(run.stderr, '');
  });

  test('stream-json into a slow reader: every line, ending with the result', async () => {
    const run = await pipeline(['-p', 'long please', '--output-format', 'stream-json'], slowReader);
    assert.equal(run.cliStatus, 0, run.stderr);
    const lines = run.readerOutput.trimEnd().split('\n').map((line) => JSON.parse(line) as { type: string; result?: string });
    assert.equal(lines.at(-1)?.type, 'result');
    assert.equal(lines.at(-1)?.result, LONG_REPLY);
  });

  test('text into a slow reader: the whole reply, byte for byte', async () => {
    const run = await pipeline(['-p', 'long please'], slowReader);
    assert.equal(run.cliStatus, 0, run.stderr);
    assert.equal(run.readerOutput, `${LONG_REPLY}\n`);
  });

  test('json into a file: the whole document', async () => {
    const env = cliEnv();
    const path = join(env['HOME']!, 'reply.json');
    const fd = openSync(path, 'w');
    const child = spawn(process.execPath, [cliEntry(), '-p', 'long please', '--output-format', 'json'], { env, stdio: ['ignore', fd, 'pipe'] });
    closeSync(fd);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 0);
    assert.equal((JSON.parse(readFileSync(path, 'utf8')) as { result: string }).result, LONG_REPLY);
  });

  for (const format of ['text', 'json', 'stream-json']) {
    test(`${format} into \`head -c 20\`: the reader gets its 20 bytes, the CLI ends with the SIGPIPE status and no stack trace`, async () => {
      const run = await pipeline(['-p', 'long please', '--output-format', format], headC20);
      assert.equal(run.readerOutput.length, 20);
      assert.equal(run.cliStatus, 141, run.stderr);
      assert.equal(run.stderr, '');
    });
  }

  test('status --json, models --json and doctor --json end through the same path: whole JSON into a slow reader', async () => {
    for (const args of [['status', '--json'], ['models', '--json', '--offline'], ['doctor', '--json', '--offline']]) {
      const run = await pipeline(args, slowReader);
      assert.ok(run.cliStatus === 0 || (args[0] === 'doctor' && run.cliStatus === 1), `${args.join(' ')}: ${run.cliStatus} ${run.stderr}`);
      assert.doesNotThrow(() => JSON.parse(run.readerOutput), `${args.join(' ')} printed whole JSON`);
    }
  });
});

describe('a reader that never reads does not hold the CLI forever', () => {
  test('after CC_BEDROCK_OUTPUT_DRAIN_TIMEOUT_MS the CLI says the output is incomplete and exits 1', async () => {
    // The reader never reads and stays until the CLI has exited (had the CLI waited for it, the
    // pipeline would hang until the harness's guard).
    const idleReader = [process.execPath, '-e', "const t = setInterval(() => require('node:fs').existsSync(process.env.CLI_DONE) && clearInterval(t), 50)"] as const;
    const args = ['-p', 'long please', '--output-format', 'json'];
    // Long enough for the CLI to say what it waits for (at half the deadline), short enough for a test.
    const run = await pipeline(args, idleReader, { CC_BEDROCK_OUTPUT_DRAIN_TIMEOUT_MS: '4500' });
    assert.equal(run.cliStatus, 1, run.stderr);
    assert.match(run.stderr, /^cc-bedrock: waiting for the reader to take the last \d+ KiB on stdout \(giving up in \d s; CC_BEDROCK_OUTPUT_DRAIN_TIMEOUT_MS sets how long\)\n/);
    assert.match(run.stderr, /gave up after 5 s without progress: the reader of stdout did not take the rest of the output, so it is incomplete\n {2}fix: .*CC_BEDROCK_OUTPUT_DRAIN_TIMEOUT_MS\n$/);
  });
});
