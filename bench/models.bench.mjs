// `cc-bedrock models` over 3 regions x the whole catalog against the emulator with 100 ms of
// latency per probe, against one probe round (a single probe through the same code path) measured
// in the same run. Probes run in parallel, so the whole matrix should cost about one round.
// Target (issue 5): < 2x one probe round. Also times the spawned CLI, for information.
// The emulator runs in its own process (`cc-bedrock emulate`), as Bedrock would be remote: its
// work must not be counted as client time, and it must keep answering while the CLI is timed.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const name = 'models';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (path) => pathToFileURL(join(root, 'dist', 'src', path)).href;
const LATENCY_MS = 100;
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'];
const ROUNDS = 7;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sum = (xs) => xs.reduce((a, b) => a + b, 0);

/**
 * On-CPU nanoseconds of each thread of process `pid` (Linux schedstat), or undefined elsewhere.
 * Splits the client's CPU into its main thread (which bounds the matrix time) and V8's helper
 * threads (optimizing compiler, GC), and measures the emulator's share of the two cores.
 */
function threadCpuNs(pid) {
  try {
    const threads = new Map();
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        threads.set(tid, Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]));
      } catch {
        // The thread ended meanwhile.
      }
    }
    return threads;
  } catch {
    return undefined;
  }
}

/** Milliseconds of CPU between two threadCpuNs snapshots: [main thread, other threads]. */
function cpuSplitMs(before, after, mainTid) {
  let main = 0;
  let others = 0;
  for (const [tid, ns] of after) {
    const used = (ns - (before.get(tid) ?? 0)) / 1e6;
    if (tid === mainTid) main += used;
    else others += used;
  }
  return [main, others];
}
const sink = new Writable({ write: (_chunk, _encoding, done) => done() });

