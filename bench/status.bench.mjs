// Cold start of `cc-bedrock status` against a bare `node -e 0`, measured in the same run with
// interleaved rounds so machine noise hits both alike. Target (issue 2): at most 3x bare Node.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const name = 'status';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ROUNDS = 7;
const PER_ROUND = 5;

function timeOnce(args, env) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0 && args[0] !== '-e') throw new Error(`status failed: ${result.stderr}`);
  return ms;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function run() {
  const home = mkdtempSync(join(tmpdir(), 'cc-bedrock-bench-'));
  cpSync(join(root, 'examples', 'demo-home'), home, { recursive: true });
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    CC_BEDROCK_MANAGED_SETTINGS_DIR: join(home, 'managed'),
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  const cli = join(root, 'dist', 'src', 'cli', 'main.js');
  const bare = [];
  const status = [];
  for (let round = 0; round < ROUNDS; round++) {
    const b = [];
    const s = [];
    for (let i = 0; i < PER_ROUND; i++) {
      b.push(timeOnce(['-e', '0'], env));
      s.push(timeOnce([cli, 'status'], env));
    }
    bare.push(median(b));
    status.push(median(s));
  }
  const bareMs = median(bare);
  const statusMs = median(status);
  return [
    {
      metric: 'status cold start (median of round medians)',
      value: statusMs,
      unit: 'ms',
      baseline: { label: 'node -e 0', value: bareMs },
      target: '<= 3x node -e 0',
    },
  ];
}
