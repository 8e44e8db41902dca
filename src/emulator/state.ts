/**
 * The emulator's mutable state: the current scenario, the request log (what clients actually
 * sent, for tests and for `/_emulator/requests`), fault counters and the ID counter.
 *
 * The log is written before authentication, so anyone who can reach the port fills it: it is
 * bounded in entries and in bytes (oldest evicted first), and each body is kept as raw text cut
 * at a per-entry cap. Bodies are parsed only when read, so nothing a client sends is ever
 * re-serialised from a parsed tree it built (10,000 nested arrays parse, but do not stringify).
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
  /**
   * Parsed JSON body when it was JSON, the text otherwise (bodies over the per-entry cap are cut
   * and end in a `…<cut: …>` marker). Parsed afresh on every read from `bodyText`.
   */
  readonly body: unknown;
  /** The body as logged: raw text, cut at the per-entry cap (not enumerable: `body` shows it). */
  readonly bodyText?: string;
  /** Size of the body as sent, in bytes. */
  readonly bodyBytes: number;
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

/** Bounds of the request log. */
export interface RequestLogLimits {
  /** Entries kept (oldest dropped first). */
  readonly entries: number;
  /** Approximate bytes kept across all entries (oldest dropped first). */
  readonly bytes: number;
  /** Body bytes kept per entry; the rest is cut with a marker. */
  readonly bodyBytes: number;
}

export const DEFAULT_LOG_LIMITS: RequestLogLimits = { entries: 5000, bytes: 64 * 1024 * 1024, bodyBytes: 1024 * 1024 };

/** Fixed per-entry allowance for the fields besides headers and body (seq, times, status…). */
const ENTRY_OVERHEAD_BYTES = 512;

export interface LoggedBody {
  readonly text: string | undefined;
  readonly bytes: number;
  /** Whether `text` is parsed as JSON when read (not when cut or over the request limit). */
  readonly parse: boolean;
}

/** The body as the log keeps it: text cut at `capBytes` with a marker saying how much was cut. */
export function loggedBody(body: Uint8Array, tooLarge: boolean, capBytes: number): LoggedBody {
  if (tooLarge) return { text: `<${body.byteLength}+ bytes, over the limit>`, bytes: body.byteLength, parse: false };
  if (body.byteLength === 0) return { text: undefined, bytes: 0, parse: false };
  if (body.byteLength <= capBytes) return { text: Buffer.from(body).toString('utf8'), bytes: body.byteLength, parse: true };
  const kept = Buffer.from(body.subarray(0, capBytes)).toString('utf8');
  return { text: `${kept}…<cut: ${body.byteLength - capBytes} of ${body.byteLength} bytes not logged>`, bytes: body.byteLength, parse: false };
}

/** Defines `body` (parsed on read, text when not JSON) and the non-enumerable `bodyText` on an entry. */
export function attachBody<T extends object>(entry: T, logged: LoggedBody): T & Pick<ReceivedRequest, 'body' | 'bodyText' | 'bodyBytes'> {
  const { text } = logged;
  Object.defineProperty(entry, 'bodyBytes', { value: logged.bytes, enumerable: true });
  Object.defineProperty(entry, 'bodyText', { value: text, enumerable: false });
  Object.defineProperty(entry, 'body', {
    enumerable: true,
    get(): unknown {
      if (text === undefined || !logged.parse) return text;
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return text;
      }
    },
  });
  return entry as T & Pick<ReceivedRequest, 'body' | 'bodyText' | 'bodyBytes'>;
}

function entrySize(entry: ReceivedRequest): number {
  let size = ENTRY_OVERHEAD_BYTES + entry.path.length + entry.query.length + entry.method.length;
  for (const [name, value] of Object.entries(entry.headers)) size += name.length + value.length;
  return size + (entry.bodyText === undefined ? 0 : Buffer.byteLength(entry.bodyText));
}

/** One entry as JSON; a body that does not re-serialise (too deeply nested) is shown as its text. */
export function receivedRequestJson(entry: ReceivedRequest): string {
  try {
    return JSON.stringify(entry);
  } catch {
    return JSON.stringify({ ...entry, body: entry.bodyText, bodyNote: 'the parsed body does not re-serialise (nested too deeply); raw text shown' });
  }
}

export interface EmulatorState {
  readonly scenario: Scenario;
  /** Requests received since the last reset, oldest first (admin calls are not logged). */
  readonly received: readonly ReceivedRequest[];
  /** The log's bounds. */
  readonly logLimits: RequestLogLimits;
  /** Approximate bytes the log holds now (above `logLimits.bytes` only if the newest entry alone is). */
  readonly logBytes: number;
  /** Entries dropped to stay within the bounds since the last reset. */
  readonly evicted: number;
  /** Clears the log, fault counters and ID counter; keeps the scenario. */
  reset(): void;
  /** Replaces the scenario (object, file path, or undefined for the default) and resets. */
  loadScenario(input?: Scenario | ScenarioInput | string): void;
}

export class EmulatorStateImpl implements EmulatorState {
  private currentScenario: Scenario;
  private readonly log: ReceivedRequest[] = [];
  private readonly sizes: number[] = [];
  private bytes = 0;
  private dropped = 0;
  private seq = 0;
  readonly faultCounters = new Map<number, number>();
  readonly ids: IdFactory;

  constructor(
    scenario: Scenario,
    readonly logLimits: RequestLogLimits,
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

  get logBytes(): number {
    return this.bytes;
  }

  get evicted(): number {
    return this.dropped;
  }

  nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }

  record(entry: ReceivedRequest): void {
    const size = entrySize(entry);
    this.log.push(entry);
    this.sizes.push(size);
    this.bytes += size;
    let drop = 0;
    let bytes = this.bytes;
    // Oldest first; the newest entry stays even alone over budget (its body is already capped).
    while (this.log.length - drop > 1 && (this.log.length - drop > this.logLimits.entries || bytes > this.logLimits.bytes)) {
      bytes -= this.sizes[drop]!;
      drop += 1;
    }
    if (drop > 0) {
      this.log.splice(0, drop);
      this.sizes.splice(0, drop);
      this.bytes = bytes;
      this.dropped += drop;
    }
  }

  reset(): void {
    this.log.length = 0;
    this.sizes.length = 0;
    this.bytes = 0;
    this.dropped = 0;
    this.seq = 0;
    this.faultCounters.clear();
    this.ids.reset();
  }

  loadScenario(input?: Scenario | ScenarioInput | string): void {
    this.currentScenario = resolveScenario(input);
    this.reset();
  }
}
