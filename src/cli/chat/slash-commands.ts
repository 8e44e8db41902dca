/**
 * The chat's slash commands. Each gets the live chat state and returns whether the session goes
 * on. Commands that take over the terminal (the /model picker, the setup wizard) suspend the
 * line editor first.
 */
import { CcBedrockError, isCcBedrockError } from '../../core/errors.js';
import type { CredentialPlan, ResolvedModel } from '../../core/route-plan.js';
import type { CliIO } from '../../core/command-io.js';
import { renderStatusText } from '../render-status.js';
import { describeFailure, type Session } from '../session.js';
import type { Conversation } from './conversation.js';
import type { LineEditor } from './line-editor.js';
import { describeChoice, isCurrentChoice, modelChoices, renderChoices } from './model-picker.js';
import { WEB_SEARCH_COMMANDS, WEB_SEARCH_REMEDIATION, WEB_SEARCH_UNAVAILABLE } from './web-search.js';

export interface ChatState {
  session: Session;
  /** The name sent as `model` (undefined: the plan's main model). */
  selection: string | undefined;
  /** What the selection resolves to, for display and the reply budget. */
  model: ResolvedModel;
  readonly conversation: Conversation;
  readonly editor: LineEditor;
  readonly io: CliIO;
  /** Opens the session again after the settings changed (the setup wizard). */
  reopen(): Promise<void>;
}

export type CommandOutcome = 'continue' | 'exit';

interface SlashCommand {
  readonly names: readonly string[];
  readonly usage: string;
  readonly summary: string;
  run(state: ChatState, argument: string): Promise<CommandOutcome>;
}

const say = (state: ChatState, text: string) => state.io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);

/** A selection as the live plan would send it, for status and the picker mark. */
function planWithSelection(state: ChatState) {
  const { plan } = state.session;
  return { ...plan, models: { ...plan.models, main: state.model } };
}

function availabilityLines(state: ChatState): string {
  const discovery = state.session.discovery;
  if (!discovery) return 'Model availability\n  not checked (discovery does not run for this route)\n';
  const lines = ['Model availability'];
  const origin = discovery.fromCache ? 'from the discovery cache' : `discovered now (${discovery.upstreamCalls} request${discovery.upstreamCalls === 1 ? '' : 's'})`;
  lines.push(`  ${origin}${discovery.cacheFile ? `; cache ${discovery.cacheFile}` : ''}; \`cc-bedrock chat --refresh\` checks again`);
  for (const row of discovery.availability) {
    lines.push(`  ${row.probedAs.padEnd(9)} ${row.modelId}  ${row.status}${row.reason && row.status !== 'available' ? ` (${row.reason})` : ''}`);
  }
  if (discovery.discoveredProfileIds) lines.push(`  ListInferenceProfiles: ${discovery.discoveredProfileIds.length} system profiles`);
  return `${lines.join('\n')}\n`;
}

const status: SlashCommand = {
  names: ['/status'],
  usage: '/status',
  summary: 'the route this session uses: provider, region, credentials, models, endpoints, headers',
  async run(state) {
    const { session } = state;
    say(
      state,
      renderStatusText({
        plan: planWithSelection(state),
        settingsFiles: session.resolution.settings.files.map((file) => ({
          scope: file.scope,
          label: file.label,
          exists: file.exists,
          unknownKeys: file.unknownKeys,
        })),
        proxy: { ok: true, proxy: session.proxy },
      }),
    );
    say(state, availabilityLines(state));
    say(state, `Conversation: ${state.conversation.turns} exchange${state.conversation.turns === 1 ? '' : 's'} on ${state.model.wireModelId}\n`);
    return 'continue';
  },
};

function switchTo(state: ChatState, name: string): void {
  const planDefault = state.session.plan.models.main;
  if (name.trim().toLowerCase() === 'default' && planDefault.requested === 'default') {
    state.selection = undefined;
    state.model = planDefault;
  } else {
    state.model = state.session.resolveModel(name, '/model');
    state.selection = name;
  }
  say(state, `Model: ${state.model.wireModelId} (${state.model.endpoint === 'mantle' ? 'Mantle' : 'Invoke API'}, ${state.model.region.value}; ${state.model.rule})`);
}

