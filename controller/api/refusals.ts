import type { FastifyBaseLogger } from 'fastify';
import type { Millis } from '../../kernel/time.js';
import type { AuthRefusal } from './auth.js';
import type { ControllerMetrics } from './metrics.js';

/** Why a call was refused before anyone was identified: the `reason` label of the refusal metric. */
export type UnauthenticatedRefusal = AuthRefusal | 'rate-limited' | 'not-json';

/**
 * Lets a log line through at most once per `intervalMs` per key, and says how many were held back
 * since the last one, so a flood shows in the log as a few lines with counts.
 */
export class LogThrottle {
  private readonly last = new Map<string, { at: Millis; held: number }>();

  constructor(private readonly intervalMs: Millis) {}

  /** The number of lines held back since the last one when this one may be logged; undefined when it is held back. */
  admit(key: string, now: Millis): number | undefined {
    const last = this.last.get(key);
    if (last && now - last.at < this.intervalMs) {
      last.held += 1;
      return undefined;
    }
    this.last.set(key, { at: now, held: 0 });
    return last?.held ?? 0;
  }
}

/**
 * Refusals of callers that were not identified (401, 429 past the failure limit, 415 before
 * authentication): counted by route and reason, and logged through a throttle, never appended to
 * the audit chain, so nobody in particular can grow the chain that plans append to.
 */
export class UnauthenticatedRefusals {
  private readonly throttle: LogThrottle;

  constructor(
    private readonly metrics: ControllerMetrics,
    private readonly log: FastifyBaseLogger,
    logIntervalMs: Millis,
  ) {
    this.throttle = new LogThrottle(logIntervalMs);
  }

  note(route: string, reason: UnauthenticatedRefusal, client: string, now: Millis): void {
    this.metrics.onUnauthenticatedRefusal(route, reason);
    // Routes and reasons are few, so the throttle's keys are too, whatever the callers send.
    const held = this.throttle.admit(`${route} ${reason}`, now);
    if (held === undefined) return;
    this.log.warn({ route, reason, client, heldBack: held }, `refused an unauthenticated call to ${route} (${reason})${held > 0 ? `; ${held} more since the last such line` : ''}`);
  }
}
