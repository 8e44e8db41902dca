/**
 * The emulator as a `fetch` function: lets the Anthropic SDK (which takes a `fetch` option) and
 * other modules' tests talk to it in-process, with no socket. Streams keep their latency, and a
 * cut stream errors the body the way undici does when a connection drops.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { readLimited } from '../core/read-limited.js';
import type { EmulatorRequest, EmulatorResponse } from './http-types.js';

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export async function toEmulatorRequest(request: Request, maxBodyBytes: number): Promise<EmulatorRequest> {
  const url = new URL(request.url);
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name.toLowerCase()] = value;
  });
  // fetch never shows a Host header, but signers sign the URL's host.
  headers.host ??= url.host;
  const read = await readLimited(request.body, maxBodyBytes);
  const tooLarge = read.overLimit;
  const body = tooLarge ? new Uint8Array(0) : read.bytes;
  // Nor a Content-Length, which fetch computes when it sends; signers that sign it (the AWS SDK
  // does) expect the value a server would receive.
  if (!tooLarge && body.byteLength > 0) headers['content-length'] ??= String(body.byteLength);
  return {
    method: request.method,
    rawPath: url.pathname,
    rawQuery: url.search.replace(/^\?/, ''),
    headers,
    body,
    httpVersion: 'fetch',
    ...(tooLarge ? { bodyTooLarge: true } : {}),
  };
}

export async function toFetchResponse(response: EmulatorResponse, signal?: AbortSignal | null): Promise<Response> {
  if (response.delayMs) await sleep(response.delayMs, undefined, signal ? { signal } : undefined);
  const headers = new Headers(response.headers);
  if (!response.stream) {
    const body = response.status === 204 || response.status === 304 ? null : (response.body ?? '');
    return new Response(body as ConstructorParameters<typeof Response>[0], { status: response.status, headers });
  }
  const iterator = response.stream[Symbol.iterator]();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = iterator.next();
      if (next.done) {
        controller.close();
        return;
      }
      const part = next.value;
      if (part.delayMs) await sleep(part.delayMs);
      if (part.kind === 'cut') controller.error(new TypeError('terminated: the emulator cut the stream'));
      else controller.enqueue(part.bytes);
    },
    cancel() {
      iterator.return?.();
    },
  });
  return new Response(stream, { status: response.status, headers });
}
