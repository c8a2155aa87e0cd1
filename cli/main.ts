import { Command, CommanderError } from 'commander';
import { describeError, FcpError, InputError, RefusedError } from '../kernel/errors.js';
import { registerBenchCommands } from './commands/bench.js';
import { registerConfigCommands } from './commands/config.js';
import { registerAuditCommand } from './commands/audit.js';
import { registerInfraCommands } from './commands/infra.js';
import { registerOperateCommands } from './commands/operate.js';
import { registerRolloutCommand } from './commands/rollout.js';
import { registerRunCommands } from './commands/run.js';
import { registerSimulateCommand } from './commands/simulate.js';

/** Commands that run the sandbox (with the controller on this machine); their modules load on demand. */
const LOCAL_COMMANDS: readonly { name: string; summary: string }[] = [
  { name: 'start', summary: 'The sandbox, three controller replicas and the dashboard on this machine' },
  { name: 'drill', summary: 'Game day on this machine: a fresh sandbox, replicas, traffic and a fault schedule' },
  { name: 'sandbox', summary: 'The AWS sandbox alone: up, faults, traffic' },
];

/** Whether `argv` needs the local commands' full definitions: one of them, or help that lists them. */
function wantsLocalCommands(argv: readonly string[]): boolean {
  const first = argv.find((arg) => !arg.startsWith('-'));
  if (first === undefined || first === 'help') return true;
  return LOCAL_COMMANDS.some((c) => c.name === first);
}

/**
 * Registers `start`, `drill` and `sandbox`. They compose the controller with the sandbox, so their
 * modules (and the sandbox's) are imported only when asked for. An installation without the
 * sandbox (the production image) lists them with a one-line explanation instead.
 */
async function registerLocalCommands(program: Command, argv: readonly string[]): Promise<void> {
  if (wantsLocalCommands(argv)) {
    try {
      const [local, sandbox] = await Promise.all([import('./commands/local.js'), import('./commands/sandbox.js')]);
      local.registerLocalCommands(program);
      sandbox.registerSandboxCommands(program);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    }
  }
  for (const { name, summary } of LOCAL_COMMANDS) {
    program
      .command(name, { hidden: !wantsLocalCommands(argv) })
      .description(summary)
      .allowUnknownOption()
      .allowExcessArguments()
      .action(() => {
        throw new InputError(`fcp ${name} needs the sandbox, which this installation does not include`, ['run it from a checkout of the repository (npm ci && npm start); the production image runs `fcp controller` only']);
      });
  }
}

/**
 * The `fcp` command. Exit codes: 0 success, 1 an operation failed, 2 bad input or a refused request
 * (nothing was changed). `argv` decides which command modules load (see `registerLocalCommands`).
 */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command('fcp')
    .description('Multi-region failover control plane: decide, plan and execute regional failover')
    .showHelpAfterError('(run `fcp --help` for usage)')
    .exitOverride();
  program.configureHelp({ sortSubcommands: true });
  registerBenchCommands(program);
  registerConfigCommands(program);
  registerInfraCommands(program);
  registerOperateCommands(program);
  registerAuditCommand(program);
  registerRolloutCommand(program);
  registerRunCommands(program);
  registerSimulateCommand(program);
  await registerLocalCommands(program, argv);
  return program;
}

export function exitCodeFor(error: unknown): number {
  if (error instanceof InputError || error instanceof RefusedError) return 2;
  return 1;
}

export async function run(argv: readonly string[]): Promise<number> {
  const program = await buildProgram(argv);
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
