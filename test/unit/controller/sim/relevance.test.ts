import { describe, expect, it } from 'vitest';
import { detectionWorkload } from '../../../../controller/sim/bench/workload.js';
import { PROFILES } from '../../../../controller/sim/bench/profiles.js';
import { coincidences, fewestFailing, smallestQuorum, writerFailingSpans } from '../../../../controller/sim/relevance.js';
import { parseScenario } from '../../../../controller/sim/scenario.js';
import { Simulation } from '../../../../controller/sim/simulator.js';
import { scenario } from './fixture.js';

describe('where a flip is possible', () => {
  it('finds the spans where enough distinct vantage points are marked at once', () => {
    const marks = [
      { vantage: 'a', from: 0, to: 10 },
      { vantage: 'a', from: 5, to: 20 },
      { vantage: 'b', from: 8, to: 12 },
      { vantage: 'c', from: 11, to: 30 },
      { vantage: 'b', from: 25, to: 40 },
    ];
    expect(coincidences(marks, 2)).toEqual([
      { from: 8, to: 20 },
      { from: 25, to: 30 },
    ]);
    expect(coincidences(marks, 3)).toEqual([{ from: 11, to: 12 }]);
    expect(coincidences(marks, 4)).toEqual([]);
  });

  it('knows how few failures can make a series failed', () => {
    const detection = scenario().config.detection;
    // Three failures in a row (or in the short window), nineteen in a full 30 s ratio window.
    expect(fewestFailing(detection, detection.minSamples, 5)).toBe(3);
    expect(fewestFailing(detection, 30, 30)).toBe(19);
    expect(fewestFailing(detection, 15, 30)).toBeLessThan(19);
  });

  it.each<[string, number[], { from: number; to: number }[]]>([
    ['one failed read is noise', [5000], []],
    ['two reads in a row make the writer failing until the next read', [5000, 6000], [{ from: 5000, to: 7000 }]],
    ['a longer run is one span', [5000, 6000, 7000], [{ from: 5000, to: 8000 }]],
    ['reads failing apart are not a run', [5000, 7000, 9000, 10_000], [{ from: 9000, to: 11_000 }]],
  ])('finds where reads failing for nothing make the writer failing: %s', (_what, failures, spans) => {
    expect(writerFailingSpans(failures, 1000)).toEqual(spans);
  });

  it('assumes the smallest quorum the deployment can need: fewer when replicas may fall silent', () => {
    expect(smallestQuorum(scenario(), 4)).toBe(3);
    expect(smallestQuorum(scenario({ delivery: { late: 0.2, maxLate: '8s' } }), 4)).toBe(2);
    expect(smallestQuorum(scenario({ incidents: [{ kind: 'starve', vantage: 'us-west-2', lag: '1s', at: '1m', for: '1m' }] }), 4)).toBe(2);
  });

  it.each(['bursty-loss', 'flaky-vantage', 'late-delivery', 'starved-observer'])('%s: stepping only where a flip is possible finds the same flips as stepping around every disturbance', (name) => {
    const profile = PROFILES.find((p) => p.name === name)!;
    const s = parseScenario(detectionWorkload(5, 45, profile).scenario);
    const flips = new Simulation(s).run({ mode: 'flips', engineLifetime: 'per-episode', timeline: false });
    const skip = new Simulation(s).run({ mode: 'skip', engineLifetime: 'per-episode', timeline: false });
    // The same flips, from and to the same regions, at most a tick apart: each run starts a fresh
    // engine at the start of each stretch it steps, and the stretches differ.
    const moves = (run: typeof skip) => run.flips.map((f) => `${f.from} -> ${f.to}`);
    expect(flips.flips.length).toBeGreaterThan(0);
    expect(moves(flips)).toEqual(moves(skip));
    flips.flips.forEach((f, i) => expect(Math.abs(f.at - skip.flips[i]!.at)).toBeLessThanOrEqual(s.config.probe.interval));
    expect(flips.steps).toBeLessThan(skip.steps / 3);
  }, 60_000);
});
