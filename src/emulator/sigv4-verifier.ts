/**
 * Server-side SigV4 verification. The signature is recomputed with @smithy/signature-v4 (the
 * signer the AWS SDK itself uses) from the request as received; this module only rebuilds that
 * request faithfully (wire reference §4.1): the raw path is handed to the signer, which
 * re-encodes each segment once more; the query is decoded then re-encoded; only the headers the
 * client listed in SignedHeaders take part, with HTTP/2's `:authority` standing in for `host`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { awsErrors, type AwsServiceError } from './aws-errors.js';

const ALGORITHM = 'AWS4-HMAC-SHA256';
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const UNSIGNED_PAYLOADS = new Set(['UNSIGNED-PAYLOAD', 'STREAMING-UNSIGNED-PAYLOAD-TRAILER']);

export interface SignableRequest {
  readonly method: string;
  readonly rawPath: string;
  readonly rawQuery: string;
  /** Lower-case names, repeated headers joined with `,`. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
}

export interface ParsedAuthorization {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

export interface VerifierCredential {
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
  /** Milliseconds since the epoch after which the key is expired. */
  readonly expiresAtMs?: number | undefined;
}

export interface VerifyOptions {
  readonly lookup: (accessKeyId: string) => VerifierCredential | undefined;
  /** Current time in ms (the emulator clock). */
  readonly now: number;
  /** Accepted SigV4 service names (`bedrock`, `bedrock-mantle`, `sts`). */
  readonly services: readonly string[];
  /** Allowed distance between x-amz-date and now; Infinity for recorded test vectors. */
  readonly maxSkewSeconds: number;
}

export type VerifyResult =
  | { readonly ok: true; readonly auth: ParsedAuthorization }
  | { readonly ok: false; readonly error: AwsServiceError; readonly auth?: ParsedAuthorization };

