/**
 * `cc-bedrock serve`: the gateway on a port. Reads the same configuration as every other command
 * (environment, settings files, `--settings`), resolves the route plan and the credential
 * providers once, prints `cc-bedrock gateway listening on http://HOST:PORT` when it accepts
 * connections, writes one JSON line per request to stderr, and returns only after SIGINT/SIGTERM
 * and a graceful drain.
 */
import { CcBedrockError } from '../../core/errors.js';
import { createAuthProvider } from '../../aws/credentials.js';
import { clientOptionsFromEnv } from '../../client/options-from-env.js';
import { timerMs, wireTimingFromEnv } from '../../bedrock/timing.js';
import { readNumberVar, readSwitchVar } from '../../settings/read-var.js';
import { betaOverridesFromEnv, createGateway, listenGateway, DEFAULT_BODY_MEMORY_BYTES, DEFAULT_DRAIN_TIMEOUT_MS, DEFAULT_GATEWAY_RETRIES } from '../../gateway/index.js';
import type { GatewayLogger } from '../../gateway/index.js';
import { isLoopbackHost } from '../../network/loopback.js';
import { loadNetworkFetch, resolveProxy } from '../../network/proxy.js';
import { resolveRoutePlan } from '../../routing/resolve-route-plan.js';
import type { EnvLookup, RouteWarning } from '../../core/route-plan.js';
import { ExitCode, parsePort } from '../io.js';
import { type CliIO, resolutionInputs } from '../../core/command-io.js';
import { untilStopped } from '../until-stopped.js';

export interface ServeOptions {
  readonly host: string;
  readonly port: string;
  readonly apiKeyEnv?: string;
  readonly settings?: string;
  /** Stops the gateway like a signal would (tests); SIGINT and SIGTERM always do. */
  readonly signal?: AbortSignal;
}

/** The key clients must send: from --api-key-env, or none, which only a loopback bind may go without. */
export function gatewayKey(options: Pick<ServeOptions, 'apiKeyEnv'>, env: EnvLookup, host: string): string | undefined {
  if (options.apiKeyEnv !== undefined) {
    const name = options.apiKeyEnv.trim();
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new CcBedrockError('USAGE', `--api-key-env ${JSON.stringify(options.apiKeyEnv)} is not an environment variable name`, {
        remediation: 'pass the NAME of the variable that holds the key, e.g. --api-key-env CC_BEDROCK_GATEWAY_KEY (never the key itself)',
      });
    }
    const value = env.get(name)?.value;
    if (!value) {
      throw new CcBedrockError('USAGE', `--api-key-env ${name}: the variable ${name} is not set or empty`, {
        remediation: `export ${name}=<a long random key> before starting the gateway (e.g. export ${name}=$(openssl rand -hex 32))`,
      });
    }
    if (value.length < 16) {
      throw new CcBedrockError('USAGE', `--api-key-env ${name}: the key is ${value.length} characters; the gateway needs at least 16`, {
        remediation: `use a long random key, e.g. export ${name}=$(openssl rand -hex 32)`,
      });
    }
    return value;
  }
  if (!isLoopbackHost(host)) {
    throw new CcBedrockError('USAGE', `refusing to listen on ${host} without a gateway key: anyone who can reach it could spend your AWS account`, {
      remediation: 'pass --api-key-env NAME (the environment variable holding the key clients must send), or bind to 127.0.0.1',
    });
  }
  return undefined;
}

