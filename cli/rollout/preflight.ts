import { writerRegion } from '../../infra/settings.js';
import type { StackFile } from '../../infra/stack-tiers.js';
import { RefusedError } from '../../kernel/errors.js';
import type { LiveController } from '../live-controller.js';
import { orderRollout, type RolloutStep } from './plan.js';
import { notReady } from './regression.js';

/**
 * What a rollout asks of the live controller before it applies anything: the order (the current
 * primary last, as the controller knows it, never a stack file), deployment-wide stacks that name
 * the writer it knows, and every region it changes fit to bake. Refused otherwise: nothing applied.
 */
export async function prepareRollout(live: LiveController, stacks: readonly { name: string; file: StackFile }[], rollback = false): Promise<RolloutStep[]> {
  const status = await live.status();
  const primary = status.topology.primary;
  const steps = orderRollout(stacks, { primary, regions: Object.keys(status.assessment.verdicts) });

  // A deployment-wide stack must name the writer the controller knows, or its preview would not match the world.
  for (const { name, file } of stacks) {
    if ((file.tier === 'whole' || file.tier === 'shared') && writerRegion(file.settings) !== primary) {
      throw new RefusedError(`refused: Pulumi.${name}.yaml says the writer is ${writerRegion(file.settings)} but the live controller says ${primary}; run \`fcp infra topology --stack Pulumi.${name}.yaml --write\`, commit, and roll out that commit`);
    }
  }
  const blocked = notReady(status, [...new Set(steps.flatMap((s) => s.regions))], rollback);
  if (blocked) throw new RefusedError(`refused: ${blocked}; nothing was applied`);
  return steps;
}
