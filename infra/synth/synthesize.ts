import * as pulumi from '@pulumi/pulumi';
import type { StackOutputs } from '../program.js';
import type { DeploymentOutputs } from '../outputs.js';
import { SETTINGS_KEY, SETTINGS_NAMESPACE } from '../settings.js';
import { sortInventory, type Inventory } from './inventory.js';
import { RecordingMocks } from './mocks.js';

export interface Synthesis {
  inventory: Inventory;
  /** The stack outputs as `pulumi stack output --json` would print them (with mocked values). */
  outputs: DeploymentOutputs;
}

const PROJECT = 'failover-control-plane';

/**
 * Runs the real Pulumi program (infra/index.ts) under mocks: no engine, no credentials, no network.
 * `settings` is the stack's `fcp:deployment` value. The program is imported only after the mocks are
 * in place, so no resource can reach a real provider. One synthesis per process: Pulumi's runtime
 * state is global.
 */
export async function synthesize(settings: unknown, stack = 'synth'): Promise<Synthesis> {
  const mocks = new RecordingMocks();
  await pulumi.runtime.setMocks(mocks, PROJECT, stack, false);
  pulumi.runtime.setAllConfig({ [`${SETTINGS_NAMESPACE}:${SETTINGS_KEY}`]: JSON.stringify(settings) });

  const { default: program } = await import('../index.js');
  const stackOutputs: StackOutputs = await program();
  const outputs = await new Promise<DeploymentOutputs>((resolve) => {
    pulumi.output(stackOutputs).apply((values) => resolve(values as DeploymentOutputs));
  });
  // Outputs can resolve before the last registrations are sent; wait until the queue is empty.
  await pulumi.runtime.disconnect();
  return { inventory: sortInventory(mocks.resources), outputs };
}
