import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createTempHome, type TempHome } from '../../test/helpers/temp-home.js';
import { accessInferenceProfiles } from './checks/access-inference-profiles.js';
import { accessMantleLineup } from './checks/access-mantle-lineup.js';
import { accessModels } from './checks/access-models.js';
import { credentialsIdentity } from './checks/credentials-identity.js';
import { iamActions } from './checks/iam-actions.js';
import { accessServiceTier } from './checks/access-service-tier.js';
import { credentialsExpiry } from './checks/credentials-expiry.js';
import { regionClaudeCode } from './checks/region-claude-code.js';
import { gatherFacts, type AccessFacts, type DoctorFacts, type ProbeFact } from './facts.js';
import { doctorReport, renderDoctorText } from './report.js';
import { runChecks } from './run-checks.js';
import type { Attempt, Check, ErrorFact } from './types.js';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
let home: TempHome;
let base: DoctorFacts;

before(async () => {
  home = createTempHome({ 'home/.aws/config': '[default]\nregion = eu-central-1\n' });
  base = await gatherFacts({
    env: { CLAUDE_CODE_USE_BEDROCK: '1', CC_BEDROCK_MANAGED_SETTINGS_DIR: join(home.root, 'managed'), AWS_EC2_METADATA_DISABLED: 'true' },
    homeDir: home.home,
    cwd: home.cwd,
    platform: 'linux',
    offline: true,
    stderr: sink,
    clock: () => NOW,
    detectClaudeCode: async () => ({ status: 'found', path: '/opt/bin/claude', version: '2.1.150', output: '2.1.150 (Claude Code)', error: undefined }),
  });
});
after(() => home.cleanup());

const denied: ErrorFact = { code: 'MODEL_NOT_GRANTED', message: 'Amazon Bedrock denied access', remediation: 'grant access to the model', details: {} };

function probeFact(overrides: Partial<ProbeFact>): ProbeFact {
  return {
    selections: [{ id: 'main', kind: 'main', label: 'main model', pinned: true }],
    modelId: 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0',
    endpoint: 'bedrock',
    region: 'eu-central-1',
    serviceTier: undefined,
    result: { ok: true, value: true },
    ...overrides,
  };
}

function withAccess(access: Partial<AccessFacts>, extra: Partial<DoctorFacts> = {}): DoctorFacts {
  return {
    ...base,
    offline: false,
    access: { skipped: undefined, probes: [], withoutTier: undefined, listProfiles: undefined, applicationProfiles: [], mantleLineup: undefined, ...access },
    ...extra,
  };
}

