import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createTempHome } from '../../test/helpers/temp-home.js';
import type { TempHome } from '../../test/helpers/temp-home.js';
import { createEnvLookup, SHELL_ENV_SOURCE } from './effective-env.js';
import { loadSettings } from './load-settings.js';
import type { LoadedSettings } from './load-settings.js';

const homes: TempHome[] = [];
after(() => {
  for (const home of homes) home.cleanup();
});

function loadFrom(files: Record<string, string | object>, settingsFlag?: string): { home: TempHome; loaded: LoadedSettings } {
  const home = createTempHome(files);
  homes.push(home);
  const loaded = loadSettings({
    homeDir: home.home,
    cwd: home.cwd,
    platform: 'linux',
    env: { CC_BEDROCK_MANAGED_SETTINGS_DIR: join(home.root, 'managed') },
    settingsFlag,
  });
  return { home, loaded };
}

describe('createEnvLookup', () => {
  const cases: Array<{
    name: string;
    shell: Record<string, string>;
    files: Record<string, object>;
    variable: string;
    expected: { value: string; source: string } | undefined;
  }> = [
    {
      name: 'shell only',
      shell: { AWS_REGION: 'us-west-2' },
      files: {},
      variable: 'AWS_REGION',
      expected: { value: 'us-west-2', source: SHELL_ENV_SOURCE },
    },
    {
      name: 'user env block overrides the shell',
      shell: { AWS_REGION: 'us-west-2' },
      files: { 'home/.claude/settings.json': { env: { AWS_REGION: 'eu-west-1' } } },
      variable: 'AWS_REGION',
      expected: { value: 'eu-west-1', source: '~/.claude/settings.json env' },
    },
    {
      name: 'empty string in a settings env block cancels a shell export',
      shell: { CLAUDE_CODE_USE_VERTEX: '1' },
      files: { 'home/.claude/settings.json': { env: { CLAUDE_CODE_USE_VERTEX: '' } } },
      variable: 'CLAUDE_CODE_USE_VERTEX',
      expected: undefined,
    },
    {
      name: 'whitespace-only settings value also unsets',
      shell: { AWS_PROFILE: 'dev' },
      files: { 'home/.claude/settings.json': { env: { AWS_PROFILE: '   ' } } },
      variable: 'AWS_PROFILE',
      expected: undefined,
    },
    {
      name: 'empty shell value is unset',
      shell: { AWS_BEARER_TOKEN_BEDROCK: '' },
      files: {},
      variable: 'AWS_BEARER_TOKEN_BEDROCK',
      expected: undefined,
    },
    {
      name: 'values are trimmed',
      shell: {},
      files: { 'home/.claude/settings.json': { env: { AWS_REGION: '  eu-central-1\n' } } },
      variable: 'AWS_REGION',
      expected: { value: 'eu-central-1', source: '~/.claude/settings.json env' },
    },
    {
      name: 'managed env beats user env and is labelled as managed',
      shell: {},
      files: {
        'home/.claude/settings.json': { env: { ANTHROPIC_MODEL: 'opus' } },
        'managed/managed-settings.json': { env: { ANTHROPIC_MODEL: 'sonnet' } },
      },
      variable: 'ANTHROPIC_MODEL',
      expected: { value: 'sonnet', source: 'managed settings env (<root>/managed/managed-settings.json)' },
    },
    {
      name: 'unset everywhere',
      shell: {},
      files: { 'home/.claude/settings.json': { env: { OTHER: 'x' } } },
      variable: 'AWS_REGION',
      expected: undefined,
    },
  ];
  for (const { name, shell, files, variable, expected } of cases) {
    test(name, () => {
      const { home, loaded } = loadFrom(files);
      const lookup = createEnvLookup(shell, loaded);
      const want = expected && { ...expected, source: expected.source.replace('<root>', home.root) };
      assert.deepEqual(lookup.get(variable), want);
      assert.equal(lookup.sourceOf(variable), want?.source);
    });
  }

  test('--settings env is labelled with the flag', () => {
    const { loaded } = loadFrom({}, '{"env":{"AWS_REGION":"ap-southeast-2"}}');
    assert.deepEqual(createEnvLookup({}, loaded).get('AWS_REGION'), {
      value: 'ap-southeast-2',
      source: '--settings (inline JSON) env',
    });
  });

  test('project env is labelled with the project file', () => {
    const { home, loaded } = loadFrom({ 'project/.claude/settings.json': { env: { AWS_PROFILE: 'proj' } } });
    assert.equal(createEnvLookup({}, loaded).sourceOf('AWS_PROFILE'), `${join(home.cwd, '.claude', 'settings.json')} env`);
  });

  test('works without settings', () => {
    assert.deepEqual(createEnvLookup({ A: 'x' }, undefined).get('A'), { value: 'x', source: SHELL_ENV_SOURCE });
  });

  test('effectiveEnv merges the settings block over the process env for subprocesses', () => {
    const { loaded } = loadFrom({
      'home/.claude/settings.json': { env: { AWS_PROFILE: 'from-settings', CLAUDE_CODE_USE_VERTEX: '', NEW_VAR: 'n' } },
    });
    const lookup = createEnvLookup({ PATH: '/bin', AWS_PROFILE: 'shell', CLAUDE_CODE_USE_VERTEX: '1', UNDEF: undefined }, loaded);
    assert.deepEqual(lookup.effectiveEnv(), { PATH: '/bin', AWS_PROFILE: 'from-settings', NEW_VAR: 'n' });
  });
});
