import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createTempHomePool } from '../../../test/helpers/temp-home.js';
import { gatherFacts } from '../facts.js';
import { credentialsAuthRefresh } from './credentials-auth-refresh.js';
import { settingsProxy } from './settings-proxy.js';

const homes = createTempHomePool();
after(() => homes.cleanup());
const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
const PASSWORD = 'doctorPr0xySecret';

/** Offline facts for a shell environment and, optionally, a user settings file. */
async function factsFor(shell: Record<string, string>, userSettings?: Record<string, unknown>) {
  const home = homes.create(userSettings ? { 'home/.claude/settings.json': userSettings } : {});
  return gatherFacts({
    env: { CLAUDE_CODE_USE_BEDROCK: '1', AWS_REGION: 'us-east-1', CC_BEDROCK_MANAGED_SETTINGS_DIR: join(home.root, 'managed'), AWS_EC2_METADATA_DISABLED: 'true', ...shell },
    homeDir: home.home,
    cwd: home.cwd,
    platform: 'linux',
    offline: true,
    stderr: sink,
    detectClaudeCode: async () => ({ status: 'not-found', searched: 0 }),
  });
}

describe('settings.proxy', () => {
  test('no proxy: ok, direct', async () => {
    const [finding] = settingsProxy.run(await factsFor({}));
    assert.equal(finding?.status, 'ok');
    assert.equal(finding?.title, 'No proxy');
  });

  test('a proxy with a login: ok, shown redacted with its source and NO_PROXY', async () => {
    const facts = await factsFor({ NO_PROXY: '.internal.example' }, { env: { HTTPS_PROXY: `http://alice:${PASSWORD}@proxy.corp.example:3128` } });
    const findings = settingsProxy.run(facts);
    assert.deepEqual(
      findings.map((finding) => [finding.status, finding.title, finding.detail]),
      [['ok', 'Proxy http://****:****@proxy.corp.example:3128', 'HTTPS_PROXY (~/.claude/settings.json env); every AWS and Bedrock call goes through it; direct for .internal.example (NO_PROXY, shell env)']],
    );
    assert.ok(!JSON.stringify(facts).includes(PASSWORD), 'the facts hold the proxy password');
  });

  test('an unusable value fails with the fix, and the password stays out of it', async () => {
    const facts = await factsFor({ https_proxy: `alice:${PASSWORD}@proxy.corp.example:3128` });
    const [finding] = settingsProxy.run(facts);
    assert.equal(finding?.status, 'fail');
    assert.equal(finding?.title, 'https_proxy is not a usable proxy URL; Claude Code will not start');
    assert.match(finding!.detail, /^https_proxy \(shell env\) is "\*\*\*\*@proxy\.corp\.example:3128"/);
    assert.equal(finding?.fix, 'write the scheme in front: https_proxy=http://****@proxy.corp.example:3128');
    assert.ok(!JSON.stringify(facts).includes(PASSWORD));
    assert.equal(facts.env.proxy, undefined);
  });

  test('NO_PROXY=* and a shadowed variable with another value warn', async () => {
    const findings = settingsProxy.run(await factsFor({ https_proxy: 'http://a.example:1', HTTP_PROXY: 'http://b.example:2', HTTPS_PROXY: 'http://a.example:1', no_proxy: '*' }));
    assert.deepEqual(
      findings.map((finding) => [finding.status, finding.title]),
      [
        ['warn', 'no_proxy=* bypasses the proxy for every host'],
        ['warn', 'HTTP_PROXY is ignored'],
      ],
    );
    assert.match(findings[1]!.fix!, /unset HTTP_PROXY, or give it the same value as https_proxy/);
  });
});

describe('credentials.auth-refresh reads the same proxy', () => {
  test('the SSO-loop warning names the variable, its source and the proxy host only', async () => {
    const facts = await factsFor({ HTTP_PROXY: `http://bob:${PASSWORD}@10.1.2.3:8080` }, { awsAuthRefresh: 'aws sso login --profile corp' });
    const warning = credentialsAuthRefresh.run(facts).find((finding) => finding.status === 'warn');
    assert.match(warning!.detail, /HTTP_PROXY \(shell env\) routes traffic through 10\.1\.2\.3:8080/);
    assert.ok(!JSON.stringify(warning).includes(PASSWORD));
  });
});
