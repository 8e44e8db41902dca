import { CcBedrockError } from '../core/errors.js';
import { classifyNetworkFailure } from '../bedrock/classify-failure.js';
import type { EnvLookup } from '../core/route-plan.js';
import { readUrlVar } from '../settings/read-var.js';
import type { RequestAuth } from '../core/auth-types.js';
import type { FetchFn } from './fetch-http-handler.js';

export interface CallerIdentity {
  readonly account: string;
  readonly arn: string;
  readonly userId: string;
}

/** The inputs of `getCallerIdentity`: the environment (for the STS endpoint variables), the region, transport and a deadline. */
export interface CallerIdentityOptions {
  readonly env: EnvLookup;
  /** STS is regional; the Bedrock region keeps the call in the same partition and residency. */
  readonly region: string;
  /** Sends the request; pass a proxy-aware fetch when HTTPS_PROXY applies. Defaults to the global fetch. */
  readonly fetch?: FetchFn;
  /** Whole-call bound, retries included. Default 10 s. */
  readonly timeoutMs?: number;
}

export const DEFAULT_STS_TIMEOUT_MS = 10_000;

/** AWS_ENDPOINT_URL_STS, then AWS_ENDPOINT_URL (the SDK's service-specific endpoint variables). */
export function stsEndpoint(env: EnvLookup): string | undefined {
  return (readUrlVar(env, 'AWS_ENDPOINT_URL_STS') ?? readUrlVar(env, 'AWS_ENDPOINT_URL'))?.value;
}

const EXPIRED_CODES = new Set(['ExpiredToken', 'ExpiredTokenException']);
const INVALID_CODES = new Set(['InvalidClientTokenId', 'SignatureDoesNotMatch', 'UnrecognizedClientException', 'AccessDenied', 'IncompleteSignature']);

/**
 * STS GetCallerIdentity with the given credentials: who AWS thinks we are. Used by the
 * `awsAuthRefresh` pre-check (a failure means the credentials need refreshing) and by doctor.
 * Needs SigV4 credentials: a Bedrock API key or skip-auth has no STS identity.
 */
export async function getCallerIdentity(auth: RequestAuth, options: CallerIdentityOptions): Promise<CallerIdentity> {
  if (auth.kind !== 'sigv4') {
    throw new CcBedrockError('USAGE', `STS GetCallerIdentity needs AWS credentials, but this route authenticates with ${auth.kind === 'bearer' ? 'a Bedrock API key' : 'nothing (skip-auth)'}`, {
      remediation: 'check the identity with `aws sts get-caller-identity` in the shell that holds the AWS credentials',
    });
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_STS_TIMEOUT_MS;
  const endpoint = stsEndpoint(options.env);
  // Loaded on first use: the STS client is the heaviest import here, and status never needs it.
  const [{ STSClient, GetCallerIdentityCommand }, { FetchHttpHandler }] = await Promise.all([
    import('@aws-sdk/client-sts'),
    import('./fetch-http-handler.js'),
  ]);
  const client = new STSClient({
    region: options.region,
    credentials: auth.credentials,
    maxAttempts: 2,
    requestHandler: new FetchHttpHandler(options.fetch ?? globalThis.fetch, timeoutMs),
    ...(endpoint ? { endpoint } : {}),
  });
  const where = endpoint ? `STS at ${endpoint}` : `STS in ${options.region}`;
  try {
    const result = await client.send(new GetCallerIdentityCommand({}), { abortSignal: AbortSignal.timeout(timeoutMs) });
    if (!result.Account || !result.Arn || !result.UserId) {
      throw new CcBedrockError('UPSTREAM_ERROR', `${where} answered GetCallerIdentity without Account, Arn or UserId`);
    }
    return { account: result.Account, arn: result.Arn, userId: result.UserId };
  } catch (error) {
    throw describeStsError(error, where);
  } finally {
    client.destroy();
  }
}

function describeStsError(error: unknown, where: string): CcBedrockError {
  if (error instanceof CcBedrockError) return error;
  // A refused proxy, an unknown host or an untrusted certificate reads the same as on Bedrock calls.
  const network = classifyNetworkFailure(error, `${where} for GetCallerIdentity`);
  if (network) return new CcBedrockError(network.code, network.message, { remediation: network.remediation, cause: error, details: { failureRule: network.rule } });
  const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const name = e.name ?? 'Error';
  const status = e.$metadata?.httpStatusCode;
  const message = (e.message ?? String(error)).split('\n')[0]?.slice(0, 300);
  const details = { awsError: name, ...(status ? { status } : {}) };
  if (EXPIRED_CODES.has(name) || /expired/i.test(message ?? '')) {
    return new CcBedrockError('CREDENTIALS_EXPIRED', `${where} rejected the credentials as expired: ${message}`, {
      remediation: 'refresh the AWS credentials (for SSO: aws sso login --profile <name>), then check with aws sts get-caller-identity',
      cause: error,
      details,
      ...(status ? { status } : {}),
    });
  }
  if (INVALID_CODES.has(name) || status === 403 || status === 401) {
    return new CcBedrockError('CREDENTIALS_INVALID', `${where} rejected the credentials: ${name}: ${message}`, {
      remediation: 'the access key is unknown or revoked, or the secret does not match it: set current credentials and check with aws sts get-caller-identity',
      cause: error,
      details,
      ...(status ? { status } : {}),
    });
  }
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new CcBedrockError('TIMEOUT', `${where} did not answer GetCallerIdentity in time`, {
      remediation: 'check network access to STS (HTTPS_PROXY, VPN), or set AWS_ENDPOINT_URL_STS to a reachable endpoint',
      cause: error,
      details,
    });
  }
  return new CcBedrockError(status ? 'UPSTREAM_ERROR' : 'NETWORK', `${where}: GetCallerIdentity failed: ${name}: ${message}`, {
    remediation: 'check network access to STS (HTTPS_PROXY, VPN) and retry; aws sts get-caller-identity shows the same call',
    cause: error,
    details,
    ...(status ? { status } : {}),
  });
}
