import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { SETTINGS_ENV_SOURCE, settingsOverShellLookup } from '../../test/helpers/env-lookup.js';
import { withTempHome } from '../../test/helpers/temp-home.js';
import { resolveRegion } from './region.js';

interface Case {
  name: string;
  files?: Record<string, string>;
  shell?: Record<string, string>;
  settings?: Record<string, string>;
  region: string;
  source: string;
  warnings?: RegExp[];
}

const CASES: Case[] = [
  { name: 'nothing anywhere falls back to us-east-1', region: 'us-east-1', source: 'default (us-east-1)' },
  {
    name: 'AWS_REGION beats everything',
    shell: { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'us-west-2' },
    files: { 'home/.aws/config': '[default]\nregion = ap-south-1\n' },
    region: 'eu-west-1',
    source: 'AWS_REGION (shell env)',
  },
  {
    name: 'AWS_DEFAULT_REGION is second',
    shell: { AWS_DEFAULT_REGION: 'us-west-2' },
    files: { 'home/.aws/config': '[default]\nregion = ap-south-1\n' },
    region: 'us-west-2',
    source: 'AWS_DEFAULT_REGION (shell env)',
  },
  {
    name: 'settings env labels its source',
    shell: { AWS_REGION: 'us-west-2' },
    settings: { AWS_REGION: 'eu-central-1' },
    region: 'eu-central-1',
    source: `AWS_REGION (${SETTINGS_ENV_SOURCE})`,
  },
  {
    name: 'an empty settings value cancels the shell value',
    shell: { AWS_REGION: 'us-west-2' },
    settings: { AWS_REGION: '' },
    region: 'us-east-1',
    source: 'default (us-east-1)',
  },
  {
    name: 'default profile region from the config file',
    files: { 'home/.aws/config': '[default]\nregion = eu-north-1\n' },
    region: 'eu-north-1',
    source: 'region of profile "default" in ~/.aws/config',
  },
  {
    name: 'AWS_PROFILE selects a [profile x] section of the config file',
    shell: { AWS_PROFILE: 'dev' },
    files: { 'home/.aws/config': '[default]\nregion = eu-north-1\n\n[profile dev]\nregion = ap-northeast-1\n' },
    region: 'ap-northeast-1',
    source: 'region of profile "dev" in ~/.aws/config',
  },
  {
    name: 'AWS_PROFILE from settings env',
    settings: { AWS_PROFILE: 'dev' },
    files: { 'home/.aws/config': '[profile dev]\nregion = ap-northeast-1\n' },
    region: 'ap-northeast-1',
    source: 'region of profile "dev" in ~/.aws/config',
  },
  {
    name: 'the credentials file is read before the config file',
    shell: { AWS_PROFILE: 'dev' },
    files: {
      'home/.aws/credentials': '[dev]\nregion = eu-south-1\naws_access_key_id = AKIAEXAMPLE\n',
      'home/.aws/config': '[profile dev]\nregion = ap-northeast-1\n',
    },
    region: 'eu-south-1',
    source: 'region of profile "dev" in ~/.aws/credentials',
  },
  {
    name: '[dev] without the profile prefix in the config file is not profile dev',
    shell: { AWS_PROFILE: 'dev' },
    files: { 'home/.aws/config': '[dev]\nregion = ap-northeast-1\n' },
    region: 'us-east-1',
    source: 'default (us-east-1)',
  },
  {
    name: 'a bad AWS_REGION is ignored with a warning and resolution continues',
    shell: { AWS_REGION: 'https://bedrock.example.com', AWS_DEFAULT_REGION: 'eu-west-3' },
    region: 'eu-west-3',
    source: 'AWS_DEFAULT_REGION (shell env)',
    warnings: [/AWS_REGION \(shell env\) is "https:\/\/bedrock\.example\.com", which is not an AWS region name, so it is ignored/],
  },
  {
    name: 'bad values everywhere: every culprit is named',
    shell: { AWS_REGION: 'us east 1', AWS_PROFILE: 'dev' },
    settings: { AWS_DEFAULT_REGION: 'eu.west.1' },
    files: {
      'home/.aws/credentials': '[dev]\nregion = US-EAST-1\n',
      'home/.aws/config': '[profile dev]\nregion = mars-1\n',
    },
    region: 'us-east-1',
    source: 'default (us-east-1)',
    warnings: [
      /AWS_REGION \(shell env\) is "us east 1"/,
      /AWS_DEFAULT_REGION \(~\/\.claude\/settings\.json env\) is "eu\.west\.1"/,
      /region "US-EAST-1" of profile "dev" in ~\/\.aws\/credentials/,
      /region "mars-1" of profile "dev" in ~\/\.aws\/config/,
    ],
  },
  {
    name: 'a bad credentials-file region falls through to the config file',
    files: { 'home/.aws/credentials': '[default]\nregion = us-east-1/\n', 'home/.aws/config': '[default]\nregion = ca-central-1\n' },
    region: 'ca-central-1',
    source: 'region of profile "default" in ~/.aws/config',
    warnings: [/region "us-east-1\/" of profile "default" in ~\/\.aws\/credentials/],
  },
  {
    name: 'GovCloud regions are regions',
    files: { 'home/.aws/config': '[default]\nregion = us-gov-west-1\n' },
    region: 'us-gov-west-1',
    source: 'region of profile "default" in ~/.aws/config',
  },
];

