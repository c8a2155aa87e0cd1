import { createInterface } from 'node:readline/promises';
import type { Command as Cli } from 'commander';
import { ApiClient } from '../controller/api/client.js';
import { loadConfig } from '../controller/config/load.js';
import type { Config } from '../controller/config/schema.js';
import { InputError } from '../kernel/errors.js';
import { verifiedIdentity } from './identity.js';
import { openStateStore } from '../controller/store/from-config.js';
import type { StateStore } from '../controller/store/state-store.js';

/** Options every operator command takes. */
export interface CommonOptions {
  config: string;
  region?: string;
  json?: boolean;
  api?: string;
}

export const DEFAULT_CONFIG = process.env.FCP_CONFIG ?? 'examples/sandbox.yaml';

export function withCommonOptions(command: Cli): Cli {
  return command
    .option('-c, --config <file>', 'controller config (env FCP_CONFIG)', DEFAULT_CONFIG)
    .option('--region <region>', 'region whose endpoints and credentials this command uses (default: the configured primary)')
    .option('--json', 'print one JSON object instead of text')
    .option('--api <url>', "go through a replica's HTTP API instead of the state store; the token comes from env FCP_TOKEN (env FCP_API)");
}

/** The API client when `--api` or FCP_API is given (the token from FCP_TOKEN only, never an argument); else undefined. */
export function apiClientOf(options: Pick<CommonOptions, 'api'>): ApiClient | undefined {
  const baseUrl = options.api ?? process.env.FCP_API;
  if (!baseUrl) return undefined;
  return new ApiClient({ baseUrl, token: process.env.FCP_TOKEN ?? '' });
}

/** The API client for a command that only works through a replica's API. */
export function requireApi(options: Pick<CommonOptions, 'api'>, command: string): ApiClient {
  const client = apiClientOf(options);
  if (!client) throw new InputError(`fcp ${command} works through a replica's API`, ['--api: the API URL of any replica (env FCP_API), with your token in env FCP_TOKEN']);
  return client;
}

export interface CliContext {
  config: Config;
  region: string;
  /** Who runs this command, as AWS verifies it (asked once, when a command is about to be written). */
  identity(): Promise<string>;
  store: StateStore;
  close(): void;
}

export function resolveRegion(config: Config, region: string | undefined): string {
  const name = region ?? config.regions.find((r) => r.role === 'primary')!.name;
  if (!config.regions.some((r) => r.name === name)) {
    throw new InputError(`unknown region "${name}"`, [`--region: "${name}" is not one of the configured regions (${config.regions.map((r) => r.name).join(', ')})`]);
  }
  return name;
}


/** Loads the config and opens the state store the way the replicas see it. */
export function openContext(options: CommonOptions): CliContext {
  const config = loadConfig(options.config);
  const region = resolveRegion(config, options.region);
  const store = openStateStore(config, { region });
  let identity: Promise<string> | undefined;
  return { config, region, store, identity: () => (identity ??= verifiedIdentity(config, region)), close: () => store.close() };
}

/**
 * Asks a person to confirm a dangerous action. Without a terminal (scripts, CI) `--yes` is the
 * only way to confirm, so nothing dangerous happens by accident.
 */
export async function confirm(question: string, yes: boolean | undefined, flag: string): Promise<void> {
  if (yes) return;
  if (!process.stdin.isTTY) {
    throw new InputError(`${flag} needs confirmation`, [`${flag}: no terminal to ask on; add --yes to confirm in a script`]);
  }
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question(`${question} Type "yes" to continue: `);
    if (answer.trim().toLowerCase() !== 'yes') throw new InputError('not confirmed; nothing was changed', [`${flag}: the answer was not "yes"`]);
  } finally {
    prompt.close();
  }
}

/** Writes the result: one JSON object with --json, else the text. */
/** JSON.stringify escapes the C0 controls but leaves C1 and bidirectional controls raw: escape them too. */
const RAW_IN_JSON = /[\u007f-\u009f\p{Bidi_Control}\u2028\u2029]/gu;

export function output(options: { json?: boolean }, value: unknown, text: () => string): void {
  const json = () => JSON.stringify(value, null, 2).replace(RAW_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  process.stdout.write(options.json ? `${json()}\n` : `${text()}\n`);
}