describe('checks are pure functions of the facts', () => {
  test('an old Claude Code with a profile region fails with the AWS_REGION fix', () => {
    const [finding] = regionClaudeCode.run(base);
    assert.equal(finding?.status, 'fail');
    assert.match(finding!.fix!, /export AWS_REGION=eu-central-1/);
    const upgraded = regionClaudeCode.run({ ...base, claudeCode: { status: 'found', path: '/opt/bin/claude', version: '2.1.172', output: '', error: undefined } });
    assert.equal(upgraded[0]?.status, 'ok');
    assert.equal(regionClaudeCode.run({ ...base, claudeCode: { status: 'not-found', searched: 3 } })[0]?.status, 'skip');
  });

  test('credential expiry: expired fails, soon warns, later is ok', () => {
    const facts = (expiresAt: number | undefined): DoctorFacts => ({
      ...base,
      offline: false,
      credentials: {
        ...base.credentials,
        perEndpoint: base.credentials.perEndpoint.map((group) => ({
          ...group,
          resolved: { ok: true, value: { kind: 'sigv4', keyId: 'AKIA…TEST', hasSessionToken: true, expiresAt } },
        })),
      },
    });
    assert.equal(credentialsExpiry.run(facts(NOW - 60_000))[0]?.status, 'fail');
    assert.equal(credentialsExpiry.run(facts(NOW + 5 * 60_000))[0]?.status, 'warn');
    assert.equal(credentialsExpiry.run(facts(NOW + 5 * 60 * 60_000))[0]?.status, 'ok');
    assert.equal(credentialsExpiry.run(facts(undefined))[0]?.status, 'ok');
  });

  test('a refused probe fails for a role and only warns for an unpinned alias', () => {
    const role = accessModels.run(withAccess({ probes: [probeFact({ result: { ok: false, error: denied } })] }));
    assert.equal(role[0]?.status, 'fail');
    assert.equal(role[0]?.fix, 'grant access to the model');
    const alias = accessModels.run(
      withAccess({ probes: [probeFact({ selections: [{ id: 'tier:opus', kind: 'tier', label: 'opus alias', pinned: false }], result: { ok: false, error: denied } })] }),
    );
    assert.equal(alias[0]?.status, 'warn');
    assert.equal(accessModels.run(base)[0]?.status, 'skip');
  });

  test('the service tier fails only when the model answers without it', () => {
    const tier = { ok: true as const, value: { value: 'priority' as const, source: 'ANTHROPIC_BEDROCK_SERVICE_TIER (shell env)' } };
    const refused = withAccess(
      { probes: [probeFact({ serviceTier: 'priority', result: { ok: false, error: { ...denied, code: 'REQUEST_INVALID' } } })], withoutTier: { modelId: 'x', result: { ok: true, value: true } } },
      { serviceTier: tier },
    );
    const [finding] = accessServiceTier.run(refused);
    assert.equal(finding?.status, 'fail');
    assert.match(finding!.fix!, /unset ANTHROPIC_BEDROCK_SERVICE_TIER/);
    const accepted = withAccess({ probes: [probeFact({ serviceTier: 'priority' })] }, { serviceTier: tier });
    assert.equal(accessServiceTier.run(accepted)[0]?.status, 'ok');
    const modelDown = withAccess(
      { probes: [probeFact({ result: { ok: false, error: denied } })], withoutTier: { modelId: 'x', result: { ok: false, error: denied } } },
      { serviceTier: tier },
    );
    assert.equal(accessServiceTier.run(modelDown)[0]?.status, 'skip');
  });
});