describe('resolveRegion', () => {
  for (const c of CASES) {
    test(c.name, async () => {
      await withTempHome(c.files ?? {}, async (home) => {
        const result = await resolveRegion({ env: settingsOverShellLookup(c.shell ?? {}, c.settings ?? {}), homeDir: home.home });
        assert.deepEqual(result.region, { value: c.region, source: c.source });
        const expected = c.warnings ?? [];
        assert.equal(result.warnings.length, expected.length, JSON.stringify(result.warnings));
        expected.forEach((pattern, i) => {
          assert.match(result.warnings[i]?.message ?? '', pattern);
          assert.equal(result.warnings[i]?.code, 'region-invalid');
          assert.ok(result.warnings[i]?.fix);
        });
      });
    });
  }

  test('AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE move the files, also from settings env', async () => {
    const files = {
      'home/.aws/config': '[default]\nregion = eu-north-1\n',
      'elsewhere/config': '[profile ci]\nregion = sa-east-1\n',
      'elsewhere/creds': '[ci]\nregion = me-south-1\n',
    };
    await withTempHome(files, async (home) => {
      const config = join(home.root, 'elsewhere', 'config');
      const creds = join(home.root, 'elsewhere', 'creds');
      const viaConfig = await resolveRegion({ env: settingsOverShellLookup({ AWS_PROFILE: 'ci' }, { AWS_CONFIG_FILE: config }), homeDir: home.home });
      assert.equal(viaConfig.region.value, 'sa-east-1');
      assert.equal(viaConfig.region.source, `region of profile "ci" in ${config} (AWS_CONFIG_FILE, ${SETTINGS_ENV_SOURCE})`);

      const viaBoth = await resolveRegion({
        env: settingsOverShellLookup({ AWS_PROFILE: 'ci', AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: creds }),
        homeDir: home.home,
      });
      assert.equal(viaBoth.region.value, 'me-south-1');
      assert.match(viaBoth.region.source, /AWS_SHARED_CREDENTIALS_FILE, shell env/);

      const tilde = await resolveRegion({ env: settingsOverShellLookup({ AWS_CONFIG_FILE: '~/.aws/config' }), homeDir: home.home });
      assert.equal(tilde.region.value, 'eu-north-1');

      const missing = await resolveRegion({ env: settingsOverShellLookup({ AWS_CONFIG_FILE: join(home.root, 'nope') }), homeDir: home.home });
      assert.equal(missing.region.value, 'us-east-1');
    });
  });

  test('a rewritten config file is read afresh on the next call (no stale loader cache)', async () => {
    await withTempHome({ 'home/.aws/config': '[default]\nregion = eu-west-1\n' }, async (home) => {
      const env = settingsOverShellLookup({});
      assert.equal((await resolveRegion({ env, homeDir: home.home })).region.value, 'eu-west-1');
      home.write('home/.aws/config', '[default]\nregion = ap-southeast-2\n');
      assert.equal((await resolveRegion({ env, homeDir: home.home })).region.value, 'ap-southeast-2');
    });
  });
});
