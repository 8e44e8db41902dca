/**
 * `cc-bedrock serve` behind a proxy: the gateway's upstream transport (node:http agents) sends
 * Bedrock calls through HTTPS_PROXY, with the proxy login, and the log line shows the proxy with
 * the login hidden. The test's own client talks to the gateway directly.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { scenarioWith } from '../../src/emulator/index.js';
import { plantedAccount, startUpstream, type Upstream } from '../helpers/cli-emulator.js';
import { startLoopbackProxy, type LoopbackProxy } from '../helpers/proxy-server.js';
import { repoRoot } from '../helpers/repo-root.js';
import { hermeticEnv } from '../helpers/run-cli.js';
import { PLANTED_ENV_KEYS, assertNoSecrets } from '../helpers/secrets.js';
import { createTempHome, type TempHome } from '../helpers/temp-home.js';

const PROXY_PASSWORD = 'GatewayPr0xyPass-DO-NOT-PRINT';

function cliCommand(): string[] {
  const root = repoRoot();
  const tsx = pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
  return import.meta.url.endsWith('.ts') ? ['--import', tsx, join(root, 'src', 'cli', 'main.ts')] : [join(root, 'dist', 'src', 'cli', 'main.js')];
}

describe('cc-bedrock serve behind a proxy', () => {
  let upstream: Upstream;
  let proxy: LoopbackProxy;
  let home: TempHome;

  before(async () => {
    [upstream, proxy] = await Promise.all([
      startUpstream(scenarioWith(plantedAccount())),
      startLoopbackProxy({ login: { username: 'gw', password: PROXY_PASSWORD } }),
    ]);
    home = createTempHome();
  });

  after(async () => {
    await Promise.all([upstream.close(), proxy.close()]);
    home.cleanup();
  });

  test('a Messages request through the gateway reaches Bedrock through the proxy', async () => {
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      ...hermeticEnv(home),
      ...PLANTED_ENV_KEYS,
      CLAUDE_CODE_USE_BEDROCK: '1',
      AWS_REGION: 'us-east-1',
      ANTHROPIC_BEDROCK_BASE_URL: upstream.url,
      HTTPS_PROXY: proxy.urlWithLogin('gw', PROXY_PASSWORD),
      // The proxy agents' own debug output is on: it must not show the login or the request's headers.
      DEBUG: 'http-proxy-agent,https-proxy-agent,agent-base',
    };
    const child = spawn(process.execPath, [...cliCommand(), 'serve', '--port', '0'], { cwd: home.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          stdout += chunk;
          const match = /^cc-bedrock gateway listening on (http:\/\/\S+)\n/.exec(stdout);
          if (match) resolve(match[1]!);
        });
        void exited.then((code) => reject(new Error(`serve exited with ${code} before listening:\n${stdout}\n${stderr}`)));
      });

      const response = await fetch(`${url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
        body: JSON.stringify({ model: 'sonnet', max_tokens: 50, messages: [{ role: 'user', content: 'through gateway and proxy' }] }),
      });
      assert.equal(response.status, 200, await response.clone().text());
      const message = (await response.json()) as { content: unknown };
      assert.deepEqual(message.content, [{ type: 'text', text: 'You said: through gateway and proxy' }]);

      const forwarded = proxy.records.filter((record) => record.status === 200);
      assert.ok(
        forwarded.some((record) => record.method === 'POST' && /^http:\/\/127\.0\.0\.1:\d+\/model\/[^/]+\/invoke$/.test(record.target)),
        `the Bedrock call did not pass the proxy: ${JSON.stringify(proxy.requests())}`,
      );
      assert.equal(proxy.requests().length, upstream.emulator.state.received.length);
      const login = `Basic ${Buffer.from(`gw:${PROXY_PASSWORD}`).toString('base64')}`;
      assert.ok(forwarded.every((record) => record.proxyAuthorization === login));
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
    const output = stdout + stderr;
    assertNoSecrets(output, 'cc-bedrock serve');
    assert.ok(!output.includes(PROXY_PASSWORD), 'serve printed the proxy password');
    assert.ok(!output.includes(Buffer.from(`gw:${PROXY_PASSWORD}`).toString('base64')), 'serve printed the proxy login header');
    assert.match(stderr, /http-proxy-agent/, 'the debug output was on, so the checks above meant something');
    const listening = stderr.split('\n').filter((line) => line.includes('"event":"listening"'))[0];
    assert.equal((JSON.parse(listening ?? '{}') as { proxy?: string }).proxy, `http://****:****@127.0.0.1:${proxy.port}`);
  });
});
