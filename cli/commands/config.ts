import type { Command } from 'commander';
import { configJsonSchema, loadConfig } from '../../controller/config/load.js';
import type * as SandboxConfig from '../../sandbox/config-schema.js';
import { notInstalled } from '../installation.js';

export function registerConfigCommands(program: Command): void {
  const config = program.command('config').description('Validate a controller config or print its JSON Schema');

  config
    .command('validate')
    .argument('<file>', 'controller config (YAML)')
    .description('Check a config file; prints every problem with its path and exits 2 if any')
    .action(async (file: string) => {
      const parsed = loadConfig(file);
      // The controller keeps the sandbox section opaque; the sandbox, where present, validates it.
      let unchecked = '';
      if (parsed.sandbox !== undefined) {
        const sandbox = await sandboxSchema();
        if (sandbox) sandbox.sandboxSettings(parsed);
        else unchecked = '; its sandbox section was not checked (no sandbox in this installation)';
      }
      process.stdout.write(`${file}: valid (${parsed.regions.length} regions, ${parsed.services.length} services, traffic via ${parsed.traffic.mechanism})${unchecked}\n`);
    });

  config
    .command('schema')
    .description('Print the JSON Schema of the controller config')
    .action(async () => {
      const schema = configJsonSchema();
      const sandbox = await sandboxSchema();
      const properties = schema.properties as Record<string, unknown> | undefined;
      if (sandbox && properties) properties.sandbox = sandbox.sandboxJsonSchema();
      process.stdout.write(`${JSON.stringify(schema, null, 2)}\n`);
    });
}

/** The sandbox's config module, when this installation has the sandbox (a checkout; not the image). */
async function sandboxSchema(): Promise<typeof SandboxConfig | undefined> {
  try {
    return await import('../../sandbox/config-schema.js');
  } catch (error) {
    if (notInstalled(error)) return undefined;
    throw error;
  }
}
