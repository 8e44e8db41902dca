/**
 * The admin back door (`/_emulator/`), the state API, and `cc-bedrock emulate`: in-process
 * through run(), and spawned as a real process whose printed environment is then used by an
 * official client.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { BedrockRuntimeClient, InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import { run } from '../../src/cli/commands/emulate.js';
import type { CliIO } from '../../src/core/command-io.js';
import { isCcBedrockError } from '../../src/core/errors.js';
import { createEmulator, defaultScenario } from '../../src/emulator/index.js';
import { packageRoot } from '../../src/emulator/scenario.js';
import { PLANTED, assertNoSecrets } from '../helpers/secrets.js';

const invokeBody = JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 64, messages: [{ role: 'user', content: 'admin check' }] });

async function invoke(url: string, env: Record<string, string> = {}): Promise<string> {
  const scenario = defaultScenario();
  // Never let a missing variable fall through to the SDK's default (real AWS) endpoint.
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const client = new BedrockRuntimeClient({
    region: env.AWS_REGION ?? 'us-east-1',
    endpoint: url,
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID ?? scenario.credentials[0]!.accessKeyId,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? scenario.credentials[0]!.secretAccessKey,
    },
    maxAttempts: 1,
  });
  try {
    const response = await client.send(new InvokeModelCommand({ modelId: 'us.anthropic.claude-opus-4-6-v1', body: invokeBody }));
    return new TextDecoder().decode(response.body);
  } finally {
    client.destroy();
  }
}

describe('admin back door', () => {
  test('health, request log without side effects, reset, scenario load', async () => {
    const emulator = createEmulator();
    const server = await emulator.listen();
    try {
      const health = (await (await fetch(`${server.url}/_emulator/health`)).json()) as Record<string, unknown>;
      assert.equal(health.status, 'ok');
      assert.equal(health.scenario, 'default');

      assert.match(await invoke(server.url), /You said: admin check/);
      const first = (await (await fetch(`${server.url}/_emulator/requests`)).json()) as { received: { operation: string; headers: Record<string, string> }[] };
      const second = (await (await fetch(`${server.url}/_emulator/requests`)).json()) as { received: unknown[] };
      assert.equal(first.received.length, 1);
      assert.deepEqual(second, first, 'reading the log must not change it');
      assert.equal(first.received[0]?.operation, 'invoke');
      assert.equal(first.received[0]?.headers.authorization, '<redacted>');

      const reset = await fetch(`${server.url}/_emulator/reset`, { method: 'POST' });
      assert.equal(reset.status, 200);
      assert.equal(emulator.state.received.length, 0);

      const denied = { ...defaultScenario(), name: 'opus-denied', access: { granted: ['*'], denied: ['anthropic.claude-opus-4-6-v1'] } };
      const loaded = await fetch(`${server.url}/_emulator/scenario`, { method: 'PUT', body: JSON.stringify(denied) });
      assert.equal(loaded.status, 200);
      assert.equal(emulator.state.scenario.name, 'opus-denied');
      await assert.rejects(invoke(server.url), { name: 'AccessDeniedException' });

      const invalid = await fetch(`${server.url}/_emulator/scenario`, { method: 'PUT', body: JSON.stringify({ regions: 'us-east-1' }) });
      assert.equal(invalid.status, 400);
      assert.match(((await invalid.json()) as { error: string }).error, /regions/);
      assert.equal(emulator.state.scenario.name, 'opus-denied', 'an invalid scenario leaves the current one in place');

      const restored = await fetch(`${server.url}/_emulator/scenario`, { method: 'PUT' });
      assert.equal(restored.status, 200);
      assert.equal(emulator.state.scenario.name, 'default');
      const unknown = await fetch(`${server.url}/_emulator/nothing`);
      assert.equal(unknown.status, 404);
    } finally {
      await server.close();
    }
  });

  test('state.loadScenario takes a file path; a bad file names itself', () => {
    const dir = mkdtempSync(join(tmpdir(), 'emulator-scenario-'));
    try {
      const file = join(dir, 'custom.json');
      writeFileSync(file, JSON.stringify({ ...defaultScenario(), name: 'from-file' }));
      const emulator = createEmulator({ scenario: file });
      assert.equal(emulator.state.scenario.name, 'from-file');
      const broken = join(dir, 'broken.json');
      writeFileSync(broken, '{"name": ');
      assert.throws(() => emulator.state.loadScenario(broken), (error: unknown) => isCcBedrockError(error) && error.message.includes(broken));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function captureIO(): { io: CliIO; stdout: () => string; stderr: () => string; waitFor: (pattern: RegExp) => Promise<void> } {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  const check = (): void => {
    for (const waiter of [...waiters]) {
      if (waiter.pattern.test(stdout)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  out.on('data', (d: Buffer) => {
    stdout += d.toString();
    check();
  });
  err.on('data', (d: Buffer) => (stderr += d.toString()));
  const io: CliIO = { stdout: out, stderr: err, stdin: new PassThrough(), env: {}, cwd: process.cwd(), homeDir: tmpdir(), platform: process.platform, interactive: false };
  return {
    io,
    stdout: () => stdout,
    stderr: () => stderr,
    waitFor: (pattern) =>
      new Promise((resolve) => {
        waiters.push({ pattern, resolve });
        check();
      }),
  };
}

function parseExports(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const match of text.matchAll(/^export ([A-Z0-9_]+)=(.*)$/gm)) env[match[1]!] = match[2]!.replace(/^'(.*)'$/, '$1');
  return env;
}

describe('cc-bedrock emulate', () => {
  test('run(): prints the URL line and usable export lines, and returns 0 once stopped', async () => {
    const capture = captureIO();
    const controller = new AbortController();
    const running = run({ host: '127.0.0.1', port: '0', signal: controller.signal }, capture.io);
    await capture.waitFor(/^export AWS_SECRET_ACCESS_KEY=.*\n/m);
    const lines = capture.stdout().trim().split('\n');
    assert.match(lines[0] ?? '', /^Bedrock emulator listening on http:\/\/127\.0\.0\.1:\d+$/);
    // Every line after the URL is an export, or a `#` comment (the API key it accepts), so the output can be eval'd.
    assert.ok(lines.slice(1).every((line) => /^export [A-Z0-9_]+=\S+$/.test(line) || line.startsWith('# ')), capture.stdout());
    const env = parseExports(capture.stdout());
    const url = (lines[0] ?? '').replace('Bedrock emulator listening on ', '');
    assert.equal(env.ANTHROPIC_BEDROCK_BASE_URL, url);
    assert.equal(env.ANTHROPIC_BEDROCK_MANTLE_BASE_URL, `${url}/anthropic`);
    assert.equal(env.AWS_ENDPOINT_URL_STS, url);
    assert.equal(env.AWS_REGION, 'us-east-1');
    assert.match(await invoke(url, env), /You said: admin check/);
    assert.match(capture.stderr(), /POST \/model\/us\.anthropic\.claude-opus-4-6-v1\/invoke \[invoke us\.anthropic\.claude-opus-4-6-v1\] -> 200/);
    controller.abort();
    assert.equal(await running, 0);
  });

  test('run(): a bad port or scenario is a usage error naming the culprit', async () => {
    await assert.rejects(run({ host: '127.0.0.1', port: 'eighty' }, captureIO().io), (error: unknown) => isCcBedrockError(error) && error.code === 'USAGE' && /--port "eighty"/.test(error.message));
    await assert.rejects(
      run({ host: '127.0.0.1', port: '0', scenario: 'no/such/scenario.json' }, captureIO().io),
      (error: unknown) => isCcBedrockError(error) && /no\/such\/scenario\.json/.test(error.message),
    );
  });

  test('spawned: `cc-bedrock emulate --port 0` serves until SIGINT and exits 0', async () => {
    const root = packageRoot();
    // Compiled runs (npm test) use the built CLI; source runs use tsx on the TypeScript entry.
    const compiled = fileURLToPath(import.meta.url).includes(`${join(root, 'dist')}`);
    const args = compiled ? [join(root, 'dist', 'src', 'cli', 'main.js')] : ['--import', 'tsx', join(root, 'src', 'cli', 'main.ts')];
    const child = spawn(process.execPath, [...args, 'emulate', '--port', '0'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`emulate printed no environment; stderr: ${stderr}`)), 30_000);
        child.stdout.on('data', (d: Buffer) => {
          stdout += d.toString();
          if (/^export AWS_SECRET_ACCESS_KEY=.*\n/m.test(stdout)) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      const env = parseExports(stdout);
      assert.ok(env.ANTHROPIC_BEDROCK_BASE_URL, stdout);
      assert.match(await invoke(env.ANTHROPIC_BEDROCK_BASE_URL, env), /You said: admin check/);
    } finally {
      child.kill('SIGINT');
    }
    assert.equal(await exited, 0);
    assert.match(stderr, /emulator: stopped/);
  });
});

describe('secrets never reach the request log or the CLI output', () => {
  test('planted credentials, session token and API key are used but never shown', async () => {
    const scenario = {
      ...defaultScenario(),
      credentials: [{ accessKeyId: PLANTED.accessKeyId, secretAccessKey: PLANTED.secretAccessKey, sessionToken: PLANTED.sessionToken }],
      apiKeys: [{ token: PLANTED.bearerToken }],
    };
    const capture = captureIO();
    const lines: string[] = [];
    const emulator = createEmulator({ scenario, onRequest: (entry) => lines.push(JSON.stringify(entry)) });
    const server = await emulator.listen();
    try {
      const client = new BedrockRuntimeClient({
        region: 'us-east-1',
        endpoint: server.url,
        credentials: { accessKeyId: PLANTED.accessKeyId, secretAccessKey: PLANTED.secretAccessKey, sessionToken: PLANTED.sessionToken },
        maxAttempts: 1,
      });
      await client.send(new InvokeModelCommand({ modelId: 'us.anthropic.claude-opus-4-6-v1', body: invokeBody }));
      client.destroy();
      const bearer = await fetch(`${server.url}/model/us.anthropic.claude-opus-4-6-v1/invoke`, {
        method: 'POST',
        headers: { authorization: `Bearer ${PLANTED.bearerToken}`, 'content-type': 'application/json' },
        body: invokeBody,
      });
      assert.equal(bearer.status, 200);
      await bearer.text();
      const presigned = await fetch(`${server.url}/inference-profiles?X-Amz-Security-Token=${encodeURIComponent(PLANTED.sessionToken)}`);
      await presigned.text();
      const wrong = await fetch(`${server.url}/model/m/invoke`, { method: 'POST', headers: { authorization: `Bearer ${PLANTED.bearerToken}x` }, body: '{}' });
      await wrong.text();
      const log = await (await fetch(`${server.url}/_emulator/requests`)).text();
      assert.equal(emulator.state.received.length, 4);
      assertNoSecrets(log, 'the request log');
      assertNoSecrets(lines.join('\n'), 'onRequest entries');
      assertNoSecrets(capture.stderr(), 'stderr');
    } finally {
      await server.close();
    }
  });
});
