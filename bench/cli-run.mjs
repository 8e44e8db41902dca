// What the start-up benches (startup, ttft) share: the CLI builds to compare, an environment that
// points a CLI at an in-process emulator (and nowhere else), and CPU time of finished children.
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The published bin (esbuild bundle, `npm run bundle`) and tsc's unbundled output it replaced. */
export const CLI = {
  bundle: join(root, 'dist', 'bundle', 'cli.js'),
  tsc: join(root, 'dist', 'src', 'cli', 'main.js'),
};
for (const path of Object.values(CLI)) {
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run build && npm run bundle\` first`);
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const TICKS_PER_SECOND = 100; // USER_HZ, fixed at 100 on Linux for /proc's clock-tick fields

/**
 * CPU seconds (user + system) of this process's children that have been waited for so far:
 * fields cutime and cstime of /proc/self/stat. The difference across one spawnSync is the CPU the
 * child used (10 ms resolution), measured by the kernel rather than by the child itself.
 */
export function childrenCpuSeconds() {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); cutime and cstime are fields 16 and 17
  return (Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND;
}

/** A loopback port that refuses everything: proxy variables point there, so nothing leaves the machine. */
export async function refusingSink() {
  const sink = createServer((socket) => socket.destroy());
  await new Promise((resolve) => sink.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${sink.address().port}`, close: () => new Promise((resolve) => sink.close(resolve)) };
}

/** The environment of a CLI (ours or Claude Code) talking to the emulator at `emulatorUrl`. */
export function emulatorCliEnv({ home, emulatorUrl, sinkUrl }) {
  const url = emulatorUrl.replace(/\/+$/, '');
  return {
    PATH: process.env.PATH,
    HOME: home,
    DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1',
    DISABLE_AUTOUPDATER: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    HTTPS_PROXY: sinkUrl,
    HTTP_PROXY: sinkUrl,
    NO_PROXY: '127.0.0.1,localhost',
    AWS_EC2_METADATA_DISABLED: 'true',
    CC_BEDROCK_MANAGED_SETTINGS_DIR: join(home, 'managed'),
    CLAUDE_CODE_USE_BEDROCK: '1',
    ANTHROPIC_BEDROCK_BASE_URL: url,
    AWS_ENDPOINT_URL_STS: url,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIAEMULATOREXAMPLE1',
    AWS_SECRET_ACCESS_KEY: 'emulatorSecretAccessKey/EXAMPLE/0000000000',
  };
}
