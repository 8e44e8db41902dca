import { HttpResponse, type HttpHandler, type HttpHandlerOptions, type HttpRequest } from '@smithy/protocol-http';

/** Headers fetch computes from the URL and body itself; sending them again is rejected or redundant. */
const FETCH_MANAGED_HEADERS = new Set(['host', 'content-length', 'connection', 'transfer-encoding']);

export type FetchFn = typeof fetch;

/**
 * Lets an AWS SDK client send through an injected `fetch` (a proxy-aware one, or a test
 * double) with a hard per-request timeout. @smithy/fetch-http-handler exists, but always uses
 * the global fetch and is not one of our dependencies; this adapter is the few lines needed to
 * plug any fetch into the SDK's HttpHandler seam.
 */
export class FetchHttpHandler implements HttpHandler<{ timeoutMs: number }> {
  private timeoutMs: number;

  constructor(
    private readonly fetchFn: FetchFn,
    timeoutMs: number,
  ) {
    this.timeoutMs = timeoutMs;
  }

  async handle(request: HttpRequest, options: HttpHandlerOptions = {}): Promise<{ response: HttpResponse }> {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value === null || value === undefined) query.append(key, '');
      else if (Array.isArray(value)) for (const item of value) query.append(key, item);
      else query.append(key, value);
    }
    const search = query.toString();
    const port = request.port ? `:${request.port}` : '';
    const url = `${request.protocol}//${request.hostname}${port}${request.path}${search ? `?${search}` : ''}`;

    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) {
      if (!FETCH_MANAGED_HEADERS.has(name.toLowerCase())) headers.set(name, value);
    }
    const signals = [AbortSignal.timeout(this.timeoutMs)];
    if (options.abortSignal) signals.push(options.abortSignal as AbortSignal);
    const hasBody = request.body !== undefined && request.body !== null && request.method !== 'GET' && request.method !== 'HEAD';
    const response = await this.fetchFn(url, {
      method: request.method,
      headers,
      ...(hasBody ? { body: request.body as RequestInit['body'] } : {}),
      signal: AbortSignal.any(signals),
    });
    const responseHeaders: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      responseHeaders[name] = value;
    });
    const body = new Uint8Array(await response.arrayBuffer());
    return { response: new HttpResponse({ statusCode: response.status, reason: response.statusText, headers: responseHeaders, body }) };
  }

  updateHttpClientConfig(key: 'timeoutMs', value: number): void {
    if (key === 'timeoutMs') this.timeoutMs = value;
  }

  httpHandlerConfigs(): { timeoutMs: number } {
    return { timeoutMs: this.timeoutMs };
  }
}
