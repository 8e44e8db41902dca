/**
 * `createEmulator`: a local Amazon Bedrock (bedrock-runtime, the control plane, Mantle and STS)
 * that the AWS SDK clients, the Anthropic Bedrock SDK and Claude Code cannot tell from AWS.
 * Run it on a port (`listen`) or in-process (`fetch`); inspect and steer it through `state`.
 */
import type { Clock } from '../core/clock.js';
import { systemClock } from '../core/clock.js';
import { toEmulatorRequest, toFetchResponse, type FetchLike } from './fetch-adapter.js';
import type { EmulatorRequest, EmulatorResponse } from './http-types.js';
import { listenNode, type ListeningServer } from './node-server.js';
import { dispatch } from './router.js';
import { resolveScenario, type Scenario, type ScenarioInput } from './scenario.js';
import { DEFAULT_LOG_LIMITS, EmulatorStateImpl, type EmulatorState, type ReceivedRequest, type RequestLogLimits } from './state.js';
import { CcBedrockError } from '../core/errors.js';

/** The inputs of `createEmulator`: the scenario, a clock, the request log's limits and the ID seed; all optional. */
export interface EmulatorOptions {
  /** A scenario object, a path to a scenario JSON file, or nothing for scenarios/default.json. */
  readonly scenario?: Scenario | ScenarioInput | string;
  /** Time for signature skew, credential expiry and log timestamps. */
  readonly clock?: Clock;
  /** Requests kept in the log (oldest dropped first); 5000 unless given. */
  readonly logLimit?: number;
  /** Approximate bytes the log may hold (oldest dropped first); 64 MiB unless given. */
  readonly logBytes?: number;
  /** Body bytes logged per request, the rest cut with a marker; 1 MiB unless given. */
  readonly logBodyBytes?: number;
  /** Seed of the deterministic message and tool-use IDs. */
  readonly idSeed?: string;
  /** Called once per logged request, after its response is decided (the CLI prints a line). */
  readonly onRequest?: (entry: ReceivedRequest) => void;
}

/** Where `Emulator.listen` binds: host (loopback by default) and port (a free one by default). */
export interface ListenOptions {
  /** Interface to bind; loopback unless you say otherwise. */
  readonly host?: string;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
}

/** A listening emulator from `Emulator.listen`: its `url`, host and port, and `close()`. */
export type RunningEmulator = ListeningServer;

/** The emulator from `createEmulator`: its state (scenario, received requests), an in-process `fetch`, and `listen`. */
export interface Emulator {
  readonly state: EmulatorState;
  /** Starts a listener serving HTTP/1.1 and h2c on one port. Several listeners may run at once. */
  listen(options?: ListenOptions): Promise<RunningEmulator>;
  /** In-process transport with the signature of global `fetch` (pass it as an SDK's `fetch`). */
  readonly fetch: FetchLike;
  /** Transport-neutral entry point, for adapters. */
  handle(request: EmulatorRequest): Promise<EmulatorResponse>;
  /** Closes every listener this emulator started. */
  close(): Promise<void>;
}

function logLimits(options: EmulatorOptions): RequestLogLimits {
  const limits = {
    entries: options.logLimit ?? DEFAULT_LOG_LIMITS.entries,
    bytes: options.logBytes ?? DEFAULT_LOG_LIMITS.bytes,
    bodyBytes: options.logBodyBytes ?? DEFAULT_LOG_LIMITS.bodyBytes,
  };
  for (const [option, value] of [['logLimit', limits.entries], ['logBytes', limits.bytes], ['logBodyBytes', limits.bodyBytes]] as const) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new CcBedrockError('USAGE', `createEmulator: ${option} must be a positive integer, got ${String(value)}.`, {
        remediation: `Pass a positive integer as ${option}, or leave it out for the default.`,
      });
    }
  }
  if (limits.bodyBytes > limits.bytes / 2) {
    throw new CcBedrockError('USAGE', `createEmulator: logBodyBytes (${limits.bodyBytes}) is more than half of logBytes (${limits.bytes}).`, {
      remediation: 'Raise logBytes or lower logBodyBytes so that at least two full entries fit.',
    });
  }
  return limits;
}

/**
 * Creates an in-process Amazon Bedrock (Invoke API, Mantle, STS and the control-plane calls
 * Claude Code makes) for tests and offline use; its scenario decides which models are granted and
 * what faults are injected. Listens on 127.0.0.1 only.
 *
 * @example
 * ```ts
 * import { createEmulator, emulatorEnvironment } from 'cc-bedrock';
 *
 * const emulator = createEmulator();
 * const running = await emulator.listen();
 * const env = emulatorEnvironment(running.url, emulator.state.scenario); // Claude Code's variables, pointed at it
 * await running.close();
 * ```
 */
export function createEmulator(options: EmulatorOptions = {}): Emulator {
  const clock = options.clock ?? systemClock;
  const state = new EmulatorStateImpl(resolveScenario(options.scenario), logLimits(options), options.idSeed);
  const startedAt = clock();
  const listeners = new Set<RunningEmulator>();
  const handle = (request: EmulatorRequest): Promise<EmulatorResponse> =>
    dispatch(request, { state, now: clock, startedAt, ...(options.onRequest ? { onRequest: options.onRequest } : {}) });
  const maxBodyBytes = (): number => state.scenario.limits.maxBodyBytes;

  const fetchImpl: FetchLike = async (input, init) => {
    // The signal is kept out of the Request: in Node 20, `new Request(url, { signal })` keeps
    // every such request alive for as long as the signal lives.
    const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
    const request = input instanceof Request && init === undefined ? input : new Request(input, init && { ...init, signal: null });
    const response = await handle(await toEmulatorRequest(request, maxBodyBytes()));
    return toFetchResponse(response, signal);
  };

  return {
    state,
    fetch: fetchImpl,
    handle,
    async listen(listenOptions: ListenOptions = {}) {
      const server = await listenNode({ dispatch: handle, maxBodyBytes }, listenOptions.host ?? '127.0.0.1', listenOptions.port ?? 0);
      const running: RunningEmulator = {
        ...server,
        close: async () => {
          listeners.delete(running);
          await server.close();
        },
      };
      listeners.add(running);
      return running;
    },
    async close() {
      await Promise.all([...listeners].map((listener) => listener.close()));
    },
  };
}
