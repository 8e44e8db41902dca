import type { Writable } from 'node:stream';
import { CcBedrockError } from '../core/errors.js';
import type { Env } from '../core/read-env.js';
import type { Sourced } from '../core/route-plan.js';
import { describeShellFailure, runShellCommand } from './shell-command.js';

export interface AuthRefreshOptions {
  readonly env: Env;
  /** Where the command's stdout and stderr are shown: `aws sso login` prints the URL and device code there. */
  readonly stderr: Writable;
  readonly timeoutMs: number;
  readonly platform?: NodeJS.Platform;
}

/**
 * Runs `awsAuthRefresh` (a command that repairs ~/.aws, typically `aws sso login`) with its
 * output shown and stdin closed: interactive input is not supported, as in Claude Code.
 */
export async function runAuthRefresh(setting: Sourced<string>, options: AuthRefreshOptions): Promise<void> {
  options.stderr.write(`AWS credentials need refreshing: running awsAuthRefresh (${setting.source})\n`);
  const result = await runShellCommand(setting.value, {
    env: options.env,
    timeoutMs: options.timeoutMs,
    output: options.stderr,
    ...(options.platform ? { platform: options.platform } : {}),
  });
  if (result.kind === 'exited' && result.exitCode === 0) return;
  throw new CcBedrockError('AUTH_REFRESH_FAILED', `awsAuthRefresh (${setting.source}) ${describeShellFailure(result, options.timeoutMs)}`, {
    remediation: `run the command yourself in a terminal to see what it needs, then start again; or remove \`awsAuthRefresh\` from ${setting.source}`,
    details: { setting: 'awsAuthRefresh', source: setting.source },
  });
}
