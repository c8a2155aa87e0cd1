import type { Assessment, Decision } from '../domain/types.js';
import type { ExecutorEvent } from '../executor/executor.js';

/** One server-sent event: `event: <type>` with JSON `data`. */
export interface ApiEvent {
  type: 'decision' | 'plan' | 'status';
  data: unknown;
}

type Listener = (event: ApiEvent) => void;

/**
 * Fans the replica's decisions, executor events and observation summaries out to `/v1/events`
 * subscribers. Status (the assessment) comes every tick; a decision only when it changes, so the
 * dashboard's timeline shows changes, not ticks.
 */
export class EventHub {
  private readonly listeners = new Set<Listener>();
  private lastReason: string | undefined;

  constructor(private readonly replica: string) {}

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get subscribers(): number {
    return this.listeners.size;
  }

  /** True when the decision differs from the previous one (and was published). */
  onDecision(decision: Decision, assessment: Assessment): boolean {
    this.publish({ type: 'status', data: { replica: this.replica, at: decision.at, classification: assessment.classification, reason: assessment.reason, verdicts: summarize(assessment) } });
    if (decision.reason === this.lastReason) return false;
    this.lastReason = decision.reason;
    this.publish({ type: 'decision', data: { replica: this.replica, ...decision } });
    return true;
  }

  onExecutorEvent(event: ExecutorEvent): void {
    this.publish({ type: 'plan', data: { replica: this.replica, ...event } });
  }

  private publish(event: ApiEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

function summarize(assessment: Assessment): Record<string, { health: string; summary: string }> {
  return Object.fromEntries(Object.entries(assessment.verdicts).map(([region, v]) => [region, { health: v.health, summary: v.summary }]));
}

/** The wire form of one event. */
export function formatEvent(event: ApiEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`;
}
