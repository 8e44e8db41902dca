/**
 * The gateway's upstream leg: one signed HTTP request to Bedrock (Invoke API, control plane or
 * Mantle) with the credentials of the gateway's AuthProvider, a small retry budget for throttling
 * and outages, credential recovery on an expired token (the retry policy's budget), and failures read off the wire and
 * classified by the rule table of src/bedrock (wire-failure.ts, classify-failure.ts) so the CLI,
 * the library and the gateway explain the same upstream answer the same way.
 *
 * Why not the Anthropic Bedrock SDK here (the client module uses it): the gateway must hand
 * Bedrock's bytes on untouched (the event stream byte-for-byte on the passthrough, the JSON
 * reply without a parse/serialise round trip), and the SDK only returns decoded objects.
 * Signing is still the AWS library's (@smithy/signature-v4); connections are pooled and kept
 * alive by the transport (upstream-transport.ts).
 */
import { createHash } from 'node:crypto';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { CcBedrockError } from '../core/errors.js';
import type { AuthProvider, AwsCredentials, RequestAuth } from '../core/auth-types.js';
import type { Clock } from '../core/clock.js';
import { DeadlineSweep } from '../bedrock/deadlines.js';
import { MAX_AUTH_RECOVERIES, RetryBudget, SHOULD_RETRY_HEADER, isFinal, markFinal } from '../bedrock/retry-policy.js';
import { classifyFailure } from '../bedrock/classify-failure.js';
import type { ClassifyContext } from '../bedrock/failure-rules.js';
import { scrubSecrets, secretsOf, type UpstreamFailure } from '../bedrock/failure-facts.js';
import { ABORT_FAILURE, TIMEOUT_FAILURE, upstreamFailureFromNetwork, upstreamFailureFromResponse, upstreamFailureFromThrown } from '../bedrock/wire-failure.js';
import type { Sleep } from '../client/types.js';
import type { CallTarget } from '../core/route-plan.js';
import type { Cancellation } from './cancellation.js';
import type { UpstreamResponse, UpstreamTransport } from './upstream-transport.js';

export type SigningService = 'bedrock' | 'bedrock-mantle';

export interface UpstreamCall {
  /** Model, region and base URL: every error names them. */
  readonly target: CallTarget;
  readonly service: SigningService;
  readonly method: 'GET' | 'POST';
  /** Base URL without a trailing slash (may carry a path, e.g. Mantle's `/anthropic`). */
  readonly baseURL: string;
  /** Path below the base, percent-encoded exactly as it goes on the wire. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Uint8Array | string;
  readonly operation: ClassifyContext['operation'];
  readonly countTokensModelId?: string;
  /**
   * Stops the call and, after it succeeded, the response body (client gone, gateway closing).
   * The response timeout aborts it too, so it belongs to this call's request alone.
   */
  readonly cancel: Cancellation;
  /**
   * Time allowed to the response headers when shorter than the gateway's request timeout: a
   * streaming call's first-byte deadline (a non-streaming answer comes only once generated).
   */
  readonly firstByteTimeoutMs?: number;
  /** The logical call's budget when it spans several sends (a stream re-sent before output); one per send otherwise. */
  readonly budget?: RetryBudget;
}

export interface UpstreamSuccess {
  readonly response: UpstreamResponse;
  /** Attempts made, 1 when the first one succeeded. */
  readonly attempts: number;
  /** Milliseconds from sending the successful attempt to its response headers. */
  readonly latencyMs: number;
}

/** An upstream HTTP error as received, so the Bedrock passthrough can hand it on unchanged. */
export interface UpstreamErrorResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
}

export interface UpstreamOptions {
  readonly auth: { readonly bedrock: AuthProvider; readonly mantle: AuthProvider };
  readonly transport: UpstreamTransport;
  readonly clock: Clock;
  readonly sleep: Sleep;
  readonly random: () => number;
  readonly maxRetries: number;
  /** Time allowed from sending a request to its response headers. */
  readonly timeoutMs: number;
  /** The shortest `firstByteTimeoutMs` calls will carry (sets how often deadlines are checked). */
  readonly firstByteTimeoutMs?: number;
  /** Called when an attempt failed and will be retried (for the request log and metrics). */
  readonly onRetry?: (error: CcBedrockError) => void;
}

