import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { SETTINGS_ENV_SOURCE, settingsOverShellLookup } from '../../test/helpers/env-lookup.js';
import { withTempHome } from '../../test/helpers/temp-home.js';
import { PLANTED, assertNoSecrets } from '../../test/helpers/secrets.js';
import type { CredentialKind, EndpointKind, Sourced } from '../core/route-plan.js';
import { classifyProfile, planCredentials } from './credential-plan.js';

const KEYS = { AWS_ACCESS_KEY_ID: PLANTED.accessKeyId, AWS_SECRET_ACCESS_KEY: PLANTED.secretAccessKey };
const NO_IMDS = { AWS_EC2_METADATA_DISABLED: 'true' };
const STATIC_PROFILE = `aws_access_key_id = ${PLANTED.accessKeyId}\naws_secret_access_key = ${PLANTED.secretAccessKey}\naws_session_token = ${PLANTED.sessionToken}\n`;

interface Case {
  name: string;
  shell?: Record<string, string>;
  settings?: Record<string, string>;
  files?: Record<string, string>;
  endpoint?: EndpointKind;
  exportCommand?: Sourced<string>;
  kind: CredentialKind;
  source: RegExp;
  detail?: RegExp;
  profile?: string;
  ssoRegion?: string;
  warnings?: string[];
}

