import type { Writable } from 'node:stream';
import { CcBedrockError, isCcBedrockError } from '../core/errors.js';
import { systemClock, type Clock } from '../core/clock.js';
import type { Env } from '../core/read-env.js';
import type { CredentialPlan, EnvLookup, RouteWarning, Sourced } from '../core/route-plan.js';
import { readNumberVar, readSwitchVar } from '../settings/read-var.js';
import type { AuthProvider, AwsCredentials, RequestAuth } from '../core/auth-types.js';
import { runAuthRefresh } from './auth-refresh.js';
import { getCallerIdentity } from './caller-identity.js';
import { runCredentialExport } from './credential-export.js';
import { DEFAULT_AWS_CALL_TIMEOUT_MS, resolveDefaultChain } from './default-chain.js';
import type { FetchFn } from './fetch-http-handler.js';

/** The inputs of `createAuthProvider`: the endpoint's credential plan, the effective environment, home, region and where output goes. */
export interface AuthProviderOptions {
  readonly plan: CredentialPlan;
  readonly env: EnvLookup;
  /** The effective environment (settings `env` over the process env) for awsCredentialExport and awsAuthRefresh. */
  readonly subprocessEnv: Env;
  readonly homeDir: string;
  /** Region for the STS check before awsAuthRefresh; the Bedrock region. */
  readonly region: string;
  readonly stderr: Writable;
  /** One-line warnings for the user (a failing awsCredentialExport). */
  readonly warn: (message: string) => void;
  readonly clock?: Clock;
  /**
   * Every AWS call credentials need: STS, the SDK providers' SSO, SSO-OIDC and STS calls, and
   * instance metadata (which goes direct even when this is a proxy-aware fetch). Defaults to the
   * global fetch; commands pass createNetworkFetch when HTTPS_PROXY applies.
   */
  readonly fetch?: FetchFn;
  readonly platform?: NodeJS.Platform;
}

export const REFRESH_MARGIN_MS = 5 * 60_000;
export const NO_EXPIRY_CACHE_MS = 60 * 60_000;
export const DEFAULT_RESOLVE_TIMEOUT_MS = 60_000;
/** Instance metadata and container probes: a laptop must learn "no credentials" within seconds. */
export const PROBE_TIMEOUT_MS = 1_000;
/** `aws sso login` waits for a browser; its device code lives about ten minutes. */
export const AUTH_REFRESH_TIMEOUT_MS = 10 * 60_000;

/** When cached credentials should be replaced: 5 minutes before expiry, or after an hour without one. */
export function refreshTime(credentials: AwsCredentials, now: number): number {
  if (!credentials.expiration) return now + NO_EXPIRY_CACHE_MS;
  const expiresAt = credentials.expiration.getTime();
  const preferred = expiresAt - REFRESH_MARGIN_MS;
  // Short-lived credentials (under five minutes left) are still used for half their remaining
  // life rather than re-resolved on every request (Claude Code v2.1.181 fix).
  return preferred > now ? preferred : now + Math.max(0, (expiresAt - now) / 2);
}

const sameCredentials = (a: AwsCredentials | undefined, b: AwsCredentials): boolean =>
  a !== undefined && a.accessKeyId === b.accessKeyId && a.secretAccessKey === b.secretAccessKey && a.sessionToken === b.sessionToken;

/** An upstream rejection that says the credentials expired (ExpiredToken, "…security token … is expired"). */
export function isExpiryCause(cause: unknown): boolean {
  for (let current = cause, depth = 0; current && depth < 5; current = (current as { cause?: unknown }).cause, depth++) {
    if (isCcBedrockError(current) && current.code === 'CREDENTIALS_EXPIRED') return true;
    const fields = current as { name?: unknown; code?: unknown; Code?: unknown; message?: unknown };
    for (const value of [fields.name, fields.code, fields.Code]) {
      if (typeof value === 'string' && /^ExpiredToken/.test(value)) return true;
    }
    if (typeof fields.message === 'string' && /\bexpired\b/i.test(fields.message)) return true;
  }
  return false;
}

const isRefreshable = (error: unknown): boolean => isCcBedrockError(error) && error.details.refreshable === true;

interface CacheEntry {
  readonly credentials: AwsCredentials;
  readonly refreshAt: number;
  readonly auth: RequestAuth;
}