export async function run(options: ServeOptions, io: CliIO): Promise<number> {
  const port = parsePort(options.port);
  const host = options.host.trim() || '127.0.0.1';
  const resolution = await resolveRoutePlan(resolutionInputs(io, { settings: options.settings }));
  const { plan, envLookup, effectiveEnv } = resolution;
  const apiKey = gatewayKey(options, envLookup, host);
  // Upstream calls (Bedrock through node:http agents, credentials through fetch) use the proxy of
  // HTTPS_PROXY and friends; an unusable proxy URL stops start-up here.
  const proxy = resolveProxy(envLookup);
  const [networkFetch, agents] = await Promise.all([loadNetworkFetch(proxy), proxy ? import('../../network/proxy-agents.js') : undefined]);
  const agentFor = agents?.nodeAgentResolver(proxy);
  const log = batchedLines(io.stderr);
  const logger: GatewayLogger = (line) => log.write(line);
  const now = (): string => new Date().toISOString();
  const warn = (warning: RouteWarning): void =>
    logger({ ts: now(), level: 'warn', event: 'config', code: warning.code, message: warning.message, ...(warning.fix ? { fix: warning.fix } : {}) });
  for (const warning of plan.warnings) warn(warning);
  const { timeoutMs } = clientOptionsFromEnv(envLookup, { warn });
  const { firstByteTimeoutMs, streamIdleTimeoutMs } = wireTimingFromEnv(envLookup, { warn });

  const authOptions = {
    env: envLookup,
    subprocessEnv: effectiveEnv,
    homeDir: io.homeDir,
    stderr: io.stderr,
    warn: (message: string) => logger({ ts: now(), level: 'warn', event: 'credentials', message }),
    platform: io.platform,
    ...(networkFetch ? { fetch: networkFetch } : {}),
  };
  const auth = {
    bedrock: createAuthProvider({ ...authOptions, plan: plan.credentials.bedrock, region: plan.region.value }),
    mantle: createAuthProvider({ ...authOptions, plan: plan.credentials.mantle, region: plan.region.value }),
  };
  const gateway = createGateway({
    plan,
    auth,
    env: envLookup,
    ...(apiKey !== undefined ? { apiKey } : {}),
    ...(agentFor ? { agentFor } : {}),
    ...(networkFetch ? { probeFetch: networkFetch } : {}),
    logger,
    timeoutMs,
    firstByteTimeoutMs,
    streamIdleTimeoutMs,
    maxRetries: readNumberVar(envLookup, 'CC_BEDROCK_GATEWAY_MAX_RETRIES')?.value ?? DEFAULT_GATEWAY_RETRIES,
    drainTimeoutMs: timerMs(envLookup, 'CC_BEDROCK_GATEWAY_DRAIN_TIMEOUT_MS') ?? DEFAULT_DRAIN_TIMEOUT_MS,
    // The table's floor for this variable is one maximal request body (DEFAULT_MAX_BODY_BYTES).
    maxBodyBytesInFlight: readNumberVar(envLookup, 'CC_BEDROCK_GATEWAY_BODY_MEMORY_BYTES')?.value ?? DEFAULT_BODY_MEMORY_BYTES,
    betaOverrides: betaOverridesFromEnv((name) => envLookup.get(name)?.value),
    guardrailTagging: readSwitchVar(envLookup, 'CC_BEDROCK_GUARDRAIL_TAGGING'),
  });

  let listener;
  try {
    listener = await listenGateway(gateway, { host, port });
  } catch (cause) {
    log.flush();
    throw new CcBedrockError('USAGE', `cannot listen on ${host}:${port}: ${(cause as Error).message}`, {
      cause,
      remediation: 'pick another --port (0 picks a free one) or another --host',
    });
  }
  logger({
    ts: now(),
    level: 'info',
    event: 'listening',
    url: listener.url,
    provider: plan.providers.label,
    region: plan.region.value,
    credentials: plan.credentials.bedrock.kind,
    gatewayKey: apiKey !== undefined,
    proxy: proxy ? proxy.display : null,
  });
  io.stdout.write(`cc-bedrock gateway listening on ${listener.url}\n`);

  await untilStopped(options.signal);
  await listener.close();
  log.flush();
  return ExitCode.ok;
}

/** Request lines wait at most this long for others to share their write. */
const REQUEST_LINES_FLUSH_MS = 100;
/** …or until this many are waiting. */
const REQUEST_LINES_MAX_PENDING = 256;

/**
 * Log lines, with request lines batched: one write per batch instead of a system call per request
 * (a write to stderr, a pipe or file, is synchronous in Node and measured at tens of
 * microseconds of the gateway's CPU per request on a loaded host). A request line waits at most
 * REQUEST_LINES_FLUSH_MS; every other line (listening, draining, warnings) is written at once,
 * after the request lines before it, so the order holds. Shutdown flushes what is left; a crash
 * or SIGKILL can lose at most the last batch.
 */
function batchedLines(stream: CliIO['stderr']): { write(line: Readonly<Record<string, unknown>>): void; flush(): void } {
  // Lines wait as text, not objects: a string is one flat allocation for the collector to move.
  let pending = '';
  let count = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (count === 0) return;
    const text = pending;
    pending = '';
    count = 0;
    stream.write(text);
  };
  return {
    write(line) {
      pending += `${JSON.stringify(line)}\n`;
      count += 1;
      if (line['event'] !== 'request' || count >= REQUEST_LINES_MAX_PENDING) return flush();
      if (!timer) {
        timer = setTimeout(flush, REQUEST_LINES_FLUSH_MS);
        timer.unref?.();
      }
    },
    flush,
  };
}
