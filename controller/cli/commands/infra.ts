import type { Command as Cli } from 'commander';
import { parseStackSettings, writerRegion } from '../../../infra/settings.js';
import { readStackSettings, writeWriterRegion } from '../../../infra/synth/stack-file.js';
import { InputError, RefusedError } from '../../errors.js';
import { output } from '../context.js';
import { liveController } from '../live-controller.js';

interface TopologyOptions {
  stack: string;
  write?: boolean;
  check?: boolean;
  json?: boolean;
  api?: string;
}

/** `fcp infra topology`: the stack's writer region, rendered from the live controller. */
async function topology(options: TopologyOptions): Promise<void> {
  if (options.write && options.check) throw new InputError('--write and --check exclude each other', ['--check: only reads; --write: updates the file']);
  const settings = parseStackSettings(readStackSettings(options.stack), options.stack);
  const regions = settings.regions.map((r) => r.name);
  const { region: live } = await liveController(options, 'infra topology').writer();
  if (!regions.includes(live)) {
    throw new InputError(`the live controller's writer ${live} is not a region of ${options.stack}`, [`--stack: ${options.stack} lists ${regions.join(', ')}; is it the stack of the deployment this controller runs?`]);
  }
  const stated = writerRegion(settings);
  const upToDate = stated === live;
  const result = { stack: options.stack, writerRegion: live, stackSays: stated, upToDate, written: false };
  if (options.check && !upToDate) {
    throw new RefusedError(`${options.stack} says the writer is ${stated} but the live controller says ${live}: a preview would not match the world; run \`fcp infra topology --stack ${options.stack} --write\` and commit the file`);
  }
  if (options.write && !upToDate) {
    writeWriterRegion(options.stack, live);
    result.written = true;
  }
  output(options, result, () => {
    if (upToDate) return `${options.stack}: writerRegion ${live} matches the live controller`;
    if (result.written) return `${options.stack}: writerRegion ${stated} -> ${live}; commit the file`;
    return `${options.stack} says writerRegion ${stated}; the live controller says ${live}\n  writerRegion: ${live}\n  (update the file with --write)`;
  });
}

export function registerInfraCommands(program: Cli): void {
  const infra = program.command('infra').description('The Pulumi stacks as the live controller sees them');
  infra
    .command('topology')
    .description("Render the stack setting for the current writer region (writerRegion) from the live controller, through a replica's API")
    .requiredOption('--stack <file>', 'the stack settings file (Pulumi.<stack>.yaml) that holds fcp:deployment')
    .option('--write', 'update writerRegion in the file (comments are kept)')
    .option('--check', 'exit 2 when the file does not name the live writer (the deploy job runs this before `pulumi up`)')
    .option('--json', 'print one JSON object instead of text')
    .option('--api <url>', "a replica's API (env FCP_API); the token comes from env FCP_TOKEN")
    .action((options: TopologyOptions) => topology(options));
}
