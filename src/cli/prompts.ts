/**
 * The one place the CLI asks a question: thin wrappers over @inquirer/prompts behind the
 * `Prompter` seam, so the wizard's tests script answers instead of driving a terminal (and the
 * end-to-end test drives this real implementation in a pseudo-terminal).
 */
import type * as Inquirer from '@inquirer/prompts';
import type { CliIO } from '../core/command-io.js';
import { SetupCancelled, type Prompter } from '../setup/types.js';

type InquirerModule = typeof Inquirer;

/** Ctrl-C (ExitPromptError) and an aborted prompt become SetupCancelled; anything else is a bug. */
function cancelled(error: unknown): never {
  const name = (error as { name?: string } | undefined)?.name;
  if (name === 'ExitPromptError' || name === 'AbortPromptError' || name === 'CancelPromptError') {
    throw new SetupCancelled('setup was cancelled');
  }
  throw error;
}

export function createTerminalPrompter(io: CliIO): Prompter {
  let loaded: Promise<InquirerModule> | undefined;
  // Loaded on first question: the prompt library is not part of any other command's start-up.
  const inquirer = (): Promise<InquirerModule> => (loaded ??= import('@inquirer/prompts'));
  const context = { input: io.stdin, output: io.stdout };

  return {
    async select(question) {
      const { select } = await inquirer();
      return select(
        {
          message: question.message,
          choices: question.choices.map((choice) => ({
            value: choice.value,
            name: choice.name,
            ...(choice.description ? { description: choice.description } : {}),
          })),
          ...(question.default !== undefined ? { default: question.default } : {}),
          pageSize: 12,
          loop: false,
        },
        context,
      ).catch(cancelled);
    },
    async input(question) {
      const { input } = await inquirer();
      const { displayFinal } = question;
      return input(
        {
          message: question.message,
          ...(question.default !== undefined ? { default: question.default } : {}),
          ...(question.validate ? { validate: question.validate } : {}),
          ...(displayFinal ? { transformer: (value: string, { isFinal }: { isFinal: boolean }) => (isFinal ? displayFinal(value) : value) } : {}),
        },
        context,
      ).catch(cancelled);
    },
    async password(question) {
      const { password } = await inquirer();
      // `mask: true` echoes one * per character, so the user sees typing happen and nothing else.
      return password({ message: question.message, mask: true, ...(question.validate ? { validate: question.validate } : {}) }, context).catch(cancelled);
    },
    async confirm(question) {
      const { confirm } = await inquirer();
      return confirm({ message: question.message, ...(question.default !== undefined ? { default: question.default } : {}) }, context).catch(cancelled);
    },
  };
}
