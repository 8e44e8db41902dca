/**
 * The official Anthropic Bedrock SDK clients that carry our requests. Signing, path rewriting and
 * event-stream decoding are the SDK's; this module feeds it the credentials the AuthProvider
 * resolved, keeps one SDK client per endpoint, base URL, region and credential, and pins the
 * exact header set that goes on the wire.
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
  return async (request, next) => {
    const headers = new Headers(request.headers);
    const allowed = new Set(SDK_HEADERS);
    for (const name of (headers.get(ALLOW_MARKER) ?? '').split(',')) {
      if (name.trim()) allowed.add(name.trim().toLowerCase());
    }
    for (const name of [...headers.keys()]) {
      if (!allowed.has(name) && !name.startsWith('x-stainless-')) headers.delete(name);
    }
    // Written last: a default header from the environment may have replaced the SDK's own.
    if (auth.kind === 'bearer') headers.set('authorization', `Bearer ${auth.token}`);
    return next({ ...request, headers });
  };
}

/** Request options `headers` for a call: ours, plus the marker that lets them through the policy. */
export function withAllowedHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  return { ...headers, [ALLOW_MARKER]: Object.keys(headers).join(',') };
}

/** Identifies a credential without keeping it readable: a hash, never logged. */
function fingerprint(auth: RequestAuth): string {
  const hash = createHash('sha256');
  if (auth.kind === 'bearer') hash.update(`bearer\0${auth.token}`);
  else if (auth.kind === 'sigv4') {
    const { accessKeyId, secretAccessKey, sessionToken } = auth.credentials;
    hash.update(`sigv4\0${accessKeyId}\0${secretAccessKey}\0${sessionToken ?? ''}`);
  } else hash.update('none');
  return hash.digest('hex');
}

const silentLogger = { error() {}, warn() {}, info() {}, debug() {} };

export class SdkClientPool {
  readonly #options: TransportOptions;
  readonly #clients = new Map<string, { fingerprint: string; client: SdkClient }>();

  constructor(options: TransportOptions) {
    this.#options = options;
  }

  /**
   * The SDK client for one endpoint, base URL and region, configured with `auth`. A client is
   * replaced when the credentials change (refresh, rotation), so a new key is never signed with
   * an old session token.
   */
  get(endpoint: EndpointKind, baseURL: string, region: string, auth: RequestAuth): SdkClient {
    const key = `${endpoint}\0${baseURL}\0${region}\0${auth.kind}`;
    const print = fingerprint(auth);
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
