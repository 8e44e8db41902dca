/**
 * The real Claude Code (node_modules/.bin/claude, v2.1.197) through the gateway, both ways
 * peers use a gateway: as an Anthropic API (`ANTHROPIC_BASE_URL`) and as a Bedrock endpoint
 * (`CLAUDE_CODE_USE_BEDROCK=1`, `ANTHROPIC_BEDROCK_BASE_URL`, `CLAUDE_CODE_SKIP_BEDROCK_AUTH=1`).
 *
 * Claude Code runs with a throwaway HOME and config directory, telemetry, error reporting,
 * auto-update and non-essential traffic off, nothing inherited from this environment but PATH,
 * and HTTP(S)_PROXY pointing at a local proxy that refuses and records every request: anything
 * not addressed to the loopback gateway would show up there, and the tests require none.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import type net from 'node:net';
import { startGatewayHarness, type GatewayHarness } from '../helpers/gateway-harness.js';
import { claudeCodeBin, claudeCodeEnv } from '../helpers/claude-code.js';
import { createTempHome, type TempHome } from '../helpers/temp-home.js';

const GATEWAY_KEY = 'claude-code-e2e-gateway-key-0123456789';

interface Refusing {
  readonly url: string;
  readonly hits: string[];
  close(): Promise<void>;
}

/** A proxy that answers 403 to everything and remembers what was attempted. */
async function refusingProxy(): Promise<Refusing> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.writeHead(403).end();
  });
  server.on('connect', (req: http.IncomingMessage, socket: net.Socket) => {
    hits.push(`CONNECT ${req.url}`);
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function runClaude(prompt: string, env: Record<string, string>, cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const claude = claudeCodeBin();
  return new Promise((resolve, reject) => {
    const child = spawn(claude, ['-p', prompt], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('Claude Code through the gateway', () => {
  let harness: GatewayHarness;
  let proxy: Refusing;
  let home: TempHome;

  before(async () => {
    harness = await startGatewayHarness({ gateway: { apiKey: GATEWAY_KEY } });
    proxy = await refusingProxy();
    home = createTempHome();
  });

  after(async () => {
    await harness.close();
    await proxy.close();
    home.cleanup();
  });

  const isolated = (extra: Record<string, string>): Record<string, string> => claudeCodeEnv(home, proxy.url, extra);

  test('claude -p with ANTHROPIC_BASE_URL pointed at the gateway', async () => {
    const before = harness.emulator.state.received.length;
    const result = await runClaude('hello from claude code via the messages api', isolated({ ANTHROPIC_BASE_URL: harness.url, ANTHROPIC_API_KEY: GATEWAY_KEY }), home.cwd);
    assert.equal(result.code, 0, `claude failed: ${result.stdout}\n${result.stderr}`);
    assert.match(result.stdout, /You said: hello from claude code via the messages api/);
    const calls = harness.emulator.state.received.slice(before);
    assert.ok(calls.some((entry) => entry.operation === 'invoke-stream'), calls.map((entry) => entry.operation).join(','));
    const lines = harness.logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line['route'] === 'messages');
    assert.ok(lines.some((line) => line['status'] === 200 && line['stream'] === true));
    // Claude Code's first-party betas and mid-conversation system turns were made Bedrock-safe.
    assert.ok(lines.some((line) => Array.isArray(line['betasDropped']) && (line['betasDropped'] as string[]).some((entry) => entry.startsWith('claude-code-20250219'))));
    assert.deepEqual(proxy.hits, [], 'no request left loopback');
  });

  test('claude -p through the Bedrock passthrough with CLAUDE_CODE_SKIP_BEDROCK_AUTH', async () => {
    const before = harness.emulator.state.received.length;
    const result = await runClaude(
      'hello from claude code via the bedrock passthrough',
      isolated({
        CLAUDE_CODE_USE_BEDROCK: '1',
        ANTHROPIC_BEDROCK_BASE_URL: harness.url,
        CLAUDE_CODE_SKIP_BEDROCK_AUTH: '1',
        AWS_REGION: 'us-east-1',
        // With auth skipped, Claude Code's custom headers are how it presents the gateway key.
        ANTHROPIC_CUSTOM_HEADERS: `x-api-key: ${GATEWAY_KEY}`,
      }),
      home.cwd,
    );
    assert.equal(result.code, 0, `claude failed: ${result.stdout}\n${result.stderr}`);
    assert.match(result.stdout, /You said: hello from claude code via the bedrock passthrough/);
    const calls = harness.emulator.state.received.slice(before);
    const stream = calls.find((entry) => entry.operation === 'invoke-stream');
    assert.ok(stream, calls.map((entry) => entry.operation).join(','));
    assert.equal(stream.auth?.['kind'], 'sigv4', 'the gateway signed what Claude Code sent unsigned');
    // Whatever Claude Code sent at start-up (profile listing, probes) was answered, not refused.
    assert.deepEqual(calls.filter((entry) => (entry.status ?? 0) >= 400).map((entry) => `${entry.operation} ${entry.status}`), []);
    assert.deepEqual(proxy.hits, [], 'no request left loopback');
  });

  test('claude -p through the Mantle passthrough with CLAUDE_CODE_SKIP_MANTLE_AUTH', async () => {
    const mantle = await startGatewayHarness({ plan: { endpoint: 'mantle' }, gateway: { apiKey: GATEWAY_KEY } });
    try {
      const result = await runClaude(
        'hello from claude code via the mantle passthrough',
        isolated({
          CLAUDE_CODE_USE_MANTLE: '1',
          ANTHROPIC_BEDROCK_MANTLE_BASE_URL: `${mantle.url}/anthropic`,
          CLAUDE_CODE_SKIP_MANTLE_AUTH: '1',
          AWS_REGION: 'us-east-1',
          ANTHROPIC_CUSTOM_HEADERS: `x-api-key: ${GATEWAY_KEY}`,
        }),
        home.cwd,
      );
      assert.equal(result.code, 0, `claude failed: ${result.stdout}\n${result.stderr}`);
      assert.match(result.stdout, /You said: hello from claude code via the mantle passthrough/);
      const calls = mantle.emulator.state.received;
      const call = calls.find((entry) => entry.operation === 'mantle-messages' && entry.status === 200);
      assert.ok(call, calls.map((entry) => `${entry.operation} ${entry.status}`).join(','));
      assert.equal(call.auth?.['kind'], 'sigv4', 'the gateway signed for bedrock-mantle what Claude Code sent unsigned');
      assert.deepEqual(calls.filter((entry) => (entry.status ?? 0) >= 400).map((entry) => `${entry.operation} ${entry.status}`), []);
      assert.deepEqual(proxy.hits, [], 'no request left loopback');
    } finally {
      await mantle.close();
    }
  });
});
