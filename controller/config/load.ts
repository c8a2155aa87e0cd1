import { z } from 'zod';
import { configSchema, type Config } from './schema.js';
import { loadYamlFile, parseWith } from '../../kernel/validate.js';

/** Loads and validates a controller config file. Throws InputError listing every problem. */
export function loadConfig(path: string): Config {
  return loadYamlFile(path, configSchema, 'config');
}

/** Validates a config given as a value (tests, rendered configs). */
export function parseConfig(value: unknown): Config {
  return parseWith(configSchema, value, 'config');
}

/** The JSON Schema of the config file as users write it (durations as strings or milliseconds). */
export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
