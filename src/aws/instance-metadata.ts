import type { EnvLookup } from '../core/route-plan.js';
import type { AwsCredentials } from '../core/auth-types.js';
import { readAwsFlag, readEnumVar } from '../settings/read-var.js';
import type { FetchFn } from './fetch-http-handler.js';

export interface InstanceMetadataOptions {
  readonly env: EnvLookup;
  readonly fetch: FetchFn;
  /** Per request; there are no retries, so a machine that is not on EC2 fails fast. */
  readonly timeoutMs: number;
}

const TOKEN_PATH = '/latest/api/token';
const ROLE_PATH = '/latest/meta-data/iam/security-credentials/';

/** AWS_EC2_METADATA_SERVICE_ENDPOINT, else the address for AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE (IPv4 default). */
export function instanceMetadataEndpoint(env: EnvLookup): string {
  const explicit = env.get('AWS_EC2_METADATA_SERVICE_ENDPOINT');
  if (explicit) return explicit.value.replace(/\/+$/, '');
  // The table's enum (IPv4/IPv6, any case); another value is ignored, as before, and doctor reports it.
  return readEnumVar(env, 'AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE')?.value === 'IPv6' ? 'http://[fd00:ec2::254]' : 'http://169.254.169.254';
}

/**
 * IMDSv2 (token, then role, then credentials), falling back to IMDSv1 only where the SDK does
 * (token call answered 403/404/405, and AWS_EC2_METADATA_V1_DISABLED not set).
 * Hand-written rather than @smithy/credential-provider-imds because that provider reads its
 * endpoint and v1 switch from process.env and the default config file only, so values from the
 * settings `env` block (and loopback endpoints in tests) could not reach it.
 */
export async function fetchInstanceMetadataCredentials(options: InstanceMetadataOptions): Promise<AwsCredentials> {
  const base = instanceMetadataEndpoint(options.env);
  const call = async (path: string, init: RequestInit): Promise<Response> => {
    try {
      return await options.fetch(`${base}${path}`, { ...init, signal: AbortSignal.timeout(options.timeoutMs) });
    } catch (error) {
      const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${options.timeoutMs} ms` : 'connection failed';
      throw new Error(`${reason} from ${base} (not on EC2, or the metadata service is unreachable)`);
    }
  };

  const headers: Record<string, string> = {};
  const tokenResponse = await call(TOKEN_PATH, { method: 'PUT', headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '21600' } });
  if (tokenResponse.ok) {
    headers['x-aws-ec2-metadata-token'] = (await tokenResponse.text()).trim();
  } else if ([403, 404, 405].includes(tokenResponse.status)) {
    const v1Off = readAwsFlag(options.env, 'AWS_EC2_METADATA_V1_DISABLED');
    if (v1Off) {
      throw new Error(`${base} refused an IMDSv2 token (HTTP ${tokenResponse.status}) and IMDSv1 is disabled by AWS_EC2_METADATA_V1_DISABLED (${v1Off.source})`);
    }
  } else {
    throw new Error(`${base} answered the IMDSv2 token request with HTTP ${tokenResponse.status}`);
  }

  const roleResponse = await call(ROLE_PATH, { headers });
  if (roleResponse.status === 404) throw new Error(`no IAM role is attached to this instance (${base})`);
  if (!roleResponse.ok) throw new Error(`${base} answered the role request with HTTP ${roleResponse.status}`);
  const role = (await roleResponse.text()).split('\n')[0]?.trim();
  if (!role) throw new Error(`no IAM role is attached to this instance (${base})`);

  const credsResponse = await call(`${ROLE_PATH}${encodeURIComponent(role)}`, { headers });
  if (!credsResponse.ok) throw new Error(`${base} answered the credentials request for role ${role} with HTTP ${credsResponse.status}`);
  let body: Record<string, unknown>;
  try {
    body = (await credsResponse.json()) as Record<string, unknown>;
  } catch {
    throw new Error(`${base} returned credentials for role ${role} that are not JSON`);
  }
  const { AccessKeyId, SecretAccessKey, Token, Expiration } = body;
  if (typeof AccessKeyId !== 'string' || typeof SecretAccessKey !== 'string' || typeof Token !== 'string') {
    throw new Error(`${base} returned incomplete credentials for role ${role}`);
  }
  const expiresAt = typeof Expiration === 'string' ? Date.parse(Expiration) : Number.NaN;
  return {
    accessKeyId: AccessKeyId,
    secretAccessKey: SecretAccessKey,
    sessionToken: Token,
    ...(Number.isFinite(expiresAt) ? { expiration: new Date(expiresAt) } : {}),
  };
}
