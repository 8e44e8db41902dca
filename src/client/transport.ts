/**
 * The official Anthropic Bedrock SDK clients that carry our requests. Signing, path rewriting and
 * event-stream decoding are the SDK's; this module feeds it the credentials the AuthProvider
 * resolved, keeps one SDK client per endpoint, base URL, region and credential, and pins the
 * exact header set that goes on the wire.
 *
 * The SDK is imported statically, on purpose: loaded in the same module graph as the rest of the
 * client (which a session starts importing before it reads the settings), it cost about 30 ms less
 * time to first token than importing `@anthropic-ai/bedrock-sdk/client` or `/mantle-client` on
 * first use (bench/ttft.bench.mjs). No exported entry point of the package avoids
 * `@aws-sdk/client-bedrock-runtime` for the Invoke API: its event-stream decoding needs it.
 */
import { createHash } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { brotliDecompressSync, constants as zlibConstants, gunzipSync, inflateSync } from 'node:zlib';
import { AnthropicBedrock, AnthropicBedrockMantle } from '@anthropic-ai/bedrock-sdk';
import type { Middleware } from '@anthropic-ai/sdk';
import type { RequestAuth } from '../core/auth-types.js';
import type { CustomHeader, EndpointKind } from '../core/route-plan.js';

export type SdkClient = AnthropicBedrock | AnthropicBedrockMantle;

export interface TransportOptions {
  readonly fetch: typeof fetch;
  readonly timeoutMs: number;
  /**
   * `false`: the SDK records no OpenTelemetry span for these requests. Availability probes turn
   * it off: a span per 1-token probe tells an operator nothing and costs a tenth of a millisecond
   * of CPU each, which adds up over a `models` matrix. Default: the SDK's own setting.
   */
  readonly traces?: boolean;
}

/**
 * Headers the SDK itself sets and that may stay on the wire. Everything else must have been put
 * there by us for this request: the Anthropic SDK also merges the process's
 * ANTHROPIC_CUSTOM_HEADERS into every request on its own, which would bypass the settings
 * precedence (a settings `env` entry cancelling a shell export) and could smuggle an
 * `Authorization` header next to a signature.
 */
const SDK_HEADERS = new Set(['accept', 'content-type', 'content-length', 'user-agent', 'anthropic-version', 'anthropic-beta']);

/** Carries the names of the headers we set from the call site to the policy middleware. */
const ALLOW_MARKER = 'x-cc-bedrock-allowed-headers';

/**
 * The header names a marker allows. A client sends the same few header sets again and again (a
 * probe batch, a session's calls), so each marker is parsed once; the bound only guards against
 * a caller that varies its header names without end.
 */
const allowedByMarker = new Map<string, ReadonlySet<string>>();
const ALLOWED_MARKERS_KEPT = 64;

function allowedNames(marker: string): ReadonlySet<string> {
  let names = allowedByMarker.get(marker);
  if (names === undefined) {
    names = new Set(marker.split(',').map((name) => name.trim().toLowerCase()));
    if (allowedByMarker.size >= ALLOWED_MARKERS_KEPT) allowedByMarker.clear();
    allowedByMarker.set(marker, names);
  }
  return names;
}

function headerPolicy(auth: RequestAuth): Middleware {
  const bearer = auth.kind === 'bearer' ? `Bearer ${auth.token}` : undefined;
  return async (request, next) => {
    // The SDK builds a fresh Headers object for every request (and every retry), so it is edited
    // in place rather than copied.
    const headers = request.headers instanceof Headers ? request.headers : new Headers(request.headers);
    const ours = allowedNames(headers.get(ALLOW_MARKER) ?? '');
    const drop: string[] = [];
    for (const name of headers.keys()) {
      if (!SDK_HEADERS.has(name) && !ours.has(name) && !name.startsWith('x-stainless-')) drop.push(name);
    }
    for (const name of drop) headers.delete(name);
    // Written last: a default header from the environment may have replaced the SDK's own.
    if (bearer !== undefined) headers.set('authorization', bearer);
    return next(headers === request.headers ? request : { ...request, headers });
  };
}

