import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import type { StackSettingsInput } from '../../infra/settings.js';

/** The repository root, for the example stack files and the workflows. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const THREE_REGION_STACK = `${ROOT}Pulumi.example.yaml`;
export const TWO_REGION_STACK = `${ROOT}Pulumi.example-two-region.yaml`;

/** The `fcp:deployment` object of an example stack file, as a fresh copy a test may change. */
export function exampleSettings(path: string): StackSettingsInput {
  const document = YAML.parse(readFileSync(path, 'utf8')) as { config: Record<string, StackSettingsInput> };
  const settings = document.config['fcp:deployment'];
  if (!settings) throw new Error(`${path} has no fcp:deployment`);
  return structuredClone(settings);
}
