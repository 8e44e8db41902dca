import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createTempHome, type TempHome } from '../../test/helpers/temp-home.js';
import { settingsOverShellLookup } from '../../test/helpers/env-lookup.js';
import { inspectProxy } from '../network/proxy.js';
import { resolveRoutePlan } from '../routing/resolve-route-plan.js';
import type { RoutePlan } from '../core/route-plan.js';
import { renderStatusText, statusJson } from './render-status.js';

const PASSWORD = 'statusPr0xySecret';
let home: TempHome;
let plan: RoutePlan;

before(async () => {
  home = createTempHome();
  plan = (
    await resolveRoutePlan({
      env: { CLAUDE_CODE_USE_BEDROCK: '1', AWS_REGION: 'us-east-1', CC_BEDROCK_MANAGED_SETTINGS_DIR: join(home.root, 'managed') },
      homeDir: home.home,
      cwd: home.cwd,
      platform: 'linux',
    })
  ).plan;
});
after(() => home.cleanup());

const report = (shell: Record<string, string>, settings: Record<string, string> = {}) => ({ plan, settingsFiles: [], proxy: inspectProxy(settingsOverShellLookup(shell, settings)) });

describe('status: the proxy line', () => {
  test('none: direct connections, JSON null', () => {
    assert.match(renderStatusText(report({})), /^Proxy {10}none \(direct connections\)$/m);
    assert.equal(statusJson(report({})).proxy, null);
  });

  test('a proxy with a login and NO_PROXY: redacted, with both sources', () => {
    const text = renderStatusText(report({ NO_PROXY: 'localhost, .internal.example' }, { HTTPS_PROXY: `http://alice:${PASSWORD}@proxy.corp.example:3128` }));
    assert.match(text, /^Proxy {10}http:\/\/\*\*\*\*:\*\*\*\*@proxy\.corp\.example:3128 {2}\(HTTPS_PROXY, ~\/\.claude\/settings\.json env\)$/m);
    assert.match(text, /^ {15}direct for localhost, \.internal\.example {2}\(NO_PROXY, shell env\)$/m);
    const json = statusJson(report({ no_proxy: '*' }, { HTTPS_PROXY: `http://alice:${PASSWORD}@proxy.corp.example:3128` }));
    assert.deepEqual(json.proxy, {
      valid: true,
      variable: 'HTTPS_PROXY',
      source: '~/.claude/settings.json env',
      url: 'http://****:****@proxy.corp.example:3128',
      host: 'proxy.corp.example:3128',
      noProxy: { variable: 'no_proxy', source: 'shell env', entries: ['*'] },
    });
    assert.ok(!text.includes(PASSWORD) && !JSON.stringify(json).includes(PASSWORD));
  });

  test('an unusable value is shown as invalid with its fix, not thrown', () => {
    const bad = report({ HTTPS_PROXY: `alice:${PASSWORD}@proxy.corp.example:3128` });
    const text = renderStatusText(bad);
    assert.match(text, /^Proxy {10}invalid: HTTPS_PROXY \(shell env\) is "\*\*\*\*@proxy\.corp\.example:3128", which is not a usable proxy URL: it has no scheme$/m);
    assert.match(text, /^ {15}fix: write the scheme in front: HTTPS_PROXY=http:\/\/\*\*\*\*@proxy\.corp\.example:3128$/m);
    const json = statusJson(bad).proxy as { valid: boolean; variable: string; error: { code: string } };
    assert.equal(json.valid, false);
    assert.equal(json.variable, 'HTTPS_PROXY');
    assert.equal(json.error.code, 'SETTINGS_TYPE_INVALID');
    assert.ok(!text.includes(PASSWORD) && !JSON.stringify(json).includes(PASSWORD));
  });

  test('a report without proxy facts (older callers) has no proxy line or field', () => {
    assert.doesNotMatch(renderStatusText({ plan, settingsFiles: [] }), /^Proxy/m);
    assert.equal('proxy' in statusJson({ plan, settingsFiles: [] }), false);
  });
});
