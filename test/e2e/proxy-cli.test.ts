/**
 * HTTPS_PROXY / HTTP_PROXY / NO_PROXY end to end (spec §1.6, §6.6): `cc-bedrock` spawned against
 * the emulator on a loopback port, with a loopback forward proxy in between. Every run checks what
 * the proxy saw: the Bedrock calls themselves (request lines inside the tunnels), STS, the SSO
 * portal of an SSO profile, or nothing at all when NO_PROXY exempts the host. Proxy passwords and
 * the planted AWS secrets must never be printed.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { scenarioWith } from '../../src/emulator/index.js';
import { bedrockOnEmulator, emulatorEndpoints, plantedAccount, startUpstream, type Upstream } from '../helpers/cli-emulator.js';
import { startLoopbackProxy, type LoopbackProxy } from '../helpers/proxy-server.js';
import { repoRoot } from '../helpers/repo-root.js';
import { hermeticEnv, runProcess, type CliResult } from '../helpers/run-cli.js';
import { PLANTED, PLANTED_ENV_KEYS, assertNoSecrets } from '../helpers/secrets.js';
import { createTempHomePool, type TempHome } from '../helpers/temp-home.js';

const PROXY_PASSWORD = 'Pr0xyPassw0rd-DO-NOT-PRINT';
const SSO_ACCESS_TOKEN = 'ssoAccessToken-DO-NOT-PRINT-0123456789';
const MAIN_CALL = /^POST http:\/\/127\.0\.0\.1:\d+\/model\/[^/]+\/invoke-with-response-stream$/;

const homes = createTempHomePool();
const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  await Promise.all(cleanups.map((cleanup) => cleanup()));
  homes.cleanup();
});

/** The CLI from source under tsx when this test runs from source, else the compiled one. */
function cliCommand(): string[] {
  const root = repoRoot();
  const tsx = pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
  return import.meta.url.endsWith('.ts') ? ['--import', tsx, join(root, 'src', 'cli', 'main.ts')] : [join(root, 'dist', 'src', 'cli', 'main.js')];
}

async function emulator(): Promise<Upstream> {
  const upstream = await startUpstream(scenarioWith(plantedAccount()));
  cleanups.push(() => upstream.close());
  return upstream;
}

async function proxy(login?: { username: string; password: string }): Promise<LoopbackProxy> {
  const started = await startLoopbackProxy(login ? { login } : {});
  cleanups.push(() => started.close());
  return started;
}

interface Run extends CliResult {
  readonly output: string;
}

/** `cc-bedrock <args>` in a temp tree, Bedrock at the emulator, hermetic; no planted secret or proxy password may be printed. */
async function cc(args: string[], env: Record<string, string | undefined>, home: TempHome = homes.create()): Promise<Run> {
  const result = await runProcess(process.execPath, [...cliCommand(), ...args], { cwd: home.cwd, env: { ...hermeticEnv(home), ...env } });
  const output = result.stdout + result.stderr;
  assertNoSecrets(output, `cc-bedrock ${args.join(' ')}`);
  assert.ok(!output.includes(PROXY_PASSWORD), `cc-bedrock ${args.join(' ')} printed the proxy password`);
  assert.ok(!output.includes(encodeURIComponent(PROXY_PASSWORD)), `cc-bedrock ${args.join(' ')} printed the encoded proxy password`);
  return { ...result, output };
}

/** Every request the emulator received passed through the proxy, and the main call is among them. */
function assertAllProxied(upstream: Upstream, seen: LoopbackProxy): void {
  const lines = seen.requests();
  assert.ok(lines.some((line) => MAIN_CALL.test(line)), `the Bedrock call did not pass the proxy: ${JSON.stringify(lines)}`);
  const received = upstream.emulator.state.received;
  assert.equal(lines.length, received.length, `the emulator got ${received.length} requests, the proxy saw ${lines.length}: ${JSON.stringify(lines)}`);
  for (const line of lines) assert.ok(line.startsWith(`${line.split(' ')[0]} ${upstream.url}/`), line);
}

