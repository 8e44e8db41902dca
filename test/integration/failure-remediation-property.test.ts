/**
 * Property: a remediation that names a configuration change (a model ID to pin, a switch to turn
 * on) fixes the failure it is attached to. For a bounded set of configurations, the route plan is
 * resolved (resolveRoutePlan), the emulator's account (the stand-in for Bedrock) answers the
 * resolved target, the rule table classifies the answer; where the rule carries a fix, the fix is
 * applied to the same configuration, which is resolved and answered again: the failure with that
 * code must be gone.
 *
 * Rules whose fix is outside the configuration (an IAM grant, a quota, starting a proxy, fresh
 * credentials) carry no `fix` and are not machine-applicable here; nor are MODEL_NOT_IN_REGION and
 * MANTLE_MODEL_NOT_SERVED, whose right ID only the endpoint's own listing knows (an earlier
 * version of this test caught their guessed IDs failing again).
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { APIError } from '@anthropic-ai/sdk';
import { classifyFailure, sceneOf } from '../../src/bedrock/classify-failure.js';
import { describeUpstreamFailure } from '../../src/bedrock/sdk-failure.js';
import { FAILURE_RULES, type ClassifyContext } from '../../src/bedrock/failure-rules.js';
import type { CallTarget } from '../../src/client/types.js';
import { AwsServiceError, awsErrorResponse } from '../../src/emulator/aws-errors.js';
import { resolveForInvoke, resolveMantleModel } from '../../src/emulator/account.js';
import { AnthropicApiError } from '../../src/emulator/anthropic-errors.js';
import { scenarioWith } from '../../src/emulator/index.js';
import type { Scenario } from '../../src/emulator/scenario.js';
import { MODEL_CATALOG } from '../../src/models/model-catalog.js';
import { resolveRoutePlan } from '../../src/routing/resolve-route-plan.js';
import { createTempHome } from '../helpers/temp-home.js';

const home = createTempHome();
after(() => home.cleanup());

const scenario: Scenario = scenarioWith({});
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-northeast-1'];
/** Bounded: at most this many configurations are tried. */
const MAX_CASES = 200;

type Outcome = { readonly ok: true } | { readonly ok: false; readonly code: string; readonly rule: string; readonly fix: ReturnType<NonNullable<(typeof FAILURE_RULES)[number]['fix']>> };

/** What Bedrock (the emulator's account) answers for the main model of `env`, classified by the rule table. */
async function attempt(env: Record<string, string>): Promise<Outcome | undefined> {
  let resolution;
  try {
    resolution = await resolveRoutePlan({ env: { ...env, CC_BEDROCK_MANAGED_SETTINGS_DIR: join(home.root, 'managed') }, homeDir: home.home, cwd: home.cwd, platform: 'linux' });
  } catch {
    return undefined; // the configuration itself is refused before any call: not this property's subject
  }
  const main = resolution.plan.models.main;
  const region = main.region.value;
  const target: CallTarget = {
    modelId: main.wireModelId,
    requested: main.requested,
    endpoint: main.endpoint,
    region,
    baseURL: main.endpoint === 'mantle' ? `https://bedrock-mantle.${region}.api.aws/anthropic` : `https://bedrock-runtime.${region}.amazonaws.com`,
    betas: [],
    catalogKey: main.catalogKey,
  };
  let thrown: APIError;
  try {
    if (target.endpoint === 'mantle') resolveMantleModel(scenario, region, target.modelId);
    else resolveForInvoke(scenario, region, target.modelId);
    return { ok: true };
  } catch (error) {
    if (error instanceof AwsServiceError) {
      const wire = awsErrorResponse(error, 'req-property');
      thrown = APIError.generate(wire.status, JSON.parse(String(wire.body)) as object, undefined, new Headers(wire.headers));
    } else if (error instanceof AnthropicApiError) {
      thrown = APIError.generate(error.status, { type: 'error', error: { type: 'invalid_request_error', message: error.message } }, undefined, new Headers());
    } else {
      throw error;
    }
  }
  const context: ClassifyContext = { target, authKind: 'sigv4', operation: 'messages' };
  const classified = classifyFailure(thrown, describeUpstreamFailure(thrown, [], 0), context);
  const rule = FAILURE_RULES.find((candidate) => candidate.id === classified.rule)!;
  // The fix reads the same facts classifyFailure matched on.
  return { ok: false, code: classified.error.code, rule: rule.id, fix: rule.fix?.(sceneOf(thrown, describeUpstreamFailure(thrown, [], 0), context)) };
}

function configurations(): Array<Record<string, string>> {
  const out: Array<Record<string, string>> = [];
  for (const model of MODEL_CATALOG) {
    for (const region of REGIONS) {
      // A base foundation-model ID pinned on the Invoke API (ON_DEMAND_NOT_SUPPORTED for models without on-demand).
      out.push({ CLAUDE_CODE_USE_BEDROCK: '1', AWS_REGION: region, ANTHROPIC_MODEL: model.bedrock?.baseId ?? model.key });
      // A Mantle-format ID on Mantle only (MANTLE_MODEL_NOT_SERVED where the region lacks it): no rule may offer a fix that fails.
      if (model.mantle) out.push({ CLAUDE_CODE_USE_MANTLE: '1', AWS_REGION: region, ANTHROPIC_MODEL: model.mantle.id });
    }
  }
  return out.slice(0, MAX_CASES);
}

describe('remediations that name a configuration change fix the failure', () => {
  test('apply each rule fix to the configuration that failed: the same code does not come back', async () => {
    const applied = new Map<string, number>();
    const failures: string[] = [];
    for (const env of configurations()) {
      const before = await attempt(env);
      if (!before || before.ok || !before.fix) continue;
      const fixed = { ...env, [before.fix.variable]: before.fix.value };
      const afterFix = await attempt(fixed);
      applied.set(before.rule, (applied.get(before.rule) ?? 0) + 1);
      if (!afterFix) failures.push(`${JSON.stringify(env)} → ${before.code}; fix ${before.fix.variable}=${before.fix.value} makes the configuration unresolvable`);
      else if (!afterFix.ok && afterFix.code === before.code) failures.push(`${JSON.stringify(env)} → ${before.code}; after ${before.fix.variable}=${before.fix.value} still ${afterFix.code}`);
    }
    assert.deepEqual(failures, []);
    // The property was exercised for every rule that can carry a fix and that these configurations reach.
    assert.ok((applied.get('on-demand-not-supported') ?? 0) > 0, JSON.stringify([...applied]));
  });
});