/** Request options `headers` for a call: ours, plus the marker that lets them through the policy. */
export function withAllowedHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  return { ...headers, [ALLOW_MARKER]: Object.keys(headers).join(',') };
}

function hashCredential(auth: RequestAuth): string {
  const hash = createHash('sha256');
  if (auth.kind === 'bearer') hash.update(`bearer\0${auth.token}`);
  else if (auth.kind === 'sigv4') {
    const { accessKeyId, secretAccessKey, sessionToken } = auth.credentials;
    hash.update(`sigv4\0${accessKeyId}\0${secretAccessKey}\0${sessionToken ?? ''}`);
  } else hash.update('none');
  return hash.digest('hex');
}

/**
 * Fingerprints by credentials object. An AuthProvider hands out the same AwsCredentials object
 * until it re-resolves, so every request of a session after the first is a lookup, not a hash.
 */
const sigv4Fingerprints = new WeakMap<object, string>();

const silentLogger = { error() {}, warn() {}, info() {}, debug() {} };

export class SdkClientPool {
  readonly #options: TransportOptions;
  readonly #clients = new Map<string, { fingerprint: string; client: SdkClient }>();
  #lastBearer: { token: string; fingerprint: string } | undefined;

  constructor(options: TransportOptions) {
    this.#options = options;
  }

  /** Identifies a credential without keeping it readable: a hash, never logged. */
  #fingerprint(auth: RequestAuth): string {
    if (auth.kind === 'sigv4') {
      let print = sigv4Fingerprints.get(auth.credentials);
      if (print === undefined) {
        print = hashCredential(auth);
        sigv4Fingerprints.set(auth.credentials, print);
      }
      return print;
    }
    if (auth.kind === 'bearer') {
      // Strings cannot key a WeakMap; the pool's own client holds the same token anyway.
      if (this.#lastBearer?.token !== auth.token) this.#lastBearer = { token: auth.token, fingerprint: hashCredential(auth) };
      return this.#lastBearer.fingerprint;
    }
    return 'none';
  }

  /**
   * The SDK client for one endpoint, base URL and region, configured with `auth`. A client is
   * replaced when the credentials change (refresh, rotation), so a new key is never signed with
   * an old session token.
   */
  get(endpoint: EndpointKind, baseURL: string, region: string, auth: RequestAuth): SdkClient {
    const key = `${endpoint}\0${baseURL}\0${region}\0${auth.kind}`;
    const print = this.#fingerprint(auth);
    const cached = this.#clients.get(key);
    if (cached && cached.fingerprint === print) return cached.client;
    const client = endpoint === 'mantle' ? this.#mantle(baseURL, region, auth) : this.#bedrock(baseURL, region, auth);
    this.#clients.set(key, { fingerprint: print, client });
    return client;
  }

  #common(auth: RequestAuth) {
    return {
      maxRetries: 0,
      timeout: this.#options.timeoutMs,
      fetch: this.#options.fetch,
      logLevel: 'off' as const,
      logger: silentLogger,
      middleware: [headerPolicy(auth)],
      ...(this.#options.traces === false ? { openTelemetry: false as const } : {}),
    };
  }

  #bedrock(baseURL: string, region: string, auth: RequestAuth): AnthropicBedrock {
    // Every option is explicit: left undefined, the SDK would read AWS_REGION,
    // ANTHROPIC_BEDROCK_BASE_URL and AWS_BEARER_TOKEN_BEDROCK from the process environment.
    if (auth.kind === 'sigv4') {
      return new AnthropicBedrock({
        ...this.#common(auth),
        baseURL,
        awsRegion: region,
        apiKey: null,
        awsAccessKey: auth.credentials.accessKeyId,
        awsSecretKey: auth.credentials.secretAccessKey,
        awsSessionToken: auth.credentials.sessionToken ?? null,
      });
    }
    return new AnthropicBedrock({
      ...this.#common(auth),
      baseURL,
      awsRegion: region,
      apiKey: auth.kind === 'bearer' ? auth.token : null,
      skipAuth: auth.kind === 'none',
    });
  }

  #mantle(baseURL: string, region: string, auth: RequestAuth): AnthropicBedrockMantle {
    if (auth.kind === 'sigv4') {
      return new AnthropicBedrockMantle({
        ...this.#common(auth),
        baseURL,
        awsRegion: region,
        apiKey: null,
        awsAccessKey: auth.credentials.accessKeyId,
        awsSecretAccessKey: auth.credentials.secretAccessKey,
        awsSessionToken: auth.credentials.sessionToken ?? null,
      });
    }
    return new AnthropicBedrockMantle({
      ...this.#common(auth),
      baseURL,
      awsRegion: region,
      apiKey: auth.kind === 'bearer' ? auth.token : null,
      skipAuth: auth.kind === 'none',
    });
  }
}

