/** What every route handler receives; handlers return an EmulatorResponse or throw a shaped error. */
import type { Caller } from '../auth.js';
import type { EmulatorRequest, EmulatorResponse } from '../http-types.js';
import type { Scenario, ScenarioFault } from '../scenario.js';
import type { EmulatorStateImpl, ReceivedRequest } from '../state.js';

export interface RouteContext {
  readonly request: EmulatorRequest;
  readonly scenario: Scenario;
  readonly state: EmulatorStateImpl;
  readonly caller: Caller;
  readonly requestId: string;
  /** Emulator clock, ms since the epoch. */
  readonly now: number;
  /** Path parameters, already percent-decoded. */
  readonly params: Readonly<Record<string, string>>;
  /** The log entry of this request, for handlers to annotate (model, stream events). */
  readonly entry: ReceivedRequest;
  /** A matched fault that acts inside a 200 stream (exception frame or cut). */
  readonly streamFault: ScenarioFault | undefined;
}

export type RouteHandler = (context: RouteContext) => Promise<EmulatorResponse>;