const CASES: Case[] = [
  {
    name: 'skip-auth for Bedrock',
    shell: { CLAUDE_CODE_SKIP_BEDROCK_AUTH: '1', AWS_BEARER_TOKEN_BEDROCK: PLANTED.bearerToken, ...KEYS },
    kind: 'skip-auth',
    source: /^CLAUDE_CODE_SKIP_BEDROCK_AUTH \(shell env\)$/,
  },
  {
    name: 'the Bedrock skip switch does not skip Mantle auth',
    shell: { CLAUDE_CODE_SKIP_BEDROCK_AUTH: 'true', ...KEYS },
    endpoint: 'mantle',
    kind: 'env-keys',
    source: /^AWS_ACCESS_KEY_ID \(shell env\)$/,
  },
  {
    name: 'skip-auth for Mantle',
    settings: { CLAUDE_CODE_SKIP_MANTLE_AUTH: 'TRUE' },
    endpoint: 'mantle',
    kind: 'skip-auth',
    source: /^CLAUDE_CODE_SKIP_MANTLE_AUTH \(~\/\.claude\/settings\.json env\)$/,
  },
  {
    name: 'skip switch set to 0 is off; an unknown value warns',
    shell: { CLAUDE_CODE_SKIP_BEDROCK_AUTH: 'yes', AWS_BEARER_TOKEN_BEDROCK: PLANTED.bearerToken },
    kind: 'bearer-token',
    source: /^AWS_BEARER_TOKEN_BEDROCK \(shell env\)$/,
    detail: /API key \(\d+ characters, hidden\)/,
    warnings: ['switch-value-unrecognised'],
  },
  {
    name: 'the Bedrock API key beats the export command and env keys',
    shell: { AWS_BEARER_TOKEN_BEDROCK: PLANTED.bearerToken, ...KEYS },
    exportCommand: { value: 'broker --token abc', source: '~/.claude/settings.json' },
    kind: 'bearer-token',
    source: /^AWS_BEARER_TOKEN_BEDROCK/,
  },
  {
    name: 'awsCredentialExport beats env keys and names the fallback',
    shell: { ...KEYS },
    exportCommand: { value: 'broker --token abc', source: '~/.claude/settings.json' },
    kind: 'credential-export',
    source: /^awsCredentialExport \(~\/\.claude\/settings\.json\)$/,
    detail: /runs broker at start.*if it fails: env-keys/,
  },
  {
    name: 'env keys, masked',
    shell: { ...KEYS, AWS_SESSION_TOKEN: PLANTED.sessionToken },
    kind: 'env-keys',
    source: /^AWS_ACCESS_KEY_ID \(shell env\)$/,
    detail: /^access key AKIA…0001 with session token$/,
  },
  {
    name: 'AWS_PROFILE wins over env keys, as in the AWS SDK, with a warning',
    shell: { ...KEYS, AWS_PROFILE: 'dev' },
    files: { 'home/.aws/credentials': `[dev]\n${STATIC_PROFILE}` },
    kind: 'profile-static',
    source: /^profile "dev" in ~\/\.aws\/credentials$/,
    detail: /^access key AKIA…0001 with session token$/,
    profile: 'dev',
    warnings: ['aws-profile-beats-env-keys'],
  },
  {
    name: 'half the env keys: skipped with a warning, default profile used',
    shell: { AWS_ACCESS_KEY_ID: PLANTED.accessKeyId },
    files: { 'home/.aws/credentials': `[default]\n${STATIC_PROFILE}` },
    kind: 'profile-static',
    source: /^profile "default" in ~\/\.aws\/credentials$/,
    profile: 'default',
    warnings: ['env-keys-incomplete'],
  },
  {
    name: 'SSO profile via sso_session reports the sso-session region',
    settings: { AWS_PROFILE: 'corp' },
    files: {
      'home/.aws/config':
        '[profile corp]\nsso_session = acme\nsso_account_id = 123456789012\nsso_role_name = Dev\nregion = us-west-2\n\n[sso-session acme]\nsso_start_url = https://acme.awsapps.com/start\nsso_region = eu-west-1\n',
    },
    kind: 'profile-sso',
    source: /^profile "corp" in ~\/\.aws\/config$/,
    detail: /role Dev in account 123456789012 \(sso_region eu-west-1, sso_session "acme"\)/,
    profile: 'corp',
    ssoRegion: 'eu-west-1',
  },
  {
    name: 'legacy SSO profile via sso_start_url',
    shell: { AWS_PROFILE: 'old' },
    files: {
      'home/.aws/config':
        '[profile old]\nsso_start_url = https://acme.awsapps.com/start\nsso_region = ap-southeast-2\nsso_account_id = 123456789012\nsso_role_name = Dev\n',
    },
    kind: 'profile-sso',
    source: /^profile "old" in ~\/\.aws\/config$/,
    profile: 'old',
    ssoRegion: 'ap-southeast-2',
  },
  {
    name: 'SSO profile without sso_region warns',
    shell: { AWS_PROFILE: 'x' },
    files: { 'home/.aws/config': '[profile x]\nsso_start_url = https://acme.awsapps.com/start\n' },
    kind: 'profile-sso',
    source: /profile "x"/,
    profile: 'x',
    warnings: ['sso-region-missing'],
  },
  {
    name: 'credential_process profile shows only the program',
    files: { 'home/.aws/config': '[default]\ncredential_process = /opt/bin/creds --secret hunter2\n' },
    kind: 'profile-process',
    source: /^profile "default" in ~\/\.aws\/config$/,
    detail: /^credential_process runs \/opt\/bin\/creds$/,
    profile: 'default',
  },
  {
    name: 'assume-role profile (role_arn + source_profile) beats its own static keys',
    shell: { AWS_PROFILE: 'admin' },
    files: {
      'home/.aws/config': '[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/Admin\nsource_profile = base\n',
      'home/.aws/credentials': `[admin]\n${STATIC_PROFILE}\n[base]\n${STATIC_PROFILE}`,
    },
    kind: 'profile-assume-role',
    source: /^profile "admin" in ~\/\.aws\/config$/,
    detail: /assumes arn:aws:iam::123456789012:role\/Admin with credentials of profile "base"/,
    profile: 'admin',
  },
  {
    name: 'role_arn with both source_profile and credential_source is not assume-role',
    files: {
      'home/.aws/config':
        '[default]\nrole_arn = arn:aws:iam::123456789012:role/Admin\nsource_profile = base\ncredential_source = Environment\ncredential_process = /bin/creds\n',
    },
    kind: 'profile-process',
    source: /profile "default"/,
    profile: 'default',
  },
  {
    name: 'web identity in a profile',
    files: { 'home/.aws/config': '[default]\nrole_arn = arn:aws:iam::1:role/R\nweb_identity_token_file = /var/run/token\n' },
    kind: 'web-identity',
    source: /^profile "default" in ~\/\.aws\/config$/,
    profile: 'default',
  },
  {
    name: 'aws login session profile',
    files: { 'home/.aws/config': '[default]\nlogin_session = arn:aws:iam::123456789012:user/me\n' },
    kind: 'profile-login',
    source: /profile "default"/,
    profile: 'default',
  },
  {
    name: 'web identity from env',
    shell: { AWS_WEB_IDENTITY_TOKEN_FILE: '/var/run/secrets/token', AWS_ROLE_ARN: 'arn:aws:iam::1:role/Ci' },
    kind: 'web-identity',
    source: /^AWS_WEB_IDENTITY_TOKEN_FILE \(shell env\)$/,
    detail: /assumes arn:aws:iam::1:role\/Ci/,
  },
  {
    name: 'profile beats web identity env',
    shell: { AWS_WEB_IDENTITY_TOKEN_FILE: '/t', AWS_ROLE_ARN: 'arn:aws:iam::1:role/Ci' },
    files: { 'home/.aws/credentials': `[default]\n${STATIC_PROFILE}` },
    kind: 'profile-static',
    source: /profile "default"/,
    profile: 'default',
  },
  {
    name: 'container credentials (relative URI)',
    shell: { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/abc', AWS_CONTAINER_AUTHORIZATION_TOKEN: PLANTED.gatewayKey },
    kind: 'container',
    source: /^AWS_CONTAINER_CREDENTIALS_RELATIVE_URI \(shell env\)$/,
    detail: /http:\/\/169\.254\.170\.2\/v2\/credentials\/abc/,
  },
  {
    name: 'container credentials (full URI)',
    shell: { AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:9911/creds' },
    kind: 'container',
    source: /^AWS_CONTAINER_CREDENTIALS_FULL_URI/,
  },
  {
    name: 'nothing configured: instance metadata is the last link',
    kind: 'instance-metadata',
    source: /EC2 instance metadata/,
  },
  {
    name: 'AWS_EC2_METADATA_DISABLED=false keeps IMDS on (SDK semantics)',
    shell: { AWS_EC2_METADATA_DISABLED: 'false' },
    kind: 'instance-metadata',
    source: /EC2 instance metadata/,
  },
  {
    name: 'nothing configured and IMDS disabled',
    shell: { ...NO_IMDS },
    kind: 'default-chain',
    source: /AWS default credential chain/,
    detail: /instance metadata is disabled by AWS_EC2_METADATA_DISABLED \(shell env\)/,
  },
  {
    name: 'AWS_PROFILE naming a missing profile warns',
    shell: { AWS_PROFILE: 'ghost', ...NO_IMDS },
    files: { 'home/.aws/config': '[profile other]\nregion = us-east-1\n' },
    kind: 'default-chain',
    source: /AWS default credential chain/,
    profile: 'ghost',
    warnings: ['aws-profile-not-found'],
  },
  {
    name: 'a profile with only a region warns',
    shell: { ...NO_IMDS },
    files: { 'home/.aws/config': '[default]\nregion = eu-west-1\n' },
    kind: 'default-chain',
    source: /AWS default credential chain/,
    warnings: ['aws-profile-without-credentials'],
  },
];

describe('planCredentials', () => {
  for (const c of CASES) {
    test(c.name, async () => {
      await withTempHome(c.files ?? {}, async (home) => {
        const result = await planCredentials({
          env: settingsOverShellLookup(c.shell ?? {}, c.settings ?? {}),
          homeDir: home.home,
          endpoint: c.endpoint ?? 'bedrock',
          ...(c.exportCommand ? { awsCredentialExport: c.exportCommand } : {}),
        });
        assert.equal(result.kind, c.kind, JSON.stringify(result));
        assert.match(result.source, c.source);
        if (c.detail) assert.match(result.detail, c.detail);
        assert.equal(result.profile, c.profile);
        assert.equal(result.ssoRegion?.value, c.ssoRegion);
        assert.deepEqual(
          result.warnings.map((w) => w.code),
          c.warnings ?? [],
        );
        const text = JSON.stringify(result);
        assertNoSecrets(text, 'credential plan');
        assert.ok(!text.includes(PLANTED.accessKeyId), 'access key ID must be masked');
        const shown = `${result.source} ${result.detail}`;
        assert.ok(!shown.includes('hunter2') && !shown.includes('--token'), 'command arguments are not shown');
      });
    });
  }

  test('carries the refresh and export settings through', async () => {
    await withTempHome(async (home) => {
      const authRefresh = { value: 'aws sso login --profile corp', source: '~/.claude/settings.json' };
      const result = await planCredentials({ env: settingsOverShellLookup({ ...KEYS }), homeDir: home.home, endpoint: 'bedrock', awsAuthRefresh: authRefresh });
      assert.deepEqual(result.authRefresh, authRefresh);
      assert.equal(result.credentialExport, undefined);
    });
  });

  test('AWS_SHARED_CREDENTIALS_FILE is honoured for profile classification', async () => {
    await withTempHome({ 'x/creds': `[ci]\n${STATIC_PROFILE}` }, async (home) => {
      const path = join(home.root, 'x', 'creds');
      const result = await planCredentials({
        env: settingsOverShellLookup({ AWS_PROFILE: 'ci' }, { AWS_SHARED_CREDENTIALS_FILE: path }),
        homeDir: home.home,
        endpoint: 'bedrock',
      });
      assert.equal(result.kind, 'profile-static');
      assert.equal(result.source, `profile "ci" in ${path} (AWS_SHARED_CREDENTIALS_FILE, ${SETTINGS_ENV_SOURCE})`);
    });
  });
});

test('classifyProfile follows the SDK branch order', () => {
  assert.equal(classifyProfile({}), undefined);
  assert.equal(classifyProfile({ region: 'us-east-1' }), undefined);
  assert.equal(classifyProfile({ aws_access_key_id: 'a', aws_secret_access_key: 'b', credential_process: 'x' }), 'profile-static');
  assert.equal(classifyProfile({ credential_process: 'x', sso_session: 's' }), 'profile-process');
  assert.equal(classifyProfile({ sso_session: 's', login_session: 'l' }), 'profile-sso');
  assert.equal(classifyProfile({ role_arn: 'r', credential_source: 'Ec2InstanceMetadata', aws_access_key_id: 'a', aws_secret_access_key: 'b' }), 'profile-assume-role');
  assert.equal(classifyProfile({ role_arn: 'r' }), undefined);
});
