import { Command, CommanderError } from 'commander';
import { describeError, FcpError, InputError, RefusedError } from '../kernel/errors.js';
import { registerBenchCommands } from './commands/bench.js';
import { notInstalled } from './installation.js';
import { registerConfigCommands } from './commands/config.js';
import { registerAuditCommand } from './commands/audit.js';
import { registerOperateCommands } from './commands/operate.js';
import { registerRunCommands } from './commands/run.js';
import { registerSimulateCommand } from './commands/simulate.js';

/**
 * Commands that need a checkout of the repository, not only the controller: `start`, `drill` and
 * `sandbox` compose the controller with the sandbox; `infra` and `rollout` read the Pulumi stacks
 * and the program's settings. Their modules load on demand, so the production image (kernel,
 * controller and CLI only) runs `fcp controller` and the operator commands without them.
 */
const CHECKOUT_COMMANDS: readonly { name: string; summary: string; load: () => Promise<(program: Command) => void> }[] = [
  { name: 'start', summary: 'The sandbox, three controller replicas and the dashboard on this machine', load: async () => (await import('./commands/local.js')).registerStartCommand },
  { name: 'drill', summary: 'Game day on this machine: a fresh sandbox, replicas, traffic and a fault schedule', load: async () => (await import('./commands/local.js')).registerDrillCommand },
  { name: 'sandbox', summary: 'The AWS sandbox alone: up, faults, traffic', load: async () => (await import('./commands/sandbox.js')).registerSandboxCommands },
  { name: 'infra', summary: 'The Pulumi stacks as the live controller sees them', load: async () => (await import('./commands/infra.js')).registerInfraCommands },
  { name: 'rollout', summary: 'A progressive rollout of Pulumi stacks, baked under the controller\'s verdicts', load: async () => (await import('./commands/rollout.js')).registerRolloutCommand },
];

/** The command `argv` names (its first word that is not an option); undefined for none. */
function commandIn(argv: readonly string[]): string | undefined {
  return argv.find((arg) => !arg.startsWith('-'));
}

/**
 * Registers the checkout commands: fully when `argv` asks for one of them or for help that lists
 * them, else as hidden names. Where a module cannot be found (an installation without the sandbox
 * or infra/), the command is listed with what it needs, and running it says so (exit 2).
 */
async function registerCheckoutCommands(program: Command, argv: readonly string[]): Promise<void> {
  const asked = commandIn(argv);
  const listing = asked === undefined || asked === 'help';
  for (const command of CHECKOUT_COMMANDS) {
    if (listing || asked === command.name) {
      try {
        (await command.load())(program);
        continue;
      } catch (error) {
        if (!notInstalled(error)) throw error;
      }
    }
    program
      .command(command.name, { hidden: !listing && asked !== command.name })
      .description(command.summary)
      .allowUnknownOption()
      .allowExcessArguments()
      .action(() => {
        throw new InputError(`fcp ${command.name} needs a checkout of the repository, which this installation is not`, ['run it from a clone (npm ci first); the production image runs `fcp controller` and the operator commands only']);
      });
  }
}

/**
 * The `fcp` command. Exit codes: 0 success, 1 an operation failed, 2 bad input or a refused request
 * (nothing was changed). `argv` decides which command modules load (see `registerCheckoutCommands`).
 */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
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
  await registerCheckoutCommands(program, argv);
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
