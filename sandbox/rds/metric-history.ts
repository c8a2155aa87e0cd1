/**
 * A CloudWatch-like store of metric samples: values recorded over time per series, aggregated into
 * one datapoint per period with a statistic (Average, Minimum, Maximum, Sum, SampleCount, pNN).
 */

export interface Sample {
  at: number;
  value: number;
}

export interface Datapoint {
  /** Start of the period, in ms since the epoch. */
  at: number;
  value: number;
}

export type Statistic = (values: number[]) => number;

const STATISTICS: Record<string, Statistic> = {
  Average: (values) => values.reduce((sum, v) => sum + v, 0) / values.length,
  Minimum: (values) => Math.min(...values),
  Maximum: (values) => Math.max(...values),
  Sum: (values) => values.reduce((sum, v) => sum + v, 0),
  SampleCount: (values) => values.length,
};

/** The statistic a `Stat` string names, or undefined when CloudWatch would not know it. */
export function statistic(name: string): Statistic | undefined {
  const known = STATISTICS[name];
  if (known) return known;
  const percentile = /^p(\d{1,2}(\.\d+)?|100)$/.exec(name);
  if (!percentile?.[1]) return undefined;
  const rank = Number(percentile[1]) / 100;
  return (values) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(rank * sorted.length) - 1))] ?? Number.NaN;
  };
}

export class MetricHistory {
  private readonly series = new Map<string, Sample[]>();

  constructor(private readonly retentionMs: number) {}

  record(series: string, sample: Sample): void {
    let samples = this.series.get(series);
    if (!samples) {
      samples = [];
      this.series.set(series, samples);
    }
    samples.push(sample);
    const oldest = sample.at - this.retentionMs;
    while (samples.length > 0 && (samples[0]?.at ?? oldest) < oldest) samples.shift();
  }

  /** One datapoint per period (aligned to the epoch) that has samples in [startMs, endMs), oldest first. */
  datapoints(series: string, startMs: number, endMs: number, periodMs: number, stat: Statistic): Datapoint[] {
    const buckets = new Map<number, number[]>();
    for (const sample of this.series.get(series) ?? []) {
      if (sample.at < startMs || sample.at >= endMs) continue;
      const bucket = Math.floor(sample.at / periodMs) * periodMs;
      const values = buckets.get(bucket) ?? [];
      values.push(sample.value);
      buckets.set(bucket, values);
    }
    return [...buckets.entries()].sort(([a], [b]) => a - b).map(([at, values]) => ({ at, value: stat(values) }));
  }
}
