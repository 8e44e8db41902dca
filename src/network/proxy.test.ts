import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { settingsOverShellLookup, SETTINGS_ENV_SOURCE } from '../../test/helpers/env-lookup.js';
import { CcBedrockError } from '../core/errors.js';
import { redactRawProxyValue } from '../settings/proxy-url.js';
import { bypassesProxy, inspectProxy, resolveProxy, type ProxyConfig } from './proxy.js';

const PASSWORD = 'pr0xy-S3cret';

function proxyOf(shell: Record<string, string>, settings: Record<string, string> = {}): ProxyConfig {
  const config = resolveProxy(settingsOverShellLookup(shell, settings));
  assert.ok(config, 'a proxy should resolve');
  return config;
}

function invalid(shell: Record<string, string>): CcBedrockError {
  let caught: unknown;
  try {
    resolveProxy(settingsOverShellLookup(shell));
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof CcBedrockError, `expected a CcBedrockError, got ${String(caught)}`);
  return caught;
}

describe('resolveProxy: which variable names the proxy', () => {
  test('nothing set: no proxy', () => {
    assert.equal(resolveProxy(settingsOverShellLookup({ NO_PROXY: 'example.com' })), undefined);
  });

  test("Claude Code's order: https_proxy, HTTPS_PROXY, http_proxy, HTTP_PROXY", () => {
    const all = { https_proxy: 'http://a:1', HTTPS_PROXY: 'http://b:2', http_proxy: 'http://c:3', HTTP_PROXY: 'http://d:4' };
    assert.equal(proxyOf(all).variable, 'https_proxy');
    assert.equal(proxyOf(all).display, 'http://a:1');
    const { https_proxy: _a, ...withoutLower } = all;
    assert.equal(proxyOf(withoutLower).variable, 'HTTPS_PROXY');
    assert.equal(proxyOf({ http_proxy: 'http://c:3', HTTP_PROXY: 'http://d:4' }).variable, 'http_proxy');
    const only = proxyOf({ HTTP_PROXY: 'http://d:4' });
    assert.equal(only.variable, 'HTTP_PROXY');
    assert.equal(only.url.host, 'd:4');
  });

  test('the settings env block beats the shell for the same variable, and says so', () => {
    const config = proxyOf({ HTTPS_PROXY: 'http://shell.example:1' }, { HTTPS_PROXY: 'http://settings.example:2' });
    assert.equal(config.url.host, 'settings.example:2');
    assert.equal(config.source, SETTINGS_ENV_SOURCE);
    assert.equal(proxyOf({ HTTPS_PROXY: 'http://shell.example:1' }).source, 'shell env');
  });

  test('an empty settings entry unsets the shell value, so the next variable in order applies', () => {
    const lookup = settingsOverShellLookup({ HTTPS_PROXY: 'http://shell.example:1', HTTP_PROXY: 'http://plain.example:3' }, { HTTPS_PROXY: '' });
    assert.equal(resolveProxy(lookup)?.variable, 'HTTP_PROXY');
    assert.equal(resolveProxy(settingsOverShellLookup({ HTTPS_PROXY: 'http://x:1' }, { HTTPS_PROXY: '  ' })), undefined);
  });

  test('order applies across scopes: a shell https_proxy beats an HTTPS_PROXY from settings', () => {
    const config = proxyOf({ https_proxy: 'http://lower.example:1' }, { HTTPS_PROXY: 'http://upper.example:2' });
    assert.equal(config.variable, 'https_proxy');
    assert.equal(config.url.hostname, 'lower.example');
  });

  test('https:// proxies are accepted, with their port defaulting', () => {
    const config = proxyOf({ HTTPS_PROXY: 'https://secure-proxy.example' });
    assert.equal(config.url.protocol, 'https:');
    assert.equal(config.summary().host, 'secure-proxy.example');
  });
});

describe('resolveProxy: credentials are used but never shown', () => {
  const config = proxyOf({ HTTPS_PROXY: `http://alice:${encodeURIComponent(PASSWORD)}@proxy.corp.example:3128` });

  test('the URL keeps the login for the agents', () => {
    assert.equal(config.url.username, 'alice');
    assert.equal(decodeURIComponent(config.url.password), PASSWORD);
  });

  test('display, summary, JSON and inspect hide user and password', () => {
    assert.equal(config.display, 'http://****:****@proxy.corp.example:3128');
    for (const text of [config.display, JSON.stringify(config), JSON.stringify(config.summary()), inspect(config), `${inspect({ nested: config })}`]) {
      assert.ok(!text.includes(PASSWORD), `password shown in ${text}`);
      assert.ok(!text.includes('alice'), `user shown in ${text}`);
    }
    assert.deepEqual(JSON.parse(JSON.stringify(config)), {
      variable: 'HTTPS_PROXY',
      source: 'shell env',
      url: 'http://****:****@proxy.corp.example:3128',
      host: 'proxy.corp.example:3128',
      noProxy: null,
    });
  });

  test('a user name alone is hidden too', () => {
    assert.equal(proxyOf({ HTTPS_PROXY: 'http://bob@proxy.example:8080/' }).display, 'http://****@proxy.example:8080');
  });
});

