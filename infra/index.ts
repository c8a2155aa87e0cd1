import * as pulumi from '@pulumi/pulumi';
import { InputError } from '../controller/errors.js';
import { defineInfrastructure, type StackOutputs } from './program.js';
import { parseStackSettings, SETTINGS_KEY, SETTINGS_NAMESPACE } from './settings.js';

/**
 * The Pulumi program: stack config -> validated settings -> components -> stack outputs. Invalid
 * settings stop the program before any resource is declared, listing every problem with its path.
 */
export default async function main(): Promise<StackOutputs> {
  const raw = new pulumi.Config(SETTINGS_NAMESPACE).getObject<unknown>(SETTINGS_KEY);
  if (raw === undefined) {
    throw new pulumi.RunError(`the stack has no \`${SETTINGS_NAMESPACE}:${SETTINGS_KEY}\` setting; copy Pulumi.example.yaml to Pulumi.<stack>.yaml and edit it`);
  }
  try {
    return defineInfrastructure(parseStackSettings(raw));
  } catch (error) {
    if (error instanceof InputError) {
      // RunError prints without a stack trace: the problems are the whole message.
      throw new pulumi.RunError([error.message, ...error.problems.map((p) => `  - ${p}`)].join('\n'));
    }
    throw error;
  }
}
