/**
 * `cc-bedrock emulate`: runs the local Bedrock emulator until SIGINT/SIGTERM. Prints one line
 * with the URL, then `export NAME=VALUE` lines that point cc-bedrock and Claude Code at it
 * (the emulator's own fake credentials, safe to show). Each request is logged to stderr.
 */
import { rmSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { CcBedrockError } from '../../core/errors.js';
import { createEmulator, emulatorEnvironment, type ReceivedRequest } from '../../emulator/index.js';
import { isLoopbackHost } from '../../network/loopback.js';
import { writeTextFileAtomic } from '../../settings/write-settings.js';
import { ExitCode, parsePort } from '../io.js';
import { type CliIO } from '../../core/command-io.js';
import { untilStopped } from '../until-stopped.js';

export interface EmulateOptions {
  readonly host: string;
  readonly port: string;
  readonly scenario?: string;
  /** Once listening, write the `export` lines here (for scripts); removed again when the emulator stops. */
  readonly envOut?: string;
  /** Stops the emulator like a signal would (tests); SIGINT and SIGTERM always do. */
  readonly signal?: AbortSignal;
}

/** The warning for a bind other machines can reach; undefined on loopback (the same test `serve` uses). */
export function nonLoopbackWarning(host: string): string | undefined {
  if (isLoopbackHost(host)) return undefined;
  return `emulator: warning: listening on ${host}, not loopback; anyone who can reach it can use the emulated account\n`;
}

/** Single-quotes a value for POSIX shells when it holds anything beyond a safe set. */
function shellValue(value: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]*$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

function describeRequest(entry: ReceivedRequest): string {
  const model = entry.modelId ? ` ${entry.modelId}` : '';
  const error = entry.errorType ? ` ${entry.errorType}` : '';
  return `emulator: ${entry.method} ${entry.path}${entry.query ? `?${entry.query}` : ''} [${entry.operation}${model}] -> ${entry.status ?? '?'}${error}\n`;
}

export async function run(options: EmulateOptions, io: CliIO): Promise<number> {
  const port = parsePort(options.port);
  const host = options.host;
  const scenarioPath = options.scenario === undefined ? undefined : isAbsolute(options.scenario) ? options.scenario : resolve(io.cwd, options.scenario);
  const emulator = createEmulator({
    ...(scenarioPath ? { scenario: scenarioPath } : {}),
    onRequest: (entry) => io.stderr.write(describeRequest(entry)),
  });
  let server;
  try {
    server = await emulator.listen({ host, port });
  } catch (cause) {
    throw new CcBedrockError('USAGE', `cannot listen on ${host}:${port}: ${(cause as Error).message}`, {
      cause,
      remediation: 'pick another --port (0 picks a free one) or another --host',
    });
  }
  const warning = nonLoopbackWarning(host);
  if (warning) io.stderr.write(warning);
  io.stdout.write(`Bedrock emulator listening on ${server.url}\n`);
  const scenario = emulator.state.scenario;
  const exports = Object.entries(emulatorEnvironment(server.url, scenario)).map(([name, value]) => `export ${name}=${shellValue(value)}\n`);
  // A comment, so the lines stay safe to eval; the key is the scenario's own fake one.
  const apiKey = scenario.apiKeys[0]?.token;
  const lines = [...exports, ...(apiKey ? [`# Bedrock API key this emulator accepts (AWS_BEARER_TOKEN_BEDROCK): ${apiKey}\n`] : [])];
  io.stdout.write(lines.join(''));
  const envFile = options.envOut === undefined ? undefined : resolve(io.cwd, options.envOut);
  // Written whole (temporary file and rename) only once the port answers: a script that waits for the file can source it.
  if (envFile) writeTextFileAtomic(envFile, lines.join(''), envFile, 0o600);

  await untilStopped(options.signal);
  if (envFile) rmSync(envFile, { force: true });
  await emulator.close();
  io.stderr.write('emulator: stopped\n');
  return ExitCode.ok;
}
