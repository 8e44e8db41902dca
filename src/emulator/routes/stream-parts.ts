/**
 * The parts of a streamed reply with the scenario's in-stream faults applied at their event
 * index: an error in the wire's own shape (an exception frame on Invoke, an SSE `error` event on
 * Mantle), a cut connection, or a stall. Both streaming surfaces share it, so a fault means the same thing
 * on either.
 */
import type { StreamPart } from '../http-types.js';
import type { ScenarioFault } from '../scenario.js';
import type { ReceivedRequest } from '../state.js';

export type StreamException = NonNullable<ScenarioFault['streamException']>;

export interface StreamPartsOptions<Event> {
  readonly fault: ScenarioFault | undefined;
  /** The request-log entry; `streamEvents` counts the events that went out. */
  readonly entry: ReceivedRequest;
  readonly perChunkMs: number;
  readonly encode: (event: Event) => Uint8Array;
  readonly encodeException: (exception: StreamException) => Uint8Array;
}

export function* streamParts<Event>(events: readonly Event[], options: StreamPartsOptions<Event>): Iterable<StreamPart> {
  const { fault, entry, perChunkMs } = options;
  let written = 0;
  for (const event of events) {
    if (fault?.streamException && written === fault.streamException.afterEvents) {
      entry.streamEvents = written;
      yield { kind: 'data', bytes: options.encodeException(fault.streamException), delayMs: perChunkMs };
      return;
    }
    if (fault?.cutStream && written === fault.cutStream.afterEvents) {
      entry.streamEvents = written;
      yield { kind: 'cut', delayMs: perChunkMs };
      return;
    }
    const stall = fault?.stallStream && written === fault.stallStream.afterEvents ? fault.stallStream.ms : 0;
    yield { kind: 'data', bytes: options.encode(event), delayMs: (written === 0 ? 0 : perChunkMs) + stall };
    written += 1;
    entry.streamEvents = written;
  }
}
