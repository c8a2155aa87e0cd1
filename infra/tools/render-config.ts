/**
 * `npm run infra:config -- <outputs.json> [--out config.yaml]`
 *
 * Renders the controller config from a stack's outputs:
 *   pulumi stack output --json > outputs.json && npm run infra:config -- outputs.json --out aws.yaml
 * The outputs are validated first and the rendered config is validated with the controller's own
 * schema, so what this prints is what `fcp config validate` accepts.
 * Exit codes: 0 rendered, 2 bad input (missing, unreadable or invalid outputs file).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { parseConfig } from '../../controller/config/load.js';
import { parseWith } from '../../kernel/validate.js';
import { describeError, InputError } from '../../kernel/errors.js';
import { renderControllerConfig, renderControllerConfigYaml } from '../controller-config.js';
import { deploymentOutputsSchema, type DeploymentOutputs } from '../outputs.js';

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export function readOutputs(path: string): DeploymentOutputs {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(cause);
    throw new InputError(`cannot read stack outputs ${path}: ${reason}`, [`${path}: ${reason}`], { cause });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new InputError(`stack outputs ${path} are not JSON; produce them with \`pulumi stack output --json\``, [`${path}: ${(cause as Error).message}`], { cause });
  }
  return parseWith(deploymentOutputsSchema, value, `stack outputs ${path}`);
}

export function main(argv: readonly string[], io: Io): number {
  const command = new Command('infra:config')
    .argument('<outputs.json>', 'the output of `pulumi stack output --json`')
    .option('--out <file>', 'write the config to this file instead of stdout')
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  try {
    command.parse(argv as string[], { from: 'user' });
    const [path] = command.args as [string];
    const outputs = readOutputs(path);
    // The controller's schema is the judge: a rendering it rejects is never printed.
    parseConfig(renderControllerConfig(outputs));
    const yaml = renderControllerConfigYaml(outputs);
    const { out } = command.opts<{ out?: string }>();
    if (out === undefined) io.out(yaml);
    else {
      writeFileSync(out, yaml);
      io.err(`wrote ${out}; check it with \`fcp config validate ${out}\``);
    }
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      io.err(`infra:config: ${error.message.replace(/^error: /, '')}\n  usage: infra:config <outputs.json> [--out <file>]`);
      return 2;
    }
    if (error instanceof InputError) {
      io.err([`infra:config: ${error.message}`, ...error.problems.map((p) => `  - ${p}`)].join('\n'));
      return 2;
    }
    io.err(`infra:config: ${describeError(error)}`);
    return 1;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = main(process.argv.slice(2), {
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
  });
}
