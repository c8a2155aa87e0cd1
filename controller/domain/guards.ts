import type { Config } from '../config/schema.js';
import type { Millis } from '../../kernel/time.js';
import { formatDuration } from '../../kernel/time.js';
import type { Assessment, Condition, DatabaseStatus, FlipMode, GuardResult, Operation, RegionName, Topology, Trigger } from './types.js';

/** Everything the guards look at for one proposed flip. */
export interface FlipProposal {
  operation: Operation;
  mode: FlipMode;
  trigger: Trigger;
  from: RegionName;
  to: RegionName;
  /** Operator override of the overridable guards (`--force`); always audited. */
  force: boolean;
}

export interface GuardContext {
  config: Pick<Config, 'regions' | 'failover'>;
  topology: Topology;
  assessment: Assessment;
  database: DatabaseStatus | undefined;
  readiness: readonly Condition[] | undefined;
  /** The lease holding that would run the flip (absent in a dry run). */
  leaseToken?: number | undefined;
  now: Millis;
}

type Guard = {
  name: string;
  /** Whether `--force` may override a failure of this guard. */
  overridable: boolean;
  check(p: FlipProposal, c: GuardContext): { ok: boolean; reason: string };
};

export function flipsInWindow(topology: Topology, flipWindow: Millis, now: Millis): number {
  return topology.flips.filter((at) => now - at < flipWindow).length;
}

/** The proposal finishes the flip of a failed plan that had already changed the world (same regions). */
export function completesFailedFlip(topology: Topology, proposal: Pick<FlipProposal, 'from' | 'to'>): boolean {
  const failed = topology.lastFailure;
  return failed !== undefined && failed.changed.length > 0 && failed.from === proposal.from && failed.to === proposal.to;
}

/** How long the holding whose plan failed waits before trying the same target again: doubling, capped by the cooldown. */
export function retryWait(failures: number, failover: Pick<Config['failover'], 'retryBackoff' | 'cooldown'>): Millis {
  return Math.min(failover.retryBackoff * 2 ** Math.max(0, failures - 1), failover.cooldown);
}

/**
 * Whether automation under this lease holding must not try `target` yet: its own plan to that
 * target failed within the backoff. Another holding (a new lease holder) may try at once.
 */
export function retryBlocked(topology: Topology, target: RegionName, leaseToken: number | undefined, config: Pick<Config, 'failover'>, now: Millis): boolean {
  const failed = topology.lastFailure;
  if (!failed || failed.to !== target || leaseToken === undefined || failed.fenceToken !== leaseToken) return false;
  return now - failed.at < retryWait(failed.failures, config.failover);
}

/**
 * The guards in the order they are checked (DESIGN.md rule 9). Every guard returns its reason,
 * passing or failing, so a refusal always says exactly why.
 */
