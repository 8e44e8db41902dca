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
import { AnthropicBedrock, AnthropicBedrockMantle } from '@anthropic-ai/bedrock-sdk';
import type { Middleware } from '@anthropic-ai/sdk';
import type { RequestAuth } from '../aws/auth-types.js';
import type { CustomHeader, EndpointKind } from '../routing/types.js';

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

function headerPolicy(auth: RequestAuth): Middleware {
  const bearer = auth.kind === 'bearer' ? `Bearer ${auth.token}` : undefined;
  return async (request, next) => {
    // The SDK builds a fresh Headers object for every request (and every retry), so it is edited
    // in place rather than copied.
    const headers = request.headers instanceof Headers ? request.headers : new Headers(request.headers);
    const marker = headers.get(ALLOW_MARKER) ?? '';
    const ours = new Set(marker.split(',').map((name) => name.trim().toLowerCase()));
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
