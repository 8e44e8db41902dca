import { classifyNetworkFailure } from '../bedrock/classify-failure.js';
import { CcBedrockError } from '../core/errors.js';
import type { EnvLookup } from '../core/route-plan.js';
import type { AwsCredentials } from '../core/auth-types.js';
import { CONTAINER_LINK_LOCAL_HOST, classifyProfile, instanceMetadataDisabled } from './credential-plan.js';
import { directFetchOf } from '../network/direct-fetch.js';
import { FetchHttpHandler, type FetchFn } from './fetch-http-handler.js';
import { fetchInstanceMetadataCredentials, instanceMetadataEndpoint } from './instance-metadata.js';
import { activeProfile, loadAwsFiles, viewProfile } from './shared-files.js';

export interface DefaultChainOptions {
  readonly env: EnvLookup;
  readonly homeDir: string;
  /**
   * Sends the AWS calls the SDK credential providers make (SSO portal, SSO-OIDC token refresh,
   * STS AssumeRole and AssumeRoleWithWebIdentity): the proxy-aware fetch when a proxy is set.
   * Instance metadata is host-local and always goes direct (directFetchOf).
   */
  readonly fetch: FetchFn;
  /** Per network probe (container, instance metadata); no retries. */
  readonly probeTimeoutMs: number;
  /**
   * Per AWS call of the SDK providers (each attempt; the SDK retries up to 3 times). Default 10 s:
   * an unanswered SSO or STS call behind a proxy must fail, not hang start-up (issue #84878).
   */
  readonly requestTimeoutMs?: number;
  /** Warnings the AWS SDK providers emit (they otherwise go to console.warn). */
  readonly warn: (message: string) => void;
}

export interface ChainResult {
  readonly credentials: AwsCredentials;
  /** Which link answered: `profile "dev" (SSO)`, `environment keys`… */
  readonly source: string;
}

export interface LinkOutcome {
  readonly link: string;
  readonly reason: string;
}

/** A link that does not apply (nothing configured for it): the chain moves on. */
class NotConfigured extends Error {}

interface Link {
  readonly name: string;
  attempt(): Promise<AwsCredentials>;
}

export const DEFAULT_AWS_CALL_TIMEOUT_MS = 10_000;

const firstLine = (text: string): string => (text.split('\n')[0] ?? '').trim().slice(0, 300);

/** The SDK's CredentialsProviderError marks errors that must stop the chain with tryNextLink=false (an expired SSO session). */
const stopsChain = (error: unknown): boolean => (error as { tryNextLink?: boolean }).tryNextLink === false;

/** What a user can set up instead; the remediation of CREDENTIALS_NOT_FOUND. */
export function howToConfigureCredentials(profile: string | undefined): string {
  const sso = `aws sso login --profile ${profile ?? '<name>'}`;
  return [
    'configure one credential source: `aws configure` (access keys)',
    `\`aws configure sso\` then \`${sso}\` with AWS_PROFILE set (IAM Identity Center)`,
    '`export AWS_BEARER_TOKEN_BEDROCK=<Amazon Bedrock API key>`',
    'or an `awsCredentialExport` command in ~/.claude/settings.json; check with `aws sts get-caller-identity`',
  ].join(', ');
}

function toCredentials(identity: { accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date }): AwsCredentials {
  return {
    accessKeyId: identity.accessKeyId,
    secretAccessKey: identity.secretAccessKey,
    ...(identity.sessionToken ? { sessionToken: identity.sessionToken } : {}),
    ...(identity.expiration ? { expiration: identity.expiration } : {}),
  };
}

/**
 * The AWS SDK v3 node default chain (@aws-sdk/credential-provider-node), link for link, but fed
 * explicitly from our EnvLookup instead of process.env, so values from the settings `env` block
 * count and nothing global is mutated: environment keys (skipped when AWS_PROFILE is set, as the
 * SDK does), the active profile (SSO, credential_process, assume-role, static keys, login),
 * web identity, then container credentials or, when none are configured, instance metadata.
 * SSO always uses the profile's own sso_region; the Bedrock region is never handed to it.
 */
