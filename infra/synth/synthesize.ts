import * as pulumi from '@pulumi/pulumi';
import type { DeploymentOutputs } from '../outputs.js';
import { SETTINGS_CONFIG_KEY } from './stack-file.js';
import { resourceKey, sortInventory, type Inventory } from './inventory.js';
import { RecordingMocks } from './mocks.js';

export interface Synthesis<O = DeploymentOutputs> {
  inventory: Inventory;
  /** The stack outputs as `pulumi stack output --json` would print them (with mocked values). */
  outputs: O;
}

/** Other stacks' outputs, by the name a stack reference gives (`org/project/stack`). */
export type ReferencedOutputs = Readonly<Record<string, unknown>>;

const PROJECT = 'failover-control-plane';

/** Longest a synth may take before it is reported as stuck (a failed registration never resolves its outputs). */
const SYNTH_DEADLINE_MS = 60_000;
let running = false;

/** Synthesizes a stack of the whole deployment from its `fcp:deployment` settings. */
export function synthesize(settings: unknown, stack = 'synth'): Promise<Synthesis> {
  return synthesizeConfig({ [SETTINGS_CONFIG_KEY]: settings }, {}, stack) as Promise<Synthesis>;
}

/**
 * Runs the real Pulumi program (infra/index.ts) under mocks: no engine, no credentials, no network.
 * `config` is the stack's config (`fcp:tier`, `fcp:deployment`, ...); a stack reference reads its
 * outputs from `references`. The program is imported only after the mocks are in place, so no
 * resource can reach a real provider. Pulumi's runtime state is global, so runs in one process take turns.
 */
export async function synthesizeConfig(config: Readonly<Record<string, unknown>>, references: ReferencedOutputs, stack = 'synth'): Promise<Synthesis<unknown>> {
  if (running) throw new Error('a synth is already running in this process; run them one after another');
  running = true;
  let timer: NodeJS.Timeout | undefined;
  let onRejection: ((reason: unknown) => void) | undefined;
  try {
    // A resource that fails to register rejects outside any awaited promise: surface it, don't hang.
    const failed = new Promise<never>((_, reject) => {
      onRejection = (reason) => reject(reason instanceof Error ? reason : new Error(String(reason)));
      process.on('unhandledRejection', onRejection);
      timer = setTimeout(() => reject(new Error(`the synth did not finish within ${SYNTH_DEADLINE_MS / 1000} s`)), SYNTH_DEADLINE_MS);
    });
    return await Promise.race([run(config, references, stack), failed]);
  } finally {
    clearTimeout(timer);
    if (onRejection) process.off('unhandledRejection', onRejection);
    running = false;
  }
}

async function run(config: Readonly<Record<string, unknown>>, references: ReferencedOutputs, stack: string): Promise<Synthesis<unknown>> {
  const mocks = new RecordingMocks(references);
  await pulumi.runtime.setMocks(mocks, PROJECT, stack, false);
  // Pulumi hands the program strings; objects as JSON, as `pulumi config set --path` stores them.
  pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(config).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)])));

  const { default: program } = await import('../index.js');
  // Run in a root stack resource, as `pulumi up` does, so that a stack transformation sees every
  // resource's options: the mocks see inputs only, and `ignoreChanges` decides what a preview proposes.
  const ignored = new Map<string, string[]>();
  // The stack's outputs come back resolved, as `pulumi stack output --json` prints them. A program
  // that stops (bad settings) is caught inside, so the root stack still ends and rejects nothing later.
  let stopped: { error: unknown } | undefined;
  const outputs = await pulumi.runtime.runInPulumiStack(async () => {
    pulumi.runtime.registerStackTransformation(({ type, name, opts }) => {
      if (opts.ignoreChanges?.length) ignored.set(resourceKey({ type, name }), [...opts.ignoreChanges].sort());
      return undefined;
    });
    return program().catch((error: unknown) => {
      stopped = { error };
      return undefined;
    });
  });
  if (stopped) {
    await pulumi.runtime.disconnect();
    throw stopped.error;
  }
  // Outputs can resolve before the last registrations are sent; wait until the queue is empty.
  await pulumi.runtime.disconnect();
  const resources = mocks.resources.map((r) => {
    const ignoreChanges = ignored.get(resourceKey(r));
    return ignoreChanges ? { ...r, ignoreChanges } : r;
  });
  return { inventory: sortInventory(resources), outputs };
}
