import type { Millis } from '../../../kernel/time.js';
import type { BenchIncident, TargetGroup } from './workload.js';

/** A failover as the benchmark sees it, whoever decided it. */
export interface Failover {
  at: Millis;
  from: string;
  to: string;
}

export interface Percentiles {
  p50: number | null;
  p99: number | null;
  max: number | null;
}

/** Detection of one target group's incidents (workload.ts). */
export interface GroupScore {
  incidents: number;
  detected: number;
  missed: number;
  /** From the incident's start (a slow onset: from when its rate crossed the failure ratio) to the failover. */
  ttdMs: Percentiles;
}

export interface PolicyScore {
  name: string;
  /** Injected incidents a failover should fix. */
  incidents: number;
  /** Of those, followed by a failover away from the failed region while the incident lasted. */
  detected: number;
  missed: number;
  /** Failovers when nothing warranted one: noise, a degraded-but-serving region, flapping below the thresholds, a standby down. */
  falseFailovers: number;
  /** Failovers that cannot help: during a global failure or an observer cut-off. */
  wrongFailovers: number;
  /** Time from incident start to the failover, over detected incidents. */
  ttdMs: Percentiles;
  /** The same, per target group: region-level outages, app-only outages, slow onsets. */
  groups: Partial<Record<TargetGroup, GroupScore>>;
  /** Failovers in a warranted incident's window that were not its detection (after it ended, or a second one). */
  lateFailovers: number;
  /** Failovers during incidents where either choice is defensible (long flapping). */
  toleratedFailovers: number;
  /** Failovers per workload kind (`noise` for those outside any incident). */
  failoversByKind: Record<string, number>;
  /** The first false, wrong and late failovers, to look into (`offsetMs` from the workload start). */
  mistakes: Mistake[];
}

export interface Mistake {
  offsetMs: Millis;
  from: string;
  to: string;
  /** `false`, `wrong` or `late`. */
  counted: 'false' | 'wrong' | 'late';
  /** The incident's workload kind, or `noise`. */
  kind: string;
  /** The incident's start, when there is one. */
  incidentOffsetMs?: Millis;
}

/** How many mistakes a score lists. */
const LISTED_MISTAKES = 20;

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: percentile(sorted, 100) };
}

interface Window {
  bench: BenchIncident;
  start: Millis;
  end: Millis;
  /** End of the window failovers are attributed to this incident in. */
  until: Millis;
}

/**
 * Scores one policy's failovers against the injected incidents. A failover is attributed to the
 * incident whose window (start to end + `tailMs`) contains it; one outside every window was caused
 * by noise alone.
 */
export function scoreFailovers(name: string, failovers: readonly Failover[], incidents: readonly BenchIncident[], startAt: Millis, tailMs: Millis): PolicyScore {
  const windows: Window[] = incidents
    .map((bench) => ({ bench, start: startAt + bench.incident.at, end: startAt + bench.incident.at + bench.incident.for, until: startAt + bench.incident.at + bench.incident.for + tailMs }))
    .sort((a, b) => a.start - b.start);
  const windowOf = (at: Millis): Window | undefined => {
    let lo = 0;
    let hi = windows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (windows[mid]!.start <= at) lo = mid + 1;
      else hi = mid;
    }
    const candidate = windows[lo - 1];
    return candidate && at <= candidate.until ? candidate : undefined;
  };

  const score: PolicyScore = {
    name,
    incidents: windows.filter((w) => w.bench.expectation === 'warranted').length,
    detected: 0,
    missed: 0,
    falseFailovers: 0,
    wrongFailovers: 0,
    ttdMs: { p50: null, p99: null, max: null },
    groups: {},
    lateFailovers: 0,
    toleratedFailovers: 0,
    failoversByKind: {},
    mistakes: [],
  };
  const mistake = (failover: Failover, counted: Mistake['counted'], kind: string, window?: Window) => {
    if (score.mistakes.length >= LISTED_MISTAKES) return;
    const entry: Mistake = { offsetMs: failover.at - startAt, from: failover.from, to: failover.to, counted, kind };
    if (window) entry.incidentOffsetMs = window.start - startAt;
    score.mistakes.push(entry);
  };
  const detectedAt = new Map<Window, Millis>();
  for (const failover of [...failovers].sort((a, b) => a.at - b.at)) {
    const window = windowOf(failover.at);
    const label = window?.bench.label ?? 'noise';
    score.failoversByKind[label] = (score.failoversByKind[label] ?? 0) + 1;
    if (!window) {
      score.falseFailovers++;
      mistake(failover, 'false', label);
      continue;
    }
    switch (window.bench.expectation) {
      case 'warranted': {
        const region = 'region' in window.bench.incident ? window.bench.incident.region : undefined;
        const during = failover.at >= window.start && failover.at <= window.end;
        if (during && failover.from === region && !detectedAt.has(window)) detectedAt.set(window, failover.at - window.start);
        else {
          score.lateFailovers++;
          mistake(failover, 'late', label, window);
        }
        break;
      }
      case 'unwarranted':
        score.falseFailovers++;
        mistake(failover, 'false', label, window);
        break;
      case 'futile':
        score.wrongFailovers++;
        mistake(failover, 'wrong', label, window);
        break;
      case 'tolerated':
        score.toleratedFailovers++;
        break;
    }
  }
  score.detected = detectedAt.size;
  score.missed = score.incidents - score.detected;
  score.ttdMs = percentiles([...detectedAt.values()]);
  for (const window of windows) {
    const group = window.bench.group;
    if (!group || window.bench.expectation !== 'warranted') continue;
    const entry = (score.groups[group] ??= { incidents: 0, detected: 0, missed: 0, ttdMs: { p50: null, p99: null, max: null } });
    entry.incidents++;
    if (detectedAt.has(window)) entry.detected++;
    else entry.missed++;
  }
  for (const group of Object.keys(score.groups) as TargetGroup[]) {
    const ttd = windows.filter((w) => w.bench.group === group && detectedAt.has(w)).map((w) => Math.max(0, detectedAt.get(w)! - (w.bench.onsetMs ?? 0)));
    score.groups[group]!.ttdMs = percentiles(ttd);
  }
  return score;
}