describe('resolveProxy: unusable values stop with the variable named and no password echoed', () => {
  test('a missing scheme (host:port) says so and suggests the value with http://', () => {
    const error = invalid({ HTTPS_PROXY: 'proxy.corp.example:3128' });
    assert.equal(error.code, 'SETTINGS_TYPE_INVALID');
    assert.match(error.message, /^HTTPS_PROXY \(shell env\) is "proxy\.corp\.example:3128", which is not a usable proxy URL: it has no scheme$/);
    assert.equal(error.remediation, 'write the scheme in front: HTTPS_PROXY=http://proxy.corp.example:3128');
    assert.deepEqual(error.details, { variable: 'HTTPS_PROXY', source: 'shell env' });
  });

  test('a missing scheme with a login hides the login in the message and the fix', () => {
    const error = invalid({ http_proxy: `alice:${PASSWORD}@10.0.0.1:3128` });
    assert.match(error.message, /^http_proxy \(shell env\)/);
    assert.ok(!error.describe().includes(PASSWORD));
    assert.ok(!error.describe().includes('alice'));
    assert.match(error.remediation!, /http_proxy=http:\/\/\*\*\*\*@10\.0\.0\.1:3128/);
  });

  test('SOCKS is refused as unsupported, without the password', () => {
    const error = invalid({ HTTPS_PROXY: `socks5://alice:${PASSWORD}@127.0.0.1:1080` });
    assert.match(error.message, /SOCKS proxies are not supported/);
    assert.ok(!JSON.stringify(error.toJSON()).includes(PASSWORD));
  });

  test('another scheme, a value that does not parse, and one without a host', () => {
    assert.match(invalid({ HTTPS_PROXY: 'ftp://proxy.example:21' }).message, /the scheme is ftp, not http or https/);
    const unparsable = invalid({ HTTPS_PROXY: `http://alice:${PASSWORD}@proxy example:80` });
    assert.match(unparsable.message, /does not parse as a URL/);
    assert.ok(!unparsable.describe().includes(PASSWORD));
    assert.match(invalid({ HTTP_PROXY: 'http://' }).message, /^HTTP_PROXY/);
  });

  test('the raw value is redacted up to its last @ even when the password holds / or @', () => {
    assert.equal(redactRawProxyValue('http://u:pa/ss@w@host:1'), 'http://****@host:1');
    assert.equal(redactRawProxyValue('u:p@host'), '****@host');
    assert.equal(redactRawProxyValue('host:3128'), 'host:3128');
  });

  test('inspectProxy reports instead of throwing', () => {
    const bad = inspectProxy(settingsOverShellLookup({ HTTPS_PROXY: 'proxy:1' }));
    assert.equal(bad.ok, false);
    if (!bad.ok) {
      assert.equal(bad.variable, 'HTTPS_PROXY');
      assert.equal(bad.source, 'shell env');
    }
    const good = inspectProxy(settingsOverShellLookup({ HTTPS_PROXY: 'http://proxy:1' }));
    assert.ok(good.ok && good.proxy?.variable === 'HTTPS_PROXY');
    assert.deepEqual(inspectProxy(settingsOverShellLookup({})), { ok: true, proxy: undefined });
  });
});

