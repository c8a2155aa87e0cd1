import type { Assessment, Decision } from '../domain/types.js';
import type { ExecutorEvent } from '../executor/executor.js';
import { formatDuration } from '../../kernel/time.js';

/** What is announced: a one-line title and a few lines of detail, destination-neutral. */
export interface Notification {
  severity: 'info' | 'warning' | 'critical';
  /** One line: what happened. */
  title: string;
  /** Further lines: why, and where to look. */
  details: string[];
  /** Which replica said it. */
  source: string;
  at: number;
}

/**
 * What makes two every-tick decisions "the same news": their kind and reason with the numbers
 * taken out, since reasons carry timers ("last flip 47.3s ago", "running for 3s") that change on
 * every tick while nothing new has happened.
 */
function gist(decision: Decision): string {
  return `${decision.kind}: ${decision.reason.replace(/(?:\d+(?:\.\d+)?(?:ms|[smh])?)+/g, '#')}`;
}

/**
 * Turns the replica's every-tick decisions into announcements. Always: flips, pause/resume, plan
 * results and refusals of an operator's command. Only when the news changes: `none` decisions
 * (e.g. "primary healthy" after a suspicion) and automatic refusals, which the engine repeats on
 * every tick while it holds back (cooldown, global outage). A steady controller is quiet.
 */
export class DecisionAnnouncer {
  private lastGist: string | undefined;

  constructor(private readonly source: string) {}

  announce(decision: Decision, assessment: Assessment): Notification | undefined {
    const previous = this.lastGist;
    this.lastGist = gist(decision);
    const repeated = this.lastGist === previous;
    const base = { source: this.source, at: decision.at };
    switch (decision.kind) {
      case 'none':
        if (repeated) return undefined;
        // A partition needs people even though nothing moves: replication across it is at risk.
        return {
          ...base,
          severity: assessment.classification === 'partition' ? 'warning' : 'info',
          title: decision.reason,
          details: [`classification: ${assessment.classification} (${assessment.reason})`, ...Object.values(assessment.verdicts).filter((v) => v.health !== 'healthy').map((v) => `${v.region}: ${v.summary}`)],
        };
      case 'flip':
        return {
          ...base,
          severity: 'critical',
          title: `${decision.operation} ${decision.from} -> ${decision.to} (${decision.trigger}, plan ${decision.planId})`,
          details: [decision.reason, ...(decision.actor ? [`by ${decision.actor}`] : []), ...overridden(decision.guards)],
        };
      case 'refuse':
        if (repeated && !decision.commandId) return undefined;
        return {
          ...base,
          severity: 'warning',
          title: `refused: ${decision.reason}`,
          details: [...(decision.actor ? [`requested by ${decision.actor}`] : []), ...decision.guards.filter((g) => !g.ok).map((g) => `guard ${g.guard}: ${g.reason}`)],
        };
      case 'pause':
      case 'resume':
        return { ...base, severity: 'warning', title: `automatic failover ${decision.kind === 'pause' ? 'paused' : 'resumed'} by ${decision.actor}`, details: [decision.reason] };
      case 'plan-finished':
        return { ...base, severity: decision.ok ? 'info' : 'critical', title: `plan ${decision.planId} ${decision.status}`, details: [decision.reason] };
    }
  }
}

function overridden(guards: Extract<Decision, { kind: 'flip' }>['guards']): string[] {
  return guards.filter((g) => g.overridden).map((g) => `guard ${g.guard} overridden (--force): ${g.reason}`);
}

/** Plan progress: start, each finished step, the end, or a stop (lease lost). Step starts are not announced. */
export function announceExecutorEvent(event: ExecutorEvent, source: string): Notification | undefined {
  const base = { source, at: event.at };
  switch (event.type) {
    case 'plan-start':
      return {
        ...base,
        severity: 'critical',
        title: `plan ${event.plan.id} ${event.resumed ? 'resumed' : 'started'}: ${event.plan.operation} ${event.plan.from} -> ${event.plan.to}`,
        details: [event.plan.reason, `${event.plan.steps.length} steps: ${event.plan.steps.map((s) => s.kind).join(', ')}`],
      };
    case 'step-start':
      return undefined;
    case 'step-end': {
      const failed = event.outcome.status === 'failed';
      return {
        ...base,
        severity: failed ? 'critical' : 'info',
        title: `plan ${event.planId} step ${event.step.index} ${event.step.kind}: ${event.outcome.status === 'skipped' ? 'already done' : event.outcome.status} in ${formatDuration(event.ms)}`,
        details: event.outcome.status === 'failed' ? [event.outcome.error] : [],
      };
    }
    case 'plan-end':
      return {
        ...base,
        severity: event.ok ? 'info' : 'critical',
        title: `plan ${event.planId} ${event.ok ? 'succeeded' : 'failed'} in ${formatDuration(event.ms)}`,
        details: [...(event.error ? [event.error] : []), ...(event.ok ? [] : ['see `fcp status` and the "stuck or half-finished plan" runbook'])],
      };
    case 'plan-stopped':
      return { ...base, severity: 'warning', title: `plan ${event.planId} stopped on this replica: ${event.reason}`, details: ['the next lease holder resumes it from its journal'] };
  }
}

/** The plain-text form: title, then the details indented. */
export function renderText(notification: Notification): string {
  return [`[${notification.severity}] ${notification.title}`, ...notification.details.map((d) => `  ${d}`), `  (${notification.source}, ${new Date(notification.at).toISOString()})`].join('\n');
}
