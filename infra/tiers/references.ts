import * as pulumi from '@pulumi/pulumi';
import type { z } from 'zod';
import { parseWith } from '../../kernel/validate.js';
import { InputError } from '../../kernel/errors.js';
import { regionOutputsSchema, sharedOutputsSchema, type RegionOutputs, type SharedOutputs } from '../outputs.js';
import { sharedSettingsSchema, type SharedSettings } from '../settings.js';

/**
 * Another stack's outputs, through a stack reference, validated: a stack that was never applied, or
 * applied by another version of this program, is reported by what is missing, not half used.
 */
async function readOutputs<S extends z.ZodType>(logicalName: string, reference: string, schema: S, what: string): Promise<z.output<S>> {
  const stack = new pulumi.StackReference(logicalName, { name: reference });
  const outputs = await new Promise<unknown>((resolve) => stack.outputs.apply(resolve));
  try {
    return parseWith(schema, outputs, `the outputs of ${what} ${reference}`);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    throw new InputError(`${error.message}: has ${reference} been applied (\`pulumi up --stack ${reference}\`) with this version of the program?`, error.problems);
  }
}

export async function readShared(reference: string): Promise<{ outputs: SharedOutputs; settings: SharedSettings }> {
  const outputs = await readOutputs('shared', reference, sharedOutputsSchema, 'the shared stack');
  return { outputs, settings: parseWith(sharedSettingsSchema, outputs.settings, `the settings of the shared stack ${reference}`) };
}

export function readRegion(region: string, reference: string): Promise<RegionOutputs> {
  return readOutputs(`region-${region}`, reference, regionOutputsSchema, `the ${region} stack`);
}
