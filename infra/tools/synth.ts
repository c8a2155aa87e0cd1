/**
 * `npm run infra:synth -- --stack <Pulumi.<stack>.yaml> [--deployment] [--json] [--diff BASE.json] [--outputs FILE]`
 *
 * Runs the Pulumi program under mocks (no credentials, no network) and prints the resource inventory
 * of one stack (a stack of the split layout is synthesized after the stacks it reads, from their
 * settings files beside it), or with `--deployment` of every stack of its deployment, merged,
 * or with `--diff` what the change adds, removes and modifies against an inventory saved earlier with
 * `--json`. `--outputs` also writes the stack outputs (mocked ids and ARNs), from which `infra:config`
 * renders the controller config a reviewer can read. The policy guard runs on the inventory every
 * time (on one stack of the split layout, the rules one stack can keep); its result goes to stderr.
 * Exit codes: 0 clean, 1 policy violations, 2 bad input (missing or invalid file).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as pulumi from '@pulumi/pulumi';
import { Command, CommanderError } from 'commander';
import { z } from 'zod';
import { describeError, InputError } from '../../kernel/errors.js';
import { parseWith } from '../../kernel/validate.js';
import { checkInventory, formatViolation, guardRules } from '../policy/guard.js';
import { readStackFile, type Tier } from '../stack-tiers.js';
import { diffInventories, formatDiff } from '../synth/diff.js';
import { formatInventory, type Inventory } from '../synth/inventory.js';

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

const inventorySchema = z.object({
  resources: z.array(z.object({
    type: z.string(),
    name: z.string(),
    region: z.string().nullable(),
    props: z.record(z.string(), z.unknown()),
    ignoreChanges: z.array(z.string()).optional(),
  })),
});

function readBaseInventory(path: string): Inventory {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new InputError(`cannot read base inventory ${path}`, [`${path}: ${(cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(cause)}`], { cause });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new InputError(`base inventory ${path} is not JSON; produce it with \`infra:synth -- --stack <file> --json\``, [`${path}: ${(cause as Error).message}`], { cause });
  }
  return parseWith(inventorySchema, value, `base inventory ${path}`);
}

interface Options {
  stack: string;
  deployment?: boolean;
  json?: boolean;
  diff?: string;
  outputs?: string;
}

function parseArguments(argv: readonly string[]): Options {
  const command = new Command('infra:synth')
    .requiredOption('--stack <file>', 'stack config file, e.g. Pulumi.example.yaml')
    .option('--deployment', 'the whole deployment the stack belongs to: every stack of its layout, merged')
    .option('--json', 'print JSON: the inventory, or the diff with --diff')
    .option('--diff <base.json>', 'compare with an inventory saved earlier with --json')
    .option('--outputs <file>', 'also write the stack outputs (mocked values) as `pulumi stack output --json` would')
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  try {
    command.parse(argv as string[], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) throw new InputError(error.message.replace(/^error: /, ''), [`usage: ${command.name()} --stack <file> [--deployment] [--json] [--diff BASE.json] [--outputs FILE]`]);
    throw error;
  }
  return command.opts<Options>();
}

/** Bad input: the problems, one a line; exit 2. */
function refuse(io: Io, error: InputError | { message: string; problems?: readonly string[] }): number {
  io.err([`infra:synth: ${error.message}`, ...(error.problems ?? []).map((p) => `  - ${p}`)].join('\n'));
  return 2;
}

/** The inventory and outputs of the stack, or of its whole deployment, and which guard rules apply. */
async function synthesizeFor(options: Options, tier: Tier) {
  // Imported here so that the mocks are installed before Pulumi's runtime is first used.
  const { LayoutSynth, synthesizeDeployment } = await import('../synth/layout.js');
  if (options.deployment) return { ...(await synthesizeDeployment(options.stack)), scope: 'deployment' as const };
  const { inventory, outputs } = await new LayoutSynth().stack(options.stack);
  return { inventory, outputs, scope: tier === 'whole' ? ('deployment' as const) : ('stack' as const) };
}

export async function main(argv: readonly string[], io: Io): Promise<number> {
  let options: Options;
  let tier: Tier;
  let base: Inventory | undefined;
  try {
    options = parseArguments(argv);
    // Validate before starting the program, so bad input is exit 2 with every problem listed.
    tier = readStackFile(options.stack).tier;
    base = options.diff === undefined ? undefined : readBaseInventory(options.diff);
  } catch (error) {
    if (error instanceof InputError) return refuse(io, error);
    throw error;
  }

  let synthesis: Awaited<ReturnType<typeof synthesizeFor>>;
  try {
    synthesis = await synthesizeFor(options, tier);
  } catch (error) {
    // The program stops on settings that do not fit together across stacks (a RunError lists the problems).
    if (error instanceof InputError || error instanceof pulumi.RunError) return refuse(io, error);
    throw error;
  }
  const { inventory, outputs, scope } = synthesis;
  if (options.outputs !== undefined) writeFileSync(options.outputs, `${JSON.stringify(outputs, null, 2)}\n`);

  if (base) {
    const diff = diffInventories(base, inventory);
    io.out(options.json ? JSON.stringify(diff, null, 2) : formatDiff(diff));
  } else {
    io.out(options.json ? JSON.stringify(inventory, null, 2) : formatInventory(inventory));
  }

  const violations = await checkInventory(inventory, scope);
  if (violations.length > 0) {
    io.err([`policy guard: ${violations.length} violation(s)`, ...violations.map((v) => `  - ${formatViolation(v)}`)].join('\n'));
    return 1;
  }
  const rules = guardRules(scope).length;
  const checked = scope === 'deployment' ? `${rules} rules` : `${rules} of ${guardRules().length} rules, those one stack of the split layout can keep (--deployment checks them all)`;
  io.err(`policy guard: passed (${checked}, ${inventory.resources.length} resources)`);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const io: Io = { out: (text) => process.stdout.write(`${text}\n`), err: (text) => process.stderr.write(`${text}\n`) };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`infra:synth: ${describeError(error)}\n`);
      process.exitCode = 1;
    },
  );
}