describe('cc-bedrock -p behind a proxy', { concurrency: true }, () => {
  test('HTTPS_PROXY from the shell: the reply arrives and every Bedrock call went through the proxy', async () => {
    const [upstream, seen] = await Promise.all([emulator(), proxy()]);
    const run = await cc(['-p', 'hi'], { ...bedrockOnEmulator(upstream.url), ...PLANTED_ENV_KEYS, HTTPS_PROXY: seen.url });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'You said: hi\n');
    assertAllProxied(upstream, seen);
    assert.ok(seen.records.every((record) => record.method === 'CONNECT'), 'undici tunnels every request');
  });

  test('http_proxy alone, set only in the settings env block, is used the same way', async () => {
    const [upstream, seen] = await Promise.all([emulator(), proxy()]);
    const home = homes.create({ 'home/.claude/settings.json': { env: { http_proxy: seen.url } } });
    const run = await cc(['-p', 'from settings'], { ...bedrockOnEmulator(upstream.url), ...PLANTED_ENV_KEYS }, home);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'You said: from settings\n');
    assertAllProxied(upstream, seen);
  });

  test('NO_PROXY listing the emulator host: the calls go direct and the proxy sees nothing', async () => {
    const [upstream, seen] = await Promise.all([emulator(), proxy()]);
    const run = await cc(['-p', 'direct'], { ...bedrockOnEmulator(upstream.url), ...PLANTED_ENV_KEYS, HTTPS_PROXY: seen.url, NO_PROXY: 'localhost, 127.0.0.1' });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'You said: direct\n');
    assert.deepEqual(seen.records, []);
    assert.ok(upstream.emulator.state.received.length > 0);
  });

  test('a login in the proxy URL: Proxy-Authorization reaches the proxy, the password is printed nowhere', async () => {
    const login = { username: 'alice', password: PROXY_PASSWORD };
    const [upstream, seen, noRetryProxy] = await Promise.all([emulator(), proxy(login), proxy(login)]);
    const env = { ...bedrockOnEmulator(upstream.url), ...PLANTED_ENV_KEYS, HTTPS_PROXY: seen.urlWithLogin('alice', PROXY_PASSWORD) };
    const [run, status, statusJson, refused, refusedWithoutRetries] = await Promise.all([
      cc(['-p', 'with login', '--output-format', 'stream-json'], env),
      // status shows which proxy, with the login hidden, in text and JSON.
      cc(['status'], env),
      cc(['status', '--json'], env),
      // A wrong password fails the run at once (no retries: the proxy would refuse each one), saying
      // which setting to fix; the error names neither password.
      cc(['-p', 'refused'], { ...env, HTTPS_PROXY: seen.urlWithLogin('alice', `${PROXY_PASSWORD}-wrong`) }),
      cc(['-p', 'refused'], { ...env, HTTPS_PROXY: noRetryProxy.urlWithLogin('alice', `${PROXY_PASSWORD}-wrong`), CLAUDE_CODE_MAX_RETRIES: '0' }),
    ]);
    assert.equal(run.code, 0, run.stderr);
    assertAllProxied(upstream, seen);
    const expected = `Basic ${Buffer.from(`alice:${PROXY_PASSWORD}`).toString('base64')}`;
    const passed = seen.records.filter((record) => record.status === 200);
    assert.ok(passed.length > 0 && passed.every((record) => record.proxyAuthorization === expected));

    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, new RegExp(`^Proxy +http://\\*\\*\\*\\*:\\*\\*\\*\\*@127\\.0\\.0\\.1:${seen.port} +\\(HTTPS_PROXY, shell env\\)$`, 'm'));
    const json = JSON.parse(statusJson.stdout) as { proxy: Record<string, unknown> };
    assert.deepEqual(json.proxy, { valid: true, variable: 'HTTPS_PROXY', source: 'shell env', url: `http://****:****@127.0.0.1:${seen.port}`, host: `127.0.0.1:${seen.port}`, noProxy: null });

    assert.equal(refused.code, 1, refused.output);
    assert.match(refused.stderr, new RegExp(`the proxy http://\\*\\*\\*\\*:\\*\\*\\*\\*@127\\.0\\.0\\.1:${seen.port} \\(HTTPS_PROXY, shell env\\) refused the login \\(407 Proxy Authentication Required\\)`));
    assert.ok(!refused.output.includes(`${PROXY_PASSWORD}-wrong`));
    // Each request the run makes is refused once: as many as with retries switched off.
    const refusals = (at: LoopbackProxy): number => at.records.filter((record) => record.status === 407).length;
    assert.equal(refusedWithoutRetries.code, 1, refusedWithoutRetries.output);
    assert.ok(refusals(noRetryProxy) > 0);
    assert.equal(refusals(seen), refusals(noRetryProxy), 'a refused proxy login is not retried');
  });

  test('a malformed HTTPS_PROXY stops the run with exit code 2, naming the variable; nothing is sent', async () => {
    const upstream = await emulator();
    const run = await cc(['-p', 'never sent'], { ...bedrockOnEmulator(upstream.url), ...PLANTED_ENV_KEYS, HTTPS_PROXY: `alice:${PROXY_PASSWORD}@proxy.corp.example:3128` });
    assert.equal(run.code, 2, run.output);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /HTTPS_PROXY \(shell env\) is "\*\*\*\*@proxy\.corp\.example:3128", which is not a usable proxy URL: it has no scheme/);
    assert.match(run.stderr, /fix: write the scheme in front: HTTPS_PROXY=http:\/\/\*\*\*\*@proxy\.corp\.example:3128/);
    assert.equal(upstream.emulator.state.received.length, 0);

    const socks = await cc(['-p', 'never sent'], { ...bedrockOnEmulator(upstream.url), ...PLANTED_ENV_KEYS, https_proxy: 'socks5://127.0.0.1:1080' });
    assert.equal(socks.code, 2, socks.output);
    assert.match(socks.stderr, /https_proxy \(shell env\) is "socks5:\/\/127\.0\.0\.1:1080", which is not a usable proxy URL: SOCKS proxies are not supported/);
    assert.equal(upstream.emulator.state.received.length, 0);
  });
});

