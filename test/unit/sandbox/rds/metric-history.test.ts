import { describe, expect, it } from 'vitest';
import { MetricHistory, statistic } from '../../../../sandbox/rds/metric-history.js';

describe('statistic', () => {
  it.each([
    { name: 'Average', expected: 2.5 },
    { name: 'Minimum', expected: 1 },
    { name: 'Maximum', expected: 4 },
    { name: 'Sum', expected: 10 },
    { name: 'SampleCount', expected: 4 },
    { name: 'p50', expected: 2 },
    { name: 'p99', expected: 4 },
    { name: 'p100', expected: 4 },
  ])('$name of [4, 1, 3, 2] is $expected', ({ name, expected }) => {
    expect(statistic(name)?.([4, 1, 3, 2])).toBe(expected);
  });

  it.each(['Median', 'p101', 'pXX', ''])('does not know %j', (name) => {
    expect(statistic(name)).toBeUndefined();
  });
});

describe('MetricHistory', () => {
  const max = statistic('Maximum')!;

  it('aggregates samples per epoch-aligned period within [start, end)', () => {
    const history = new MetricHistory(60_000);
    for (const [at, value] of [[1000, 5], [1500, 7], [2000, 1], [3999, 9], [4000, 2]] as const) history.record('s', { at, value });
    expect(history.datapoints('s', 1000, 4000, 1000, max)).toEqual([
      { at: 1000, value: 7 },
      { at: 2000, value: 1 },
      { at: 3000, value: 9 },
    ]);
    expect(history.datapoints('other', 0, 10_000, 1000, max)).toEqual([]);
  });

  it('forgets samples older than the retention', () => {
    const history = new MetricHistory(1000);
    history.record('s', { at: 0, value: 1 });
    history.record('s', { at: 1500, value: 2 });
    expect(history.datapoints('s', 0, 2000, 1000, max)).toEqual([{ at: 1000, value: 2 }]);
  });
});
