#!/usr/bin/env node
/**
 * The `cc-bedrock` entry point: parses argv, dispatches to a command module, and owns the process
 * exit code. This is the only file that calls `process.exit`.
 *
 * Command modules are imported lazily by name, so `status` never pays for loading the emulator,
 * the SDKs or the prompt library (cold start is a benchmarked target).
 */
import { homedir } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { Command, CommanderError, Option } from 'commander';
import { CcBedrockError, isCcBedrockError } from '../core/errors.js';
import { describeUndelivered, drainTimeoutMs, flushOutputs, onOutputError, type NamedOutput } from './finish-output.js';
import { ExitCode, exitCodeForThrown } from './io.js';
import { type CliIO } from '../core/command-io.js';

const VERSION = '0.1.0';

interface CommandModule {
  run(options: Record<string, unknown>, io: CliIO): Promise<number>;
}

/**
 * One lazy loader per command: a command's modules (and the SDKs, the gateway, the emulator or the
 * wizard behind them) are loaded only when that command runs. Literal specifiers, so the bundler
 * (scripts/bundle.mjs) can follow them and give each command its own chunks.
 */
// Typed loosely: commander hands every command the same untyped options object.
const COMMANDS: Record<string, () => Promise<unknown>> = {
  print: () => import('./commands/print.js'),
  chat: () => import('./commands/chat.js'),
  status: () => import('./commands/status.js'),
  setup: () => import('./commands/setup.js'),
  doctor: () => import('./commands/doctor.js'),
  models: () => import('./commands/models.js'),
  'iam-policy': () => import('./commands/iam-policy.js'),
  serve: () => import('./commands/serve.js'),
  emulate: () => import('./commands/emulate.js'),
  demo: () => import('./commands/demo.js'),
  completion: () => import('./commands/completion.js'),
};

async function loadCommand(name: string): Promise<CommandModule> {
  const load = COMMANDS[name];
  const mod = (load ? await load() : undefined) as Partial<CommandModule> | undefined;
  if (typeof mod?.run !== 'function') {
    throw new CcBedrockError('INTERNAL', `command module ${name} has no run() export`);
  }
  return mod as CommandModule;
}

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

const settingsOption = (): Option =>
  new Option('--settings <file-or-json>', 'extra settings file or inline JSON (as Claude Code --settings)');

