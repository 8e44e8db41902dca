/**
 * The credential sources a machine already has, for the wizard's first screen: profiles in the
 * AWS shared files (SSO included), access keys and a Bedrock API key in the environment, and an
 * `awsCredentialExport` command in settings. Secrets are never read into the result: only
 * whether they are set, their length and masked key IDs.
 */
import { classifyProfile, commandProgram, ssoRegionOf, type ProfileCredentialKind } from '../aws/credential-plan.js';
import { loadAwsFiles, viewProfile, type AwsFilePaths } from '../aws/shared-files.js';
import { maskKeyId } from '../core/redact.js';
import type { EnvLookup, Sourced } from '../core/route-plan.js';
import type { AuthMethod } from './types.js';

export interface DetectedProfile {
  readonly name: string;
  readonly kind: ProfileCredentialKind | undefined;
  readonly region: string | undefined;
  readonly ssoRegion: string | undefined;
}

export interface CredentialSources {
  readonly files: AwsFilePaths;
  readonly profiles: readonly DetectedProfile[];
  /** AWS_PROFILE as Claude Code would see it now. */
  readonly activeProfile: Sourced<string> | undefined;
  readonly envKeys: { readonly maskedKeyId: string; readonly source: string; readonly sessionToken: boolean } | undefined;
  readonly apiKey: { readonly source: string; readonly length: number } | undefined;
  /** The program the `awsCredentialExport` command runs (arguments can hold tokens). */
  readonly credentialExport: Sourced<string> | undefined;
  readonly authRefresh: Sourced<string> | undefined;
}

/** Section names of the config file that are not profiles (`[sso-session corp]`, `[services x]`). */
const NON_PROFILE_SECTION = /^(sso-session|services)\./;

export interface DetectOptions {
  readonly env: EnvLookup;
  readonly homeDir: string;
  readonly awsCredentialExport?: Sourced<string> | undefined;
  readonly awsAuthRefresh?: Sourced<string> | undefined;
}

export async function detectCredentialSources(options: DetectOptions): Promise<CredentialSources> {
  const { env } = options;
  const files = await loadAwsFiles(env, options.homeDir);
  const names = new Set<string>();
  for (const name of [...Object.keys(files.config), ...Object.keys(files.credentials)]) {
    if (!NON_PROFILE_SECTION.test(name)) names.add(name);
  }
  const profiles = [...names]
    .sort((a, b) => (a === 'default' ? -1 : b === 'default' ? 1 : a.localeCompare(b, 'en')))
    .map((name): DetectedProfile => {
      const view = viewProfile(files, name);
      const kind = classifyProfile(view.merged);
      return {
        name,
        kind,
        region: view.merged.region?.trim() || undefined,
        ssoRegion: kind === 'profile-sso' ? ssoRegionOf(files, view)?.value : undefined,
      };
    });

  const keyId = env.get('AWS_ACCESS_KEY_ID');
  const secret = env.get('AWS_SECRET_ACCESS_KEY');
  const bearer = env.get('AWS_BEARER_TOKEN_BEDROCK');
  return {
    files: files.paths,
    profiles,
    activeProfile: env.get('AWS_PROFILE'),
    envKeys:
      keyId && secret
        ? { maskedKeyId: maskKeyId(keyId.value), source: keyId.source, sessionToken: env.get('AWS_SESSION_TOKEN') !== undefined }
        : undefined,
    apiKey: bearer ? { source: bearer.source, length: bearer.value.length } : undefined,
    credentialExport: options.awsCredentialExport
      ? { value: commandProgram(options.awsCredentialExport.value), source: options.awsCredentialExport.source }
      : undefined,
    authRefresh: options.awsAuthRefresh,
  };
}

const KIND_LABEL: Readonly<Record<ProfileCredentialKind, string>> = {
  'profile-sso': 'IAM Identity Center (SSO)',
  'profile-static': 'access keys',
  'profile-assume-role': 'assumes a role',
  'web-identity': 'web identity',
  'profile-process': 'credential_process',
  'profile-login': 'aws login session',
};

export function describeProfile(profile: DetectedProfile): string {
  const parts = [profile.kind ? KIND_LABEL[profile.kind] : 'no credential settings'];
  if (profile.region) parts.push(`region ${profile.region}`);
  if (profile.ssoRegion) parts.push(`sso_region ${profile.ssoRegion}`);
  return `${profile.name} (${parts.join(', ')})`;
}

/** Lines for the "found on this machine" screen. Nothing secret: lengths and masked IDs only. */
export function describeSources(sources: CredentialSources): string[] {
  const lines: string[] = [];
  if (sources.profiles.length > 0) {
    lines.push(`  AWS profiles in ${sources.files.config.label} / ${sources.files.credentials.label}:`);
    for (const profile of sources.profiles) lines.push(`    - ${describeProfile(profile)}`);
  } else {
    lines.push(`  no AWS profiles (${sources.files.config.label} and ${sources.files.credentials.label} have none)`);
  }
  if (sources.activeProfile) lines.push(`  AWS_PROFILE=${sources.activeProfile.value} (${sources.activeProfile.source})`);
  if (sources.envKeys) {
    lines.push(`  access key ${sources.envKeys.maskedKeyId}${sources.envKeys.sessionToken ? ' with session token' : ''} (${sources.envKeys.source})`);
  }
  if (sources.apiKey) lines.push(`  Amazon Bedrock API key: set (${sources.apiKey.length} characters, hidden) (${sources.apiKey.source})`);
  if (sources.credentialExport) {
    lines.push(`  awsCredentialExport runs ${sources.credentialExport.value} (${sources.credentialExport.source}); its credentials win over profiles and keys`);
  }
  if (sources.authRefresh) lines.push(`  awsAuthRefresh: ${sources.authRefresh.value} (${sources.authRefresh.source})`);
  return lines;
}

/**
 * The method to suggest: the one the target file already uses, else a detected profile, else
 * credentials present in the environment, else an API key (the docs' simplest path).
 */
export function suggestedAuthMethod(targetEnv: Readonly<Record<string, unknown>>, sources: CredentialSources): AuthMethod {
  const has = (name: string): boolean => typeof targetEnv[name] === 'string' && (targetEnv[name] as string).trim() !== '';
  if (has('AWS_BEARER_TOKEN_BEDROCK')) return 'api-key';
  if (has('AWS_ACCESS_KEY_ID') && has('AWS_SECRET_ACCESS_KEY')) return 'access-keys';
  if (has('AWS_PROFILE')) return 'profile';
  if (sources.profiles.some((profile) => profile.kind !== undefined)) return 'profile';
  if (sources.envKeys || sources.apiKey || sources.credentialExport) return 'environment';
  return 'api-key';
}

/** The profile to suggest: the file's, else AWS_PROFILE, else `default` when it exists, else the first one with credentials. */
export function suggestedProfile(targetEnv: Readonly<Record<string, unknown>>, sources: CredentialSources): string | undefined {
  const fromFile = typeof targetEnv.AWS_PROFILE === 'string' ? targetEnv.AWS_PROFILE.trim() : '';
  if (fromFile) return fromFile;
  if (sources.activeProfile) return sources.activeProfile.value;
  const usable = sources.profiles.filter((profile) => profile.kind !== undefined);
  return (usable.find((profile) => profile.name === 'default') ?? usable[0])?.name;
}