const GUARDS: Guard[] = [
  {
    name: 'no-plan-running',
    overridable: false,
    check: (_p, { topology }) =>
      topology.active
        ? { ok: false, reason: `plan ${topology.active.planId} (${topology.active.operation} ${topology.active.from} -> ${topology.active.to}) is still running` }
        : { ok: true, reason: 'no plan running' },
  },
  {
    name: 'target-region',
    overridable: false,
    check: (p, { config, topology }) => {
      if (!config.regions.some((r) => r.name === p.to)) {
        return { ok: false, reason: `"${p.to}" is not a configured region (${config.regions.map((r) => r.name).join(', ')})` };
      }
      if (p.to === topology.primary) return { ok: false, reason: `${p.to} is already the primary` };
      return { ok: true, reason: `${p.to} is a standby` };
    },
  },
  {
    name: 'not-paused',
    overridable: false,
    check: (p, { topology }) => {
      if (!topology.paused) return { ok: true, reason: 'automation not paused' };
      if (p.trigger === 'manual') return { ok: true, reason: 'automation paused; manual commands still allowed' };
      return { ok: false, reason: `automation paused by ${topology.paused.actor}: ${topology.paused.reason}` };
    },
  },
  {
    name: 'classification',
    overridable: true,
    check: (p, { assessment }) => {
      if (p.mode === 'planned') return { ok: true, reason: `planned ${p.operation} does not depend on an outage` };
      if (assessment.classification === 'global' || assessment.classification === 'observer' || assessment.classification === 'partition') {
        return { ok: false, reason: `failover cannot help: ${assessment.reason}` };
      }
      if (p.trigger === 'automatic' && assessment.classification !== 'regional') {
        return { ok: false, reason: `no regional outage (${assessment.reason})` };
      }
      return { ok: true, reason: assessment.reason };
    },
  },
  {
    name: 'target-healthy',
    overridable: true,
    check: (p, { assessment }) => {
      const verdict = assessment.verdicts[p.to];
      if (!verdict) return { ok: false, reason: `no verdict for ${p.to}` };
      return verdict.health === 'healthy'
        ? { ok: true, reason: `${p.to} ${verdict.summary}` }
        : { ok: false, reason: `target ${p.to} is not healthy: ${verdict.summary}` };
    },
  },
  {
    name: 'old-writer-reachable',
    overridable: false,
    check: (p, { assessment, database }) => {
      if (p.mode === 'unplanned') return { ok: true, reason: 'unplanned failover does not need the old writer' };
      if (database && !database.writerReachable) {
        return { ok: false, reason: `a planned ${p.operation} needs the old writer ${p.from}, which does not answer; use \`fcp failover\`` };
      }
      if (assessment.verdicts[p.from]?.health === 'failed') {
        return { ok: false, reason: `a planned ${p.operation} needs the old primary ${p.from}, which is failed; use \`fcp failover\`` };
      }
      return { ok: true, reason: `old writer ${p.from} reachable` };
    },
  },
  {
    name: 'replication-lag',
    overridable: true,
    check: (p, { config, database }) => {
      if (p.mode === 'planned') return { ok: true, reason: 'switchover waits for the target to catch up (no data loss)' };
      const lag = database?.lagMs[p.to];
      if (lag === undefined) return { ok: false, reason: `replication lag of ${p.to} is unknown; cannot bound data loss` };
      const budget = config.failover.rpoBudget;
      return lag <= budget
        ? { ok: true, reason: `lag ${formatDuration(lag)} within the RPO budget ${formatDuration(budget)}` }
        : { ok: false, reason: `lag ${formatDuration(lag)} exceeds the RPO budget ${formatDuration(budget)}` };
    },
  },
  {
    name: 'retry-backoff',
    overridable: true,
    check: (p, { config, topology, leaseToken, now }) => {
      const failed = topology.lastFailure;
      if (!failed || failed.to !== p.to) return { ok: true, reason: `no failed plan to ${p.to}` };
      if (p.trigger === 'manual') return { ok: true, reason: `plan ${failed.planId} to ${p.to} failed earlier; an operator asks again` };
      if (!retryBlocked(topology, p.to, leaseToken, config, now)) return { ok: true, reason: `plan ${failed.planId} to ${p.to} failed ${formatDuration(now - failed.at)} ago; trying again` };
      const wait = retryWait(failed.failures, config.failover);
      return { ok: false, reason: `plan ${failed.planId} to ${p.to} failed ${formatDuration(now - failed.at)} ago under this lease holder (${failed.error}); trying it again in ${formatDuration(wait - (now - failed.at))}` };
    },
  },
  {
    name: 'cooldown',
    overridable: true,
    check: (p, { config, topology, now }) => {
      if (completesFailedFlip(topology, p)) return { ok: true, reason: `finishes the flip of plan ${topology.lastFailure!.planId}, which changed ${topology.lastFailure!.changed.join(', ')}` };
      const last = topology.flips.length > 0 ? Math.max(...topology.flips) : undefined;
      if (last === undefined) return { ok: true, reason: 'no previous flip' };
      const since = now - last;
      return since >= config.failover.cooldown
        ? { ok: true, reason: `last flip ${formatDuration(since)} ago` }
        : { ok: false, reason: `cooldown: last flip ${formatDuration(since)} ago, cooldown is ${formatDuration(config.failover.cooldown)}` };
    },
  },
  {
    name: 'flip-limit',
    overridable: true,
    check: (p, { config, topology, now }) => {
      if (completesFailedFlip(topology, p)) return { ok: true, reason: `finishes the flip of plan ${topology.lastFailure!.planId}, already counted` };
      const count = flipsInWindow(topology, config.failover.flipWindow, now);
      const { maxFlips, flipWindow } = config.failover;
      return count < maxFlips
        ? { ok: true, reason: `${count} of ${maxFlips} flips used in ${formatDuration(flipWindow)}` }
        : { ok: false, reason: `flip limit reached: ${count} flips in the last ${formatDuration(flipWindow)} (max ${maxFlips})` };
    },
  },
  {
    name: 'readiness',
    overridable: true,
    check: (p, { readiness }) => {
      if (!readiness) return { ok: true, reason: 'readiness not reported' };
      const relevant = readiness.filter((c) => c.region === undefined || c.region === p.to);
      // Only a check that ran and failed blocks: during an outage some checks cannot run at all
      // (the failed region's APIs are down), and that must not stall the failover away from it.
      const failing = relevant.filter((c) => c.status === 'false');
      const unknown = relevant.filter((c) => c.status === 'unknown');
      const note = unknown.length > 0 ? `; could not check ${unknown.map((c) => c.type).join(', ')}` : '';
      return failing.length === 0
        ? { ok: true, reason: `${relevant.length - unknown.length} readiness checks green${note}` }
        : { ok: false, reason: `readiness: ${failing.map((c) => `${c.type} false (${c.message})`).join('; ')}` };
    },
  },
];

export const GUARD_NAMES = GUARDS.map((g) => g.name);

/** Runs every guard. With `force`, overridable failures pass and are marked as overridden. */
export function checkGuards(proposal: FlipProposal, context: GuardContext): GuardResult[] {
  return GUARDS.map((guard) => {
    const { ok, reason } = guard.check(proposal, context);
    if (!ok && proposal.force && guard.overridable) return { guard: guard.name, ok: true, reason: `overridden by --force: ${reason}`, overridden: true };
    return { guard: guard.name, ok, reason };
  });
}

export function firstFailure(results: readonly GuardResult[]): GuardResult | undefined {
  return results.find((r) => !r.ok);
}