/** Parses `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`. */
export function parseAuthorization(value: string): ParsedAuthorization | AwsServiceError {
  const trimmed = value.trim();
  if (!trimmed.startsWith(`${ALGORITHM} `)) {
    return awsErrors.incompleteSignature(
      `Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.`,
    );
  }
  const params = new Map<string, string>();
  for (const part of trimmed.slice(ALGORITHM.length + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) params.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const missing = ['Credential', 'Signature', 'SignedHeaders'].filter((name) => !params.get(name));
  if (missing.length > 0) {
    return awsErrors.incompleteSignature(missing.map((name) => `Authorization header requires '${name}' parameter.`).join(' '));
  }
  const scope = (params.get('Credential') ?? '').split('/');
  if (scope.length !== 5 || scope.some((piece) => piece === '')) {
    return awsErrors.incompleteSignature(
      `Credential should be scoped to a valid region, not '${scope[2] ?? ''}'. Credential should be scoped to correct service: '${scope[3] ?? ''}'. `,
    );
  }
  const [accessKeyId, date, region, service, terminator] = scope as [string, string, string, string, string];
  if (terminator !== 'aws4_request') {
    return awsErrors.incompleteSignature(`Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'.`);
  }
  return {
    accessKeyId,
    date,
    region,
    service,
    signedHeaders: (params.get('SignedHeaders') ?? '').split(';').map((name) => name.trim().toLowerCase()),
    signature: params.get('Signature') ?? '',
  };
}

/** `20150830T123600Z` → epoch ms, or undefined when malformed. */
export function parseAmzDate(value: string): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as [number, number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  return Number.isNaN(ms) ? undefined : ms;
}

function formatAmzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

function decodeQueryComponent(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The query as the signer expects it: decoded keys and values, repeated keys as arrays. */
export function parseQuery(rawQuery: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  if (rawQuery === '') return query;
  for (const pair of rawQuery.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = decodeQueryComponent(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : decodeQueryComponent(pair.slice(eq + 1));
    const existing = query[key];
    if (existing === undefined) query[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else query[key] = [existing, value];
  }
  return query;
}

function signedHeaderValues(request: SignableRequest, names: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of names) {
    let value = request.headers[name];
    // Over HTTP/2 there is no Host header; the authority pseudo-header carries the same value.
    if (value === undefined && name === 'host') value = request.headers[':authority'];
    if (value === undefined && name === ':authority') value = request.headers.host;
    if (value !== undefined) headers[name] = value;
  }
  return headers;
}

/** Recomputes the signature the client should have sent for this request and secret. */
export async function computeSignature(
  request: SignableRequest,
  auth: ParsedAuthorization,
  secretAccessKey: string,
): Promise<string> {
  const headers = signedHeaderValues(request, auth.signedHeaders);
  const amzDate = headers['x-amz-date'] ?? request.headers['x-amz-date'] ?? '';
  const signingDate = parseAmzDate(amzDate);
  const sessionToken = auth.signedHeaders.includes('x-amz-security-token') ? headers['x-amz-security-token'] : undefined;
  const signer = new SignatureV4({
    credentials: { accessKeyId: auth.accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
    region: auth.region,
    service: auth.service,
    sha256: Hash.bind(null, 'sha256'),
    uriEscapePath: true,
    // The payload hash comes from the x-amz-content-sha256 header when the client signed it,
    // otherwise from the body; never add a header the client did not send.
    applyChecksum: false,
  });
  const hostHeader = headers.host ?? headers[':authority'] ?? request.headers.host ?? request.headers[':authority'] ?? 'localhost';
  const signed = await signer.sign(
    new HttpRequest({
      method: request.method,
      protocol: 'https:',
      hostname: hostHeader.replace(/:\d+$/, ''),
      path: request.rawPath,
      query: parseQuery(request.rawQuery),
      headers,
      body: request.body.byteLength > 0 ? request.body : undefined,
    }),
    { signingDate: new Date(signingDate ?? 0), signableHeaders: new Set(auth.signedHeaders) },
  );
  const authorization = String(signed.headers.authorization ?? '');
  return /Signature=([0-9a-f]+)/.exec(authorization)?.[1] ?? '';
}

function sameHex(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Verifies a SigV4-signed request. The checks run in the order AWS reports them: shape of the
 * header, known key, scope service, date and skew, session token, expiry, then the signature
 * and finally the payload hash.
 */
export async function verifySigV4(request: SignableRequest, options: VerifyOptions): Promise<VerifyResult> {
  const parsed = parseAuthorization(request.headers.authorization ?? '');
  if (!('accessKeyId' in parsed)) return { ok: false, error: parsed };
  const auth = parsed;
  const fail = (error: AwsServiceError): VerifyResult => ({ ok: false, error, auth });

  const amzDate = request.headers['x-amz-date'];
  if (!amzDate || !auth.signedHeaders.includes('x-amz-date')) {
    return fail(
      awsErrors.incompleteSignature(
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
      ),
    );
  }
  const signedAt = parseAmzDate(amzDate);
  if (signedAt === undefined) {
    return fail(awsErrors.incompleteSignature(`Date must be in ISO-8601 'basic format'. Got '${amzDate}'.`));
  }

  const credential = options.lookup(auth.accessKeyId);
  if (!credential) return fail(awsErrors.unrecognizedClient());

  if (!options.services.includes(auth.service)) {
    return fail(awsErrors.wrongService(options.services[0] ?? auth.service));
  }
  if (auth.date !== amzDate.slice(0, 8)) {
    return fail(
      awsErrors.signatureExpired(
        `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
      ),
    );
  }
  const skewMs = options.maxSkewSeconds * 1000;
  if (Number.isFinite(skewMs)) {
    if (signedAt < options.now - skewMs) {
      return fail(
        awsErrors.signatureExpired(
          `Signature expired: ${amzDate} is now earlier than ${formatAmzDate(options.now - skewMs)} (${formatAmzDate(options.now)} - ${options.maxSkewSeconds / 60} min.)`,
        ),
      );
    }
    if (signedAt > options.now + skewMs) {
      return fail(
        awsErrors.signatureExpired(
          `Signature not yet current: ${amzDate} is still later than ${formatAmzDate(options.now + skewMs)} (${formatAmzDate(options.now)} + ${options.maxSkewSeconds / 60} min.)`,
        ),
      );
    }
  }

  const sentToken = request.headers['x-amz-security-token'];
  if ((credential.sessionToken ?? '') !== (sentToken ?? '')) return fail(awsErrors.unrecognizedClient());
  if (credential.expiresAtMs !== undefined && options.now >= credential.expiresAtMs) return fail(awsErrors.expiredToken());

  const expected = await computeSignature(request, auth, credential.secretAccessKey);
  if (!sameHex(expected, auth.signature)) return fail(awsErrors.invalidSignature());

  const claimedHash = request.headers['x-amz-content-sha256'];
  if (claimedHash !== undefined && !UNSIGNED_PAYLOADS.has(claimedHash)) {
    const actual = request.body.byteLength === 0 ? EMPTY_SHA256 : createHash('sha256').update(request.body).digest('hex');
    if (claimedHash !== actual) return fail(awsErrors.invalidSignature());
  }
  return { ok: true, auth };
}

const PRESIGN_PARAMS = new Set([
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-SignedHeaders',
  'X-Amz-Signature',
  'X-Amz-Security-Token',
]);

export type PresignedResult =
  | { readonly ok: true; readonly auth: ParsedAuthorization; readonly expiresAtMs: number }
  | { readonly ok: false; readonly error: AwsServiceError };

/**
 * Verifies a presigned (query-string) SigV4 request, the form Bedrock short-term API keys
 * carry inside them. Same recomputation as header auth, through the signer's `presign`.
 */
export async function verifyPresignedSigV4(request: SignableRequest, options: VerifyOptions): Promise<PresignedResult> {
  const query = parseQuery(request.rawQuery);
  const get = (name: string): string | undefined => {
    const value = query[name];
    return typeof value === 'string' ? value : undefined;
  };
  if (get('X-Amz-Algorithm') !== ALGORITHM) {
    return { ok: false, error: awsErrors.incompleteSignature(`X-Amz-Algorithm only supports "${ALGORITHM}"`) };
  }
  const missing = ['X-Amz-Credential', 'X-Amz-Date', 'X-Amz-SignedHeaders', 'X-Amz-Signature', 'X-Amz-Expires'].filter((name) => !get(name));
  if (missing.length > 0) return { ok: false, error: awsErrors.incompleteSignature(`${missing.join(', ')} must be present in the query string.`) };
  const scope = (get('X-Amz-Credential') ?? '').split('/');
  if (scope.length !== 5 || scope[4] !== 'aws4_request') {
    return { ok: false, error: awsErrors.incompleteSignature('X-Amz-Credential is not a valid credential scope.') };
  }
  const [accessKeyId, date, region, service] = scope as [string, string, string, string];
  const amzDate = get('X-Amz-Date') ?? '';
  const signedAt = parseAmzDate(amzDate);
  const expiresIn = Number(get('X-Amz-Expires'));
  if (signedAt === undefined || !Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > 604800 || date !== amzDate.slice(0, 8)) {
    return { ok: false, error: awsErrors.incompleteSignature('X-Amz-Date or X-Amz-Expires is not valid.') };
  }
  const credential = options.lookup(accessKeyId);
  if (!credential) return { ok: false, error: awsErrors.unrecognizedClient() };
  if (!options.services.includes(service)) return { ok: false, error: awsErrors.wrongService(options.services[0] ?? service) };
  const sentToken = get('X-Amz-Security-Token');
  if ((credential.sessionToken ?? '') !== (sentToken ?? '')) return { ok: false, error: awsErrors.unrecognizedClient() };
  const expiresAtMs = signedAt + expiresIn * 1000;
  if (options.now >= expiresAtMs) {
    return { ok: false, error: awsErrors.signatureExpired(`Request has expired: signed at ${amzDate}, valid for ${expiresIn} seconds.`) };
  }
  if (credential.expiresAtMs !== undefined && options.now >= credential.expiresAtMs) return { ok: false, error: awsErrors.expiredToken() };

  const signedHeaders = (get('X-Amz-SignedHeaders') ?? '').split(';').map((name) => name.trim().toLowerCase());
  const auth: ParsedAuthorization = { accessKeyId, date, region, service, signedHeaders, signature: get('X-Amz-Signature') ?? '' };
  const rest: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(query)) if (!PRESIGN_PARAMS.has(key)) rest[key] = value;
  const headers = signedHeaderValues(request, signedHeaders);
  const signer = new SignatureV4({
    credentials: { accessKeyId, secretAccessKey: credential.secretAccessKey, ...(sentToken ? { sessionToken: sentToken } : {}) },
    region,
    service,
    sha256: Hash.bind(null, 'sha256'),
    uriEscapePath: true,
  });
  const hostHeader = headers.host ?? headers[':authority'] ?? 'localhost';
  const presigned = await signer.presign(
    new HttpRequest({
      method: request.method,
      protocol: 'https:',
      hostname: hostHeader.replace(/:\d+$/, ''),
      path: request.rawPath,
      query: rest,
      headers,
      body: request.body.byteLength > 0 ? request.body : undefined,
    }),
    { signingDate: new Date(signedAt), expiresIn, signableHeaders: new Set(signedHeaders) },
  );
  const expected = String(presigned.query?.['X-Amz-Signature'] ?? '');
  if (!sameHex(expected, auth.signature)) return { ok: false, error: awsErrors.invalidSignature() };
  return { ok: true, auth, expiresAtMs };
}
