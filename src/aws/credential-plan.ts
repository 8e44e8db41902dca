import type { CredentialKind, CredentialPlan, EndpointKind, EnvLookup, RouteWarning, Sourced } from '../core/route-plan.js';
import { maskKeyId } from '../core/redact.js';
import { readAwsFlag, readSwitchReading } from '../settings/read-var.js';
import { activeProfile, loadAwsFiles, viewProfile, type AwsFiles, type IniSection, type ProfileView } from './shared-files.js';

/** A CredentialPlan plus what only the AWS layer knows; assignable to CredentialPlan. */
export interface AwsCredentialPlan extends CredentialPlan {
  /** IAM Identity Center region of an SSO profile: role credentials are fetched there, not in the Bedrock region. */
  readonly ssoRegion: Sourced<string> | undefined;
  readonly warnings: readonly RouteWarning[];
}

/** The inputs of `planCredentials`: the environment, home, the endpoint, and the settings' `awsAuthRefresh` / `awsCredentialExport`. */
export interface PlanCredentialsOptions {
  readonly env: EnvLookup;
  readonly homeDir: string;
  readonly endpoint: EndpointKind;
  readonly awsAuthRefresh?: Sourced<string>;
  readonly awsCredentialExport?: Sourced<string>;
}

export const SKIP_AUTH_VARIABLE: Readonly<Record<EndpointKind, string>> = {
  bedrock: 'CLAUDE_CODE_SKIP_BEDROCK_AUTH',
  mantle: 'CLAUDE_CODE_SKIP_MANTLE_AUTH',
};

export type ProfileCredentialKind = Extract<
  CredentialKind,
  'profile-assume-role' | 'profile-static' | 'web-identity' | 'profile-process' | 'profile-sso' | 'profile-login'
>;

const SSO_KEYS = ['sso_start_url', 'sso_account_id', 'sso_session', 'sso_region', 'sso_role_name'] as const;

const has = (section: IniSection, key: string): boolean => section[key] !== undefined;

/**
 * The branch @aws-sdk/credential-provider-ini's resolveProfileData takes for a profile, in its
 * order: assume-role (role_arn with exactly one of source_profile / credential_source), static
 * keys, web identity, credential_process, SSO, `aws login` session. Undefined when the profile
 * holds no credential settings (the SDK then moves on down the chain).
 */
export function classifyProfile(section: IniSection): ProfileCredentialKind | undefined {
  if (has(section, 'role_arn') && has(section, 'source_profile') !== has(section, 'credential_source')) {
    return 'profile-assume-role';
  }
  if (has(section, 'aws_access_key_id') && has(section, 'aws_secret_access_key')) return 'profile-static';
  if (has(section, 'web_identity_token_file') && has(section, 'role_arn')) return 'web-identity';
  if (has(section, 'credential_process')) return 'profile-process';
  if (SSO_KEYS.some((key) => has(section, key))) return 'profile-sso';
  if (has(section, 'login_session')) return 'profile-login';
  return undefined;
}

/** The key whose presence decided the branch, so the source label names the right file. */
const DECIDING_KEY: Readonly<Record<ProfileCredentialKind, string>> = {
  'profile-assume-role': 'role_arn',
  'profile-static': 'aws_access_key_id',
  'web-identity': 'web_identity_token_file',
  'profile-process': 'credential_process',
  'profile-sso': 'sso_start_url',
  'profile-login': 'login_session',
};

/** Only the program of a command line is shown: arguments sometimes carry tokens. */
export function commandProgram(command: string): string {
  const first = command.trim().split(/\s+/)[0] ?? '';
  return first.length > 60 ? `${first.slice(0, 57)}...` : first;
}

/** The SDK's test (remoteProvider): any value other than `false` disables IMDS. */
export function instanceMetadataDisabled(env: EnvLookup): { readonly source: string } | undefined {
  return readAwsFlag(env, 'AWS_EC2_METADATA_DISABLED');
}

export const CONTAINER_LINK_LOCAL_HOST = 'http://169.254.170.2';

/**
 * The IAM Identity Center region of an SSO profile: its own `sso_region`, or that of the
 * `[sso-session …]` section it names.
 */
export function ssoRegionOf(files: AwsFiles, view: ProfileView): Sourced<string> | undefined {
  const sessionName = view.merged.sso_session;
  if (sessionName !== undefined) {
    const region = files.config[`sso-session.${sessionName}`]?.sso_region;
    if (region) return { value: region, source: `sso_region of [sso-session ${sessionName}] in ${files.paths.config.label}` };
  }
  const own = view.merged.sso_region;
  if (own) {
    return { value: own, source: `sso_region of profile "${view.name}" in ${view.fileOf('sso_region')?.label ?? files.paths.config.label}` };
  }
  return undefined;
}