/**
 * Credentials for every request, the way Claude Code's Bedrock provider gets them (spec §6):
 * skip-auth and the Bedrock API key bypass everything; otherwise `awsCredentialExport` (when set)
 * or the AWS default chain, resolved once and cached until five minutes before expiry, with
 * `awsAuthRefresh` as the repair step when credentials are found expired, guarded against
 * re-running in one failure streak (the SSO/TLS-proxy browser-tab loop).
 *
 * @example
 * ```ts
 * const { plan, envLookup, effectiveEnv } = await resolveRoutePlan({ env, homeDir, cwd, platform });
 * const bedrock = createAuthProvider({
 *   plan: plan.credentials.bedrock, env: envLookup, subprocessEnv: effectiveEnv, homeDir,
 *   region: plan.region.value, stderr: process.stderr, warn: console.warn,
 * });
 * ```
 */
export function createAuthProvider(options: AuthProviderOptions): AuthProvider {
  return new DefaultAuthProvider(options);
}

class DefaultAuthProvider implements AuthProvider {
  private cache: CacheEntry | undefined;
  private inflight: Promise<AwsCredentials> | undefined;
  /** The credentials last handed out: what the upstream just rejected. */
  private issued: AwsCredentials | undefined;
  private refreshRanInStreak = false;
  private recoveriesInStreak = 0;
  private exportWarned = false;
  private recovering: Promise<boolean> | undefined;
  /** A recovery finished and no request has taken credentials since. */
  private recoveredSinceIssue = false;
  private readonly clock: Clock;
  private readonly fetchFn: FetchFn;
  private readonly cacheDisabled: boolean;
  private readonly resolveTimeoutMs: number;

  constructor(private readonly options: AuthProviderOptions) {
    this.clock = options.clock ?? systemClock;
    this.fetchFn = options.fetch ?? globalThis.fetch;
    const warn = (warning: RouteWarning): void => options.warn(warning.fix ? `${warning.message}; fix: ${warning.fix}` : warning.message);
    this.cacheDisabled = readSwitchVar(options.env, 'CLAUDE_CODE_SKIP_AWS_CRED_CACHE', { warn });
    this.resolveTimeoutMs = readNumberVar(options.env, 'CLAUDE_CODE_AWS_CHAIN_RESOLVE_TIMEOUT_MS', { warn })?.value ?? DEFAULT_RESOLVE_TIMEOUT_MS;
  }

  async getAuth(): Promise<RequestAuth> {
    const { plan, env } = this.options;
    if (plan.kind === 'skip-auth') return { kind: 'none' };
    if (plan.kind === 'bearer-token') {
      const token = env.get('AWS_BEARER_TOKEN_BEDROCK');
      if (!token) {
        throw new CcBedrockError('CREDENTIALS_NOT_FOUND', `AWS_BEARER_TOKEN_BEDROCK is no longer set (the route was planned from ${plan.source})`, {
          remediation: 'export AWS_BEARER_TOKEN_BEDROCK=<Amazon Bedrock API key>, or remove it everywhere to use the AWS credential chain',
        });
      }
      return { kind: 'bearer', token: token.value };
    }
    const credentials = await this.credentials();
    this.issued = credentials;
    this.recoveredSinceIssue = false;
    return { kind: 'sigv4', credentials };
  }

  readyAuth(): RequestAuth | undefined {
    const { cache } = this;
    const { kind } = this.options.plan;
    if (kind === 'skip-auth' || kind === 'bearer-token' || this.cacheDisabled || !cache || this.clock() >= cache.refreshAt) return undefined;
    this.issued = cache.credentials;
    this.recoveredSinceIssue = false;
    return cache.auth;
  }

  markWorking(): void {
    this.refreshRanInStreak = false;
    this.recoveriesInStreak = 0;
  }

  async recoverFromAuthFailure(cause: unknown): Promise<boolean> {
    // Requests that fail together (parallel calls with the same expired token) share one
    // recovery, and a failure of a request sent before the last recovery finished only needs
    // a retry: neither may count as "the refresh did not help".
    if (this.recovering) return this.recovering;
    if (this.recoveredSinceIssue) return true;
    this.recovering = this.recover(cause).finally(() => {
      this.recovering = undefined;
    });
    return this.recovering;
  }

