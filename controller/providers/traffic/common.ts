import { FcpError, InputError } from '../../../kernel/errors.js';
import type { RegionName } from '../../domain/types.js';
import type { TrafficState } from '../../ports.js';

/** `us-west-2`, `us-east-1, us-west-2` or `none`: the active regions for messages and checks. */
export function describeActive(state: TrafficState): string {
  return state.active.length === 0 ? 'none' : state.active.join(', ');
}

/** Whether `region` and no other takes traffic. */
export function isOnlyActive(state: TrafficState, region: RegionName): boolean {
  return state.active.length === 1 && state.active[0] === region;
}

/** Rejects a region the mechanism has nothing configured for, before anything is read or changed. */
export function requireRegion(region: RegionName, configured: Record<RegionName, unknown>, field: string): void {
  if (!(region in configured)) {
    throw new InputError(`"${region}" has no entry in ${field}; use one of: ${Object.keys(configured).join(', ')}`, [], { context: { region, field } });
  }
}

/** The change was accepted but reading it back does not show exactly the target active. Transient: re-run the step. */
export class TrafficVerificationError extends FcpError {
  constructor(target: RegionName, state: TrafficState) {
    super(`traffic should go only to ${target}, but reading it back shows active: ${describeActive(state)}`, {
      transient: true,
      context: { target, active: state.active, detail: state.detail },
    });
  }
}
