// Start-up cost of the CLI as installed (the esbuild bundle, dist/bundle/cli.js) and, for
// comparison, of tsc's unbundled output (dist/src, which loads node_modules module by module):
// wall time against a bare `node -e 0` measured in the same run with interleaved rounds, and CPU
// seconds (user + system) per run from /proc (see childrenCpuSeconds).
// `-p` runs warm (availability discovery cached by a first run) against an in-process emulator.
// Targets (issue 12): `-p` warm <= 0.35 s of CPU; `status` wall <= 1.5x `node -e 0`.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, childrenCpuSeconds, emulatorCliEnv, median, refusingSink, root } from './cli-run.mjs';

export const name = 'startup';

const ROUNDS = Number(process.env.BENCH_STARTUP_ROUNDS ?? 9);

/** Runs node with `args` to the end; returns its wall milliseconds and CPU seconds. */
function measure(args, env, cwd) {
  // Not spawnSync: that would block this process's event loop, and with it the in-process emulator.
  return new Promise((resolve, reject) => {
    {
      const cpuBefore = childrenCpuSeconds();
      const started = process.hrtime.bigint();
      const child = spawn(process.execPath, args, { env, cwd, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
      const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(guard);
        const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
        if (code !== 0) reject(new Error(`node ${args.join(' ')} failed (exit ${code}): ${stderr.slice(0, 800)}`));
        else resolve({ wallMs, cpuS: childrenCpuSeconds() - cpuBefore });
      });
    }
  });
}

export async function run() {
  const { createEmulator, scenarioWith } = await import(join(root, 'dist', 'src', 'emulator', 'index.js'));
  const emulator = createEmulator({ scenario: scenarioWith({}) });
  const server = await emulator.listen({ host: '127.0.0.1', port: 0 });
  const sink = await refusingSink();
  const home = mkdtempSync(join(tmpdir(), 'cc-bedrock-startup-'));
  cpSync(join(root, 'examples', 'demo-home'), join(home, 'status-home'), { recursive: true });
  const pEnv = emulatorCliEnv({ home, emulatorUrl: server.url, sinkUrl: sink.url });
  // status reads the example settings (as the status bench of issue 2 did), no AWS call
  const statusHome = join(home, 'status-home');
  const statusEnv = { PATH: process.env.PATH, HOME: statusHome, CC_BEDROCK_MANAGED_SETTINGS_DIR: join(statusHome, 'managed'), AWS_EC2_METADATA_DISABLED: 'true' };
  const cases = {
    bare: [['-e', '0'], statusEnv],
    statusBundle: [[CLI.bundle, 'status'], statusEnv],
    statusTsc: [[CLI.tsc, 'status'], statusEnv],
    printBundle: [[CLI.bundle, '-p', 'say hi'], pEnv],
    printTsc: [[CLI.tsc, '-p', 'say hi'], pEnv],
  };
  try {
    // Warm-up: fills the availability cache and the OS file cache.
    for (const [args, env] of Object.values(cases)) await measure(args, env, home);
    const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, { wall: [], cpu: [] }]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const [key, [args, env]] of Object.entries(cases)) {
        const { wallMs, cpuS } = await measure(args, env, home);
        samples[key].wall.push(wallMs);
        samples[key].cpu.push(cpuS);
      }
    }
    const wall = (k) => median(samples[k].wall);
    const cpu = (k) => samples[k].cpu.reduce((a, b) => a + b, 0) / ROUNDS;
    const bare = { label: 'node -e 0', value: wall('bare') };
    const bareCpu = { label: 'node -e 0', value: cpu('bare') };
    return [
      { metric: 'status wall (bundle, as installed)', value: wall('statusBundle'), unit: 'ms', baseline: bare, target: '<= 1.5x node -e 0' },
      { metric: 'status wall (tsc output, unbundled)', value: wall('statusTsc'), unit: 'ms', baseline: bare },
      { metric: '-p warm wall (bundle, as installed)', value: wall('printBundle'), unit: 'ms', baseline: bare },
      { metric: '-p warm wall (tsc output, unbundled)', value: wall('printTsc'), unit: 'ms', baseline: bare },
      { metric: '-p warm CPU per run (bundle, as installed)', value: cpu('printBundle'), unit: 's', baseline: bareCpu, target: '<= 0.35 s' },
      { metric: '-p warm CPU per run (tsc output, unbundled)', value: cpu('printTsc'), unit: 's', baseline: bareCpu },
      { metric: 'status CPU per run (bundle, as installed)', value: cpu('statusBundle'), unit: 's', baseline: bareCpu },
      { metric: 'status CPU per run (tsc output, unbundled)', value: cpu('statusTsc'), unit: 's', baseline: bareCpu },
    ];
  } finally {
    await server.close();
    await sink.close();
    rmSync(home, { recursive: true, force: true });
  }
}
