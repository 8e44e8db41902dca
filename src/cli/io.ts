import { CommanderError } from 'commander';
import { CcBedrockError, isCcBedrockError, type ErrorCode } from '../core/errors.js';

/**
 * Exit codes shared by every command: 0 ok, 1 API/upstream error (or output that could not be
 * delivered), 2 usage or configuration error, 130 interrupted (Ctrl-C), 141 the reader of the
 * output went away (128 + SIGPIPE, what a shell reports for a tool killed by a closed pipe).
 */
export const ExitCode = { ok: 0, apiError: 1, usage: 2, interrupted: 130, brokenPipe: 141 } as const;

/** Upstream failures: exit code 1. Everything else a user can fix locally is exit code 2. */
const UPSTREAM_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'ACCESS_DENIED',
  'MODEL_NOT_GRANTED',
  'ON_DEMAND_NOT_SUPPORTED',
  'MODEL_NOT_IN_REGION',
  'MANTLE_NOT_GRANTED',
  'MANTLE_MODEL_NOT_SERVED',
  'THROTTLED',
  'UPSTREAM_UNAVAILABLE',
  'UPSTREAM_ERROR',
  'STREAM_INTERRUPTED',
  'GUARDRAIL_INTERVENED',
  'TOOL_UNAVAILABLE',
  'REQUEST_INVALID',
  'REQUEST_TOO_LARGE',
  'TIMEOUT',
  'NETWORK',
  'INTERNAL',
]);

/**
 * Exit code for a failure: 1 when the API (or the way to it) failed, 2 for usage and
 * configuration problems, including credentials that are missing locally. An error that carries
 * an upstream HTTP status is always an API error.
 */
export function exitCodeFor(error: unknown): number {
  if (!isCcBedrockError(error)) return ExitCode.apiError;
  if (error.status !== undefined || UPSTREAM_CODES.has(error.code)) return ExitCode.apiError;
  return ExitCode.usage;
}

/** What the CLI exits with for an error a command threw: commander's usage errors, else exitCodeFor. */
export function exitCodeForThrown(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  return exitCodeFor(error);
}

/** `--port` of `serve` and `emulate`: 0 to 65535 (0 picks a free port), or a usage error naming the flag. */
export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new CcBedrockError('USAGE', `--port ${JSON.stringify(value)} is not a port number`, {
      remediation: 'pass an integer from 0 to 65535 (0 picks a free port)',
    });
  }
  return port;
}
