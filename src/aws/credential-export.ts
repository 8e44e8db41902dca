import type { Env } from '../core/read-env.js';
import type { Sourced } from '../core/route-plan.js';
import type { AwsCredentials } from '../core/auth-types.js';
import { describeShellFailure, runShellCommand } from './shell-command.js';

export type ExportParse = { readonly ok: true; readonly credentials: AwsCredentials } | { readonly ok: false; readonly problem: string };

const isNonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

/**
 * Accepts the two shapes Claude Code accepts (spec §6.4): the `aws sts` response
 * `{"Credentials":{AccessKeyId,SecretAccessKey,SessionToken,Expiration}}` and, since v2.1.181,
 * the flat `aws configure export-credentials --format process` shape (extra keys such as
 * `Version` tolerated). An Expiration that is not a date is ignored (one-hour cache), as in
 * Claude Code. Problems are described by shape only, never by quoting the output.
 */
export function parseExportedCredentials(stdout: string): ExportParse {
  let data: unknown;
  try {
    data = JSON.parse(stdout.trim());
  } catch {
    return { ok: false, problem: stdout.trim() === '' ? 'printed nothing' : 'printed something that is not JSON' };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { ok: false, problem: 'printed JSON that is not an object' };
  }
  const outer = data as Record<string, unknown>;
  const nested = outer.Credentials;
  const source = (typeof nested === 'object' && nested !== null ? nested : outer) as Record<string, unknown>;
  const { AccessKeyId, SecretAccessKey, SessionToken, Expiration } = source;
  if (!isNonEmptyString(AccessKeyId) || !isNonEmptyString(SecretAccessKey)) {
    return { ok: false, problem: 'printed JSON without string AccessKeyId and SecretAccessKey (expected {"Credentials":{...}} or the flat credential_process shape)' };
  }
  if (SessionToken !== undefined && SessionToken !== null && typeof SessionToken !== 'string') {
    return { ok: false, problem: 'printed a SessionToken that is not a string' };
  }
  const expiresAt = typeof Expiration === 'string' ? Date.parse(Expiration) : Number.NaN;
  return {
    ok: true,
    credentials: {
      accessKeyId: AccessKeyId.trim(),
      secretAccessKey: SecretAccessKey.trim(),
      ...(isNonEmptyString(SessionToken) ? { sessionToken: SessionToken.trim() } : {}),
      ...(Number.isFinite(expiresAt) ? { expiration: new Date(expiresAt) } : {}),
    },
  };
}

export type ExportResult = { readonly ok: true; readonly credentials: AwsCredentials } | { readonly ok: false; readonly problem: string };

/** Runs `awsCredentialExport` with its output captured silently and parses what it printed. */
export async function runCredentialExport(setting: Sourced<string>, options: { env: Env; timeoutMs: number; platform?: NodeJS.Platform }): Promise<ExportResult> {
  const result = await runShellCommand(setting.value, { env: options.env, timeoutMs: options.timeoutMs, output: 'capture', ...(options.platform ? { platform: options.platform } : {}) });
  if (result.kind !== 'exited' || result.exitCode !== 0) return { ok: false, problem: describeShellFailure(result, options.timeoutMs) };
  return parseExportedCredentials(result.stdout);
}