/** As the global fetch (undici): idle keep-alive connections close after 4 s, or earlier when the server says so. */
const IDLE_CONNECTION_MS = 4_000;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);
/** The reason-phrase grammar `new Response` enforces on `statusText`. */
const REASON_PHRASE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * Undoes the content codings, last applied first, with the global fetch's leniency towards a
 * truncated stream; a coding it does not know leaves the body as it came, as the global fetch does.
 */
function decodeBody(body: Buffer, encoding: string | undefined): Buffer {
  if (encoding === undefined) return body;
  const codings = encoding.split(',').map((coding) => coding.trim().toLowerCase());
  const lenient = { flush: zlibConstants.Z_SYNC_FLUSH, finishFlush: zlibConstants.Z_SYNC_FLUSH };
  const brotliLenient = { flush: zlibConstants.BROTLI_OPERATION_FLUSH, finishFlush: zlibConstants.BROTLI_OPERATION_FLUSH };
  let decoded = body;
  for (const coding of codings.reverse()) {
    if (coding === 'gzip' || coding === 'x-gzip') decoded = gunzipSync(decoded, lenient);
    else if (coding === 'deflate') decoded = inflateSync(decoded, lenient);
    else if (coding === 'br') decoded = brotliDecompressSync(decoded, brotliLenient);
    else if (coding !== 'identity' && coding !== '') return body;
  }
  return decoded;
}

/**
 * A `fetch` for short, non-streaming exchanges (availability probes), handed to the SDK through
 * its `fetch` option. Node's global fetch (undici) pays for the WHATWG machinery on every
 * request: a Request with its own AbortController, a clone and tee of the body kept for
 * redirects, web streams for both bodies. For the `models` matrix (bench/models.bench.mjs) through
 * the SDK alone that was about 0.7 ms of 2.6 ms of CPU per probe. This one writes the request with
 * node:http(s) over keep-alive agents and answers a Response whose body is already read.
 *
 * What it would handle differently from the global fetch goes to `fallback` (the global
 * fetch), so the outcome stays the global fetch's: a Request object or a body that is not text
 * or bytes, a scheme other than http(s), and a redirect (the request is sent again through
 * `fallback`, which follows it as before; the server has not acted on a request it redirected).
 * Failures are the global fetch's: `TypeError('fetch failed', { cause })`, or the signal's
 * reason once it aborted. Hand-written because no installed library offers a fetch over
 * node:http; it is the SDK's documented extension point.
 */