  private async recover(cause: unknown): Promise<boolean> {
    const { plan } = this.options;
    if (plan.kind === 'skip-auth') {
      throw new CcBedrockError('CREDENTIALS_INVALID', `The endpoint rejected an unsigned request; ${plan.source} turns AWS authentication off`, {
        remediation: 'the gateway in front of Bedrock must add credentials itself (or accept ANTHROPIC_AUTH_TOKEN); otherwise unset the skip-auth variable',
        cause,
      });
    }
    if (plan.kind === 'bearer-token') {
      throw new CcBedrockError(isExpiryCause(cause) ? 'CREDENTIALS_EXPIRED' : 'CREDENTIALS_INVALID', `Amazon Bedrock rejected the API key from ${plan.source}`, {
        remediation: 'create a new Amazon Bedrock API key (Bedrock console > API keys, or aws-bedrock-token-generator; short-term keys last at most 12 hours) and set AWS_BEARER_TOKEN_BEDROCK',
        cause,
      });
    }

    const rejected = this.issued;
    const expired = isExpiryCause(cause);
    this.clearCaches();
    this.recoveriesInStreak++;

    if (plan.authRefresh) {
      const needsRefresh = expired || !(await this.stsAccepts(rejected));
      if (!needsRefresh) {
        throw new CcBedrockError('ACCESS_DENIED', 'The request was rejected, but STS accepts these AWS credentials, so they are not expired', {
          remediation: 'check the IAM permissions (bedrock:InvokeModel, bedrock:InvokeModelWithResponseStream) and model access for this account and region',
          cause,
        });
      }
      await this.refresh(plan.authRefresh, cause);
      await this.credentials();
      this.recoveredSinceIssue = true;
      return true;
    }

    const fresh = await this.credentials();
    if (this.recoveriesInStreak > 1) throw this.staleCredentialsError(expired, cause);
    if (sameCredentials(rejected, fresh)) {
      // Claude Code sends once more with the same keys, and an ExpiredToken can pass (a session
      // STS has just issued, a clock at the edge of the signing window): one resend, unless the
      // keys say themselves that they ran out. A second rejection in the streak ends above.
      const ranOut = fresh.expiration !== undefined && fresh.expiration.getTime() <= this.clock();
      if (!expired || ranOut) throw this.staleCredentialsError(expired, cause);
    }
    this.recoveredSinceIssue = true;
    return true;
  }

  private clearCaches(): void {
    this.cache = undefined;
  }

  private async stsAccepts(credentials: AwsCredentials | undefined): Promise<boolean> {
    if (!credentials) return false;
    try {
      await getCallerIdentity({ kind: 'sigv4', credentials }, { env: this.options.env, region: this.options.region, fetch: this.fetchFn });
      return true;
    } catch {
      return false;
    }
  }

  /** Runs awsAuthRefresh at most once per failure streak; a second need means it did not help. */
  private async refresh(setting: Sourced<string>, cause: unknown): Promise<void> {
    if (this.refreshRanInStreak) {
      const profile = this.options.plan.profile;
      throw new CcBedrockError(
        'AUTH_REFRESH_LOOP',
        `awsAuthRefresh (${setting.source}) already ran and the AWS credentials are still rejected; not running it again`,
        {
          remediation: `a TLS-inspecting corporate proxy or VPN can interrupt the SSO flow: remove \`awsAuthRefresh\` from ${setting.source} or run \`aws sso login${profile ? ` --profile ${profile}` : ''}\` yourself before starting`,
          cause,
        },
      );
    }
    this.refreshRanInStreak = true;
    await runAuthRefresh(setting, {
      env: this.options.subprocessEnv,
      stderr: this.options.stderr,
      timeoutMs: AUTH_REFRESH_TIMEOUT_MS,
      ...(this.options.platform ? { platform: this.options.platform } : {}),
    });
  }

  private staleCredentialsError(expired: boolean, cause: unknown): CcBedrockError {
    const { plan } = this.options;
    const check = `check with \`aws sts get-caller-identity${plan.profile ? ` --profile ${plan.profile}` : ''}\``;
    const fixes: Partial<Record<CredentialPlan['kind'], string>> = {
      'env-keys': `export fresh AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN (now from ${plan.source})`,
      'profile-static': `update the keys of profile "${plan.profile}" (aws configure --profile ${plan.profile})`,
      'profile-sso': `run \`aws sso login --profile ${plan.profile}\`, or set "awsAuthRefresh": "aws sso login --profile ${plan.profile}" in ~/.claude/settings.json`,
      'profile-process': `make the credential_process of profile "${plan.profile}" return current credentials`,
      'credential-export': `make the awsCredentialExport command (${plan.credentialExport?.source}) print current credentials`,
    };
    const fix = fixes[plan.kind] ?? 'refresh the AWS credentials, or set "awsAuthRefresh" to a command that does';
    return new CcBedrockError(
      expired ? 'CREDENTIALS_EXPIRED' : 'CREDENTIALS_INVALID',
      `AWS rejected the credentials from ${plan.source} as ${expired ? 'expired' : 'invalid'}, and re-reading them gave nothing newer`,
      { remediation: `${fix}; ${check}`, cause },
    );
  }

