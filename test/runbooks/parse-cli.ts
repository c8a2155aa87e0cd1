import { CommanderError, type Command } from 'commander';
import { buildProgram } from '../../cli/main.js';

/** Thrown by the preAction hook: the command line parsed, and its action would run now. */
class ParsedCleanly extends Error {}

function everyCommand(command: Command): Command[] {
  return [command, ...command.commands.flatMap(everyCommand)];
}

/**
 * Parses `args` with the real `fcp` program, and stops right before the action would run, so that
 * nothing runs. Returns undefined when the command line is valid, else commander's message
 * (unknown command or option, a missing required option, a value outside its choices...).
 */
export async function parseError(args: readonly string[]): Promise<string | undefined> {
  const program = await buildProgram(args);
  const messages: string[] = [];
  for (const command of everyCommand(program)) {
    command.exitOverride().configureOutput({ writeOut: () => undefined, writeErr: (text) => messages.push(text), outputError: (text) => messages.push(text) });
  }
  program.hook('preAction', () => {
    throw new ParsedCleanly();
  });
  try {
    await program.parseAsync(args as string[], { from: 'user' });
    return 'the command line parsed but no action was reached';
  } catch (error) {
    if (error instanceof ParsedCleanly) return undefined;
    // `--help` is a valid command line too.
    if (error instanceof CommanderError && error.exitCode === 0) return undefined;
    if (error instanceof CommanderError) return messages.join('').trim() || error.message;
    throw error;
  }
}
