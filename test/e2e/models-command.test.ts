/**
 * `cc-bedrock models`: the table checked against the model catalog (offline) and against the
 * emulator's scenario (probed), the probe cache, and the Mantle column.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { resolveForInvoke, resolveMantleModel } from '../../src/emulator/account.js';
import { scenarioWith, type Emulator, type Scenario } from '../../src/emulator/index.js';
import { GEO_PREFIXES, MODEL_CATALOG, geoServesRegion, getModel, hasProfileIn, profileIdFor } from '../../src/models/model-catalog.js';
import { bedrockOnEmulator, startUpstream, type Upstream } from '../helpers/cli-emulator.js';
import { createTempHomePool, type TempHome } from '../helpers/temp-home.js';
import { PLANTED_CREDENTIAL, PLANTED_ENV_KEYS, assertNoSecrets } from '../helpers/secrets.js';
import { hermeticEnv, runCli, type CliResult } from '../helpers/run-cli.js';

interface Cell {
  region: string;
  profileIds: string[];
  probeId: string;
  status: string;
  code?: string;
  cached?: boolean;
  mantle: { status: string; cached?: boolean };
}
interface Row {
  key: string;
  baseId: string;
  context1m: string;
  mantleId?: string;
  mantleLineup: boolean;
  lifecycle: string;
  cells: Cell[];
}
interface Matrix {
  schema: string;
  regions: string[];
  probed: boolean;
  mantleProbed: boolean;
  cache?: { file: string; hits: number; probes: number };
  models: Row[];
}

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-south-1'];
const homes = createTempHomePool();
let upstream: Upstream;
let emulator: Emulator;
let scenario: Scenario;
let home: TempHome;

before(async () => {
  scenario = scenarioWith({
    credentials: [PLANTED_CREDENTIAL],
    access: { granted: ['*'], denied: ['anthropic.claude-opus-4-7'], marketplaceDenied: [], mantleDenied: ['anthropic.claude-haiku-4-5'], reservedTier: false },
  });
  upstream = await startUpstream(scenario);
  emulator = upstream.emulator;
  home = homes.create();
});
after(async () => {
  await upstream.close();
  homes.cleanup();
});

function env(extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...hermeticEnv(home),
    CC_BEDROCK_CACHE_DIR: join(home.root, 'cache'),
    ...bedrockOnEmulator(upstream.url),
    ...PLANTED_ENV_KEYS,
    ...extra,
  };
}

async function models(args: string[], extra: Record<string, string> = {}): Promise<CliResult & { matrix?: Matrix }> {
  const result = await runCli(['models', ...args], { cwd: home.cwd, env: env(extra) });
  assertNoSecrets(result.stdout + result.stderr, 'models output');
  return { ...result, ...(args.includes('--json') && result.code === 0 ? { matrix: JSON.parse(result.stdout) as Matrix } : {}) };
}

/** What the emulated account answers for an ID in a region, by the emulator's own rules. */
function expectedInvoke(region: string, id: string): string {
  try {
    resolveForInvoke(scenario, region, id);
    return 'invokable';
  } catch (error) {
    const name = (error as { errorName?: string }).errorName ?? '';
    const message = (error as Error).message;
    if (name === 'AccessDeniedException') return 'not-granted';
    if (/on-demand throughput/.test(message)) return 'needs-profile';
    return 'not-in-region';
  }
}

function expectedMantle(region: string, id: string): string {
  try {
    resolveMantleModel(scenario, region, id);
    return 'served';
  } catch (error) {
    return (error as { status?: number }).status === 403 ? 'not-granted' : 'not-served';
  }
}

describe('cc-bedrock models --offline', () => {
  test('every catalog model with a Bedrock ID, with the profile IDs the catalog has for each region', async () => {
    const { code, matrix } = await models(['--offline', '--json', '--region', REGIONS.join(',')]);
    assert.equal(code, 0);
    assert.ok(matrix);
    assert.equal(matrix.schema, 'cc-bedrock.models/1');
    assert.deepEqual(matrix.regions, REGIONS);
    assert.equal(matrix.probed, false);
    assert.deepEqual(
      matrix.models.map((row) => row.key),
      MODEL_CATALOG.filter((model) => model.bedrock).map((model) => model.key),
    );
    for (const row of matrix.models) {
      const model = getModel(row.key)!;
      assert.equal(row.baseId, model.bedrock!.baseId);
      assert.equal(row.context1m, model.context1m);
      assert.equal(row.mantleId, model.mantle?.id);
      for (const cell of row.cells) {
        const expected = GEO_PREFIXES.filter((geo) => hasProfileIn(model, geo) && geoServesRegion(geo, cell.region)).map((geo) => profileIdFor(model, geo));
        assert.deepEqual([...cell.profileIds].sort(), [...expected].sort(), `${row.key} in ${cell.region}`);
        assert.equal(cell.probeId, cell.profileIds[0] ?? model.bedrock!.baseId);
        assert.equal(cell.status, model.lifecycle.status === 'retired' ? 'retired' : 'not-probed');
      }
    }
  });

  test('the text table lists IDs, 1M and Mantle', async () => {
    const { code, stdout } = await models(['--offline', '--region', 'eu-west-1']);
    assert.equal(code, 0);
    assert.match(stdout, /catalog only \(--offline\)/);
    assert.match(stdout, /Claude Sonnet 4\.6 \(claude-sonnet-4-6\)\n {2}base ID: anthropic\.claude-sonnet-4-6 \(needs an inference profile\) · 1M: yes \(\[1m\]\) · Mantle: anthropic\.claude-sonnet-4-6/);
    assert.match(stdout, /eu-west-1 +- +eu\.anthropic\.claude-sonnet-4-6, global\.anthropic\.claude-sonnet-4-6/);
  });

  test('a malformed --region is a usage error', async () => {
    const { code, stderr } = await models(['--offline', '--region', 'us-east-1,nowhere']);
    assert.equal(code, 2);
    assert.match(stderr, /--region "us-east-1,nowhere" is not a comma-separated list of AWS regions \(nowhere\)/);
  });
});