export function buildProgram(io: CliIO, setExit: (code: number) => void): Command {
  const dispatch =
    (name: string) =>
    async (...actionArgs: unknown[]): Promise<void> => {
      // commander passes positionals first, then the options object, then the Command
      const command = actionArgs[actionArgs.length - 1] as Command;
      const options = { ...command.opts(), args: command.args };
      const mod = await loadCommand(name);
      setExit(await mod.run(options, io));
    };

  const program = new Command();
  program
    .name('cc-bedrock')
    .description(
      "Claude Code's Amazon Bedrock provider layer: talk to Claude through your AWS account (Bedrock Invoke or Mantle)",
    )
    .version(VERSION)
    // Top-level flags (-p, --model, …) only apply before a subcommand, so `status --model x`
    // reaches the status command instead of being taken by the program.
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .argument('[prompt...]', 'prompt for --print mode (also read from stdin)')
    .option('-p, --print', 'print the reply to a prompt and exit (as claude -p)')
    .option('--model <model>', 'model alias, first-party name, inference-profile ID, ARN or Mantle ID')
    .addOption(
      new Option('--output-format <format>', 'output format for --print').choices(['text', 'json', 'stream-json']).default('text'),
    )
    .option('--max-tokens <n>', 'maximum tokens in the reply')
    .option('--system <prompt>', 'system prompt')
    .option('--refresh', 'ignore the model-availability cache and discover again')
    .addOption(settingsOption())
    .action(async (_prompt: string[], _options: unknown, command: Command) => {
      const options: Record<string, unknown> = { ...command.opts(), args: command.args };
      if (options.print) {
        setExit(await (await loadCommand('print')).run(options, io));
      } else if (command.args.length === 0 && io.interactive) {
        setExit(await (await loadCommand('chat')).run(options, io));
      } else if (command.args.length > 0) {
        throw new CcBedrockError('USAGE', `unknown command "${command.args[0]}"`, {
          remediation: 'run `cc-bedrock --help` for the commands, or `cc-bedrock -p "<prompt>"` to send a prompt',
        });
      } else {
        program.outputHelp();
      }
    });

  program
    .command('status')
    .description('show the resolved route plan: provider, region, credentials, models, endpoints, headers, warnings')
    .option('--json', 'print the route plan as JSON (stable schema, see docs/status-json.md)')
    .option('--model <model>', 'resolve as if --model were given')
    .addOption(settingsOption())
    .action(dispatch('status'));

  program
    .command('chat')
    .description('interactive session with Claude through your AWS account (/status, /model, /setup-bedrock, /help, /exit)')
    .option('--model <model>', 'model to start on')
    .option('--system <prompt>', 'system prompt')
    .option('--max-tokens <n>', 'maximum tokens per reply')
    .option('--refresh', 'ignore the model-availability cache and discover again')
    .addOption(settingsOption())
    .action(dispatch('chat'));

  program
    .command('setup')
    .description('the /setup-bedrock wizard: credentials, region, invokable models, pins; writes settings env')
    .option('--yes', 'non-interactive: take every answer from flags and defaults')
    .addOption(new Option('--auth <method>', 'credential method').choices(['profile', 'api-key', 'access-keys', 'environment']))
    .option('--profile <name>', 'AWS profile to use (with --auth profile)')
    .option('--region <region>', 'AWS region')
    .option('--opus <model>', 'pin for opus (ANTHROPIC_DEFAULT_OPUS_MODEL)')
    .option('--sonnet <model>', 'pin for sonnet (ANTHROPIC_DEFAULT_SONNET_MODEL)')
    .option('--haiku <model>', 'pin for haiku (ANTHROPIC_DEFAULT_HAIKU_MODEL)')
    .addOption(
      new Option('--service-tier <tier>', 'Bedrock service tier (none removes it)').choices(['default', 'flex', 'priority', 'none']),
    )
    .option('--guardrail-id <id>', 'Bedrock guardrail identifier')
    .option('--guardrail-version <version>', 'Bedrock guardrail version (number or DRAFT)')
    .option('--mantle', 'also enable the Mantle endpoint')
    .option('--target <scope-or-path>', 'settings file to write: user (default), project, local, or a path')
    .option('--managed <path>', 'write a managed-settings.json (and its .mobileconfig and .reg forms) for fleet rollout instead')
    .option('--aws-auth-refresh <command>', 'awsAuthRefresh: command run when credentials expire (none removes it)')
    .option('--aws-credential-export <command>', 'awsCredentialExport: command printing AWS credentials JSON (none removes it)')
    .option('--available-models <list>', 'availableModels: comma-separated allowlist (none removes it)')
    .option('--model-override <id=bedrock-id>', 'modelOverrides entry, repeatable (none removes modelOverrides)', (value: string, previous: string[] = []) => [...previous, value])
    .option('--json', 'print the result as JSON on stdout (the wizard lines go to stderr)')
    .addOption(settingsOption())
    .action(dispatch('setup'));

  program
    .command('doctor')
    .description('check every knob before rollout: settings, region, models, credentials, access, IAM')
    .option('--json', 'machine-readable report')
    .option('--offline', 'skip checks that call AWS')
    .option('--model <model>', 'check as if --model were given')
    .addOption(settingsOption())
    .action(dispatch('doctor'));

  program
    .command('models')
    .description('Claude models x regions: profile IDs, base IDs, invokable or not, 1M, Mantle')
    .option('--region <regions>', 'comma-separated regions (default: the resolved region)')
    .option('--json', 'machine-readable table')
    .option('--refresh', 'ignore cached probe results')
    .option('--offline', 'catalog only, no probes')
    .addOption(settingsOption())
    .action(dispatch('models'));

  program
    .command('iam-policy')
    .description('print the IAM policy this configuration needs')
    .addOption(new Option('--scope <scope>', 'all models or only the configured ones').choices(['all', 'configured']).default('all'))
    .option('--mantle', 'include bedrock-mantle:CreateInference')
    .option('--model <model>', 'with --scope configured: grant as if --model were given')
    .addOption(settingsOption())
    .action(dispatch('iam-policy'));

  program
    .command('serve')
    .description('an Anthropic Messages API gateway in front of Bedrock')
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--port <port>', 'port (0 picks a free one)', '8787')
    .option('--api-key-env <name>', 'environment variable holding the gateway key clients must send')
    .addOption(settingsOption())
    .action(dispatch('serve'));

  program
    .command('emulate')
    .description('run a local Amazon Bedrock emulator (runtime, control plane, Mantle, STS)')
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--port <port>', 'port (0 picks a free one)', '0')
    .option('--scenario <file>', 'scenario JSON (default: the bundled scenarios/default.json)')
    .option('--env-out <path>', 'once listening, write the export lines to this file (for scripts; removed on stop)')
    .action(dispatch('emulate'));

  program
    .command('demo')
    .description('the quick start: run a prompt through the whole stack against the embedded emulator')
    .action(dispatch('demo'));

  program
    .command('completion')
    .description('print a shell completion script: eval "$(cc-bedrock completion bash)" (or zsh; fish: | source)')
    .argument('<shell>', 'bash, zsh or fish')
    .action(async (shell: string) => {
      // The script is generated from this program definition, so it lists what the CLI accepts.
      setExit(await (await loadCommand('completion')).run({ shell, program }, io));
    });

  // The program takes a prompt as arguments, which turns commander's implicit `help <command>` off.
  program.helpCommand(true);

  return program;
}

