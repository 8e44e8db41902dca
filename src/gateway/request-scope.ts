/**
 * Everything one request carries through the gateway: its ID, the route it matched, the fields
 * of its log line, and the cancellation that stops its upstream call and stream (client gone,
 * timeout, gateway shutting down). `finish` runs exactly once, when the answer was handed to the
 * socket or the client left, and writes the metrics and the one log line.
 */
import { randomBytes } from 'node:crypto';
import type { CcBedrockError } from '../core/errors.js';
import { Cancellation } from './cancellation.js';
import type { AnthropicErrorType } from './anthropic-errors.js';
import type { GatewayMetrics, RouteName } from './metrics.js';
import type { GatewayLogger } from './types.js';

export interface ScopeHost {
  readonly metrics: GatewayMetrics;
  readonly logger: GatewayLogger | undefined;
  readonly clock: () => number;
  release(scope: RequestScope): void;
}

export interface ScopeError {
  readonly type: AnthropicErrorType;
  readonly code: string;
  readonly message: string;
}

/** Request IDs: a random per-process prefix and a counter, unique across instances and cheap to make. */
const ID_PREFIX = `req_${randomBytes(8).toString('hex')}`;
let nextId = 0;

export class RequestScope extends Cancellation {
  readonly id = `${ID_PREFIX}${(nextId++).toString(16).padStart(8, '0')}`;
  readonly started: number;
  readonly method: string;
  readonly path: string;
  route: RouteName = 'unknown';
  /**
   * Log fields the handlers fill in (model, tokens, betas, attempts…). Never prompt text or
   * secrets. It is the log line itself, its first keys set at the start so `finish` hands it to
   * the logger without copying.
   */
  readonly fields: Record<string, unknown>;
  #finished = false;
  #cutBy: CcBedrockError | undefined;

  constructor(
    private readonly host: ScopeHost,
    method: string,
    path: string,
  ) {
    super();
    this.started = host.clock();
    this.method = method;
    this.path = path;
    this.fields = { ts: '', level: 'info', event: 'request', id: this.id, method, path, route: this.route, status: 0, durationMs: 0 };
  }

  get finished(): boolean {
    return this.#finished;
  }

  /** Why the gateway itself ended this request (shutdown), for the error event a stream ends with. */
  get cutBy(): CcBedrockError | undefined {
    return this.#cutBy;
  }

  /** Ends the request's upstream work for a reason of the gateway's own; its stream then ends with that error. */
  cut(error: CcBedrockError): void {
    if (this.aborted) return;
    this.#cutBy = error;
    this.abort(error);
  }

  addTokens(input: number | undefined, output: number | undefined): void {
    if (input !== undefined) this.fields['inputTokens'] = input;
    if (output !== undefined) this.fields['outputTokens'] = output;
  }

  finish(status: number, error?: ScopeError): void {
    if (this.#finished) return;
    this.#finished = true;
    const { metrics, logger, clock } = this.host;
    metrics.requestFinished(this.route, status, error?.type);
    metrics.tokens(this.fields['inputTokens'] as number | undefined, this.fields['outputTokens'] as number | undefined);
    if (logger) {
      const line = this.fields;
      const now = clock();
      line['ts'] = new Date(now).toISOString();
      if (error) line['level'] = status >= 500 ? 'error' : 'warn';
      line['route'] = this.route;
      line['status'] = status;
      line['durationMs'] = Math.round((now - this.started) * 10) / 10;
      if (error) line['error'] = { type: error.type, code: error.code, message: error.message };
      logger(line);
    }
    this.host.release(this);
  }
}
