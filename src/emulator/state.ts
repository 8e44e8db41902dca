/**
 * The emulator's mutable state: the current scenario, the request log (what clients actually
 * sent, for tests and for `/_emulator/requests`), fault counters and the ID counter.
 */
import { IdFactory } from './reply.js';
import { resolveScenario, type Scenario, type ScenarioInput } from './scenario.js';

export type Surface = 'runtime' | 'control' | 'mantle' | 'sts' | 'admin' | 'unknown';

/** One request as the emulator received it. Secrets never enter the log. */
export interface ReceivedRequest {
  readonly seq: number;
  readonly at: string;
  readonly method: string;
  /** Raw path, percent-encoding as sent. */
  readonly path: string;
  /** Raw query string without `?`. */
  readonly query: string;
  readonly httpVersion: string;
  readonly surface: Surface;
  readonly operation: string;
  /** Header names lower-case; authorization, tokens and API keys replaced by `<redacted>`. */
  readonly headers: Readonly<Record<string, string>>;
  /** Parsed JSON body when it was JSON, the text otherwise (large bodies cut). */
  readonly body: unknown;
  /** The model ID as the client sent it (decoded from the path, or Mantle's body.model). */
  modelId?: string;
  /** The base model the ID resolved to. */
  resolvedModel?: string;
  auth?: Readonly<Record<string, unknown>>;
  status?: number;
  errorType?: string;
  errorMessage?: string;
  /** Index of the scenario fault that fired. */
  fault?: number;
  /** Events written to a stream before it ended (or was cut). */
  streamEvents?: number;
}

export interface EmulatorState {
  readonly scenario: Scenario;
  /** Requests received since the last reset, oldest first (admin calls are not logged). */
  readonly received: readonly ReceivedRequest[];
  /** Clears the log, fault counters and ID counter; keeps the scenario. */
  reset(): void;
  /** Replaces the scenario (object, file path, or undefined for the default) and resets. */
  loadScenario(input?: Scenario | ScenarioInput | string): void;
}

export class EmulatorStateImpl implements EmulatorState {
  private currentScenario: Scenario;
  private readonly log: ReceivedRequest[] = [];
  private seq = 0;
  readonly faultCounters = new Map<number, number>();
  readonly ids: IdFactory;

  constructor(
    scenario: Scenario,
    private readonly logLimit: number,
    idSeed?: string,
  ) {
    this.currentScenario = scenario;
    this.ids = new IdFactory(idSeed);
  }

  get scenario(): Scenario {
    return this.currentScenario;
  }

  get received(): readonly ReceivedRequest[] {
    return this.log;
  }

  nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }

  record(entry: ReceivedRequest): void {
    this.log.push(entry);
    if (this.log.length > this.logLimit) this.log.splice(0, this.log.length - this.logLimit);
  }

  reset(): void {
    this.log.length = 0;
    this.seq = 0;
    this.faultCounters.clear();
    this.ids.reset();
  }

  loadScenario(input?: Scenario | ScenarioInput | string): void {
    this.currentScenario = resolveScenario(input);
    this.reset();
  }
}
