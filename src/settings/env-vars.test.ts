import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KNOWN_SETTINGS_KEYS } from './settings-schema.js';
import { CATEGORY_TITLES, ENV_VARS, findEnvVar, findMisnamedVariable, MISNAMED_VARIABLES, renderEnvReference } from './env-vars.js';

test('names are unique', () => {
  const names = ENV_VARS.map((entry) => entry.name);
  assert.deepEqual(names.filter((name, i) => names.indexOf(name) !== i), []);
});

test('every settings key the schema reads is in the table as a setting', () => {
  for (const key of KNOWN_SETTINGS_KEYS) assert.equal(findEnvVar(key)?.kind, 'setting', key);
});

test('the table covers the variables the spec and brief require', () => {
  const required = [
    'CLAUDE_CODE_USE_BEDROCK', 'CLAUDE_CODE_USE_MANTLE', 'ANTHROPIC_BEDROCK_BASE_URL', 'ANTHROPIC_BEDROCK_MANTLE_BASE_URL',
    'ANTHROPIC_BEDROCK_REGION_PREFIX', 'ANTHROPIC_BEDROCK_SERVICE_TIER', 'CLAUDE_CODE_SKIP_BEDROCK_AUTH', 'CLAUDE_CODE_SKIP_MANTLE_AUTH',
    'CLAUDE_CODE_PROVIDER_MANAGED_BY_HOST', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_PROFILE', 'AWS_CONFIG_FILE',
    'AWS_SHARED_CREDENTIALS_FILE', 'ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN', 'AWS_BEARER_TOKEN_BEDROCK', 'CLAUDE_CODE_SKIP_AWS_CRED_CACHE', 'CLAUDE_CODE_AWS_CHAIN_RESOLVE_TIMEOUT_MS',
    'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_ROLE_ARN', 'AWS_ROLE_SESSION_NAME', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
    'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_EC2_METADATA_DISABLED', 'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_STS',
    'ANTHROPIC_MODEL', 'ANTHROPIC_DEFAULT_MODEL', 'ANTHROPIC_DEFAULT_OPUS_MODEL', 'ANTHROPIC_DEFAULT_SONNET_MODEL',
    'ANTHROPIC_DEFAULT_HAIKU_MODEL', 'ANTHROPIC_DEFAULT_FABLE_MODEL', 'ANTHROPIC_DEFAULT_HAIKU_MODEL_SUPPORTED_CAPABILITIES',
    'ANTHROPIC_CUSTOM_MODEL_OPTION', 'ANTHROPIC_SMALL_FAST_MODEL', 'CLAUDE_CODE_SUBAGENT_MODEL', 'CLAUDE_CODE_DISABLE_1M_CONTEXT',
    'FALLBACK_FOR_ALL_PRIMARY_MODELS', 'HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'NO_PROXY', 'API_TIMEOUT_MS',
    'CLAUDE_CODE_MAX_RETRIES', 'CLAUDE_CODE_USE_VERTEX', 'CLAUDE_CODE_USE_FOUNDRY', 'CLAUDE_CODE_USE_ANTHROPIC_AWS',
    'CLAUDE_CONFIG_DIR', 'CC_BEDROCK_MANAGED_SETTINGS_DIR', 'CC_BEDROCK_CACHE_DIR', 'ANTHROPIC_CUSTOM_HEADERS',
  ];
  assert.deepEqual(required.filter((name) => !findEnvVar(name)), []);
});

test('other providers are recognised but marked not served', () => {
  for (const name of ['CLAUDE_CODE_USE_VERTEX', 'CLAUDE_CODE_USE_FOUNDRY', 'CLAUDE_CODE_USE_ANTHROPIC_AWS']) {
    assert.equal(findEnvVar(name)?.notServed, true, name);
  }
  assert.equal(findEnvVar('CLAUDE_CODE_USE_BEDROCK')?.notServed, undefined);
});

test('misnamed variables point at real ones and are not real themselves', () => {
  for (const entry of MISNAMED_VARIABLES) {
    assert.equal(findEnvVar(entry.name), undefined, entry.name);
    assert.equal(findEnvVar(entry.correct)?.kind, 'env', entry.correct);
  }
  assert.equal(findMisnamedVariable('ANTHROPIC_BEDROCK_ENDPOINT_URL')?.correct, 'ANTHROPIC_BEDROCK_BASE_URL');
});

test('findMisnamedVariable: wrong case of a real name; real names and unrelated names are not flagged', () => {
  assert.equal(findMisnamedVariable('aws_region')?.correct, 'AWS_REGION');
  assert.equal(findMisnamedVariable('AWS_REGION'), undefined);
  assert.equal(findMisnamedVariable('https_proxy'), undefined);
  assert.equal(findMisnamedVariable('MY_OWN_VARIABLE'), undefined);
  assert.equal(findMisnamedVariable('MODEL'), undefined, 'settings keys are not variables');
});

test('renderEnvReference lists every entry under its category, and the wrong names', () => {
  const text = renderEnvReference();
  for (const entry of ENV_VARS) assert.ok(text.includes(`| \`${entry.name}\` |`), entry.name);
  for (const entry of MISNAMED_VARIABLES) assert.ok(text.includes(`| \`${entry.name}\` | \`${entry.correct}\` |`), entry.name);
  for (const title of Object.values(CATEGORY_TITLES)) assert.ok(text.includes(`### ${title}`), title);
  // every table row has exactly four cells: a stray | in a description would break the table
  for (const line of text.split('\n').filter((l) => l.startsWith('| `') && !l.includes('Correct name'))) {
    const cells = line.replace(/\\\|/g, '').split('|').length - 2;
    assert.ok(cells === 4 || cells === 3, line);
  }
});

test('every pin row reads "Pins what <alias> resolves to" (the Fable row was garbled)', () => {
  for (const tier of ['opus', 'sonnet', 'haiku', 'fable']) {
    const description = findEnvVar(`ANTHROPIC_DEFAULT_${tier.toUpperCase()}_MODEL`)?.description ?? '';
    assert.match(description, new RegExp(`^Pins what \`${tier}\`( \\([^)]*\\)| and the background \\(small/fast\\) model)? resolves to;`), description);
  }
});

test('every variable documented as an on/off switch is parsed as one, and only those warn instead of failing', () => {
  for (const entry of ENV_VARS) {
    if (entry.values.startsWith('`1`/`true` on, `0`/`false` off; default off')) assert.equal(entry.parse.kind, 'switch', entry.name);
    if (entry.badValue === 'warn') assert.ok(['switch', 'duration', 'region', 'enum'].includes(entry.parse.kind), entry.name);
    // A region or mode that is ignored says so in the reference, as Claude Code's leniency does.
    if (entry.badValue === 'warn' && ['region', 'enum'].includes(entry.parse.kind)) assert.match(entry.description, /ignored/, entry.name);
  }
  const numeric = ENV_VARS.filter((entry) => /milliseconds|tokens|count|whole number|bytes/.test(entry.values.split(';')[0] ?? ''));
  assert.deepEqual(numeric.filter((entry) => entry.parse.kind !== 'integer' && entry.parse.kind !== 'duration').map((entry) => entry.name), []);
});
