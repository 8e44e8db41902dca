/**
 * Who is calling: verifies SigV4 (services `bedrock`, `bedrock-mantle`, `sts`) against the
 * scenario's credentials, Bedrock API keys (`Authorization: Bearer`, or `x-api-key` on Mantle),
 * or lets unsigned requests through when the scenario emulates a gateway behind skip-auth.
 * Failures are the 403s real AWS returns (wire reference §3.2, §4).
 */
import { maskKeyId } from '../core/redact.js';
import { AwsServiceError, awsErrors } from './aws-errors.js';
import { headerValue, type EmulatorRequest } from './http-types.js';
import type { Scenario, ScenarioCredential } from './scenario.js';
import { verifyPresignedSigV4, verifySigV4 } from './sigv4-verifier.js';

export interface Caller {
  readonly kind: 'sigv4' | 'bearer' | 'unsigned';
  /** Region the request is for: the SigV4 scope region, else the key's or the scenario default. */
  readonly region: string;
  readonly credential?: ScenarioCredential;
  /** For the request log: never a secret, the key ID masked. */
  readonly summary: Readonly<Record<string, unknown>>;
}

const SHORT_TERM_PREFIX = 'bedrock-api-key-';
const LONG_TERM_PREFIX = 'ABSK';

function credentialLookup(scenario: Scenario) {
  return (accessKeyId: string) => {
    const credential = scenario.credentials.find((c) => c.accessKeyId === accessKeyId);
    if (!credential) return undefined;
    return {
      secretAccessKey: credential.secretAccessKey,
      sessionToken: credential.sessionToken,
      expiresAtMs: credential.expiresAt === undefined ? undefined : Date.parse(credential.expiresAt),
    };
  };
}

/**
 * A short-term key is `bedrock-api-key-` + base64 of a SigV4 presigned URL (without scheme) for
 * `POST bedrock.amazonaws.com/?Action=CallWithBearerToken`, then `&Version=1` (added after
 * signing). The presigned signature is verified like any other, so only keys minted from the
 * scenario's credentials pass, and only until they expire.
 */
async function verifyShortTermKey(token: string, scenario: Scenario, now: number): Promise<Caller> {
  let url: URL;
  try {
    url = new URL(`https://${Buffer.from(token.slice(SHORT_TERM_PREFIX.length), 'base64').toString('utf8')}`);
  } catch {
    throw awsErrors.bearerAuthFailed();
  }
  const query = url.search
    .slice(1)
    .split('&')
    .filter((pair) => pair !== '' && !pair.startsWith('Version='))
    .join('&');
  if (!/(^|&)Action=CallWithBearerToken(&|$)/.test(query)) throw awsErrors.bearerAuthFailed();
  const result = await verifyPresignedSigV4(
    { method: 'POST', rawPath: url.pathname, rawQuery: query, headers: { host: url.host }, body: new Uint8Array() },
    { lookup: credentialLookup(scenario), now, services: ['bedrock'], maxSkewSeconds: Infinity },
  );
  if (!result.ok) {
    if (/expired/i.test(result.error.message) || result.error.errorName === 'ExpiredTokenException') throw awsErrors.bearerExpired();
    throw awsErrors.bearerAuthFailed();
  }
  const { accessKeyId, region } = result.auth;
  const credential = scenario.credentials.find((c) => c.accessKeyId === accessKeyId);
  return {
    kind: 'bearer',
    region,
    ...(credential ? { credential } : {}),
    summary: { kind: 'bearer', keyType: 'short-term', accessKeyId: maskKeyId(accessKeyId), region },
  };
}

async function verifyBearer(token: string, scenario: Scenario, now: number): Promise<Caller> {
  const known = scenario.apiKeys.find((key) => key.token === token);
  if (known) {
    if (known.expiresAt !== undefined && now >= Date.parse(known.expiresAt)) throw awsErrors.bearerExpired();
    const region = known.region ?? scenario.defaultRegion;
    return { kind: 'bearer', region, summary: { kind: 'bearer', keyType: 'long-term', region } };
  }
  if (token.startsWith(SHORT_TERM_PREFIX)) return verifyShortTermKey(token, scenario, now);
  if (token.startsWith(LONG_TERM_PREFIX)) throw awsErrors.bearerAuthFailed();
  throw awsErrors.bearerBadFormat();
}

export interface AuthenticateOptions {
  readonly services: readonly string[];
  /** Mantle also takes the API key in `x-api-key`. */
  readonly acceptApiKeyHeader?: boolean;
}

export async function authenticate(
  request: EmulatorRequest,
  scenario: Scenario,
  now: number,
  options: AuthenticateOptions,
): Promise<Caller> {
  const authorization = headerValue(request, 'authorization');
  const apiKey = options.acceptApiKeyHeader ? headerValue(request, 'x-api-key') : undefined;
  if (authorization === undefined && apiKey === undefined) {
    if (scenario.allowUnsigned) {
      return { kind: 'unsigned', region: scenario.defaultRegion, summary: { kind: 'unsigned', region: scenario.defaultRegion } };
    }
    throw awsErrors.missingAuthenticationToken();
  }
  if (authorization === undefined) return verifyBearer(apiKey ?? '', scenario, now);
  if (/^Bearer\s/i.test(authorization)) return verifyBearer(authorization.replace(/^Bearer\s+/i, '').trim(), scenario, now);

  const result = await verifySigV4(request, {
    lookup: credentialLookup(scenario),
    now,
    services: options.services,
    maxSkewSeconds: scenario.clockSkewSeconds,
  });
  if (!result.ok) throw result.error;
  const credential = scenario.credentials.find((c) => c.accessKeyId === result.auth.accessKeyId);
  return {
    kind: 'sigv4',
    region: result.auth.region,
    ...(credential ? { credential } : {}),
    summary: {
      kind: 'sigv4',
      accessKeyId: maskKeyId(result.auth.accessKeyId),
      region: result.auth.region,
      service: result.auth.service,
      signedHeaders: result.auth.signedHeaders,
      sessionToken: request.headers['x-amz-security-token'] !== undefined,
    },
  };
}

export function isAuthError(error: unknown): boolean {
  return (
    error instanceof AwsServiceError &&
    (error.status === 403 || error.status === 401) &&
    /Signature|UnrecognizedClient|ExpiredToken|MissingAuthentication|AccessDenied/.test(error.errorName)
  );
}