export function createBufferedFetch(fallback: typeof fetch = (input, init) => globalThis.fetch(input, init)): typeof fetch {
  const agents = {
    'http:': new HttpAgent({ keepAlive: true, timeout: IDLE_CONNECTION_MS }),
    // Offered as the global fetch offers it, so a TLS endpoint sees the same handshake.
    'https:': new HttpsAgent({ keepAlive: true, timeout: IDLE_CONNECTION_MS, ALPNProtocols: ['http/1.1'] }),
  };
  const buffered = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const body = init.body;
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : undefined;
    const scheme = url?.slice(0, url.indexOf(':') + 1);
    const plain = body == null || typeof body === 'string' || body instanceof Uint8Array;
    // `dispatcher` is undici's own option (a proxy agent, say): only the global fetch honours it.
    if (url === undefined || (scheme !== 'http:' && scheme !== 'https:') || !plain || 'dispatcher' in init) {
      return fallback(input, init);
    }
    const signal = init.signal ?? undefined;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const headers: Record<string, string> = {};
    (init.headers instanceof Headers ? init.headers : new Headers(init.headers)).forEach((value, name) => {
      headers[name] = value;
    });
    const options: RequestOptions = { method: (init.method ?? 'GET').toUpperCase(), headers, agent: agents[scheme], ...(signal ? { signal } : {}) };
    return new Promise<Response>((resolve, reject) => {
      let settled = false;
      const fail = (error: unknown) => {
        if (settled) return;
        settled = true;
        reject(signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause: error }));
      };
      const answer = (res: IncomingMessage) => {
        const status = res.statusCode ?? 0;
        const pairs: [string, string][] = [];
        let location = false;
        let encoding: string | undefined;
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          const name = res.rawHeaders[i]!;
          const value = res.rawHeaders[i + 1]!;
          pairs.push([name, value]);
          const lower = name.toLowerCase();
          if (lower === 'location') location = true;
          else if (lower === 'content-encoding') encoding = value;
        }
        if (location && REDIRECT_STATUSES.has(status)) {
          res.resume();
          settled = true;
          resolve(fallback(input, init));
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', fail);
        res.on('close', () => {
          if (!res.complete) fail(new Error('the connection closed before the response ended'));
        });
        res.on('end', () => {
          if (settled) return;
          try {
            const payload = NULL_BODY_STATUSES.has(status) || options.method === 'HEAD' ? null : decodeBody(Buffer.concat(chunks), encoding);
            const statusText = res.statusMessage !== undefined && REASON_PHRASE.test(res.statusMessage) ? res.statusMessage : '';
            const response = new Response(payload, { status, statusText, headers: pairs });
            settled = true;
            resolve(response);
          } catch (error) {
            fail(error);
          }
        });
      };
      try {
        const request = (scheme === 'https:' ? httpsRequest : httpRequest)(url, options, answer);
        request.on('error', fail);
        request.end(body ?? undefined);
      } catch (error) {
        fail(error);
      }
    });
  };
  return buffered as typeof fetch;
}

export const SERVICE_TIER_HEADER = 'X-Amzn-Bedrock-Service-Tier';
/** Claude Code sends the Messages API version as a header on Mantle (observed 2.1.197; AWS docs agree). */
export const MANTLE_ANTHROPIC_VERSION = '2023-06-01';
/** The Invoke body dialect Claude Code and AWS document; SDK 1.x would send its header version instead. */
export const BEDROCK_ANTHROPIC_VERSION = 'bedrock-2023-05-31';

export interface HeaderInputs {
  readonly endpoint: EndpointKind;
  readonly authKind: RequestAuth['kind'];
  readonly customHeaders: readonly CustomHeader[];
  /** Only on Bedrock model calls; never on Mantle, probes or count-tokens. */
  readonly serviceTier?: string | undefined;
  readonly extra?: Readonly<Record<string, string>> | undefined;
}

/**
 * The headers we add to a model call. A user `Authorization` header is dropped whenever we
 * authenticate (SigV4 must not sign a foreign Authorization, a bearer token must not be
 * replaced, spec §6.7) and kept only with skip-auth, where a gateway may need it.
 */
export function requestHeaders(inputs: HeaderInputs): Record<string, string> {
  const out: Record<string, string> = {};
  const add = (name: string, value: string) => {
    if (name.toLowerCase() === 'authorization' && inputs.authKind !== 'none') return;
    for (const existing of Object.keys(out)) {
      if (existing.toLowerCase() === name.toLowerCase()) delete out[existing];
    }
    out[name] = value;
  };
  for (const header of inputs.customHeaders) add(header.name, header.value);
  for (const [name, value] of Object.entries(inputs.extra ?? {})) add(name, value);
  if (inputs.endpoint === 'bedrock' && inputs.serviceTier) add(SERVICE_TIER_HEADER, inputs.serviceTier);
  if (inputs.endpoint === 'mantle') add('anthropic-version', MANTLE_ANTHROPIC_VERSION);
  return out;
}