describe('cc-bedrock models (probed against the emulator)', () => {
  let first: Matrix;

  before(async () => {
    const result = await models(['--json', '--refresh', '--region', REGIONS.join(',')], { CLAUDE_CODE_USE_MANTLE: '1' });
    assert.equal(result.code, 0, result.stderr);
    first = result.matrix!;
  });

  test('every cell matches what the emulated account answers for that ID in that region', () => {
    assert.equal(first.probed, true);
    for (const row of first.models) {
      for (const cell of row.cells) {
        if (cell.status === 'retired') continue;
        assert.equal(cell.status, expectedInvoke(cell.region, cell.probeId), `${cell.probeId} in ${cell.region}`);
      }
    }
    const denied = first.models.find((row) => row.key === 'claude-opus-4-7')!;
    assert.ok(denied.cells.every((cell) => cell.status === 'not-granted'));
    assert.ok(first.models.find((row) => row.key === 'claude-sonnet-4-5')!.cells.every((cell) => cell.status === 'invokable'));
  });

  test('the Mantle column matches the scenario lineup and grants', () => {
    assert.equal(first.mantleProbed, true);
    for (const row of first.models) {
      for (const cell of row.cells) {
        if (!row.mantleId || row.lifecycle === 'retired') {
          assert.equal(cell.mantle.status, row.mantleId ? 'not-probed' : 'not-in-lineup');
          continue;
        }
        assert.equal(cell.mantle.status, expectedMantle(cell.region, row.mantleId), `${row.mantleId} in ${cell.region}`);
      }
    }
    const haiku = first.models.find((row) => row.key === 'claude-haiku-4-5')!;
    assert.ok(haiku.cells.every((cell) => cell.mantle.status === 'not-granted'));
  });

  test('answers are cached: a second run sends no probe; --refresh probes again', async () => {
    const before = emulator.state.received.length;
    const cached = await models(['--json', '--region', REGIONS.join(',')], { CLAUDE_CODE_USE_MANTLE: '1' });
    const sent = emulator.state.received.slice(before).filter((request) => request.operation === 'invoke' || request.operation === 'mantle-messages');
    assert.equal(sent.length, 0, `probes sent despite the cache: ${sent.map((r) => r.path).join(', ')}`);
    assert.ok(cached.matrix!.cache!.hits > 0);
    assert.equal(cached.matrix!.cache!.probes, 0);
    assert.ok(cached.matrix!.models.flatMap((row) => row.cells).filter((cell) => cell.status !== 'retired').every((cell) => cell.cached === true));
    for (const [index, row] of cached.matrix!.models.entries()) {
      assert.deepEqual(row.cells.map((cell) => cell.status), first.models[index]!.cells.map((cell) => cell.status));
    }

    const beforeRefresh = emulator.state.received.length;
    const refreshed = await models(['--json', '--refresh', '--region', 'us-east-1']);
    const probes = emulator.state.received.slice(beforeRefresh).filter((request) => request.operation === 'invoke');
    assert.equal(probes.length, refreshed.matrix!.cache!.probes);
    assert.ok(probes.length > 0);
  });

  test('the text table marks statuses per region', async () => {
    const { code, stdout } = await models(['--region', 'us-east-1']);
    assert.equal(code, 0);
    assert.match(stdout, /Claude Opus 4\.7 \(claude-opus-4-7\)[\s\S]*?us-east-1 +not granted\*? +us\.anthropic\.claude-opus-4-7/);
    assert.match(stdout, /Claude Sonnet 4\.5 \(claude-sonnet-4-5\)[\s\S]*?us-east-1 +invokable\*? +us\.anthropic\.claude-sonnet-4-5-20250929-v1:0/);
  });

  test('credentials the account does not know are one clear error, not a table of failures', async () => {
    const { code, stderr, stdout } = await models(['--json', '--refresh', '--region', 'us-east-1'], { AWS_ACCESS_KEY_ID: 'AKIAUNKNOWNKEY000001', CC_BEDROCK_CACHE_DIR: join(home.root, 'cache-unknown') });
    assert.notEqual(code, 0);
    assert.equal(stdout, '');
    assert.match(stderr, /CREDENTIALS_INVALID|rejected the credentials/);
  });
});
