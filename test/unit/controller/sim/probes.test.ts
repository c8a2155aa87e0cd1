import { describe, expect, it } from 'vitest';
import type { Observation } from '../../../../controller/domain/types.js';
import { NOISE_PROFILES } from '../../../../controller/sim/noise.js';
import { ProbeStream, resolveProbe, type ProbeTiming } from '../../../../controller/sim/probes.js';
import { streamKey } from '../../../../controller/sim/random.js';
import { World, type ProbeEffect } from '../../../../controller/sim/world.js';

const TIMING: ProbeTiming = { intervalMs: 1000, timeoutMs: 800, baseMs: 20, jitterMs: 40 };
const quiet: ProbeEffect = { refused: false, hang: false, errorRate: 0, errorStatus: 0, addedMs: 0, spread: 0, lossRate: 0 };
const OBSERVER = { starvedAfter: 100, latencyBudget: 500 };
const START = 5_000_000;

describe('resolveProbe', () => {
  const stream = streamKey(1, 'resolve');
  it.each<[string, Partial<ProbeEffect> | undefined, Parameters<typeof resolveProbe>[3], object]>([
    ['a healthy probe is ok and fast', undefined, undefined, { outcome: 'ok' }],
    ['refused beats everything', { refused: true, hang: true }, { lost: true, timedOut: true, addedMs: 0 }, { outcome: 'fail', detail: 'ECONNREFUSED' }],
    ['a hang times out', { hang: true }, undefined, { outcome: 'timeout', latencyMs: 800, detail: 'timeout after 800ms' }],
    ['noise can time a probe out', undefined, { lost: false, timedOut: true, addedMs: 0 }, { outcome: 'timeout' }],
    ['latency beyond the timeout is a timeout', { addedMs: 5000 }, undefined, { outcome: 'timeout' }],
    ['an error rate of 1 always errs', { errorRate: 1, errorStatus: 429 }, undefined, { outcome: 'fail', detail: 'HTTP 429' }],
    ['a lost connection fails', undefined, { lost: true, timedOut: false, addedMs: 0 }, { outcome: 'fail', detail: 'ECONNRESET' }],
    ['a spike below the timeout is slow but ok', undefined, { lost: false, timedOut: false, addedMs: 600 }, { outcome: 'ok' }],
    ['a flaky path loses probes', { lossRate: 1 }, undefined, { outcome: 'fail', detail: 'ECONNRESET' }],
  ])('%s', (_what, effect, noise, expected) => {
    const result = resolveProbe(stream, 7, effect ? { ...quiet, ...effect } : undefined, noise, TIMING);
    expect(result).toMatchObject(expected);
  });

  it('keeps healthy latency within base + jitter', () => {
    for (let n = 0; n < 200; n++) {
      const { latencyMs } = resolveProbe(stream, n, undefined, undefined, TIMING);
      expect(latencyMs).toBeGreaterThanOrEqual(20);
      expect(latencyMs).toBeLessThan(60);
    }
  });
});

