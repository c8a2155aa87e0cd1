import { describe, expect, it } from 'vitest';
import { HealthWindows } from '../../../../controller/domain/health-windows.js';
import type { Observation, WindowSummary } from '../../../../controller/domain/types.js';
import { config } from './fixtures.js';

const probe = (at: number, outcome: Observation['outcome'] = 'ok', detail?: string): Observation => ({ region: 'us-east-1', service: 'api', vantage: 'us-west-2', signal: 'http', outcome, latencyMs: 20, at, ...(detail && { detail }) });

describe('HealthWindows', () => {
  it('counts the short window, the longer ones, the newest run of failures and what got no answer', () => {
    const windows = new HealthWindows(config);
    for (let s = 1; s <= 30; s++) windows.add(probe(s * 1000, s > 26 ? 'fail' : s === 10 ? 'fail' : 'ok', s > 28 ? 'ECONNREFUSED' : 'HTTP 503'));
    const [summary] = windows.summarize(30_500);
    expect(summary).toMatchObject({ ok: 1, failed: 4, unreachable: 2, failStreak: 4, unansweredStreak: 2, lastAt: 30_000, ageMs: 500, lastDetail: 'ECONNREFUSED' });
    expect(summary!.wider).toEqual([
      { ok: 6, failed: 4, slow: 0 },
      { ok: 25, failed: 5, slow: 0 },
    ]);
  });

  it.each<[string, Array<[Observation['outcome'], number, string?]>, Partial<WindowSummary>]>([
    ['answers again: the newest answers in a row, and of them the good ones (within the latency budget)', [['fail', 20, 'ECONNREFUSED'], ['ok', 5000], ['ok', 20], ['ok', 20]], { okStreak: 3, goodStreak: 2 }],
    ['a slow newest answer is an answer, not a good one', [['ok', 20], ['ok', 20], ['ok', 5000]], { okStreak: 3 }],
    ['an HTTP error after no answer: the newest failure was answered', [['fail', 20, 'ECONNREFUSED'], ['fail', 20, 'HTTP 503']], { failStreak: 2 }],
  ])('the newest results: %s', (_what, results, expected) => {
    const windows = new HealthWindows(config);
    results.forEach(([outcome, latencyMs, detail], i) => windows.add({ ...probe((i + 1) * 1000, outcome, detail), latencyMs }));
    const summary = windows.summarize(results.length * 1000 + 100)[0]!;
    expect({ okStreak: summary.okStreak, goodStreak: summary.goodStreak, failStreak: summary.failStreak, unansweredStreak: summary.unansweredStreak }).toEqual({ okStreak: undefined, goodStreak: undefined, failStreak: undefined, unansweredStreak: undefined, ...expected });
  });

  it('counts what a starved observer could not judge apart, never as failures', () => {
    const windows = new HealthWindows(config);
    [1000, 2000, 3000].forEach((at) => windows.add(probe(at, 'unknown', 'observer starved: 900ms late')));
    windows.add(probe(4000));
    expect(windows.summarize(4100)[0]).toMatchObject({ ok: 1, failed: 0, unknown: 3 });
  });

  it('takes the same reading once', () => {
    const windows = new HealthWindows(config);
    windows.add(probe(1000, 'fail'));
    windows.add(probe(1000, 'fail'));
    expect(windows.summarize(1500)[0]).toMatchObject({ failed: 1 });
  });

  describe("other replicas' summaries, on this process's clock", () => {
    const theirs = (lastAt: number, ageMs: number): WindowSummary => ({ region: 'us-east-1', service: 'api', vantage: 'eu-west-1', signal: 'http', ok: 5, failed: 0, slow: 0, lastAt, ageMs });

    it('ages a summary from when it was first seen, by the age its publisher gave it: clocks are never compared', () => {
      const windows = new HealthWindows(config);
      // The publisher's clock is an hour ahead; its newest sample was 300 ms old when it published.
      const ahead = theirs(3_600_000 + 10_000, 300);
      expect(windows.receive([ahead], 10_000)[0]!.lastAt).toBe(9_700);
      // Read again a second later: the same publication is a second older.
      expect(windows.receive([ahead], 11_000)[0]!.lastAt).toBe(9_700);
    });

    it("leaves out a replica's probe summary once it stops refreshing: the replica is down or cut off from the store", () => {
      const windows = new HealthWindows(config);
      const last = theirs(50_000, 100);
      expect(windows.receive([last], 10_000)).toHaveLength(1);
      expect(windows.receive([last], 12_000)).toHaveLength(1);
      expect(windows.receive([last], 14_000)).toHaveLength(0);
    });

    it('takes a summary that does not say its age as it is', () => {
      const windows = new HealthWindows(config);
      const old = { ...theirs(9_000, 0) };
      delete old.ageMs;
      expect(windows.receive([old], 10_000)).toEqual([old]);
    });
  });
});
