import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { CcBedrockError } from '../../src/core/errors.js';
import { createEnvLookup } from '../../src/settings/effective-env.js';
import { loadSettings } from '../../src/settings/load-settings.js';
import type { LoadSettingsOptions } from '../../src/settings/load-settings.js';
import { createTempHome } from '../helpers/temp-home.js';
import type { TempHome } from '../helpers/temp-home.js';
import { assertNoSecrets, PLANTED } from '../helpers/secrets.js';

const homes: TempHome[] = [];
after(() => {
  for (const home of homes) home.cleanup();
});

function options(home: TempHome, extra: Partial<LoadSettingsOptions> = {}): LoadSettingsOptions {
  return {
    homeDir: home.home,
    cwd: home.cwd,
    platform: 'linux',
    env: { CC_BEDROCK_MANAGED_SETTINGS_DIR: join(home.root, 'managed') },
    ...extra,
  };
}

function everythingSaid(error: unknown): string {
  if (error instanceof CcBedrockError) {
    return [error.message, error.describe(), JSON.stringify(error.toJSON()), error.stack ?? '', String(error.cause ?? '')].join('\n');
  }
  return String(error);
}

const secretEnv = {
  AWS_ACCESS_KEY_ID: PLANTED.accessKeyId,
  AWS_SECRET_ACCESS_KEY: PLANTED.secretAccessKey,
  AWS_SESSION_TOKEN: PLANTED.sessionToken,
  AWS_BEARER_TOKEN_BEDROCK: PLANTED.bearerToken,
};

const scenarios: Array<{ name: string; content: string; code: string }> = [
  {
    name: 'a type error elsewhere in the file',
    content: JSON.stringify({ env: secretEnv, availableModels: 'opus' }, null, 2),
    code: 'SETTINGS_TYPE_INVALID',
  },
  {
    name: 'a type error in the same env block',
    content: JSON.stringify({ env: { ...secretEnv, AWS_REGION: 42 } }, null, 2),
    code: 'SETTINGS_TYPE_INVALID',
  },
  {
    name: 'a secret whose own entry has the wrong type',
    content: JSON.stringify({ env: { AWS_SECRET_ACCESS_KEY: [PLANTED.secretAccessKey], AWS_BEARER_TOKEN_BEDROCK: { v: PLANTED.bearerToken } } }),
    code: 'SETTINGS_TYPE_INVALID',
  },
  {
    // V8's own message for this quotes the surrounding text, secret included
    name: 'a syntax error right after the secrets',
    content: `{"env": {"AWS_SECRET_ACCESS_KEY": "${PLANTED.secretAccessKey}", "AWS_BEARER_TOKEN_BEDROCK": "${PLANTED.bearerToken}"} oops}`,
    code: 'SETTINGS_JSON_INVALID',
  },
  {
    name: 'an unquoted secret',
    content: `{"env": {"AWS_SECRET_ACCESS_KEY": ${PLANTED.secretAccessKey}}}`,
    code: 'SETTINGS_JSON_INVALID',
  },
];

for (const { name, content, code } of scenarios) {
  test(`no secret in errors or warnings: ${name}`, () => {
    const home = createTempHome({ 'home/.claude/settings.json': content });
    homes.push(home);
    let thrown: unknown;
    try {
      loadSettings(options(home));
    } catch (error) {
      thrown = error;
    }
    assert.ok(thrown instanceof CcBedrockError);
    assert.equal(thrown.code, code);
    assertNoSecrets(everythingSaid(thrown), 'thrown error');

    const collected = loadSettings(options(home, { collectErrors: true }));
    const said = [
      ...collected.files.flatMap((file) => file.errors.map(everythingSaid)),
      ...collected.warnings.map((w) => `${w.message} ${w.fix ?? ''}`),
    ].join('\n');
    assert.ok(said.length > 0);
    assertNoSecrets(said, 'collected errors and warnings');
  });
}

test('secrets in a settings env block reach the lookup and subprocess env, labelled, not echoed in sources', () => {
  const home = createTempHome({
    'home/.claude/settings.json': { env: { ...secretEnv, AWS_SECRET_ACCESS_KEY_TYPO: PLANTED.secretAccessKey, aws_region: 'x' } },
  });
  homes.push(home);
  const loaded = loadSettings(options(home));
  assertNoSecrets(JSON.stringify(loaded.warnings), 'warnings');
  assertNoSecrets(JSON.stringify(loaded.origins), 'origins');
  const lookup = createEnvLookup({ AWS_SECRET_ACCESS_KEY: 'shell-value' }, loaded);
  assert.deepEqual(lookup.get('AWS_SECRET_ACCESS_KEY'), { value: PLANTED.secretAccessKey, source: '~/.claude/settings.json env' });
  assertNoSecrets(lookup.sourceOf('AWS_BEARER_TOKEN_BEDROCK') ?? '', 'source label');
  assert.equal(lookup.effectiveEnv().AWS_BEARER_TOKEN_BEDROCK, PLANTED.bearerToken);
});