export async function resolveDefaultChain(options: DefaultChainOptions): Promise<ChainResult> {
  const { env } = options;
  const profile = activeProfile(env);
  const profileEntry = env.get('AWS_PROFILE');
  const logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (...args: unknown[]) => options.warn(args.map(String).join(' ')),
    error: () => undefined,
  };
  let profileKind: string | undefined;
  // The SDK providers build their own SSO, SSO-OIDC and STS clients; this handler is how their
  // calls get the proxy and a bounded timeout (their default node handler has neither).
  const clientConfig = { requestHandler: new FetchHttpHandler(options.fetch, options.requestTimeoutMs ?? DEFAULT_AWS_CALL_TIMEOUT_MS) };

  const links: Link[] = [
    {
      name: 'environment keys (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)',
      async attempt() {
        if (profileEntry) throw new NotConfigured(`skipped because AWS_PROFILE is set (${profileEntry.source}), as the AWS SDK does`);
        const keyId = env.get('AWS_ACCESS_KEY_ID');
        const secret = env.get('AWS_SECRET_ACCESS_KEY');
        if (!keyId || !secret) throw new NotConfigured('not set');
        const sessionToken = env.get('AWS_SESSION_TOKEN');
        const expiration = env.get('AWS_CREDENTIAL_EXPIRATION');
        const expiresAt = expiration ? Date.parse(expiration.value) : Number.NaN;
        return {
          accessKeyId: keyId.value,
          secretAccessKey: secret.value,
          ...(sessionToken ? { sessionToken: sessionToken.value } : {}),
          ...(Number.isFinite(expiresAt) ? { expiration: new Date(expiresAt) } : {}),
        };
      },
    },
    {
      name: `profile "${profile.value}"`,
      async attempt() {
        const files = await loadAwsFiles(env, options.homeDir);
        const view = viewProfile(files, profile.value);
        const where = `${files.paths.credentials.label} or ${files.paths.config.label}`;
        if (!view.exists) throw new NotConfigured(`not found in ${where}`);
        const kind = classifyProfile(view.merged);
        if (!kind) throw new NotConfigured(`has no credential settings in ${where}`);
        profileKind = kind;
        const init = {
          profile: profile.value,
          filepath: files.paths.credentials.path,
          configFilepath: files.paths.config.path,
          ignoreCache: true,
          logger,
          clientConfig,
        };
        const providers = await import('@aws-sdk/credential-providers');
        // credential-provider-ini hands SSO profiles to fromSSO without the file paths, so an
        // AWS_CONFIG_FILE from settings would be lost; call fromSSO directly, with no client
        // region, so the role credentials come from the profile's sso_region (issue #77138).
        const provider = kind === 'profile-sso' ? providers.fromSSO(init) : providers.fromIni(init);
        return toCredentials(await provider());
      },
    },
    {
      name: 'web identity (AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN)',
      async attempt() {
        const tokenFile = env.get('AWS_WEB_IDENTITY_TOKEN_FILE');
        const roleArn = env.get('AWS_ROLE_ARN');
        if (!tokenFile || !roleArn) throw new NotConfigured('not set');
        const sessionName = env.get('AWS_ROLE_SESSION_NAME');
        const { fromTokenFile } = await import('@aws-sdk/credential-providers');
        return toCredentials(
          await fromTokenFile({
            webIdentityTokenFile: tokenFile.value,
            roleArn: roleArn.value,
            ...(sessionName ? { roleSessionName: sessionName.value } : {}),
            logger,
            clientConfig,
          })(),
        );
      },
    },
  ];

  const relativeUri = env.get('AWS_CONTAINER_CREDENTIALS_RELATIVE_URI');
  const fullUri = env.get('AWS_CONTAINER_CREDENTIALS_FULL_URI');
  if (relativeUri || fullUri) {
    // As in the SDK's remoteProvider: with container variables set, instance metadata is not tried.
    links.push({
      name: `container credentials (${relativeUri ? `${CONTAINER_LINK_LOCAL_HOST}${relativeUri.value}` : fullUri?.value})`,
      async attempt() {
        const token = env.get('AWS_CONTAINER_AUTHORIZATION_TOKEN');
        const tokenFile = env.get('AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE');
        const { fromHttp } = await import('@aws-sdk/credential-providers');
        return toCredentials(
          await fromHttp({
            ...(relativeUri ? { awsContainerCredentialsRelativeUri: relativeUri.value } : { awsContainerCredentialsFullUri: fullUri?.value }),
            ...(tokenFile ? { awsContainerAuthorizationTokenFile: tokenFile.value } : token ? { awsContainerAuthorizationToken: token.value } : {}),
            timeout: options.probeTimeoutMs,
            maxRetries: 0,
            logger,
          })(),
        );
      },
    });
  } else {
    links.push({
      name: `EC2 instance metadata (${instanceMetadataEndpoint(env)})`,
      async attempt() {
        const disabled = instanceMetadataDisabled(env);
        if (disabled) throw new NotConfigured(`disabled by AWS_EC2_METADATA_DISABLED (${disabled.source})`);
        return fetchInstanceMetadataCredentials({ env, fetch: directFetchOf(options.fetch), timeoutMs: options.probeTimeoutMs });
      },
    });
  }

  const tried: LinkOutcome[] = [];
  for (const link of links) {
    try {
      return { credentials: await link.attempt(), source: link.name === `profile "${profile.value}"` ? `${link.name} (${profileKind})` : link.name };
    } catch (error) {
      if (error instanceof NotConfigured) {
        tried.push({ link: link.name, reason: error.message });
        continue;
      }
      // SSO and STS calls of a link go through the proxy too: a dead proxy is not "no credentials".
      const network = classifyNetworkFailure(error, `the AWS credential service for ${link.name}`);
      if (network) throw new CcBedrockError(network.code, network.message, { remediation: network.remediation, cause: error, details: { link: link.name, failureRule: network.rule } });
      const reason = firstLine((error as Error).message ?? String(error));
      if (stopsChain(error)) throw chainStopped(link.name, reason, profile.value, error);
      tried.push({ link: link.name, reason });
    }
  }
  throw new CcBedrockError(
    'CREDENTIALS_NOT_FOUND',
    `No usable AWS credentials. Tried, in the AWS SDK's order:\n${tried.map((t) => `  - ${t.link}: ${t.reason}`).join('\n')}`,
    { remediation: howToConfigureCredentials(profileEntry?.value), details: { tried } },
  );
}

/**
 * A link that must stop the chain: in practice an SSO profile whose login has expired or was
 * never done. Marked refreshable so `awsAuthRefresh` (typically `aws sso login`) can repair it.
 */
function chainStopped(link: string, reason: string, profile: string, cause: unknown): CcBedrockError {
  const expired = /expired/i.test(reason);
  return new CcBedrockError(expired ? 'CREDENTIALS_EXPIRED' : 'CREDENTIALS_INVALID', `AWS credentials from ${link}: ${reason}`, {
    remediation: `run \`aws sso login --profile ${profile}\`, then check with \`aws sts get-caller-identity --profile ${profile}\``,
    cause,
    details: { link, refreshable: true },
  });
}
