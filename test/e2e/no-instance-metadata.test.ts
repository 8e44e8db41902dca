/**
 * Nothing a test (or the emulator's printed environment) starts reaches for the EC2 instance
 * metadata service: `cc-bedrock -p` with no credentials, in the environment the test helpers give
 * every spawned CLI, never connects to the metadata endpoint; with instance metadata switched
 * back on it does (the credential chain is still the AWS SDK's). The endpoint is a loopback
 * listener standing in for 169.254.169.254, counting connection attempts.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { once } from 'node:events';
import { scenarioWith } from '../../src/emulator/index.js';
import { bedrockOnEmulator, plantedAccount, startUpstream, type Upstream } from '../helpers/cli-emulator.js';
import { childEnv, cliEntry, runCli } from '../helpers/run-cli.js';
import { createTempHomePool } from '../helpers/temp-home.js';

const homes = createTempHomePool();
let upstream: Upstream;
let metadata: Server;
let metadataUrl: string;
let connections = 0;

before(async () => {
  upstream = await startUpstream(scenarioWith(plantedAccount()));
  // Answers like an instance without a role, so an enabled chain moves on to "no credentials".
  metadata = createServer((_req, res) => res.writeHead(404).end());
  metadata.on('connection', () => (connections += 1));
  metadata.listen(0, '127.0.0.1');
  await once(metadata, 'listening');
  const address = metadata.address();
  metadataUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
after(async () => {
  await upstream.close();
  metadata.close();
  homes.cleanup();
});

/** `-p hi` with Bedrock on the emulator and no credentials at all: only what runCli's environment adds. */
async function printWithoutCredentials(extra: Record<string, string | undefined>) {
  const home = homes.create();
  const env = { HOME: home.home, CC_BEDROCK_MANAGED_SETTINGS_DIR: join(home.root, 'managed'), ...bedrockOnEmulator(upstream.url), AWS_EC2_METADATA_SERVICE_ENDPOINT: metadataUrl, ...extra };
  return runCli(['-p', 'hi'], { cwd: home.cwd, env, input: '' });
}

// One at a time: the connection count is shared.
describe('the no-credentials path of -p and instance metadata', () => {
  test('in the test environment the metadata endpoint is never contacted; the error says it is disabled', async () => {
    const before = connections;
    const run = await printWithoutCredentials({});
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /No usable AWS credentials/);
    assert.match(run.stderr, /EC2 instance metadata \(http:\/\/127\.0\.0\.1:\d+\): disabled by AWS_EC2_METADATA_DISABLED \(shell env\)/);
    assert.equal(connections - before, 0);
  });

  test('with instance metadata on, the chain does ask it (as the AWS SDK would), then reports no credentials', async () => {
    const before = connections;
    const run = await printWithoutCredentials({ AWS_EC2_METADATA_DISABLED: undefined });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /EC2 instance metadata \(http:\/\/127\.0\.0\.1:\d+\): no IAM role is attached/);
    assert.ok(connections - before > 0, 'the metadata endpoint was asked');
  });

  test('`emulate` prints AWS_EC2_METADATA_DISABLED=true with its exports', async () => {
    const child = spawn(process.execPath, [cliEntry(), 'emulate', '--port', '0'], { env: childEnv({ AWS_EC2_METADATA_DISABLED: undefined }), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    const exports = new Promise<string>((resolve) => {
      child.stdout.on('data', (d: string) => {
        stdout += d;
        if (/^export AWS_SECRET_ACCESS_KEY=/m.test(stdout)) resolve(stdout);
      });
    });
    const closed = once(child, 'close');
    // A guard against a hung child, not a timing assertion.
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    try {
      assert.match(await exports, /^export AWS_EC2_METADATA_DISABLED=true$/m);
    } finally {
      child.kill('SIGTERM');
      await closed;
      clearTimeout(timer);
    }
  });
});
