import { randomBytes } from 'node:crypto';
import { ApiClient } from '../../controller/api/client.js';
import { sha256Hex } from '../../controller/api/auth.js';
import type { Config } from '../../controller/config/schema.js';
import { newCommandId } from '../../controller/store/command-id.js';
import { describeError } from '../../kernel/errors.js';
import { LiveController } from '../live-controller.js';
import { readStacks } from '../rollout/plan.js';
import { prepareRollout } from '../rollout/preflight.js';
import { bakePollMs, runRollout, type RolloutReport } from '../rollout/rollout.js';
import { DRILL_STACK_DIR, type DrillRollout } from './scenario.js';

/** How a rehearsed rollout ended: its report, or why it could not start (refused, unreachable). */
export type RolloutOutcome = { id: string; report: RolloutReport } | { id: string; error: string };

/** The deployment's config with one more operator token, the drill's own, for the rollout's API calls (audited as `drill`). */
export function withDrillToken(config: Config): { config: Config; token: string } {
  const token = randomBytes(24).toString('hex');
  const tokens = [...config.api.tokens, { name: 'drill', role: 'operator' as const, sha256: sha256Hex(token) }];
  return { config: { ...config, api: { ...config.api, tokens } }, token };
}

export interface RehearsalDeps {
  /** A replica's API base URL and the drill's token. */
  api: { baseUrl: string; token: string };
  /** Injects a change's fault into the sandbox. */
  inject(fault: DrillRollout['changes'][string]): void;
  progress(line: string): void;
}

/**
 * Runs the scenario's rollout as `fcp rollout` does (the same preflight, order and bakes, through
 * the controller's API), where applying a stack injects the fault its change declares, or nothing.
 */
export async function rehearseRollout(rollout: DrillRollout, deps: RehearsalDeps): Promise<RolloutOutcome> {
  const id = newCommandId('rollout');
  const live = new LiveController(new ApiClient(deps.api));
  try {
    const steps = await prepareRollout(live, readStacks(DRILL_STACK_DIR, rollout.stacks));
    const report = await runRollout(
      {
        id,
        steps,
        commit: rollout.commit,
        bakeMs: rollout.bake,
        pollMs: bakePollMs(rollout.bake),
        apply: (step) => {
          const fault = rollout.changes[step.stack];
          if (fault) deps.inject(fault);
          return Promise.resolve(0);
        },
      },
      { live, now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)), progress: deps.progress },
    );
    return { id, report };
  } catch (error) {
    return { id, error: describeError(error) };
  }
}