/** `@inquirer/prompts` throws this name when the user presses Ctrl-C or Escape inside a prompt. */
const isPromptCancel = (error: unknown): boolean =>
  error instanceof Error && (error.name === 'ExitPromptError' || error.name === 'AbortPromptError');

const model: SlashCommand = {
  names: ['/model'],
  usage: '/model [name]',
  summary: 'switch model: a picker of the allowed models, or /model <alias|ID> directly',
  async run(state, argument) {
    if (argument) {
      try {
        switchTo(state, argument);
      } catch (error) {
        state.io.stderr.write(describeFailure(error));
        if (isCcBedrockError(error) && error.code === 'MODEL_NOT_ALLOWED') {
          say(state, `Allowed here:\n${renderChoices(modelChoices(state.session), state.model, state.selection)}`);
        }
      }
      return 'continue';
    }
    const choices = modelChoices(state.session);
    if (!state.io.interactive) {
      say(state, `Models (* = current):\n${renderChoices(choices, state.model, state.selection)}Switch with /model <name>.`);
      return 'continue';
    }
    const { select } = await import('@inquirer/prompts');
    state.editor.suspend();
    try {
      const current = choices.find((choice) => isCurrentChoice(choice, state.model, state.selection));
      const picked = await select(
        {
          message: `Model for this session (now ${state.model.wireModelId})`,
          choices: choices.map((choice) => ({
            name: describeChoice(choice),
            value: choice.name,
            ...(choice.reason ? { description: choice.reason } : {}),
          })),
          ...(current ? { default: current.name } : {}),
          pageSize: 12,
        },
        { input: state.io.stdin, output: state.io.stdout, clearPromptOnDone: true },
      );
      switchTo(state, picked);
    } catch (error) {
      if (isPromptCancel(error)) say(state, 'Model unchanged.');
      else state.io.stderr.write(describeFailure(error));
    } finally {
      state.editor.resume();
    }
    return 'continue';
  },
};

interface SetupModule {
  run(options: Record<string, unknown>, io: CliIO): Promise<number>;
}

async function loadSetup(): Promise<SetupModule | undefined> {
  // A literal specifier, so the bundler (scripts/bundle.mjs) ships the wizard as its own lazy chunk.
  try {
    const mod = (await import('../commands/setup.js')) as Partial<SetupModule>;
    return typeof mod.run === 'function' ? (mod as SetupModule) : undefined;
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && String((error as Error).message).includes('setup')) return undefined;
    throw error;
  }
}

const setupBedrock: SlashCommand = {
  names: ['/setup-bedrock', '/setup'],
  usage: '/setup-bedrock',
  summary: 'the Bedrock setup wizard: credentials, region, invokable models, pins',
  async run(state) {
    if (!state.io.interactive) {
      say(state, '/setup-bedrock is an interactive wizard and needs a terminal. Without one, configure with flags: cc-bedrock setup --yes --auth profile --profile <name> --region <region>');
      return 'continue';
    }
    const setup = await loadSetup();
    if (!setup) {
      say(state, 'The setup wizard is not available in this build of cc-bedrock. Configure Bedrock in the env block of ~/.claude/settings.json (CLAUDE_CODE_USE_BEDROCK, AWS_REGION, AWS_PROFILE, model pins), then restart the chat.');
      return 'continue';
    }
    state.editor.suspend();
    let code: number;
    try {
      code = await setup.run({}, state.io);
    } catch (error) {
      if (isPromptCancel(error)) {
        say(state, 'Setup cancelled; nothing changed.');
        return 'continue';
      }
      state.io.stderr.write(describeFailure(error));
      return 'continue';
    } finally {
      state.editor.resume();
    }
    if (code !== 0) {
      // 130 is the wizard's own "cancelled" (it has said so); anything else deserves a line.
      if (code !== 130) say(state, `Setup ended with exit code ${code}; the session keeps its current route.`);
      return 'continue';
    }
    try {
      await state.reopen();
      say(state, `Settings reloaded: ${state.session.plan.providers.label}, ${state.session.plan.region.value}, model ${state.model.wireModelId}. The conversation is kept.`);
    } catch (error) {
      state.io.stderr.write(describeFailure(error));
      say(state, 'The session keeps its previous route; fix the settings and run /setup-bedrock again.');
    }
    return 'continue';
  },
};

