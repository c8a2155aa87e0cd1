import { dirname, join } from 'node:path';
import type { Command as Cli } from 'commander';
import { writerRegion, type SharedSettings } from '../../infra/settings.js';
import { readStackFile, referencedStack } from '../../infra/stack-tiers.js';
import { writeWriterRegion } from '../../infra/synth/stack-file.js';
import { InputError, RefusedError } from '../../kernel/errors.js';
import { output } from '../context.js';
import { liveController } from '../live-controller.js';

interface TopologyOptions {
  stack: string;
  write?: boolean;
  check?: boolean;
  json?: boolean;
  api?: string;
}

/**
 * The file that holds the deployment-wide settings for a stack file: itself (one stack, or the shared
 * stack), or the shared stack a region or endpoints stack refers to, beside it.
 */
function deploymentSettings(path: string): { path: string; settings: SharedSettings } {
  const file = readStackFile(path);
  if (file.tier === 'whole' || file.tier === 'shared') return { path, settings: file.settings };
  const shared = join(dirname(path), `Pulumi.${referencedStack(file.tier === 'region' ? file.region.shared : file.endpoints.shared)}.yaml`);
  const found = readStackFile(shared);
  if (found.tier !== 'shared') throw new InputError(`${path} refers to ${shared}, which is not a shared stack`, [`--stack: give the shared stack's settings file (fcp:tier: shared)`]);
  return { path: shared, settings: found.settings };
}

/** `fcp infra topology`: the stack's writer region, rendered from the live controller. */
async function topology(options: TopologyOptions): Promise<void> {
  if (options.write && options.check) throw new InputError('--write and --check exclude each other', ['--check: only reads; --write: updates the file']);
  const { path, settings } = deploymentSettings(options.stack);
  const regions = settings.regions.map((r) => r.name);
  const { region: live } = await liveController(options, 'infra topology').writer();
  if (!regions.includes(live)) {
    throw new InputError(`the live controller's writer ${live} is not a region of ${path}`, [`--stack: ${path} lists ${regions.join(', ')}; is it the stack of the deployment this controller runs?`]);
  }
  const stated = writerRegion(settings);
  const upToDate = stated === live;
  const result = { stack: path, writerRegion: live, stackSays: stated, upToDate, written: false };
  if (options.check && !upToDate) {
    throw new RefusedError(`${path} says the writer is ${stated} but the live controller says ${live}: a preview would not match the world; run \`fcp infra topology --stack ${path} --write\` and commit the file`);
  }
  if (options.write && !upToDate) {
    writeWriterRegion(path, live);
    result.written = true;
  }
  output(options, result, () => {
    if (upToDate) return `${path}: writerRegion ${live} matches the live controller`;
    if (result.written) return `${path}: writerRegion ${stated} -> ${live}; commit the file`;
    return `${path} says writerRegion ${stated}; the live controller says ${live}\n  writerRegion: ${live}\n  (update the file with --write)`;
  });
}

export function registerInfraCommands(program: Cli): void {
  const infra = program.command('infra').description('The Pulumi stacks as the live controller sees them');
  infra
    .command('topology')
    .description("Render the stack setting for the current writer region (writerRegion) from the live controller, through a replica's API")
    .requiredOption('--stack <file>', 'a stack settings file (Pulumi.<stack>.yaml); a region or endpoints stack leads to its shared stack\'s file')
    .option('--write', 'update writerRegion in the file (comments are kept)')
    .option('--check', 'exit 2 when the file does not name the live writer (the deploy job runs this before `pulumi up`)')
    .option('--json', 'print one JSON object instead of text')
    .option('--api <url>', "a replica's API (env FCP_API); the token comes from env FCP_TOKEN")
    .action((options: TopologyOptions) => topology(options));
}
