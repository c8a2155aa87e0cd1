import type { Millis } from './time.js';
import type { Observation, ProbeOutcome, SignalKind, WindowSummary } from './types.js';

interface Sample {
  at: Millis;
  outcome: ProbeOutcome;
  latencyMs: number;
  detail?: string;
}

interface Series {
  region: string;
  service: string;
  vantage: string;
  signal: SignalKind;
  samples: Sample[];
}

/**
 * Sliding windows of probe results, one per (region, service, vantage point, signal). Pure data:
 * it never reads the clock; `now` is passed in. Samples older than the window are dropped on read.
 */
export class HealthWindows {
  private readonly series = new Map<string, Series>();

  constructor(
    private readonly windowMs: Millis,
    private readonly latencyBudgetMs: number,
  ) {}

  add(observation: Observation): void {
    const key = `${observation.region}|${observation.service}|${observation.vantage}|${observation.signal}`;
    let series = this.series.get(key);
    if (!series) {
      series = { region: observation.region, service: observation.service, vantage: observation.vantage, signal: observation.signal, samples: [] };
      this.series.set(key, series);
    }
    const sample: Sample = { at: observation.at, outcome: observation.outcome, latencyMs: observation.latencyMs };
    if (observation.detail !== undefined) sample.detail = observation.detail;
    // Results usually arrive in order; a timeout can complete after a later probe, so keep order by `at`.
    const samples = series.samples;
    let index = samples.length;
    while (index > 0 && samples[index - 1]!.at > sample.at) index--;
    samples.splice(index, 0, sample);
  }

  addAll(observations: readonly Observation[]): void {
    for (const observation of observations) this.add(observation);
  }

  /** What each series saw in (now - window, now]. Series with no sample in the window are omitted. */
  summarize(now: Millis): WindowSummary[] {
    const from = now - this.windowMs;
    const summaries: WindowSummary[] = [];
    for (const [key, series] of this.series) {
      const samples = series.samples;
      let drop = 0;
      while (drop < samples.length && samples[drop]!.at <= from) drop++;
      if (drop > 0) samples.splice(0, drop);
      if (samples.length === 0) {
        this.series.delete(key);
        continue;
      }
      let ok = 0;
      let failed = 0;
      let slow = 0;
      let lastAt = -Infinity;
      let lastDetail: string | undefined;
      for (const sample of samples) {
        if (sample.at > now) continue;
        if (sample.outcome !== 'ok') {
          failed++;
          if (sample.detail !== undefined) lastDetail = sample.detail;
        } else if (sample.latencyMs > this.latencyBudgetMs) {
          slow++;
          lastDetail = `slow: ${Math.round(sample.latencyMs)}ms`;
        } else ok++;
        if (sample.at > lastAt) lastAt = sample.at;
      }
      if (ok + failed + slow === 0) continue;
      const summary: WindowSummary = { region: series.region, service: series.service, vantage: series.vantage, signal: series.signal, ok, failed, slow, lastAt };
      if (lastDetail !== undefined) summary.lastDetail = lastDetail;
      summaries.push(summary);
    }
    return summaries;
  }
}