export async function run() {
  const [{ scenarioWith }, { inspectConfiguration }, { catalogMatrix, probeMatrix }, { createProbeAuth }] = await Promise.all([
    import(dist('emulator/index.js')),
    import(dist('doctor/configuration.js')),
    import(dist('doctor/model-matrix.js')),
    import(dist('doctor/probes.js')),
  ]);
  const home = mkdtempSync(join(tmpdir(), 'cc-bedrock-bench-models-'));
  const scenario = scenarioWith({ latency: { firstByteMs: LATENCY_MS, perChunkMs: 0 } });
  const scenarioFile = join(home, 'scenario.json');
  writeFileSync(scenarioFile, JSON.stringify(scenario));
  const cli = join(root, 'dist', 'src', 'cli', 'main.js');
  const emulator = spawn(process.execPath, [cli, 'emulate', '--port', '0', '--scenario', scenarioFile], { stdio: ['ignore', 'pipe', 'ignore'] });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    emulator.stdout.setEncoding('utf8').on('data', (chunk) => {
      out += chunk;
      const found = /listening on (http:\/\/\S+)/.exec(out);
      if (found) resolve(found[1]);
    });
    emulator.on('exit', (code) => reject(new Error(`the emulator exited (${code}) before listening`)));
  });
  emulator.stdout.resume();
  const running = { url };
  const credential = scenario.credentials[0];
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    CC_BEDROCK_MANAGED_SETTINGS_DIR: join(home, 'managed'),
    CC_BEDROCK_CACHE_DIR: join(home, 'cache'),
    AWS_EC2_METADATA_DISABLED: 'true',
    CLAUDE_CODE_USE_BEDROCK: '1',
    AWS_REGION: 'us-east-1',
    ANTHROPIC_BEDROCK_BASE_URL: running.url,
    AWS_ENDPOINT_URL_STS: running.url,
    AWS_ACCESS_KEY_ID: credential.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credential.secretAccessKey,
  };
  try {
    const snapshot = await inspectConfiguration({ env, homeDir: home, cwd: home, platform: process.platform });
    const self = String(process.pid);
    const emulatorPid = String(emulator.pid);
    const probeOnce = async (matrix) => {
      // A fresh auth provider and client per measurement: nothing is warm but the process.
      const auth = createProbeAuth({
        plan: snapshot.plan,
        env: snapshot.envLookup,
        subprocessEnv: snapshot.effectiveEnv,
        homeDir: home,
        stderr: sink,
        allowAuthRefresh: false,
        warn: () => {},
      });
      const threadsBefore = threadCpuNs(self);
      const emulatorBefore = threadCpuNs(emulatorPid);
      const start = process.hrtime.bigint();
      const cpu = process.cpuUsage();
      const result = await probeMatrix(matrix, { plan: snapshot.plan, auth, env: snapshot.envLookup, homeDir: home, mantle: false, cacheDir: false });
      const used = process.cpuUsage(cpu);
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const threadsAfter = threadCpuNs(self);
      const emulatorAfter = threadCpuNs(emulatorPid);
      const split = threadsBefore && threadsAfter ? cpuSplitMs(threadsBefore, threadsAfter, self) : undefined;
      const emulatorMs = emulatorBefore && emulatorAfter ? sum(cpuSplitMs(emulatorBefore, emulatorAfter, emulatorPid)) : undefined;
      return { ms, cpuMs: (used.user + used.system) / 1000, split, emulatorMs, result };
    };
    const full = catalogMatrix(REGIONS);
    const oneModel = catalogMatrix(['us-east-1']);
    const single = { ...oneModel, models: oneModel.models.filter((row) => row.key === 'claude-sonnet-4-5') };

    await probeOnce(single); // warm the module graph and the SDK once
    const baseline = [];
    const matrix = [];
    const cpuPerProbe = [];
    const splits = [];
    const emulatorMs = [];
    let probes = 0;
    let invokable = 0;
    for (let round = 0; round < ROUNDS; round++) {
      baseline.push((await probeOnce(single)).ms);
      const { ms, cpuMs, split, emulatorMs: served, result } = await probeOnce(full);
      matrix.push(ms);
      const cells = result.models.flatMap((row) => row.cells).filter((cell) => cell.status !== 'retired');
      probes = cells.length;
      cpuPerProbe.push(cpuMs / probes);
      if (split) splits.push(split);
      if (served !== undefined) emulatorMs.push(served);
      invokable = cells.filter((cell) => cell.status === 'invokable').length;
    }

    // The built CLI end to end (process start included), fresh cache each time.
    const spawnMs = (args) =>
      new Promise((resolve, reject) => {
        const start = process.hrtime.bigint();
        const child = spawn(process.execPath, [cli, 'models', ...args], {
          env: { ...env, CC_BEDROCK_CACHE_DIR: join(home, `cache-${Math.random()}`) },
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let stderr = '';
        child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
        child.on('close', (code) => (code === 0 ? resolve(Number(process.hrtime.bigint() - start) / 1e6) : reject(new Error(`models failed: ${stderr}`))));
      });
    const offlineCli = [];
    const probedCli = [];
    for (let round = 0; round < 3; round++) {
      offlineCli.push(await spawnMs(['--offline', '--json', '--region', REGIONS.join(',')]));
      probedCli.push(await spawnMs(['--json', '--refresh', '--region', REGIONS.join(',')]));
    }

    return [
      {
        metric: `models matrix: ${REGIONS.length} regions x catalog (${probes} probes, ${invokable} answer after ${LATENCY_MS} ms)`,
        value: median(matrix),
        unit: 'ms',
        baseline: { label: 'one probe round', value: median(baseline) },
        target: '< 2x one probe round',
      },
      {
        // The client-side cost of one probe (signing, the SDK, fetch, error classification): what
        // bounds the matrix once it no longer fits in one round of latency.
        metric: 'models matrix: client CPU per probe',
        value: median(cpuPerProbe),
        unit: 'ms',
      },
      {
        // The first matrix after one warm-up probe: V8 has optimized little yet, as in a `models` run.
        metric: 'models matrix: client CPU per probe, first matrix',
        value: cpuPerProbe[0],
        unit: 'ms',
      },
      ...(splits.length === ROUNDS
        ? [
            {
              metric: 'models matrix: client CPU per probe, main thread',
              value: median(splits.map(([main]) => main / probes)),
              unit: 'ms',
            },
            {
              metric: 'models matrix: client CPU per probe, V8 helper threads (JIT, GC)',
              value: median(splits.map(([, others]) => others / probes)),
              unit: 'ms',
            },
          ]
        : []),
      ...(emulatorMs.length === ROUNDS
        ? [{ metric: 'models matrix: emulator CPU per probe (shares the two cores)', value: median(emulatorMs) / probes, unit: 'ms' }]
        : []),
      {
        metric: `models CLI, ${REGIONS.length} regions probed (process start included)`,
        value: median(probedCli),
        unit: 'ms',
        baseline: { label: 'models --offline CLI', value: median(offlineCli) },
      },
    ];
  } finally {
    emulator.kill();
    rmSync(home, { recursive: true, force: true });
  }
}