  private credentials(): Promise<AwsCredentials> {
    const now = this.clock();
    if (!this.cacheDisabled && this.cache && now < this.cache.refreshAt) return Promise.resolve(this.cache.credentials);
    if (!this.inflight) {
      this.inflight = this.resolveWithRepair().finally(() => {
        this.inflight = undefined;
      });
    }
    return this.inflight;
  }

  /**
   * Resolution that finds the credentials expired (an SSO session that lapsed, an expiry stamp
   * in the past) is the other trigger for awsAuthRefresh. An empty in-process cache is not:
   * that alone never runs the command (issue #81069).
   */
  private async resolveWithRepair(): Promise<AwsCredentials> {
    const { authRefresh } = this.options.plan;
    for (;;) {
      try {
        return await this.resolve();
      } catch (error) {
        if (!authRefresh || !isRefreshable(error)) throw error;
        // Throws AUTH_REFRESH_LOOP when the command already ran in this failure streak.
        await this.refresh(authRefresh, error);
      }
    }
  }

  private async resolve(): Promise<AwsCredentials> {
    const exported = await this.fromExport();
    const credentials = exported ?? (await this.fromChainWithTimeout());
    const now = this.clock();
    if (credentials.expiration && credentials.expiration.getTime() <= now) {
      throw new CcBedrockError('CREDENTIALS_EXPIRED', `The AWS credentials from ${this.options.plan.source} expired at ${credentials.expiration.toISOString()}`, {
        remediation: this.staleCredentialsError(true, undefined).remediation ?? '',
        details: { refreshable: true },
      });
    }
    this.cache = { credentials, refreshAt: refreshTime(credentials, now), auth: { kind: 'sigv4', credentials } };
    return credentials;
  }

  private async fromExport(): Promise<AwsCredentials | undefined> {
    const setting = this.options.plan.credentialExport;
    if (!setting) return undefined;
    const result = await runCredentialExport(setting, {
      env: this.options.subprocessEnv,
      timeoutMs: this.resolveTimeoutMs,
      ...(this.options.platform ? { platform: this.options.platform } : {}),
    });
    let problem = result.ok ? undefined : result.problem;
    if (result.ok && result.credentials.expiration && result.credentials.expiration.getTime() <= this.clock()) {
      problem = `printed credentials that expired at ${result.credentials.expiration.toISOString()}`;
    }
    if (result.ok && !problem) {
      this.exportWarned = false;
      return result.credentials;
    }
    if (!this.exportWarned) {
      this.exportWarned = true;
      this.options.warn(
        `awsCredentialExport (${setting.source}) ${problem}; using the AWS default credential chain instead (its output is never shown)`,
      );
    }
    return undefined;
  }

  /**
   * Claude Code bounds each default-chain resolve (a credential_process waiting for input, an
   * IMDS that never answers) and reports a timeout only after one more attempt.
   */
  private async fromChainWithTimeout(): Promise<AwsCredentials> {
    for (let attempt = 1; ; attempt++) {
      const result = await withTimeout(
        resolveDefaultChain({
          env: this.options.env,
          homeDir: this.options.homeDir,
          fetch: this.fetchFn,
          probeTimeoutMs: Math.min(PROBE_TIMEOUT_MS, this.resolveTimeoutMs),
          requestTimeoutMs: Math.min(DEFAULT_AWS_CALL_TIMEOUT_MS, this.resolveTimeoutMs),
          warn: this.options.warn,
        }),
        this.resolveTimeoutMs,
      );
      if (result !== TIMED_OUT) return result.credentials;
      if (attempt >= 2) {
        const profile = this.options.plan.profile;
        throw new CcBedrockError('TIMEOUT', `AWS default-chain credential resolve timed out after ${this.resolveTimeoutMs} ms (twice)`, {
          remediation: `run \`aws sts get-caller-identity${profile ? ` --profile ${profile}` : ''}\` in this shell (a credential_process waiting for input or an unreachable metadata service stalls the chain); sign in before starting, or raise CLAUDE_CODE_AWS_CHAIN_RESOLVE_TIMEOUT_MS`,
        });
      }
    }
  }
}

const TIMED_OUT = Symbol('timed out');

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  // A resolve that fails after its timeout was reported must not become an unhandled rejection.
  promise.catch(() => undefined);
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
