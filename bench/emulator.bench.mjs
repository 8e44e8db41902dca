// The emulator's own throughput, so later benchmarks know it is not their bottleneck.
// The emulator runs alone in a child process (one core, one event loop); load comes from this
// process over keep-alive HTTP/1.1 with SigV4-signed requests (signed once, replayed: a signature
// stays valid within the clock-skew window). Baseline: a bare node:http server answering a fixed
// body, measured the same way in the same run.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

export const name = 'emulator';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CALLS = 4000;
const STREAMS = 400;
const CONCURRENCY = 32;

const emulatorChild = `
  const { createEmulator, scenarioWith } = await import(${JSON.stringify(join(root, 'dist', 'src', 'emulator', 'index.js'))});
  const emulator = createEmulator({ scenario: scenarioWith({ limits: { maxBodyBytes: 1048576, deltasPerBlock: 40 } }), logLimit: 1000 });
  const server = await emulator.listen();
  process.stdout.write(server.port + '\\n');
`;

const baselineChild = `
  const http = await import('node:http');
  const body = JSON.stringify({ id: 'msg', type: 'message', content: [{ type: 'text', text: 'You said: hello' }] });
  const server = http.createServer((req, res) => { req.resume(); req.on('end', () => { res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }); res.end(body); }); });
  server.keepAliveTimeout = 5000;
  server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
`;

function startChild(source) {
  const child = spawn(process.execPath, ['--input-type=module', '-e', source], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.stdout.once('data', (data) => resolve({ port: Number(String(data).trim()), stop: () => child.kill('SIGTERM') }));
  });
}

async function signed(port, path, payload) {
  const scenario = (await import(join(root, 'dist', 'src', 'emulator', 'index.js'))).defaultScenario();
  const { accessKeyId, secretAccessKey } = scenario.credentials[0];
  const signer = new SignatureV4({ credentials: { accessKeyId, secretAccessKey }, region: 'us-east-1', service: 'bedrock', sha256: Hash.bind(null, 'sha256') });
  const request = await signer.sign(
    new HttpRequest({
      method: 'POST',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port,
      path,
      headers: { host: `127.0.0.1:${port}`, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) },
      body: payload,
    }),
  );
  return { headers: request.headers, payload };
}

/** Fires `total` requests with `concurrency` in flight; returns elapsed seconds and bytes read. */
async function load(port, path, prepared, total, concurrency) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  let started = 0;
  let bytes = 0;
  const one = () =>
    new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', headers: prepared.headers, agent }, (res) => {
        if (res.statusCode !== 200) reject(new Error(`status ${res.statusCode} for ${path}`));
        res.on('data', (chunk) => (bytes += chunk.length));
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end(prepared.payload);
    });
  const worker = async () => {
    while (started < total) {
      started += 1;
      await one();
    }
  };
  const t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  agent.destroy();
  return { seconds, bytes };
}

function fetchOnce(port, path, prepared) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', headers: prepared.headers }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve(Buffer.concat(chunks)));
    });
    req.on('error', reject);
    req.end(prepared.payload);
  });
}

/** Event-stream frames in a body, walking the length prefixes. */
function countFrames(buffer) {
  let frames = 0;
  for (let offset = 0; offset + 4 <= buffer.length; offset += buffer.readUInt32BE(offset)) frames += 1;
  return frames;
}

const invokeBody = (text) => JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 4096, messages: [{ role: 'user', content: text }] });

export async function run() {
  const emulator = await startChild(emulatorChild);
  const baseline = await startChild(baselineChild);
  try {
    const invokePath = '/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/invoke';
    const streamPath = '/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/invoke-with-response-stream';
    const invoke = await signed(emulator.port, invokePath, invokeBody('hello from the benchmark'));
    const longPrompt = Array.from({ length: 120 }, (_, i) => `word${i}`).join(' ');
    const stream = await signed(emulator.port, streamPath, invokeBody(longPrompt));

    await load(emulator.port, invokePath, invoke, 300, CONCURRENCY); // warm-up
    await load(baseline.port, '/', invoke, 300, CONCURRENCY);
    const base = await load(baseline.port, '/', invoke, CALLS, CONCURRENCY);
    const calls = await load(emulator.port, invokePath, invoke, CALLS, CONCURRENCY);

    const eventsPerStream = countFrames(await fetchOnce(emulator.port, streamPath, stream));
    await load(emulator.port, streamPath, stream, 50, CONCURRENCY);
    const streams = await load(emulator.port, streamPath, stream, STREAMS, CONCURRENCY);

    const baselineRate = CALLS / base.seconds;
    return [
      {
        metric: 'InvokeModel (SigV4-verified, non-streaming) calls/s',
        value: CALLS / calls.seconds,
        unit: 'calls/s',
        baseline: { label: 'bare node:http fixed reply', value: baselineRate },
        target: '> 1000 calls/s on one core',
      },
      {
        metric: 'InvokeModelWithResponseStream events/s',
        value: (STREAMS * eventsPerStream) / streams.seconds,
        unit: 'events/s',
        target: '> 10000 events/s on one core',
      },
      { metric: 'InvokeModelWithResponseStream streams/s', value: STREAMS / streams.seconds, unit: 'streams/s' },
    ];
  } finally {
    emulator.stop();
    baseline.stop();
  }
}