/** Error bodies are small JSON; anything larger is cut rather than buffered. */
const MAX_ERROR_BODY_BYTES = 256 * 1024;
const USER_AGENT = 'cc-bedrock-gateway/0.1.0';
const TIMED_OUT = Symbol('upstream response timeout');
const CONTENT_SHA256 = 'x-amz-content-sha256';
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
/** Request URLs are built from client-chosen model IDs: the cache is bounded. */
const MAX_CACHED_URLS = 256;
/** Response headers a passthrough client needs; hop-by-hop and length headers are the adapter's business. */
const FORWARDED_ERROR_HEADERS = ['content-type', 'x-amzn-errortype', 'x-amzn-requestid', 'retry-after'];

const upstreamResponses = new WeakMap<CcBedrockError, UpstreamErrorResponse>();

/** The upstream HTTP answer behind a classified error, when there was one. */
export function upstreamResponseOf(error: unknown): UpstreamErrorResponse | undefined {
  return error instanceof CcBedrockError ? upstreamResponses.get(error) : undefined;
}

/** A request that got no answer, already read into the facts the rules match on. */
class NoAnswer extends Error {
  constructor(
    readonly failure: UpstreamFailure,
    cause: unknown,
  ) {
    super(failure.message, { cause });
  }
}

function queryString(query: Readonly<Record<string, string>> | undefined): string {
  if (!query) return '';
  const parts = Object.entries(query).map(([key, value]) => `${encodeRfc3986(key)}=${encodeRfc3986(value)}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

function encodeRfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export class Upstream {
  readonly #options: UpstreamOptions;
  readonly #signers = new Map<string, { credentials: AwsCredentials; signer: SignatureV4 }>();
  readonly #urls = new Map<string, URL>();

  readonly #deadlines: DeadlineSweep;

  constructor(options: UpstreamOptions) {
    this.#options = options;
    this.#deadlines = new DeadlineSweep(Math.min(options.timeoutMs, options.firstByteTimeoutMs ?? Infinity));
  }

  /** A budget for one logical call that makes several sends. */
  budget(): RetryBudget {
    return new RetryBudget(this.#options.maxRetries, MAX_AUTH_RECOVERIES);
  }

  providerFor(service: SigningService): AuthProvider {
    return service === 'bedrock-mantle' ? this.#options.auth.mantle : this.#options.auth.bedrock;
  }

  /**
   * Sends the call, retrying throttling, outages, timeouts and dropped connections within the
   * budget and recovering expired credentials once. Resolves with the first 2xx response
   * (body unread); throws the classified CcBedrockError otherwise.
   */
  async send(call: UpstreamCall): Promise<UpstreamSuccess> {
    const { clock, random, maxRetries } = this.#options;
    const provider = this.providerFor(call.service);
    const budget = call.budget ?? new RetryBudget(maxRetries, MAX_AUTH_RECOVERIES);
    for (;;) {
      const auth = provider.readyAuth?.() ?? (await provider.getAuth());
      const started = clock();
      let response: UpstreamResponse;
      try {
        response = await this.#attempt(call, auth);
      } catch (thrown) {
        // A signing failure (bad credentials material) is the one thing thrown here that is not a NoAnswer.
        const cause = thrown instanceof NoAnswer ? thrown.cause : thrown;
        const failure = thrown instanceof NoAnswer ? thrown.failure : upstreamFailureFromThrown(thrown, secretsOf(auth));
        const classified = classifyFailure(cause, failure, this.#context(call, auth));
        // The call's own cancellation carries its deadline: a timed-out call is not sent again.
        if (budget.step(classified, cause, { canRecover: false, cancelled: call.cancel.aborted }) === 'retry') {
          this.#options.onRetry?.(classified.error);
          await this.#wait(budget.delay(undefined, random), call);
          continue;
        }
        if (call.cancel.reason === TIMED_OUT) {
          classified.error.details['timeoutMs'] = call.firstByteTimeoutMs ?? this.#options.timeoutMs;
          markFinal(classified.error);
        }
        throw budget.finish(classified.error);
      }
      if (response.ok) {
        provider.markWorking();
        return { response, attempts: budget.attempts, latencyMs: clock() - started };
      }

      // A broken error body still leaves the status and headers to classify by.
      const bytes = await response.bytes(MAX_ERROR_BODY_BYTES).catch(() => new Uint8Array(0));
      const answer = { status: response.status, headers: response.headers() };
      const failure = upstreamFailureFromResponse(answer.status, answer.headers, Buffer.from(bytes).toString('utf8'), secretsOf(auth), clock());
      const classified = classifyFailure(answer, failure, this.#context(call, auth));
      const step = budget.step(classified, answer, { canRecover: auth.kind !== 'none', cancelled: call.cancel.aborted });
      // Throws the provider's own error (refresh failed, loop guard) when recovery is impossible.
      if (step === 'recover-auth' && (await provider.recoverFromAuthFailure(classified.error))) continue;
      if (step === 'retry') {
        this.#options.onRetry?.(classified.error);
        await this.#wait(budget.delay(failure.retryAfterMs, random), call);
        continue;
      }
      const error = budget.finish(classified.error);
      if (failure.retryAfterMs !== undefined) error.details['retryAfterMs'] = failure.retryAfterMs;
      const headers: Record<string, string> = {};
      for (const name of FORWARDED_ERROR_HEADERS) {
        const value = response.header(name);
        if (value !== null) headers[name] = value;
      }
      // Bedrock clients behind the passthrough (the Anthropic Bedrock SDK) obey it too.
      if (isFinal(error)) headers[SHOULD_RETRY_HEADER] = 'false';
      const scrubbed = Buffer.from(scrubSecrets(Buffer.from(bytes).toString('utf8'), secretsOf(auth)), 'utf8');
      upstreamResponses.set(error, { status: response.status, headers, body: scrubbed });
      throw error;
    }
  }

  #context(call: UpstreamCall, auth: RequestAuth): ClassifyContext {
    return {
      target: call.target,
      authKind: auth.kind,
      operation: call.operation,
      ...(call.countTokensModelId ? { countTokensModelId: call.countTokensModelId } : {}),
    };
  }

  async #wait(ms: number, call: UpstreamCall): Promise<void> {
    try {
      await this.#options.sleep(ms, call.cancel.signal);
    } catch {
      throw classifyFailure(undefined, ABORT_FAILURE, { target: call.target, authKind: 'none', operation: call.operation }).error;
    }
  }

  async #attempt(call: UpstreamCall, auth: RequestAuth): Promise<UpstreamResponse> {
    const url = this.#url(`${call.baseURL}${call.path}${queryString(call.query)}`);
    const headers: Record<string, string> = { ...call.headers, 'user-agent': USER_AGENT };
    if (auth.kind === 'bearer') {
      headers['authorization'] = `Bearer ${auth.token}`;
    } else if (auth.kind === 'sigv4') {
      // The payload hash is SigV4's own header; given, the signer uses it instead of hashing the
      // body again through its portable hash wrapper (node's native digest is several times cheaper).
      headers[CONTENT_SHA256] = call.body === undefined ? EMPTY_SHA256 : createHash('sha256').update(call.body).digest('hex');
      const toSign: Record<string, string> = { ...headers, host: url.host };
      const request = new HttpRequest({ method: call.method, protocol: url.protocol, hostname: url.hostname, path: url.pathname, headers: toSign, body: call.body });
      if (url.port) request.port = Number(url.port);
      if (call.query) request.query = { ...call.query };
      const signed = await this.#signer(call.service, call.target.region, auth.credentials).sign(request);
      for (const name in signed.headers) {
        if (name !== 'host') headers[name] = signed.headers[name]!;
      }
    }

    // The call's own cancellation carries the response timeout too: a timed-out request is not
    // retried here (the client's retry policy decides), which saves a controller per attempt.
    const { cancel } = call;
    const deadline = this.#deadlines.add(cancel, call.firstByteTimeoutMs ?? this.#options.timeoutMs, TIMED_OUT);
    try {
      return await this.#options.transport({ url, method: call.method, headers, body: call.body, cancel });
    } catch (error) {
      if (cancel.reason === TIMED_OUT) throw new NoAnswer(TIMEOUT_FAILURE, error);
      if (cancel.aborted) throw new NoAnswer(ABORT_FAILURE, error);
      throw new NoAnswer(upstreamFailureFromNetwork(error, secretsOf(auth)), error);
    } finally {
      this.#deadlines.delete(deadline);
    }
  }

  /** Parsed upstream URLs, reused: a handful of distinct ones (model × operation) serve every call. */
  #url(text: string): URL {
    let url = this.#urls.get(text);
    if (!url) {
      if (this.#urls.size >= MAX_CACHED_URLS) this.#urls.clear();
      url = new URL(text);
      this.#urls.set(text, url);
    }
    return url;
  }

  #signer(service: SigningService, region: string, credentials: AwsCredentials): SignatureV4 {
    const key = `${service}\0${region}`;
    const cached = this.#signers.get(key);
    if (cached && cached.credentials === credentials) return cached.signer;
    const signer = new SignatureV4({
      service,
      region,
      credentials: {
        accessKeyId: credentials.accessKeyId,
        secretAccessKey: credentials.secretAccessKey,
        ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
      },
      sha256: Hash.bind(null, 'sha256'),
      applyChecksum: true,
    });
    this.#signers.set(key, { credentials, signer });
    return signer;
  }
}
