import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createEnvLookup } from '../settings/effective-env.js';
import type { LoadedSettings } from '../settings/load-settings.js';
import { prospectiveEnv } from './prospective-env.js';
import { credentialSourceMatches } from './run-setup.js';

/** Just enough of a LoadedSettings for createEnvLookup: one user file with an env block. */
function loaded(env: Record<string, string>): LoadedSettings {
  const origins = Object.fromEntries(Object.keys(env).map((name) => [`env.${name}`, '~/.claude/settings.json']));
  const scopes = Object.fromEntries(Object.keys(env).map((name) => [`env.${name}`, 'user' as const]));
  return {
    merged: { env },
    origins,
    originScopes: scopes,
    files: [],
    managedActive: false,
    warnings: [],
    originOf: (path) => origins[path],
    originScopeOf: (path) => scopes[path],
  };
}

describe('prospectiveEnv', () => {
  const shell = { AWS_PROFILE: 'shell-profile', AWS_REGION: 'us-west-2', PATH: '/bin' };
  const base = createEnvLookup(shell, loaded({ AWS_PROFILE: 'file-profile', AWS_BEARER_TOKEN_BEDROCK: 'k' }));

  test('set variables win, with the target file as their source', () => {
    const { lookup } = prospectiveEnv(base, shell, { set: { AWS_REGION: 'eu-west-1' } }, '~/.claude/settings.json');
    assert.deepEqual(lookup.get('AWS_REGION'), { value: 'eu-west-1', source: '~/.claude/settings.json env' });
    assert.equal(lookup.get('AWS_PROFILE')?.value, 'file-profile', 'untouched variables keep their current value');
  });

  test('a removed variable falls back to the shell, as it will once the file stops setting it', () => {
    const { lookup, subprocessEnv } = prospectiveEnv(base, shell, { unset: ['AWS_PROFILE', 'AWS_BEARER_TOKEN_BEDROCK'] }, 'f');
    assert.deepEqual(lookup.get('AWS_PROFILE'), { value: 'shell-profile', source: 'shell env' });
    assert.equal(lookup.get('AWS_BEARER_TOKEN_BEDROCK'), undefined);
    assert.equal(subprocessEnv.AWS_PROFILE, 'shell-profile');
    assert.ok(!('AWS_BEARER_TOKEN_BEDROCK' in subprocessEnv));
    assert.equal(subprocessEnv.PATH, '/bin');
  });
});

describe('credentialSourceMatches', () => {
  test('a source that takes precedence over the chosen method is a mismatch', () => {
    const profile = { method: 'profile', profile: 'dev' } as const;
    assert.equal(credentialSourceMatches('profile', profile, { kind: 'profile-sso', profile: 'dev' }), true);
    assert.equal(credentialSourceMatches('profile', profile, { kind: 'bearer-token', profile: undefined }), false);
    assert.equal(credentialSourceMatches('profile', profile, { kind: 'credential-export', profile: 'dev' }), false);
    assert.equal(credentialSourceMatches('profile', profile, { kind: 'profile-static', profile: 'other' }), false);
    assert.equal(credentialSourceMatches('access-keys', { method: 'access-keys', keys: undefined }, { kind: 'profile-static', profile: 'p' }), false);
    assert.equal(credentialSourceMatches('environment', { method: 'environment' }, { kind: 'instance-metadata', profile: undefined }), true);
  });
});