function credentialChangeHint(plan: CredentialPlan): string {
  switch (plan.kind) {
    case 'bearer-token':
      return 'unset AWS_BEARER_TOKEN_BEDROCK (or set another Amazon Bedrock API key) and restart the chat';
    case 'profile-sso':
      return `run \`aws sso logout\`, then \`aws sso login --profile ${plan.profile ?? '<profile>'}\` as another user, or point AWS_PROFILE at another profile`;
    case 'env-keys':
      return 'export other AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN values, or unset them to use a profile';
    case 'credential-export':
      return `change the awsCredentialExport command (${plan.credentialExport?.source ?? 'settings'})`;
    case 'skip-auth':
      return 'authentication is off (skip-auth); the gateway in front of Bedrock decides who you are';
    default:
      return `run \`aws configure${plan.profile ? ` --profile ${plan.profile}` : ''}\` or point AWS_PROFILE at another profile`;
  }
}

const logout: SlashCommand = {
  names: ['/logout', '/login'],
  usage: '/logout',
  summary: 'not available on Bedrock: explains how to change the AWS credentials instead',
  async run(state) {
    const plan = state.session.plan;
    const credentials = plan.providers.bedrock ? plan.credentials.bedrock : plan.credentials.mantle;
    say(
      state,
      [
        '/logout is not available on Amazon Bedrock: there is no Anthropic login to end. This session authenticates with AWS credentials,',
        `now ${credentials.kind} from ${credentials.source}${credentials.detail ? ` (${credentials.detail})` : ''}.`,
        `To change them: ${credentialChangeHint(credentials)}. /setup-bedrock walks through it; /status shows what is in use.`,
      ].join('\n'),
    );
    return 'continue';
  },
};

const clear: SlashCommand = {
  names: ['/clear'],
  usage: '/clear',
  summary: 'start a new conversation (the model and route stay)',
  async run(state) {
    state.conversation.clear();
    say(state, 'Conversation cleared.');
    return 'continue';
  },
};

const webSearch: SlashCommand = {
  names: WEB_SEARCH_COMMANDS,
  usage: '/web',
  summary: 'web search (not available on Bedrock: says why)',
  async run(state) {
    say(state, `${WEB_SEARCH_UNAVAILABLE}\n  fix: ${WEB_SEARCH_REMEDIATION}`);
    return 'continue';
  },
};

const exit: SlashCommand = {
  names: ['/exit', '/quit'],
  usage: '/exit',
  summary: 'leave the chat (Ctrl-D does too)',
  async run() {
    return 'exit';
  },
};

const help: SlashCommand = {
  names: ['/help', '/?'],
  usage: '/help',
  summary: 'this list',
  async run(state) {
    const rows = COMMANDS.map((command) => `  ${command.usage.padEnd(16)} ${command.summary}`);
    say(
      state,
      [
        'Commands',
        ...rows,
        '',
        'Ctrl-C cancels the reply being written (the conversation stays); at an empty prompt, Ctrl-C twice or Ctrl-D leaves.',
        'Web search: Bedrock has no WebSearch tool. /web explains; a prompt asking to enable web search is answered locally,',
        'and a prompt asking Claude to search the web is sent with a note that Claude answers without browsing.',
      ].join('\n'),
    );
    return 'continue';
  },
};

const COMMANDS: readonly SlashCommand[] = [help, status, model, setupBedrock, logout, clear, webSearch, exit];

/** `/name rest` → the command and its argument; undefined when the line is not a slash command. */
export function parseSlashCommand(line: string): { name: string; argument: string } | undefined {
  const match = /^\s*(\/[\w?-]+)\s*(.*)$/s.exec(line);
  if (!match) return undefined;
  return { name: match[1]!.toLowerCase(), argument: match[2]!.trim() };
}

export async function runSlashCommand(state: ChatState, name: string, argument: string): Promise<CommandOutcome> {
  const command = COMMANDS.find((candidate) => candidate.names.includes(name));
  if (!command) {
    state.io.stderr.write(
      describeFailure(
        new CcBedrockError('USAGE', `unknown command ${name}`, { remediation: `/help lists the commands: ${COMMANDS.map((c) => c.names[0]).join(' ')}` }),
      ),
    );
    return 'continue';
  }
  return command.run(state, argument);
}
