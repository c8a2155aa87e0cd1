import type { Millis } from '../../kernel/time.js';
import type { Assessment, Condition, RegionName } from '../domain/types.js';
import type { PublishedObservations } from '../store/state-store.js';
import { credentialsRefused } from './readiness.js';

/** A replica as the lease holder sees it: its region and the readiness it last reported. */
export interface Actor {
  region: RegionName;
  conditions: readonly Condition[];
}

/**
 * Why a replica must not run a plan's side effects (DESIGN.md rule 14: the actor leaves the blast
 * radius), or undefined when it may: its credentials are refused, its own region is judged failed,
 * or its readiness for the plan's target fails.
 */
export function whyNotAct(actor: Actor, target: RegionName, assessment: Assessment | undefined, phase: 'start' | 'running' = 'start'): string | undefined {
  const refused = credentialsRefused(actor.conditions);
  if (refused) return `its credentials are refused (${refused.type}: ${refused.message})`;
  if (assessment?.verdicts[actor.region]?.health === 'failed') return `its own region ${actor.region} is judged failed`;
  // Readiness shifts while a plan moves the database (lag, membership): it decides who starts a plan, not who finishes it.
  if (phase === 'running') return undefined;
  const notReady = actor.conditions.filter((c) => c.status === 'false' && (c.region === undefined || c.region === target));
  if (notReady.length > 0) return `its readiness for ${target} fails (${notReady.map((c) => `${c.type}: ${c.message}`).join('; ')})`;
  return undefined;
}

/**
 * Which replicas are alive, judged without comparing clocks across replicas: a replica is alive
 * while the report it publishes keeps changing, as timed by this replica's own clock. A report seen
 * for the first time counts by its own timestamp (the only evidence there is yet).
 */
export class PeerWatch {
  private readonly seen = new Map<string, { at: Millis; changedAt: Millis }>();

  constructor(private readonly aliveWithinMs: Millis) {}

  update(published: readonly PublishedObservations[], now: Millis): void {
    for (const report of published) {
      const previous = this.seen.get(report.replica);
      if (!previous) this.seen.set(report.replica, { at: report.at, changedAt: Math.min(now, report.at) });
      else if (previous.at !== report.at) this.seen.set(report.replica, { at: report.at, changedAt: now });
    }
  }

  alive(replica: string, now: Millis): boolean {
    const entry = this.seen.get(replica);
    return entry !== undefined && now - entry.changedAt <= this.aliveWithinMs;
  }
}

/** The other replicas that could run a plan to `target` instead of `self`: alive and not kept from acting. */
export function peersThatCouldAct(self: RegionName, published: readonly PublishedObservations[], target: RegionName, assessment: Assessment | undefined, peers: PeerWatch, now: Millis): RegionName[] {
  return published
    .filter((p) => p.replica !== self && peers.alive(p.replica, now) && whyNotAct({ region: p.replica, conditions: p.conditions }, target, assessment) === undefined)
    .map((p) => p.replica)
    .sort();
}