function describeProfile(kind: ProfileCredentialKind, view: ProfileView, ssoRegion: Sourced<string> | undefined): string {
  const p = view.merged;
  switch (kind) {
    case 'profile-assume-role':
      return p.source_profile !== undefined
        ? `assumes ${p.role_arn} with credentials of profile "${p.source_profile}"`
        : `assumes ${p.role_arn} with credentials from ${p.credential_source}`;
    case 'profile-static':
      return `access key ${maskKeyId(p.aws_access_key_id ?? '')}${p.aws_session_token ? ' with session token' : ''}`;
    case 'web-identity':
      return `assumes ${p.role_arn} with the web identity token in ${p.web_identity_token_file}`;
    case 'profile-process':
      return `credential_process runs ${commandProgram(p.credential_process ?? '')}`;
    case 'profile-sso': {
      const session = p.sso_session !== undefined ? `, sso_session "${p.sso_session}"` : '';
      const role = p.sso_role_name !== undefined ? `role ${p.sso_role_name}` : 'role';
      const account = p.sso_account_id !== undefined ? ` in account ${p.sso_account_id}` : '';
      return `IAM Identity Center ${role}${account} (sso_region ${ssoRegion?.value ?? 'not set'}${session})`;
    }
    case 'profile-login':
      return `aws login console session "${p.login_session}"`;
  }
}

function plan(
  kind: CredentialKind,
  source: string,
  detail: string,
  options: PlanCredentialsOptions,
  extra: { profile?: string; ssoRegion?: Sourced<string>; warnings: RouteWarning[] },
): AwsCredentialPlan {
  return {
    kind,
    source,
    detail,
    profile: extra.profile,
    authRefresh: options.awsAuthRefresh,
    credentialExport: options.awsCredentialExport,
    ssoRegion: extra.ssoRegion,
    warnings: extra.warnings,
  };
}

/**
 * Which credential source a request WILL use, without fetching anything (spec §4.3): skip-auth,
 * then the Bedrock API key, then `awsCredentialExport`, then the AWS SDK v3 node default chain
 * classified link by link the way @aws-sdk/credential-provider-node walks it. No secret ever
 * appears in the result; access key IDs are masked.
 */
export async function planCredentials(options: PlanCredentialsOptions): Promise<AwsCredentialPlan> {
  const { env, endpoint } = options;
  const warnings: RouteWarning[] = [];

  const skipVariable = SKIP_AUTH_VARIABLE[endpoint];
  // An unrecognised value counts as off (requests stay authenticated), with a warning.
  const skip = readSwitchReading(env, skipVariable, { warn: (warning) => warnings.push(warning) });
  if (skip?.value === true) {
    return plan('skip-auth', `${skipVariable} (${skip.source})`, 'requests are sent unsigned; the gateway in front adds auth', options, {
      warnings,
    });
  }

  const bearer = env.get('AWS_BEARER_TOKEN_BEDROCK');
  if (bearer) {
    return plan(
      'bearer-token',
      `AWS_BEARER_TOKEN_BEDROCK (${bearer.source})`,
      `Amazon Bedrock API key (${bearer.value.length} characters, hidden); the AWS credential chain is not used`,
      options,
      { warnings },
    );
  }

  const chain = await planDefaultChain(env, options.homeDir, warnings);
  if (options.awsCredentialExport) {
    return plan(
      'credential-export',
      `awsCredentialExport (${options.awsCredentialExport.source})`,
      `runs ${commandProgram(options.awsCredentialExport.value)} at start and on each reload, output captured silently; if it fails: ${chain.kind} (${chain.source})`,
      options,
      { profile: chain.profile, ssoRegion: chain.ssoRegion, warnings },
    );
  }
  return plan(chain.kind, chain.source, chain.detail, options, { profile: chain.profile, ssoRegion: chain.ssoRegion, warnings });
}

interface ChainChoice {
  kind: CredentialKind;
  source: string;
  detail: string;
  profile: string | undefined;
  ssoRegion?: Sourced<string>;
}

