import { describe, expect, it } from 'vitest';
import { buildTimeline, summarize, type RequestResult } from '../../../../sandbox/traffic/timeline.js';

const start = 10_000;
const ok = (at: number, region: string): RequestResult => ({ at: start + at, kind: 'read', ok: true, region });
const fail = (at: number, cause: string): RequestResult => ({ at: start + at, kind: 'write', ok: false, cause });

describe('traffic timeline', () => {
  it('buckets results per second, listing quiet seconds too', () => {
    const results = [ok(100, 'us-east-1'), fail(900, 'ECONNREFUSED'), fail(2500, 'HTTP 503'), ok(2600, 'us-west-2'), ok(2700, 'us-west-2')];
    expect(buildTimeline(start, results)).toEqual([
      { second: 0, ok: 1, failed: 1, regions: { 'us-east-1': 1 } },
      { second: 1, ok: 0, failed: 0, regions: {} },
      { second: 2, ok: 2, failed: 1, regions: { 'us-west-2': 2 } },
    ]);
  });

  it.each([
    {
      name: 'no failures',
      results: [ok(0, 'us-east-1'), ok(1500, 'us-east-1')],
      expected: { requests: 2, ok: 2, failed: 0, outageSeconds: 0, clientOutageMs: 0, causes: {}, regions: { 'us-east-1': 2 } },
    },
    {
      name: 'an outage across seconds',
      results: [ok(0, 'us-east-1'), fail(1200, 'ECONNREFUSED'), fail(2100, 'timeout'), fail(3900, 'ECONNREFUSED'), ok(4100, 'us-west-2')],
      expected: {
        requests: 5, ok: 2, failed: 3, outageSeconds: 3, firstFailureAt: start + 1200, lastFailureAt: start + 3900, clientOutageMs: 2700,
        causes: { ECONNREFUSED: 2, timeout: 1 }, regions: { 'us-east-1': 1, 'us-west-2': 1 },
      },
    },
  ])('summarizes $name', ({ results, expected }) => {
    expect(summarize(start, results)).toEqual({ startedAt: start, ...expected });
  });
});