describe('ProbeStream', () => {
  const world = new World([{ kind: 'hang', scope: 'region', region: 'us-east-1', at: 10_000, for: 5000 }], START, ['us-east-1', 'us-west-2']);
  const make = () => new ProbeStream(world, TIMING, OBSERVER, NOISE_PROFILES.noisy, 3, 'us-west-2', 'us-east-1', 'api');

  it('sends one probe per interval with a fixed phase', () => {
    const probes = make();
    expect(probes.sentAt(1) - probes.sentAt(0)).toBe(1000);
    expect(probes.sentAt(0)).toBeGreaterThanOrEqual(START);
    expect(probes.sentAt(0)).toBeLessThan(START + 1000);
  });

  it('reports a timeout exactly `timeout` after the probe was sent', () => {
    const probes = make();
    const during: Observation[] = [];
    probes.collect(START + 11_000, START + 14_000, during);
    expect(during.length).toBe(3);
    for (const o of during) expect(o).toMatchObject({ outcome: 'timeout', latencyMs: 800, vantage: 'us-west-2', region: 'us-east-1', signal: 'http' });
  });

  it('delivers each observation exactly once however the time is cut, and the same values each time', () => {
    const whole: Observation[] = [];
    make().collect(START, START + 60_000, whole);
    const pieces: Observation[] = [];
    const other = make();
    for (let from = START; from < START + 60_000; from += 7_300) other.collect(from, Math.min(from + 7_300, START + 60_000), pieces);
    expect(pieces).toEqual(whole);
    expect(whole.length).toBeGreaterThanOrEqual(59);
    for (const o of whole) expect(o.at).toBeGreaterThan(START);
  });

  it('lists noise disturbances covering every disturbed probe', () => {
    const probes = make();
    const disturbances = probes.disturbances(START, START + 600_000);
    expect(disturbances.length).toBeGreaterThan(0);
    const all: Observation[] = [];
    probes.collect(START, START + 600_000, all);
    const quietTruth = all.filter((o) => o.at < START + 10_000 || o.at > START + 16_000);
    for (const o of quietTruth.filter((x) => x.outcome !== 'ok' || x.latencyMs > 60)) {
      const sent = o.at - o.latencyMs;
      expect(disturbances.some((d) => sent >= d.from && o.at <= d.to)).toBe(true);
    }
  });
});

describe('ProbeStream: a starved observer', () => {
  const world = new World([{ kind: 'starve', vantage: 'us-west-2', lag: 1000, at: 10_000, for: 20_000 }], START, ['us-east-1', 'us-west-2']);
  const during = (observer: typeof OBSERVER) => {
    const out: Observation[] = [];
    new ProbeStream(world, TIMING, observer, NOISE_PROFILES.none, 3, 'us-west-2', 'us-east-1', 'api').collect(START + 12_000, START + 28_000, out);
    return out;
  };

  it("reports what it saw while starved as unknown, never as the target's failure", () => {
    const seen = during(OBSERVER);
    expect(seen.length).toBeGreaterThan(10);
    for (const o of seen) expect(['ok', 'unknown']).toContain(o.outcome);
    expect(seen.filter((o) => o.outcome === 'unknown').length).toBeGreaterThan(seen.length / 2);
    expect(seen.find((o) => o.outcome === 'unknown')!.detail).toMatch(/^observer starved: \d+ms late/);
  });

  it('would have blamed the target for its own late timeouts without knowing its own health', () => {
    const blind = during({ ...OBSERVER, starvedAfter: 60_000 });
    expect(blind.filter((o) => o.outcome === 'timeout').length).toBeGreaterThan(blind.length / 2);
  });
});

describe('ProbeStream: failure clusters', () => {
  it('marks where noise fails enough probes within a window, and nowhere else', () => {
    const bursty = { ...NOISE_PROFILES.none, loss: 0.001, bursts: { rate: 0.002, minDuration: 3000, maxDuration: 6000 } };
    const world = new World([], START, ['us-east-1', 'us-west-2']);
    const probes = new ProbeStream(world, TIMING, OBSERVER, bursty, 4, 'us-west-2', 'us-east-1', 'api');
    const clusters = probes.failureClusters(START, START + 3_600_000, 3, 5);
    expect(clusters.length).toBeGreaterThan(0);
    const all: Observation[] = [];
    probes.collect(START, START + 3_600_000, all);
    const failed = all.filter((o) => o.outcome !== 'ok');
    // Every run of 3 failures within 5 probes lies inside a cluster.
    for (let i = 2; i < failed.length; i++) {
      const first = failed[i - 2]!;
      if (failed[i]!.at - first.at >= 5 * TIMING.intervalMs) continue;
      const sent = first.at - first.latencyMs;
      expect(clusters.some((c) => sent >= c.from && failed[i]!.at <= c.to)).toBe(true);
    }
  });
});