/** An IAM Identity Center portal that hands out the planted keys for a valid access token (GetRoleCredentials). */
async function fakeSsoPortal(): Promise<{ url: string; calls: string[] }> {
  const calls: string[] = [];
  const server: Server = createServer((req, res) => {
    calls.push(`${req.method} ${req.url}`);
    const url = new URL(req.url ?? '/', 'http://portal');
    if (url.pathname !== '/federation/credentials' || req.headers['x-amz-sso_bearer_token'] !== SSO_ACCESS_TOKEN) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"Session token not found or invalid"}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        roleCredentials: { accessKeyId: PLANTED.accessKeyId, secretAccessKey: PLANTED.secretAccessKey, sessionToken: PLANTED.sessionToken, expiration: Date.now() + 3_600_000 },
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls };
}

describe('AWS calls behind a proxy (the Claude Code start-up hang, issue #84878)', { concurrency: true }, () => {
  test('an SSO profile: the SSO portal call of the AWS SDK provider goes through the proxy', async () => {
    const [upstream, seen, portal] = await Promise.all([emulator(), proxy(), fakeSsoPortal()]);
    const startUrl = 'https://corp.awsapps.com/start';
    const cacheFile = `home/.aws/sso/cache/${createHash('sha1').update(startUrl).digest('hex')}.json`;
    const home = homes.create({
      'home/.aws/config': `[profile corp]\nsso_start_url = ${startUrl}\nsso_region = us-east-1\nsso_account_id = 123456789012\nsso_role_name = Developer\nregion = us-east-1\n`,
      [cacheFile]: { startUrl, region: 'us-east-1', accessToken: SSO_ACCESS_TOKEN, expiresAt: new Date(Date.now() + 3_600_000).toISOString() },
    });
    const run = await cc(['-p', 'via sso'], { ...bedrockOnEmulator(upstream.url), AWS_PROFILE: 'corp', AWS_ENDPOINT_URL_SSO: portal.url, HTTPS_PROXY: seen.url }, home);
    assert.ok(!run.output.includes(SSO_ACCESS_TOKEN), 'the SSO access token was printed');
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'You said: via sso\n');
    const credentialsCall = 'GET /federation/credentials?role_name=Developer&account_id=123456789012';
    assert.deepEqual(portal.calls, [credentialsCall]);
    const lines = seen.requests();
    assert.ok(lines.includes(credentialsCall.replace(' ', ` ${portal.url}`)), JSON.stringify(lines));
    assert.ok(lines.some((line) => MAIN_CALL.test(line)), JSON.stringify(lines));
  });

  test('doctor: STS GetCallerIdentity and the probes go through the proxy; settings.proxy shows it redacted', async () => {
    const [upstream, seen] = await Promise.all([emulator(), proxy({ username: 'alice', password: PROXY_PASSWORD })]);
    const run = await cc(['doctor', '--json'], { ...bedrockOnEmulator(upstream.url), ...PLANTED_ENV_KEYS, HTTPS_PROXY: seen.urlWithLogin('alice', PROXY_PASSWORD), NO_PROXY: 'internal.example' });
    const report = JSON.parse(run.stdout) as { checks: Array<{ id: string; status: string; title: string; detail: string }> };
    const byId = (id: string) => report.checks.filter((check) => check.id === id);
    assert.deepEqual(
      byId('settings.proxy').map((check) => [check.status, check.title]),
      [['ok', `Proxy http://****:****@127.0.0.1:${seen.port}`]],
    );
    assert.match(byId('settings.proxy')[0]!.detail, /HTTPS_PROXY \(shell env\); every AWS and Bedrock call goes through it; direct for internal\.example \(NO_PROXY, shell env\)/);
    assert.equal(byId('credentials.identity')[0]?.status, 'ok', JSON.stringify(byId('credentials.identity')));
    const lines = seen.requests();
    assert.ok(lines.includes(`POST ${upstream.url}/`), `STS did not pass the proxy: ${JSON.stringify(lines)}`);
    assert.ok(lines.some((line) => /\/model\/[^/]+\/invoke$/.test(line)), `no probe passed the proxy: ${JSON.stringify(lines)}`);
    assert.equal(lines.length, upstream.emulator.state.received.length);
  });

  test('models and setup --yes: their probes, listing and STS calls all take the proxy', async () => {
    const [modelsUpstream, modelsProxy, setupUpstream, setupProxy] = await Promise.all([emulator(), proxy(), emulator(), proxy()]);
    const [models, setup] = await Promise.all([
      cc(['models', '--region', 'us-east-1', '--json'], { ...bedrockOnEmulator(modelsUpstream.url), ...PLANTED_ENV_KEYS, HTTPS_PROXY: modelsProxy.url }),
      cc(['setup', '--yes', '--auth', 'access-keys', '--region', 'us-east-1', '--target', 'local'], {
        ...emulatorEndpoints(setupUpstream.url),
        AWS_ACCESS_KEY_ID: PLANTED.accessKeyId,
        AWS_SECRET_ACCESS_KEY: PLANTED.secretAccessKey,
        AWS_SESSION_TOKEN: PLANTED.sessionToken,
        HTTPS_PROXY: setupProxy.url,
      }),
    ]);
    assert.equal(models.code, 0, models.stderr);
    const probes = modelsProxy.requests();
    assert.ok(probes.some((line) => /\/model\/[^/]+\/invoke$/.test(line)), JSON.stringify(probes));
    assert.equal(probes.length, modelsUpstream.emulator.state.received.length);

    assert.equal(setup.code, 0, setup.output);
    const calls = setupProxy.requests();
    assert.ok(calls.includes(`POST ${setupUpstream.url}/`), `STS did not pass the proxy: ${JSON.stringify(calls)}`);
    assert.ok(calls.some((line) => line.includes('/inference-profiles')), JSON.stringify(calls));
    assert.equal(calls.length, setupUpstream.emulator.state.received.length);
  });

  test('doctor: an unusable proxy fails settings.proxy and sends nothing', async () => {
    const upstream = await emulator();
    const run = await cc(['doctor', '--json'], { ...bedrockOnEmulator(upstream.url), ...PLANTED_ENV_KEYS, HTTP_PROXY: 'proxy.corp.example:3128' });
    assert.equal(run.code, 1, run.stderr);
    const report = JSON.parse(run.stdout) as { checks: Array<{ id: string; status: string; title: string; fix: string | null }> };
    const check = report.checks.find((entry) => entry.id === 'settings.proxy');
    assert.equal(check?.status, 'fail');
    assert.equal(check?.title, 'HTTP_PROXY is not a usable proxy URL; Claude Code will not start');
    assert.equal(check?.fix, 'write the scheme in front: HTTP_PROXY=http://proxy.corp.example:3128');
    assert.equal(upstream.emulator.state.received.length, 0);
  });
});

