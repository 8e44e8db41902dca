/**
 * The real Claude Code (node_modules/.bin/claude, 2.1.197) completes `claude -p` against the
 * emulator, through the Invoke API (CLAUDE_CODE_USE_BEDROCK) and through Mantle
 * (CLAUDE_CODE_USE_MANTLE), and prints the emulator's reply.
 *
 * Isolation: the emulator and Claude Code run together in a private network namespace
 * (`unshare -n`, loopback only) when this machine allows it (root, as in CI). Otherwise Claude
 * Code gets a throwaway HOME and HTTP(S)_PROXY pointing at a closed loopback port with only
 * loopback exempt, so nothing it tries can leave the machine. This file is its own namespace
 * child: started with CC_BEDROCK_E2E_CHILD set, it runs one scenario and prints a JSON report.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { createEmulator, emulatorEnvironment } from '../../src/emulator/index.js';
import { packageRoot } from '../../src/emulator/scenario.js';

type Mode = 'bedrock' | 'mantle';

interface ChildReport {
  readonly mode: Mode;
  readonly isolation: string;
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly received: {
    operation: string;
    path: string;
    query: string;
    status?: number;
    auth?: Readonly<Record<string, unknown>>;
    modelId?: string;
    body: { max_tokens?: unknown; anthropic_version?: unknown; model?: unknown; stream?: unknown; keys: string[] } | undefined;
  }[];
}

const CHILD_FLAG = 'CC_BEDROCK_E2E_CHILD';
const REPORT_MARK = 'CC_BEDROCK_E2E_REPORT ';
const CLAUDE_TIMEOUT_MS = 120_000;

function promptFor(mode: Mode): string {
  return `Reply with exactly what I say: emulator check ${mode} 42`;
}

async function closedLoopbackPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Runs the emulator and one `claude -p` in this process; returns what happened. */
async function runScenario(mode: Mode, isolation: 'netns' | 'proxy'): Promise<ChildReport> {
  const root = packageRoot();
  const claude = join(root, 'node_modules', '.bin', 'claude');
  const emulator = createEmulator();
  const server = await emulator.listen({ host: '127.0.0.1', port: 0 });
  const home = mkdtempSync(join(tmpdir(), 'cc-bedrock-claude-home-'));
  try {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      TERM: 'dumb',
      ...emulatorEnvironment(server.url, emulator.state.scenario),
      DISABLE_TELEMETRY: '1',
      DISABLE_ERROR_REPORTING: '1',
      DISABLE_AUTOUPDATER: '1',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    };
    if (mode === 'mantle') {
      delete env.CLAUDE_CODE_USE_BEDROCK;
      env.CLAUDE_CODE_USE_MANTLE = '1';
    }
    if (isolation === 'proxy') {
      const dead = `http://127.0.0.1:${await closedLoopbackPort()}`;
      Object.assign(env, { HTTPS_PROXY: dead, HTTP_PROXY: dead, https_proxy: dead, http_proxy: dead, NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost' });
    }
    const child = spawn(claude, ['-p', promptFor(mode)], { env, cwd: home, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), CLAUDE_TIMEOUT_MS);
    const exitCode = await new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    clearTimeout(timer);
    return {
      mode,
      isolation,
      exitCode,
      stdout,
      stderr: stderr.slice(0, 4000),
      received: emulator.state.received.map((r) => {
        const body = typeof r.body === 'object' && r.body !== null ? (r.body as Record<string, unknown>) : undefined;
        return {
          operation: r.operation,
          path: r.path,
          query: r.query,
          ...(r.status !== undefined ? { status: r.status } : {}),
          ...(r.auth ? { auth: r.auth } : {}),
          ...(r.modelId ? { modelId: r.modelId } : {}),
          body: body && { max_tokens: body.max_tokens, anthropic_version: body.anthropic_version, model: body.model, stream: body.stream, keys: Object.keys(body) },
        };
      }),
    };
  } finally {
    await server.close();
    rmSync(home, { recursive: true, force: true });
  }
}

function netnsAvailable(): boolean {
  // CC_BEDROCK_E2E_ISOLATION=proxy forces the fallback (to exercise it where unshare works).
  if (process.platform !== 'linux' || process.env.CC_BEDROCK_E2E_ISOLATION === 'proxy') return false;
  const probe = spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up'], { stdio: 'ignore', timeout: 10_000 });
  return probe.status === 0;
}

/** Re-runs this file inside a fresh network namespace in child mode and parses its report. */
async function runIsolated(mode: Mode): Promise<ChildReport> {
  if (!netnsAvailable()) return runScenario(mode, 'proxy');
  const self = fileURLToPath(import.meta.url);
  const nodeArgs = [...process.execArgv.filter((arg) => !arg.startsWith('--test')), self];
  const quoted = [process.execPath, ...nodeArgs].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const env: Record<string, string | undefined> = { ...process.env, [CHILD_FLAG]: mode };
  delete env.NODE_TEST_CONTEXT;
  const child = spawn('unshare', ['-n', 'sh', '-c', `ip link set lo up && exec ${quoted}`], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  const line = stdout.split('\n').find((l) => l.startsWith(REPORT_MARK));
  assert.ok(line, `namespace child produced no report (exit ${code}); stderr: ${stderr.slice(0, 2000)}`);
  return JSON.parse(line.slice(REPORT_MARK.length)) as ChildReport;
}

const childMode = process.env[CHILD_FLAG] as Mode | undefined;

if (childMode) {
  const report = await runScenario(childMode, 'netns');
  process.stdout.write(`${REPORT_MARK}${JSON.stringify(report)}\n`);
} else {
  const claudeInstalled = existsSync(join(packageRoot(), 'node_modules', '.bin', 'claude'));

  describe('the real Claude Code against the emulator', { skip: claudeInstalled ? false : 'node_modules/.bin/claude is not installed' }, () => {
    test('Invoke API: claude -p prints the emulator reply after discovery, probes and a streamed call', { timeout: CLAUDE_TIMEOUT_MS + 30_000 }, async () => {
      const report = await runIsolated('bedrock');
      assert.equal(report.exitCode, 0, `claude failed (${report.isolation}): ${report.stderr}`);
      assert.equal(report.stdout.trim(), `You said: ${promptFor('bedrock')}`);

      const operations = report.received.map((r) => r.operation);
      assert.equal(operations[0], 'list-inference-profiles');
      assert.equal(report.received[0]?.query, 'type=SYSTEM_DEFINED');
      assert.equal(operations.at(-1), 'invoke-stream');
      const probes = report.received.filter((r) => r.operation === 'invoke');
      assert.ok(probes.length >= 1, 'Claude Code probes the unpinned tiers');
      for (const probe of probes) assert.equal(probe.body?.max_tokens, 1);
      const main = report.received.at(-1)!;
      assert.equal(main.modelId, 'us.anthropic.claude-sonnet-4-5-20250929-v1:0');
      assert.equal(main.body?.anthropic_version, 'bedrock-2023-05-31');
      assert.ok(!main.body?.keys.includes('model') && !main.body?.keys.includes('stream'));
      for (const request of report.received) {
        assert.equal(request.status, 200, `${request.operation} ${request.path} -> ${request.status}`);
        assert.equal(request.auth?.kind, 'sigv4');
        assert.equal(request.auth?.service, 'bedrock');
        assert.equal(request.auth?.region, 'us-east-1');
      }
    });

    test('Mantle: claude -p prints the emulator reply after the probe and the beta main call', { timeout: CLAUDE_TIMEOUT_MS + 30_000 }, async () => {
      const report = await runIsolated('mantle');
      assert.equal(report.exitCode, 0, `claude failed (${report.isolation}): ${report.stderr}`);
      assert.equal(report.stdout.trim(), `You said: ${promptFor('mantle')}`);
      assert.ok(report.received.length >= 2);
      assert.ok(report.received.every((r) => r.operation === 'mantle-messages' && r.status === 200));
      assert.equal(report.received[0]?.body?.max_tokens, 1);
      const main = report.received.at(-1)!;
      assert.equal(main.query, 'beta=true');
      assert.equal(main.body?.model, 'anthropic.claude-opus-4-7');
      assert.equal(main.auth?.service, 'bedrock-mantle');
    });
  });
}
