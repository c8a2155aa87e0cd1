import { describe, expect, it } from 'vitest';
import { judgeOwnHealth, OwnDelayMonitor, type ProbeResult } from '../../../../controller/signals/observer-health.js';

const SETTINGS = { starvedAfter: 100, latencyBudget: 500 };

describe('judgeOwnHealth', () => {
  it.each<[string, ProbeResult, number, Partial<ProbeResult>]>([
    ['a timeout while the observer kept time is the target\'s', { outcome: 'timeout', latencyMs: 800, detail: 'timeout after 800ms' }, 20, { outcome: 'timeout' }],
    ['a timeout while the observer was starved is unknown', { outcome: 'timeout', latencyMs: 800, detail: 'timeout after 800ms' }, 450, { outcome: 'unknown', detail: 'observer starved: 450ms late (timeout after 800ms not counted)' }],
    ['a slow answer while starved is unknown', { outcome: 'ok', latencyMs: 700 }, 300, { outcome: 'unknown', detail: 'observer starved: 300ms late (700ms not counted)' }],
    ['a fast answer stands even while starved', { outcome: 'ok', latencyMs: 40 }, 300, { outcome: 'ok' }],
    ['a refused connection is an answer from the target, starved or not', { outcome: 'fail', latencyMs: 2, detail: 'ECONNREFUSED' }, 900, { outcome: 'fail', detail: 'ECONNREFUSED' }],
    ['an HTTP error is an answer from the target', { outcome: 'fail', latencyMs: 30, detail: 'HTTP 503' }, 900, { outcome: 'fail' }],
    ['running out of file descriptors is the observer\'s own trouble', { outcome: 'fail', latencyMs: 1, detail: 'EMFILE' }, 0, { outcome: 'unknown', detail: 'observer out of a local resource (EMFILE)' }],
    ['so is running out of local ports', { outcome: 'fail', latencyMs: 1, detail: 'EADDRNOTAVAIL' }, 0, { outcome: 'unknown' }],
  ])('%s', (_what, result, ownDelay, expected) => {
    expect(judgeOwnHealth(result, ownDelay, SETTINGS)).toMatchObject(expected);
  });
});

describe('OwnDelayMonitor', () => {
  it('reports the worst lateness noted over a span, and nothing outside it', () => {
    const monitor = new OwnDelayMonitor(20, 10_000);
    monitor.record(1000, 5);
    monitor.record(1020, 250);
    monitor.record(1040, 3);
    expect(monitor.delayBetween(1010, 1030)).toBe(250);
    expect(monitor.delayBetween(1030, 1035)).toBe(3);
    expect(monitor.delayBetween(2000, 2100)).toBe(0);
  });

  it('sees its own timer fire late when the event loop is blocked', async () => {
    const monitor = new OwnDelayMonitor(10, 10_000);
    monitor.start();
    try {
      await new Promise((resolve) => setTimeout(resolve, 30));
      const from = performance.now();
      const until = from + 200;
      while (performance.now() < until);
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(monitor.delayBetween(from, performance.now())).toBeGreaterThanOrEqual(150);
    } finally {
      monitor.stop();
    }
  });
});
