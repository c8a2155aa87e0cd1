import { Command, CommanderError } from 'commander';
import { describeError, FcpError, InputError, RefusedError } from '../errors.js';
import { registerBenchCommands } from './commands/bench.js';
import { registerConfigCommands } from './commands/config.js';
import { registerAuditCommand } from './commands/audit.js';
import { registerOperateCommands } from './commands/operate.js';
import { registerRunCommands } from './commands/run.js';
import { registerSimulateCommand } from './commands/simulate.js';
import { registerSandboxCommands } from './commands/sandbox.js';

/**
 * The `fcp` command. Exit codes: 0 success, 1 an operation failed, 2 bad input or a refused request
 * (nothing was changed).
 */
export function buildProgram(): Command {
  const program = new Command('fcp')
    .description('Multi-region failover control plane: decide, plan and execute regional failover')
    .showHelpAfterError('(run `fcp --help` for usage)')
    .exitOverride();
  program.configureHelp({ sortSubcommands: true });
  registerBenchCommands(program);
  registerConfigCommands(program);
  registerOperateCommands(program);
  registerAuditCommand(program);
  registerRunCommands(program);
  registerSimulateCommand(program);
  registerSandboxCommands(program);
  return program;
}

export function exitCodeFor(error: unknown): number {
  if (error instanceof InputError || error instanceof RefusedError) return 2;
  return 1;
}

export async function run(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return Number(process.exitCode ?? 0);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are exits with code 0; every usage error is 2.
      return error.exitCode === 0 ? 0 : 2;
    }
    process.stderr.write(`${renderError(error)}\n`);
    return exitCodeFor(error);
  }
}

function renderError(error: unknown): string {
  if (error instanceof InputError) {
    return [`error: ${error.message}`, ...error.problems.map((p) => `  - ${p}`)].join('\n');
  }
  if (error instanceof RefusedError) return error.message;
  if (error instanceof FcpError) return `error: ${describeError(error)}`;
  return `error: ${describeError(error)}`;
}

if (process.argv[1] && /(?:bin\/fcp(?:\.js)?|cli\/main\.ts)$/.test(process.argv[1])) {
  process.exitCode = await run(process.argv.slice(2));
}