/** Commands that run until stopped; every other command is over in a second or two. */
const LONG_RUNNING = new Set(['serve', 'emulate']);

/**
 * Node's fetch parses HTTP with llhttp compiled to WebAssembly, and V8 re-compiles that module
 * with its optimizing tier in the background; a process that exits waits for the job to finish.
 * Measured on `-p` (bench/ttft.bench.mjs): 60-90 ms between the last byte written and the exit,
 * gone with the baseline tier only, which parses the few responses a short command reads just as
 * well. Set at run time, not on the command line: a V8 flag there makes Node reject the code cache
 * of its own built-in modules (about 20 ms more at start). Long-running commands keep the tier-up.
 */
function skipWasmTierUp(argv: readonly string[]): void {
  const command = argv.slice(2).find((arg) => !arg.startsWith('-'));
  if (command === undefined || !LONG_RUNNING.has(command)) setFlagsFromString('--liftoff-only');
}

async function main(): Promise<void> {
  skipWasmTierUp(process.argv);
  // The AWS SDK warns on every run that its 2027 releases will need Node 22. A CLI user can do
  // nothing about that mid-session and it lands in the middle of stderr output, so the CLI turns
  // it off unless the user has set the variable either way.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const outputs: NamedOutput[] = [
    { name: 'stdout', stream: process.stdout },
    { name: 'stderr', stream: process.stderr },
  ];
  onOutputError(outputs, process.stderr, (code) => process.exit(code));
  const io = processIO();
  let exitCode: number = ExitCode.ok;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    // The one mapping every command uses, so a network failure thrown past a command's own catch
    // (serve, status, setup) exits 1 exactly like one caught inside `-p` or `chat` does.
    exitCode = exitCodeForThrown(error);
    if (error instanceof CommanderError) {
      // commander has already printed its usage message
    } else if (isCcBedrockError(error)) {
      io.stderr.write(`cc-bedrock: ${error.describe()}\n`);
    } else {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      io.stderr.write(`cc-bedrock: unexpected error (please report it):\n${message}\n`);
    }
  }
  // Every command ends here: the exit status comes after the last byte of output has been taken
  // by the reader (a pipe holds only 64 KiB), or after the deadline with a note that it is not.
  const timeoutMs = drainTimeoutMs(io.env, (note) => io.stderr.write(note));
  const undelivered = await flushOutputs(outputs, timeoutMs, io.stderr);
  if (undelivered.length > 0) {
    io.stderr.write(describeUndelivered(undelivered, timeoutMs));
    if (exitCode === ExitCode.ok) exitCode = ExitCode.apiError;
  }
  // Long-running commands (emulate, serve) resolve only once their server has closed, so exiting
  // here never cuts a server short; it does stop stray handles from keeping a finished CLI alive.
  process.exit(exitCode);
}

// Not a top-level await: the standalone executable (scripts/build-sea.mjs) is CommonJS, which has none.
void main();
