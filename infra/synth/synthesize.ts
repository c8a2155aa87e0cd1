import * as pulumi from '@pulumi/pulumi';
import type { StackOutputs } from '../program.js';
import type { DeploymentOutputs } from '../outputs.js';
import { SETTINGS_KEY, SETTINGS_NAMESPACE } from '../settings.js';
import { resourceKey, sortInventory, type Inventory } from './inventory.js';
import { RecordingMocks } from './mocks.js';

export interface Synthesis {
  inventory: Inventory;
  /** The stack outputs as `pulumi stack output --json` would print them (with mocked values). */
  outputs: DeploymentOutputs;
}

const PROJECT = 'failover-control-plane';

/** Longest a synth may take before it is reported as stuck (a failed registration never resolves its outputs). */
const SYNTH_DEADLINE_MS = 60_000;
let running = false;

/**
 * Runs the real Pulumi program (infra/index.ts) under mocks: no engine, no credentials, no network.
 * `settings` is the stack's `fcp:deployment` value. The program is imported only after the mocks are
 * in place, so no resource can reach a real provider. Pulumi's runtime state is global, so runs in
 * one process take turns.
 */
export async function synthesize(settings: unknown, stack = 'synth'): Promise<Synthesis> {
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
    return await Promise.race([run(settings, stack), failed]);
  } finally {
    clearTimeout(timer);
    if (onRejection) process.off('unhandledRejection', onRejection);
    running = false;
  }
}

async function run(settings: unknown, stack: string): Promise<Synthesis> {
  const mocks = new RecordingMocks();
  await pulumi.runtime.setMocks(mocks, PROJECT, stack, false);
  pulumi.runtime.setAllConfig({ [`${SETTINGS_NAMESPACE}:${SETTINGS_KEY}`]: JSON.stringify(settings) });

  const { default: program } = await import('../index.js');
  // Run in a root stack resource, as `pulumi up` does, so that a stack transformation sees every
  // resource's options: the mocks see inputs only, and `ignoreChanges` decides what a preview proposes.
  const ignored = new Map<string, string[]>();
  let stackOutputs: StackOutputs | undefined;
  await pulumi.runtime.runInPulumiStack(async () => {
    pulumi.runtime.registerStackTransformation(({ type, name, opts }) => {
      if (opts.ignoreChanges?.length) ignored.set(resourceKey({ type, name }), [...opts.ignoreChanges].sort());
      return undefined;
    });
    stackOutputs = await program();
    return stackOutputs;
  });
  const outputs = await new Promise<DeploymentOutputs>((resolve) => {
    pulumi.output(stackOutputs!).apply((values) => resolve(values as DeploymentOutputs));
  });
  // Outputs can resolve before the last registrations are sent; wait until the queue is empty.
  await pulumi.runtime.disconnect();
  const resources = mocks.resources.map((r) => {
    const ignoreChanges = ignored.get(resourceKey(r));
    return ignoreChanges ? { ...r, ignoreChanges } : r;
  });
  return { inventory: sortInventory(resources), outputs };
}
