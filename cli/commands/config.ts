import type { Command } from 'commander';
import { configJsonSchema, loadConfig } from '../../controller/config/load.js';

export function registerConfigCommands(program: Command): void {
  const config = program.command('config').description('Validate a controller config or print its JSON Schema');

  config
    .command('validate')
    .argument('<file>', 'controller config (YAML)')
    .description('Check a config file; prints every problem with its path and exits 2 if any')
    .action((file: string) => {
      const parsed = loadConfig(file);
      process.stdout.write(`${file}: valid (${parsed.regions.length} regions, ${parsed.services.length} services, traffic via ${parsed.traffic.mechanism})\n`);
    });

  config
    .command('schema')
    .description('Print the JSON Schema of the controller config')
    .action(() => {
      process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
    });
}
