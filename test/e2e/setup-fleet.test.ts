/**
 * `setup --yes --managed --json` as a fleet admin runs it: the spawned CLI, real files, the
 * emulator as AWS. The result is JSON on stdout, the wizard's lines on stderr, the exit code from
 * the outcome; the managed settings come with their .mobileconfig and .reg forms.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { emulatorEndpoints, plantedAccount, startUpstream } from '../helpers/cli-emulator.js';
import { parsePlistXml } from '../helpers/plist.js';
import { parseRegFile } from '../helpers/reg-file.js';
import { hermeticEnv, runCli } from '../helpers/run-cli.js';
import { assertNoSecrets } from '../helpers/secrets.js';
import { createTempHomePool } from '../helpers/temp-home.js';

const homes = createTempHomePool();
after(() => homes.cleanup());

const SSO_CONFIG = '[profile fleet]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Dev\nregion = us-east-1\n[sso-session corp]\nsso_region = us-east-1\nsso_start_url = https://corp.awsapps.com/start\n';

describe('setup --yes --managed --json', () => {
  test('writes managed-settings.json, .mobileconfig and .reg with the same settings; JSON result on stdout', async () => {
    const upstream = await startUpstream(plantedAccount());
    try {
      const home = homes.create({ 'home/.aws/config': SSO_CONFIG });
      const out = join(home.root, 'rollout');
      mkdirSync(out);
      const result = await runCli(
        ['setup', '--yes', '--json', '--managed', out, '--auth', 'profile', '--profile', 'fleet', '--region', 'us-east-1', '--available-models', 'sonnet,haiku', '--model-override', 'claude-opus-4-7=us.anthropic.claude-opus-4-7', '--model-override', 'claude-haiku-4-5=us.anthropic.claude-haiku-4-5-20251001-v1:0'],
        { cwd: home.cwd, env: { ...hermeticEnv(home), ...emulatorEndpoints(upstream.url) } },
      );
      assertNoSecrets(result.stdout + result.stderr, 'setup output');
      assert.equal(result.code, 0, result.stderr);
      const json = JSON.parse(result.stdout) as { outcome: string; written: string[]; changed: string[] };
      assert.equal(json.outcome, 'written');
      assert.deepEqual(json.written.map((p) => p.split('/').pop()), ['managed-settings.json', 'managed-settings.mobileconfig', 'managed-settings.reg']);
      assert.ok(json.changed.includes('awsAuthRefresh'));
      const settings = JSON.parse(readFileSync(join(out, 'managed-settings.json'), 'utf8')) as Record<string, unknown>;
      assert.equal(settings.awsAuthRefresh, 'aws sso login --profile fleet');
      assert.deepEqual(settings.modelOverrides, { 'claude-opus-4-7': 'us.anthropic.claude-opus-4-7', 'claude-haiku-4-5': 'us.anthropic.claude-haiku-4-5-20251001-v1:0' });
      const payload = { ...(parsePlistXml(readFileSync(join(out, 'managed-settings.mobileconfig'), 'utf8')).PayloadContent as Array<Record<string, unknown>>)[0] };
      for (const key of Object.keys(payload)) if (key.startsWith('Payload')) delete payload[key];
      assert.deepEqual(payload, settings);
      const reg = parseRegFile(readFileSync(join(out, 'managed-settings.reg'), 'utf8'));
      assert.deepEqual(JSON.parse(reg.keys.get('HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\ClaudeCode')?.get('Settings') ?? 'null'), settings);
      assert.match(result.stderr, /\/etc\/claude-code\/managed-settings\.json/);
    } finally {
      await upstream.close();
    }
  });

  test('a malformed --model-override is a usage error naming the flag (exit 2)', async () => {
    const home = homes.create();
    const result = await runCli(['setup', '--yes', '--managed', join(home.root, 'x'), '--auth', 'environment', '--model-override', 'opus'], { cwd: home.cwd, env: hermeticEnv(home) });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--model-override "opus" is not <anthropic-model-id>=<bedrock-id-or-arn>/);
  });
});
