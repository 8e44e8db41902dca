#!/usr/bin/env node
/**
 * The `cc-bedrock` entry point: parses argv, dispatches to a command module (imported lazily so
 * `status` does not pay for the emulator or the SDKs), and owns the process exit code. This is the
 * only file that calls `process.exit`.
 */
import { homedir } from 'node:os';
import { Command, CommanderError } from 'commander';
import { isCcBedrockError } from '../errors.js';
import { ExitCode, type CliIO } from './io.js';

const VERSION = '0.1.0';

function processIO(): CliIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    homeDir: homedir(),
    platform: process.platform,
    interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
  };
}

export function buildProgram(io: CliIO, _setExit: (code: number) => void): Command {
  const program = new Command();
  program
    .name('cc-bedrock')
    .description("Claude Code's Amazon Bedrock provider layer: talk to Claude through your AWS account")
    .version(VERSION)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });


  return program;
}

async function main(): Promise<void> {
  const io = processIO();
  let exitCode: number = ExitCode.ok;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      exitCode = error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    } else if (isCcBedrockError(error)) {
      io.stderr.write(`cc-bedrock: ${error.describe()}\n`);
      exitCode = error.status === undefined ? ExitCode.usage : ExitCode.apiError;
    } else {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      io.stderr.write(`cc-bedrock: unexpected error (please report it):\n${message}\n`);
      exitCode = ExitCode.apiError;
    }
  }
  // Long-running commands (emulate, serve) resolve only once their server has closed, so exiting
  // here never cuts a server short; it does stop stray handles from keeping a finished CLI alive.
  process.exit(exitCode);
}

await main();