async function planDefaultChain(env: EnvLookup, homeDir: string, warnings: RouteWarning[]): Promise<ChainChoice> {
  const profileEntry = env.get('AWS_PROFILE');
  const keyId = env.get('AWS_ACCESS_KEY_ID');
  const secret = env.get('AWS_SECRET_ACCESS_KEY');
  const sessionToken = env.get('AWS_SESSION_TOKEN');

  if (keyId && secret && !profileEntry) {
    return {
      kind: 'env-keys',
      source: `AWS_ACCESS_KEY_ID (${keyId.source})`,
      detail: `access key ${maskKeyId(keyId.value)}${sessionToken ? ' with session token' : ''}`,
      profile: undefined,
    };
  }
  if (keyId && secret && profileEntry) {
    warnings.push({
      code: 'aws-profile-beats-env-keys',
      message: `AWS_PROFILE (${profileEntry.source}) and AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (${keyId.source}) are both set; the AWS SDK uses profile "${profileEntry.value}" and ignores the keys`,
      fix: 'unset AWS_PROFILE to use the keys, or unset the keys to make the choice explicit',
    });
  } else if (Boolean(keyId) !== Boolean(secret)) {
    const present = keyId ? 'AWS_ACCESS_KEY_ID' : 'AWS_SECRET_ACCESS_KEY';
    const missing = keyId ? 'AWS_SECRET_ACCESS_KEY' : 'AWS_ACCESS_KEY_ID';
    warnings.push({
      code: 'env-keys-incomplete',
      message: `${present} is set but ${missing} is not, so the environment keys are skipped`,
      fix: `set ${missing} as well, or unset ${present}`,
    });
  }

  const files = await loadAwsFiles(env, homeDir);
  const profile = activeProfile(env);
  const view = viewProfile(files, profile.value);
  const kind = classifyProfile(view.merged);
  const fileLabels = `${files.paths.credentials.label} or ${files.paths.config.label}`;
  if (kind) {
    const ssoRegion = kind === 'profile-sso' ? ssoRegionOf(files, view) : undefined;
    if (kind === 'profile-sso' && !ssoRegion) {
      warnings.push({
        code: 'sso-region-missing',
        message: `SSO profile "${profile.value}" has no sso_region (neither in the profile nor in its sso-session)`,
        fix: `run aws configure sso --profile ${profile.value}, or add sso_region to the profile's sso-session in ${files.paths.config.path}`,
      });
    }
    const decidingKey = kind === 'profile-sso' ? SSO_KEYS.find((key) => has(view.merged, key)) : DECIDING_KEY[kind];
    const file = view.fileOf(decidingKey ?? DECIDING_KEY[kind]) ?? files.paths.config;
    return {
      kind,
      source: `profile "${profile.value}" in ${file.label}`,
      detail: describeProfile(kind, view, ssoRegion),
      profile: profile.value,
      ...(ssoRegion ? { ssoRegion } : {}),
    };
  }
  if (profileEntry && !view.exists) {
    warnings.push({
      code: 'aws-profile-not-found',
      message: `AWS_PROFILE=${profile.value} (${profileEntry.source}) names a profile found in neither ${fileLabels}`,
      fix: `create it (aws configure --profile ${profile.value}, or aws configure sso --profile ${profile.value}) or correct AWS_PROFILE`,
    });
  } else if (view.exists) {
    warnings.push({
      code: 'aws-profile-without-credentials',
      message: `profile "${profile.value}" in ${fileLabels} has no credential settings (keys, sso_*, credential_process, role_arn or login_session)`,
      fix: `run aws configure --profile ${profile.value} or aws configure sso --profile ${profile.value}`,
    });
  }
  const profileName = profileEntry ? profile.value : undefined;

  const tokenFile = env.get('AWS_WEB_IDENTITY_TOKEN_FILE');
  const roleArn = env.get('AWS_ROLE_ARN');
  if (tokenFile && roleArn) {
    return {
      kind: 'web-identity',
      source: `AWS_WEB_IDENTITY_TOKEN_FILE (${tokenFile.source})`,
      detail: `assumes ${roleArn.value} with the web identity token in ${tokenFile.value}`,
      profile: profileName,
    };
  }

  const relativeUri = env.get('AWS_CONTAINER_CREDENTIALS_RELATIVE_URI');
  const fullUri = env.get('AWS_CONTAINER_CREDENTIALS_FULL_URI');
  if (relativeUri || fullUri) {
    const variable = relativeUri ? 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI' : 'AWS_CONTAINER_CREDENTIALS_FULL_URI';
    const entry = (relativeUri ?? fullUri) as Sourced<string>;
    const url = relativeUri ? `${CONTAINER_LINK_LOCAL_HOST}${relativeUri.value}` : entry.value;
    return { kind: 'container', source: `${variable} (${entry.source})`, detail: `container credentials endpoint ${url}`, profile: profileName };
  }

  const imdsOff = instanceMetadataDisabled(env);
  if (imdsOff) {
    return {
      kind: 'default-chain',
      source: 'AWS default credential chain',
      detail: `no credential source is configured (environment keys, profile "${profile.value}", web identity, container); instance metadata is disabled by AWS_EC2_METADATA_DISABLED (${imdsOff.source})`,
      profile: profileName,
    };
  }
  return {
    kind: 'instance-metadata',
    source: 'EC2 instance metadata (last link of the AWS default chain)',
    detail: `nothing else is configured (environment keys, profile "${profile.value}", web identity, container); works only on EC2 with an instance role`,
    profile: profileName,
  };
}
