import type { Millis } from '../../kernel/time.js';
import { formatDuration } from '../../kernel/time.js';
import type { Assessment, Classification, Decision, Health } from '../domain/types.js';
import type { Incident } from './scenario.js';
import type { TimedIncident } from './world.js';

/** One line of a simulation's story: ground truth (incidents) and what the engine saw and decided. */
export interface TimelineEntry {
  at: Millis;
  /** Milliseconds since the scenario start. */
  offsetMs: Millis;
  kind: 'incident' | 'verdict' | 'classification' | 'decision';
  text: string;
  decision?: Decision;
}

/** `12.0s`, `2m05.0s`, `1h02m05.0s`: an offset from the scenario start. */
export function formatOffset(ms: Millis): string {
  const seconds = (ms % 60_000) / 1000;
  const minutes = Math.floor(ms / 60_000) % 60;
  const hours = Math.floor(ms / 3_600_000);
  if (hours === 0 && minutes === 0) return `t+${seconds.toFixed(1)}s`;
  const secondsText = seconds.toFixed(1).padStart(4, '0');
  if (hours === 0) return `t+${minutes}m${secondsText}s`;
  return `t+${hours}h${String(minutes).padStart(2, '0')}m${secondsText}s`;
}

export function renderTimeline(entries: readonly TimelineEntry[]): string {
  return entries.map((entry) => `${formatOffset(entry.offsetMs).padEnd(13)} ${entry.kind.padEnd(14)} ${entry.text}`).join('\n');
}

/**
 * The engine explains itself on every step, with running numbers (`failed for 1s of 2s`). Two
 * reasons that differ only in numbers say the same thing; the timeline shows the first of them.
 */
export function reasonKey(reason: string): string {
  return reason.replace(/\d+(\.\d+)?/g, '#');
}

const BLIPS = { '503': 'a burst of HTTP 503', restart: 'an app restart (connections refused)', stall: 'an app stall (no answer)' } as const;

/** One line for an incident: `outage of us-east-1 (connections refused)`, `vantage point us-west-2 cut off from us-east-1`. */
export function describeIncident(incident: Incident): string {
  const services = incident.services ? ` (${incident.services.join(', ')})` : '';
  switch (incident.kind) {
    case 'outage':
      return incident.scope === 'app' ? `app outage in ${incident.region}${services} (connections refused; the region is up)` : `outage of ${incident.region}${services} (connections refused)`;
    case 'hang':
      return incident.scope === 'app' ? `app in ${incident.region}${services} hangs (the region is up)` : `${incident.region}${services} hangs (probes time out)`;
    case 'gray':
      return `gray failure of ${incident.region}${services}: ${Math.round(incident.errorRate * 100)}% HTTP ${incident.status}${incident.rampUp > 0 ? `, reached over ${formatDuration(incident.rampUp)}` : ''}`;
    case 'blip':
      return `${BLIPS[incident.mode]} in ${incident.region}${services} (the region is up)`;
    case 'starve':
      return `replica ${incident.vantage} starved of CPU (runs ${formatDuration(incident.lag)} late)`;
    case 'flaky':
      return `vantage point ${incident.vantage} on a flaky path (${Math.round(incident.loss * 100)}% of probes lost)`;
    case 'brownout':
      return `brownout of ${incident.region}${services}: +${formatDuration(incident.addedLatency)} latency (±${Math.round(incident.spread * 100)}%)`;
    case 'global':
      return incident.mode === 'hang'
        ? `global failure${services}: a shared dependency hangs in every region`
        : `global failure${services}: every region answers ${Math.round(incident.errorRate * 100)}% HTTP ${incident.status}`;
    case 'cutoff':
      return `vantage point ${incident.vantage} cut off from ${incident.region}`;
    case 'isolation':
      return `vantage point ${incident.vantage} cut off from every region`;
    case 'partition':
      return `${incident.region} partitioned from the other regions (clients and Route 53 still reach it)`;
    case 'flapping':
      return `${incident.region}${services} flapping: down ${formatDuration(incident.down)}, up ${formatDuration(incident.up)}`;
  }
}

/**
 * Collects the timeline: incidents, changes of verdict and classification, and decisions (a `none`
 * decision only when its reason says something new).
 */
export class TimelineRecorder {
  readonly entries: TimelineEntry[] = [];
  readonly decisions: Decision[] = [];
  private lastNoneKey: string | undefined;
  private readonly lastHealth = new Map<string, Health>();
  private lastClassification: Classification = 'none';

  constructor(private readonly startAt: Millis) {}

  private note(at: Millis, kind: TimelineEntry['kind'], text: string, decision?: Decision): void {
    const entry: TimelineEntry = { at, offsetMs: at - this.startAt, kind, text };
    if (decision) entry.decision = decision;
    this.entries.push(entry);
  }

  incident(incident: TimedIncident): void {
    const text = describeIncident(incident);
    this.note(incident.start, 'incident', `begins: ${text} for ${formatDuration(incident.for)}`);
    this.note(incident.end, 'incident', `ends: ${text}`);
  }

  step(at: Millis, assessment: Assessment, decisions: readonly Decision[]): void {
    for (const [region, verdict] of Object.entries(assessment.verdicts)) {
      const before = this.lastHealth.get(region) ?? 'healthy';
      if (verdict.health !== before) this.note(at, 'verdict', `${region} ${before} -> ${verdict.summary}`);
      this.lastHealth.set(region, verdict.health);
    }
    if (assessment.classification !== this.lastClassification) {
      this.note(at, 'classification', assessment.reason);
      this.lastClassification = assessment.classification;
    }
    for (const decision of decisions) {
      if (decision.kind === 'none') {
        const key = reasonKey(decision.reason);
        if (key === this.lastNoneKey) continue;
        this.lastNoneKey = key;
      } else this.lastNoneKey = undefined;
      this.decisions.push(decision);
      this.note(at, 'decision', decision.reason, decision);
    }
  }

  /** The entries in time order (incidents were noted up front). */
  timeline(): TimelineEntry[] {
    return [...this.entries].sort((a, b) => a.at - b.at);
  }
}