describe('bypassesProxy: NO_PROXY', () => {
  const withNoProxy = (noProxy: string, variable = 'NO_PROXY') => proxyOf({ HTTPS_PROXY: 'http://proxy.example:3128', [variable]: noProxy });
  const bypasses = (noProxy: string, url: string) => bypassesProxy(new URL(url), withNoProxy(noProxy));

  test('unset: everything goes through the proxy, loopback included', () => {
    const config = proxyOf({ HTTPS_PROXY: 'http://proxy.example:3128' });
    for (const url of ['https://bedrock-runtime.us-east-1.amazonaws.com', 'http://127.0.0.1:8080', 'http://localhost/', 'http://[::1]:9/']) {
      assert.equal(bypassesProxy(new URL(url), config), false, url);
    }
    assert.equal(bypassesProxy(new URL('http://x'), undefined), false);
  });

  test('a bare domain matches itself and its subdomains (curl), not a longer name', () => {
    assert.equal(bypasses('amazonaws.com', 'https://amazonaws.com'), true);
    assert.equal(bypasses('amazonaws.com', 'https://sts.us-east-1.amazonaws.com'), true);
    assert.equal(bypasses('amazonaws.com', 'https://notamazonaws.com'), false);
    assert.equal(bypasses('AmazonAWS.com', 'https://STS.amazonaws.com'), true);
  });

  test('.suffix and *.suffix match the domain and its subdomains', () => {
    for (const entry of ['.corp.example', '*.corp.example']) {
      assert.equal(bypasses(entry, 'https://git.corp.example/x'), true, entry);
      assert.equal(bypasses(entry, 'https://corp.example/x'), true, entry);
      assert.equal(bypasses(entry, 'https://othercorp.example/x'), false, entry);
    }
  });

  test('host:port matches that port only, with the scheme default port', () => {
    assert.equal(bypasses('internal.example:8443', 'https://internal.example:8443/'), true);
    assert.equal(bypasses('internal.example:8443', 'https://internal.example/'), false);
    assert.equal(bypasses('internal.example:443', 'https://internal.example/'), true);
    assert.equal(bypasses('internal.example:80', 'http://internal.example/'), true);
  });

  test('* bypasses everything, alone or in a list', () => {
    assert.equal(bypasses('*', 'https://anything.example'), true);
    assert.equal(bypasses('example.com, *', 'http://10.1.1.1'), true);
    assert.equal(withNoProxy('*').summary().noProxy?.entries.join(), '*');
  });

  test('IP literals match only that address; CIDR blocks their range', () => {
    assert.equal(bypasses('10.1.2.3', 'http://10.1.2.3:8080/'), true);
    assert.equal(bypasses('10.1.2.3', 'http://10.1.2.30/'), false);
    assert.equal(bypasses('127.0.0.1', 'http://localhost/'), false, 'names are not resolved');
    assert.equal(bypasses('10.0.0.0/8', 'http://10.200.1.1/'), true);
    assert.equal(bypasses('10.0.0.0/8', 'http://11.0.0.1/'), false);
    assert.equal(bypasses('127.0.0.1:9000', 'http://127.0.0.1:9000/'), true);
    assert.equal(bypasses('127.0.0.1:9000', 'http://127.0.0.1:9001/'), false);
  });

  test('IPv6: bare, bracketed with a port, and a CIDR block', () => {
    assert.equal(bypasses('::1', 'http://[::1]:8080/'), true);
    assert.equal(bypasses('[::1]:8080', 'http://[::1]:8080/'), true);
    assert.equal(bypasses('[::1]:8080', 'http://[::1]:8081/'), false);
    assert.equal(bypasses('fd00::/8', 'http://[fd00:ec2::254]/'), true);
  });

  test('commas and white space both separate entries', () => {
    const config = withNoProxy(' a.example, b.example\tc.example\n,,d.example ');
    assert.deepEqual(config.summary().noProxy?.entries, ['a.example', 'b.example', 'c.example', 'd.example']);
    for (const host of ['a', 'b', 'c', 'd']) assert.equal(bypassesProxy(new URL(`https://${host}.example`), config), true, host);
  });

  test('no_proxy is read before NO_PROXY; the source is reported', () => {
    const config = proxyOf({ HTTPS_PROXY: 'http://p:1', no_proxy: 'lower.example', NO_PROXY: 'upper.example' });
    assert.equal(bypassesProxy(new URL('https://lower.example'), config), true);
    assert.equal(bypassesProxy(new URL('https://upper.example'), config), false);
    assert.deepEqual(config.summary().noProxy, { variable: 'no_proxy', source: 'shell env', entries: ['lower.example'] });
  });

  test('NO_PROXY from the settings env block beats the shell', () => {
    const config = proxyOf({ HTTPS_PROXY: 'http://p:1', NO_PROXY: 'shell.example' }, { NO_PROXY: 'settings.example' });
    assert.equal(bypassesProxy(new URL('https://settings.example'), config), true);
    assert.equal(bypassesProxy(new URL('https://shell.example'), config), false);
  });
});

describe('ProxyConfig login', () => {
  test('agents get the URL without its login and the login as Proxy-Authorization (curl: a user alone is "user:")', () => {
    const withLogin = resolveProxy(settingsOverShellLookup({ HTTPS_PROXY: 'http://us%40er:p%3Ass@proxy.example.com:3128' }))!;
    assert.equal(withLogin.endpoint.href, 'http://proxy.example.com:3128/');
    assert.equal(withLogin.authorization, `Basic ${Buffer.from('us@er:p:ss').toString('base64')}`);
    const userOnly = resolveProxy(settingsOverShellLookup({ HTTPS_PROXY: 'http://alice@proxy.example.com:3128' }))!;
    assert.equal(userOnly.authorization, `Basic ${Buffer.from('alice:').toString('base64')}`);
    const none = resolveProxy(settingsOverShellLookup({ HTTPS_PROXY: 'http://proxy.example.com:3128' }))!;
    assert.equal(none.authorization, undefined);
    assert.equal(none.endpoint.href, 'http://proxy.example.com:3128/');
  });
});
