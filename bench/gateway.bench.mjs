// The gateway's cost, measured in one run against the emulator on loopback:
//   direct:  AnthropicBedrock SDK -> emulator (Invoke API, SigV4)
//   gateway: Anthropic SDK -> `cc-bedrock serve` -> emulator (same credentials, re-signed)
// Interleaved rounds so machine noise hits both paths alike; median of the round medians.
// Emulator and gateway each run as their own process (the CLI, as deployed), the clients here.
// A third path, client -> bench/minimal-proxy.mjs -> emulator, measures the floor: what the least
// a Node.js signing proxy must do adds on this machine, so the gateway's own share is visible.
// Targets (issue 6): added latency p50 <= 0.5 ms and p99 <= 2 ms per non-streaming call;
// streaming throughput >= 90 % of direct; 256 concurrent streams complete without an error.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Anthropic from '@anthropic-ai/sdk';
import { AnthropicBedrock } from '@anthropic-ai/bedrock-sdk';

export const name = 'gateway';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'src', 'cli', 'main.js');
const ROUNDS = 7;
// 500 calls a round: a p99 of 200 samples is the second-worst call, one hiccup of the host away from any value.
const CALLS_PER_ROUND = 500;
const WARMUP = 1000;
const STREAM_ROUNDS = 5;
const STREAMS_PER_ROUND = 3;
const STREAM_DELTAS = 2000;
const CONCURRENT_STREAMS = 256;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const quantile = (xs, q) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};

