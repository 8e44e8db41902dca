/**
 * The emulator's transport-neutral request and response. Adapters (node http/1.1, h2c, fetch)
 * turn wire traffic into an EmulatorRequest and write an EmulatorResponse back; route handlers
 * only ever see and return these values.
 */

export interface EmulatorRequest {
  readonly method: string;
  /** Path exactly as received, percent-encoding untouched (SigV4 and model-ID decoding need it raw). */
  readonly rawPath: string;
  /** Query string as received, without the `?`. */
  readonly rawQuery: string;
  /** Lower-case names; repeated headers joined with `,` as SigV4 canonicalisation expects. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
  readonly httpVersion: '1.1' | '2' | 'fetch';
  /** Set when the body exceeded the size limit: the handler answers without reading it. */
  readonly bodyTooLarge?: boolean;
}

/** A piece of a streamed response body. `cut` ends the stream by dropping the connection. */
export type StreamPart =
  | { readonly kind: 'data'; readonly bytes: Uint8Array; readonly delayMs: number }
  | { readonly kind: 'cut'; readonly delayMs: number };

export interface EmulatorResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** A complete body; absent for streamed responses. */
  readonly body?: Uint8Array | string;
  /** A streamed body, produced lazily so latency injection and cuts happen on the wire. */
  readonly stream?: Iterable<StreamPart>;
  /** Delay before the status line (first-byte latency). */
  readonly delayMs?: number;
}

export function jsonResponse(
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): EmulatorResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(value),
  };
}

export function headerValue(request: EmulatorRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return value === undefined || value === '' ? undefined : value;
}