/** A loopback port with nothing listening: a proxy that is down. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('a proxy that is down fails in seconds, naming the variable and where it is set', { concurrency: true }, () => {
  test('-p with HTTPS_PROXY from the shell: one attempt per call, no retries, exit 1, HTTPS_PROXY named', async () => {
    const upstream = await emulator();
    const port = await closedPort();
    const started = Date.now();
    const run = await cc(['-p', 'hi'], { ...bedrockOnEmulator(upstream.url), ...PLANTED_ENV_KEYS, HTTPS_PROXY: `http://127.0.0.1:${port}` });
    // Generous bound: "ends, does not retry for minutes" (it used to take 3 min over 11 attempts).
    assert.ok(Date.now() - started < 20_000, `took ${Date.now() - started} ms`);
    assert.equal(run.code, 1, run.output);
    assert.doesNotMatch(run.stderr, /retry \d+ of \d+/, 'a refused proxy was retried');
    assert.match(run.stderr, new RegExp(`the proxy http://127\\.0\\.0\\.1:${port} is not reachable \\(ECONNREFUSED\\)`));
    assert.match(run.stderr, /fix: HTTPS_PROXY names http:\/\/127\.0\.0\.1:\d+, where no proxy answers: start the proxy, or correct HTTPS_PROXY in the shell environment/);
    assert.equal(upstream.emulator.state.received.length, 0);
  });

  test('-p with HTTPS_PROXY from the env block of ~/.claude/settings.json: the fix names that file', async () => {
    const upstream = await emulator();
    const port = await closedPort();
    const home = homes.create({ 'home/.claude/settings.json': { env: { HTTPS_PROXY: `http://127.0.0.1:${port}` } } });
    const run = await cc(['-p', 'hi'], { ...bedrockOnEmulator(upstream.url), ...PLANTED_ENV_KEYS }, home);
    assert.equal(run.code, 1, run.output);
    assert.doesNotMatch(run.stderr, /retry \d+ of \d+/);
    assert.match(run.stderr, /correct HTTPS_PROXY in the env block of ~\/\.claude\/settings\.json/);
  });

  test('doctor: settings.proxy fails as a proxy problem (with the fix once); STS is not said to reject the credentials', async () => {
    const upstream = await emulator();
    const port = await closedPort();
    const run = await cc(['doctor', '--json'], { ...bedrockOnEmulator(upstream.url), ...PLANTED_ENV_KEYS, HTTPS_PROXY: `http://127.0.0.1:${port}` });
    assert.equal(run.code, 1, run.stderr);
    const report = JSON.parse(run.stdout) as { checks: Array<{ id: string; status: string; title: string; detail: string; fix: string | null }> };
    const proxyCheck = report.checks.find((entry) => entry.id === 'settings.proxy' && entry.status === 'fail');
    assert.ok(proxyCheck, JSON.stringify(report.checks.filter((entry) => entry.id === 'settings.proxy')));
    assert.match(proxyCheck.title, /Proxy http:\/\/127\.0\.0\.1:\d+ is not usable \(HTTPS_PROXY, shell env\)/);
    assert.match(proxyCheck.fix ?? '', /start the proxy, or correct HTTPS_PROXY/);
    const identity = report.checks.filter((entry) => entry.id === 'credentials.identity');
    assert.ok(identity.every((entry) => !/STS rejected/.test(entry.title)), JSON.stringify(identity));
    assert.ok(identity.some((entry) => /the proxy is not reachable/.test(entry.title)), JSON.stringify(identity));
    const fixes = report.checks.filter((entry) => entry.status !== 'ok').map((entry) => entry.fix).filter((fix) => fix !== null);
    assert.equal(new Set(fixes).size, fixes.length, `a fix is printed twice: ${JSON.stringify(fixes)}`);
    assert.ok(!report.checks.some((entry) => /bedrock:ListInferenceProfiles/.test(entry.fix ?? '')), 'an IAM fix for a dead proxy');
  });
});