describe('one credential verdict: the report cannot disagree with itself', () => {
  const stsExpired: ErrorFact = {
    code: 'CREDENTIALS_EXPIRED',
    message: 'STS in eu-central-1 rejected the credentials as expired: The security token included in the request is expired',
    remediation: 'refresh the AWS credentials (for SSO: aws sso login --profile <name>), then check with aws sts get-caller-identity',
    details: {},
  };
  /** A temporary key (ASIA…, session token, no expiry time given) that STS just rejected as expired; the probes were refused too. */
  const expiredSession = (access: Partial<AccessFacts> = {}): DoctorFacts =>
    withAccess(access, {
      credentials: {
        ...base.credentials,
        perEndpoint: base.credentials.perEndpoint.map((group) => ({
          ...group,
          resolved: { ok: true, value: { kind: 'sigv4', keyId: 'ASIA…0001', hasSessionToken: true, expiresAt: undefined } },
          identity: { ok: false, error: stsExpired },
        })),
      },
    });
  const unnamed403: ErrorFact = { code: 'ACCESS_DENIED', message: 'Amazon Bedrock denied model x: 403 Forbidden', remediation: 'check the IAM permissions', details: {} };

  test('temporary credentials STS rejects as expired are "expired", never "no expiry — long-term"', () => {
    const [expiry] = credentialsExpiry.run(expiredSession());
    assert.equal(expiry?.status, 'fail');
    assert.match(expiry!.title, /expired/);
    assert.doesNotMatch(`${expiry!.title} ${expiry!.detail}`, /no expiry|long-term/);
    assert.match(expiry!.detail, /temporary credentials \(session token\)/);
    const [identity] = credentialsIdentity.run(expiredSession());
    assert.match(identity!.title, /as expired/);
  });

  test('a refusal caused by the expiry gets no IAM fix', () => {
    const facts = expiredSession({
      probes: [probeFact({ result: { ok: false, error: unnamed403 } })],
      listProfiles: { ok: false, error: { ...stsExpired, message: 'AWS rejected the credentials as expired' } },
    });
    const findings = [...iamActions.run(facts), ...accessInferenceProfiles.run(facts), ...accessModels.run(facts)];
    for (const finding of findings) assert.doesNotMatch(finding.fix ?? '', /iam-policy|bedrock:ListInferenceProfiles|IAM/, `${finding.id}: ${finding.fix}`);
    assert.notEqual(iamActions.run(facts)[0]?.status, 'fail');
  });

  test('each fix line is printed once', () => {
    const refused: ErrorFact = { ...stsExpired, message: 'AWS rejected the credentials from AWS_ACCESS_KEY_ID (shell env) as expired' };
    const facts = expiredSession({
      probes: [probeFact({ result: { ok: false, error: refused } }), probeFact({ modelId: 'other', selections: [{ id: 'tier:opus', kind: 'tier', label: 'opus alias', pinned: false }], result: { ok: false, error: refused } })],
      listProfiles: { ok: false, error: refused },
    });
    const fixes = runChecks(facts).filter((finding) => finding.status !== 'ok' && finding.fix).map((finding) => finding.fix);
    assert.equal(new Set(fixes).size, fixes.length, JSON.stringify(fixes, null, 1));
  });

  test('the Mantle count and the list under it are the same set', () => {
    const notGranted: ErrorFact = { code: 'MANTLE_NOT_GRANTED', message: 'Bedrock Mantle refused', remediation: 'ask', details: {} };
    const notServed: ErrorFact = { code: 'MANTLE_MODEL_NOT_SERVED', message: 'not served', remediation: 'use another', details: {} };
    const entry = (mantleId: string, result: Attempt<true>) => ({ mantleId, displayName: mantleId, result });
    const lineup = [
      entry('anthropic.claude-a', { ok: false, error: notGranted }),
      entry('anthropic.claude-b', { ok: false, error: notServed }),
      entry('anthropic.claude-c', { ok: false, error: notServed }),
      entry('anthropic.claude-d', { ok: false, error: notServed }),
      entry('anthropic.claude-e', { ok: true, value: true }),
      entry('anthropic.claude-f', { ok: true, value: true }),
      entry('anthropic.claude-g', { ok: true, value: true }),
    ];
    const facts = withAccess({ mantleLineup: lineup }, { providers: { ...base.providers, value: { ...base.providers.value, mantle: true } } });
    const [finding] = accessMantleLineup.run(facts);
    const count = Number(/refuses (\d+) of 7/.exec(finding!.title)?.[1]);
    const listed = /refused: ([^;]*)/.exec(finding!.detail)?.[1]?.split(', ') ?? [];
    assert.equal(listed.length, count, `${finding!.title} / ${finding!.detail}`);
  });
});

describe('runChecks and the report', () => {
  test('a check that throws becomes a failed finding instead of stopping doctor', () => {
    const broken: Check = {
      id: 'settings.broken',
      category: 'settings',
      title: 'Broken',
      run() {
        throw new Error('boom');
      },
    };
    const findings = runChecks(base, [broken, regionClaudeCode]);
    assert.equal(findings[0]?.status, 'fail');
    assert.match(findings[0]!.detail, /boom/);
    assert.equal(findings[1]?.id, 'region.claude-code-profile-region');
  });

  test('the report counts statuses, orders by category and renders every fix', () => {
    const report = doctorReport(runChecks(base), true);
    assert.equal(report.schema, 'cc-bedrock.doctor/1');
    assert.equal(report.ok, report.summary.fail === 0);
    assert.equal(report.checks.length, report.summary.ok + report.summary.warn + report.summary.fail + report.summary.skip);
    const categories = report.checks.map((check) => check.category);
    assert.deepEqual(categories, [...categories].sort((a, b) => ['settings', 'region', 'models', 'credentials', 'access', 'iam'].indexOf(a) - ['settings', 'region', 'models', 'credentials', 'access', 'iam'].indexOf(b)));
    for (const check of report.checks) assert.ok(check.fix === null || check.fix.length > 0);
    const text = renderDoctorText(report);
    for (const check of report.checks.filter((c) => c.status !== 'ok' && c.fix)) assert.ok(text.includes(`fix: ${check.fix}`));
  });
});