/** Spawns the CLI (or another script) and resolves with the URL it prints on stdout. */
function startCli(args, env, pattern, script = cli) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { env, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${args[0]} did not start: ${out}`)), 30_000);
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      out += chunk;
      const match = pattern.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1] });
      }
    });
    child.on('exit', (code) => reject(new Error(`${args[0]} exited with ${code}: ${out}`)));
  });
}

function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  });
}

async function timeCall(fn) {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export async function run() {
  const dir = mkdtempSync(join(tmpdir(), 'cc-bedrock-gateway-bench-'));
  const scenario = JSON.parse(readFileSync(join(root, 'scenarios', 'default.json'), 'utf8'));
  scenario.limits = { ...scenario.limits, deltasPerBlock: STREAM_DELTAS };
  const scenarioPath = join(dir, 'scenario.json');
  writeFileSync(scenarioPath, JSON.stringify(scenario));
  const credential = scenario.credentials[0];
  const baseEnv = { PATH: process.env.PATH, HOME: dir, CC_BEDROCK_MANAGED_SETTINGS_DIR: join(dir, 'managed'), AWS_EC2_METADATA_DISABLED: 'true' };

  const emulator = await startCli(['emulate', '--port', '0', '--scenario', scenarioPath], baseEnv, /listening on (http:\/\/\S+)/);
  let gateway;
  let minimal;
  try {
    gateway = await startCli(
      ['serve', '--port', '0'],
      {
        ...baseEnv,
        CLAUDE_CODE_USE_BEDROCK: '1',
        ANTHROPIC_BEDROCK_BASE_URL: emulator.url,
        AWS_REGION: scenario.defaultRegion,
        AWS_ACCESS_KEY_ID: credential.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credential.secretAccessKey,
      },
      /listening on (http:\/\/\S+)/,
    );
    minimal = await startCli(
      [],
      { PATH: process.env.PATH, UPSTREAM: emulator.url, AWS_REGION: scenario.defaultRegion, AWS_ACCESS_KEY_ID: credential.accessKeyId, AWS_SECRET_ACCESS_KEY: credential.secretAccessKey },
      /listening on (http:\/\/\S+)/,
      join(root, 'bench', 'minimal-proxy.mjs'),
    );
    const modelId = 'us.anthropic.claude-haiku-4-5-20251001-v1:0';
    const direct = new AnthropicBedrock({
      baseURL: emulator.url,
      awsRegion: scenario.defaultRegion,
      awsAccessKey: credential.accessKeyId,
      awsSecretKey: credential.secretAccessKey,
      awsSessionToken: null,
      apiKey: null,
      maxRetries: 0,
    });
    const viaGateway = new Anthropic({ baseURL: gateway.url, apiKey: 'unused-on-loopback', maxRetries: 0 });
    const small = { max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] };
    const callDirect = () => direct.messages.create({ model: modelId, ...small });
    const callGateway = () => viaGateway.messages.create({ model: modelId, ...small });
    const viaMinimal = new Anthropic({ baseURL: minimal.url, apiKey: 'unused-on-loopback', maxRetries: 0 });
    const callMinimal = () => viaMinimal.messages.create({ model: modelId, ...small });

    const gatewayCpuSeconds = async () => {
      const text = await (await fetch(`${gateway.url}/metrics`)).text();
      return Number(/^process_cpu_seconds_total (\S+)$/m.exec(text)?.[1] ?? NaN);
    };

    // Non-streaming latency.
    for (let i = 0; i < WARMUP; i++) {
      await callDirect();
      await callGateway();
      if (i % 2 === 0) await callMinimal();
    }
    const cpuBefore = await gatewayCpuSeconds();
    const p50 = { direct: [], gateway: [], minimal: [] };
    const p99 = { direct: [], gateway: [], minimal: [] };
    const paths = [
      ['direct', callDirect],
      ['gateway', callGateway],
      ['minimal', callMinimal],
    ];
    for (let round = 0; round < ROUNDS; round++) {
      const times = { direct: [], gateway: [], minimal: [] };
      for (let i = 0; i < CALLS_PER_ROUND; i++) {
        // Rotate which path goes first so none always follows another's GC.
        for (let k = 0; k < paths.length; k++) {
          const [path, call] = paths[(i + k) % paths.length];
          times[path].push(await timeCall(call));
        }
      }
      for (const path of Object.keys(times)) {
        p50[path].push(quantile(times[path], 0.5));
        p99[path].push(quantile(times[path], 0.99));
      }
    }

    // CPU the gateway process spent per call: independent of how busy the machine is.
    const cpuPerCallUs = ((await gatewayCpuSeconds()) - cpuBefore) * 1e6 / (ROUNDS * CALLS_PER_ROUND);

    // Streaming throughput: one long reply (STREAM_DELTAS text deltas), events per second.
    const prompt = 'stream '.repeat(STREAM_DELTAS * 2);
    const streamParams = { max_tokens: 4096, messages: [{ role: 'user', content: prompt }] };
    const countEvents = async (stream) => {
      let events = 0;
      for await (const _event of stream) events++;
      return events;
    };
    const throughput = { direct: [], gateway: [] };
    let streamEvents = 0;
    const streamCpuBefore = await gatewayCpuSeconds();
    for (let round = 0; round < STREAM_ROUNDS + 1; round++) {
      const d = [];
      const g = [];
      for (let i = 0; i < STREAMS_PER_ROUND; i++) {
        for (const [path, list] of i % 2 === 0 ? [['direct', d], ['gateway', g]] : [['gateway', g], ['direct', d]]) {
          const start = process.hrtime.bigint();
          const client = path === 'direct' ? direct : viaGateway;
          const events = await countEvents(await client.messages.create({ model: modelId, ...streamParams, stream: true }));
          list.push(events / (Number(process.hrtime.bigint() - start) / 1e9));
          if (path === 'gateway') streamEvents += events;
        }
      }
      if (round === 0) continue; // warm-up round
      throughput.direct.push(median(d));
      throughput.gateway.push(median(g));
    }

    const cpuPerEventUs = ((await gatewayCpuSeconds()) - streamCpuBefore) * 1e6 / streamEvents;

    // 256 concurrent streams through the gateway.
    const concurrentStart = process.hrtime.bigint();
    const shortStream = { max_tokens: 64, messages: [{ role: 'user', content: 'concurrent stream' }] };
    const outcomes = await Promise.allSettled(
      Array.from({ length: CONCURRENT_STREAMS }, async () => {
        const stream = await viaGateway.messages.create({ model: modelId, ...shortStream, stream: true });
        let sawStop = false;
        for await (const event of stream) if (event.type === 'message_stop') sawStop = true;
        if (!sawStop) throw new Error('stream ended without message_stop');
      }),
    );
    const concurrentMs = Number(process.hrtime.bigint() - concurrentStart) / 1e6;
    const failures = outcomes.filter((o) => o.status === 'rejected').length;

    const directP50 = median(p50.direct);
    const gatewayP50 = median(p50.gateway);
    const minimalP50 = median(p50.minimal);
    const minimalP99 = median(p99.minimal);
    const directP99 = median(p99.direct);
    const gatewayP99 = median(p99.gateway);
    const directTput = median(throughput.direct);
    const gatewayTput = median(throughput.gateway);
    return [
      { metric: 'non-streaming call p50, direct (median of rounds)', value: directP50, unit: 'ms' },
      { metric: 'non-streaming call p50, via gateway', value: gatewayP50, unit: 'ms', baseline: { label: 'direct', value: directP50 } },
      { metric: 'added latency p50 (gateway - direct)', value: gatewayP50 - directP50, unit: 'ms', target: '<= 0.5 ms' },
      { metric: 'non-streaming call p99, direct (median of rounds)', value: directP99, unit: 'ms' },
      { metric: 'non-streaming call p99, via gateway', value: gatewayP99, unit: 'ms', baseline: { label: 'direct', value: directP99 } },
      { metric: 'added latency p99 (gateway - direct)', value: gatewayP99 - directP99, unit: 'ms', target: '<= 2 ms' },
      { metric: 'floor: added latency p50 of a minimal signing proxy (bench/minimal-proxy.mjs)', value: minimalP50 - directP50, unit: 'ms' },
      { metric: 'floor: added latency p99 of a minimal signing proxy', value: minimalP99 - directP99, unit: 'ms' },
      { metric: 'gateway p50 over the minimal proxy', value: gatewayP50 - minimalP50, unit: 'ms' },
      { metric: 'gateway CPU per non-streaming call', value: cpuPerCallUs, unit: 'us' },
      { metric: `stream throughput, direct (${STREAM_DELTAS}-delta reply)`, value: directTput, unit: 'events/s' },
      {
        metric: 'stream throughput, via gateway',
        value: gatewayTput,
        unit: 'events/s',
        baseline: { label: 'direct', value: directTput },
        target: '>= 0.9x direct',
      },
      { metric: 'gateway CPU per streamed event (transcoding)', value: cpuPerEventUs, unit: 'us' },
      { metric: `${CONCURRENT_STREAMS} concurrent streams via gateway: failures`, value: failures, unit: 'streams', target: '0' },
      { metric: `${CONCURRENT_STREAMS} concurrent streams via gateway: wall time`, value: concurrentMs, unit: 'ms' },
    ];
  } finally {
    if (gateway) await stop(gateway.child);
    if (minimal) await stop(minimal.child);
    await stop(emulator.child);
    rmSync(dir, { recursive: true, force: true });
  }
}
