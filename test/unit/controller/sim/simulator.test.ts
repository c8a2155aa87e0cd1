import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../../../controller/sim/scenario.js';
import { simulate, Simulation, type SimulationResult } from '../../../../controller/sim/simulator.js';
import { renderTimeline } from '../../../../controller/sim/timeline.js';
import { examplePath, scenario } from './fixture.js';

const MINUTE = 60_000;
const run = (name: string) => {
  const s = loadScenario(examplePath(name));
  return { s, result: simulate(s) };
};
const offsets = (result: SimulationResult) => result.flips.map((f) => f.at - result.startAt);

describe('simulate: deterministic replays', () => {
  it('gives identical output for the same scenario and seed', () => {
    const s = loadScenario(examplePath('flapping'));
    expect(simulate(s)).toEqual(simulate(loadScenario(examplePath('flapping'))));
  });

  it('draws different noise for a different seed', () => {
    const s = loadScenario(examplePath('background-noise'));
    const a = simulate(s);
    const b = simulate({ ...s, seed: s.seed + 1 });
    expect(renderTimeline(a.timeline)).not.toEqual(renderTimeline(b.timeline));
  });
});

describe('simulate: skipping quiet stretches changes nothing', () => {
  it.each(['flapping', 'gray-failure', 'latency-brownout', 'vantage-isolated'])('%s: skip and dense modes decide alike', (name) => {
    const s = { ...loadScenario(examplePath(name)), noise: loadScenario(examplePath('background-noise')).noise };
    const dense = simulate(s, { mode: 'dense' });
    const skip = simulate(s, { mode: 'skip' });
    expect(skip.flips).toEqual(dense.flips);
    expect(skip.decisions).toEqual(dense.decisions);
    expect(skip.timeline).toEqual(dense.timeline);
  });

  it('also when a stretch starts soon after the previous one (no observation fed twice)', () => {
    // A 2 s blip, then an outage starting just after the blip's stretch ends: the second stretch's
    // catch-up window overlaps what the first one already fed.
    const s = scenario({
      duration: '3m',
      route53: undefined,
      incidents: [
        { kind: 'outage', region: 'us-east-1', at: '60s', for: '2s' },
        { kind: 'outage', region: 'us-east-1', at: '99s', for: '30s' },
      ],
    });
    const skip = simulate(s, { mode: 'skip' });
    expect(skip.episodes).toBe(3);
    expect(skip.timeline).toEqual(simulate(s, { mode: 'dense' }).timeline);
  });
});

describe('simulate: each scenario kind', () => {
  it.each([
    // The region under the app fails too (its writer stops answering): seconds.
    ['regional-outage', 1 * MINUTE, 8_000],
    ['region-hang', 1 * MINUTE, 8_000],
    // The app alone, half its probes past the timeout: staying costs less, so it waits out blip tolerance first.
    ['latency-brownout', 1 * MINUTE, 45_000],
  ])('%s: fails over to a healthy standby soon after the incident', (name, start, within) => {
    const { result } = run(name);
    expect(result.flips).toHaveLength(1);
    const [flip] = result.flips;
    expect(flip!.from).toBe('us-east-1');
    expect(['us-west-2', 'eu-west-1']).toContain(flip!.to);
    expect(offsets(result)[0]).toBeGreaterThan(start);
    expect(offsets(result)[0]).toBeLessThanOrEqual(start + within);
    // The simulated executor reports the plan finished `planDuration` later.
    const finished = result.decisions.find((d) => d.kind === 'plan-finished');
    expect(finished?.at).toBe(flip!.at + 20_000);
  });

  it('app blips: no failover on 10 s blips of each kind while the region is healthy; a failover on a minute-long app outage, naming the cost terms', () => {
    const { result } = run('app-blips');
    expect(result.flips).toHaveLength(1);
    expect(offsets(result)[0]).toBeGreaterThan(6 * MINUTE + 10_000);
    expect(offsets(result)[0]).toBeLessThan(6 * MINUTE + 20_000);
    expect(result.flips[0]!.reason).toMatch(/cost of staying [\d.]+ exceeds cost of moving [\d.]+ \(staying: app unreachable 1\/s; writer reachable, replication flowing; moving: failover 11/);
  });

  it('slow onset: fails over within a minute of the error rate crossing the failure ratio', () => {
    const { result } = run('slow-onset');
    expect(result.flips).toHaveLength(1);
    const crossing = 1 * MINUTE + (2 * MINUTE * 0.5) / 0.8;
    expect(offsets(result)[0]).toBeGreaterThan(crossing);
    expect(offsets(result)[0]).toBeLessThan(crossing + MINUTE);
  });

  it('starved observers: no region judged failed, no failover', () => {
    const { result } = run('starved-observers');
    expect(result.flips).toEqual([]);
    expect(result.timeline.filter((e) => e.kind === 'verdict' && / -> failed/.test(e.text))).toEqual([]);
  });

  it('global failure: never fails over, and says the failure is global', () => {
    const { result } = run('global-failure');
    expect(result.flips).toEqual([]);
    const reasons = result.decisions.map((d) => d.reason);
    expect(reasons.some((r) => /no failover: global: .*failover cannot help/.test(r))).toBe(true);
  });

  it.each(['vantage-cutoff', 'vantage-isolated', 'background-noise'])('%s: no failover', (name) => {
    expect(run(name).result.flips).toEqual([]);
  });

  it('an isolated vantage point is recognised as the observer being cut off', () => {
    const { result } = run('vantage-isolated');
    expect(result.timeline.some((e) => e.kind === 'classification' && e.text.startsWith('observer: eu-west-1'))).toBe(true);
  });

  it('gray failure: no failover below the failure threshold, failover above it', () => {
    const { result } = run('gray-failure');
    expect(result.flips).toHaveLength(1);
    expect(offsets(result)[0]).toBeGreaterThan(5 * MINUTE);
  });

  it('flapping: no failover on short blips, failover on long down phases', () => {
    const { result } = run('flapping');
    expect(result.flips).toHaveLength(1);
    expect(offsets(result)[0]).toBeGreaterThan(6 * MINUTE);
  });

  it('prints a readable timeline', () => {
    const text = renderTimeline(run('regional-outage').result.timeline);
    expect(text).toMatch(/^t\+1m00\.0s +incident +begins: outage of us-east-1 \(connections refused\) for 2m$/m);
    expect(text).toMatch(/^t\+1m0\d\.0s +decision +failover us-east-1 -> us-west-2: regional outage confirmed by/m);
  });
});

describe('simulate: engine lifetime', () => {
  const twoOutages = scenario({
    duration: '8m',
    incidents: [
      { kind: 'outage', region: 'us-east-1', at: '1m', for: '1m' },
      { kind: 'outage', region: 'us-east-1', at: '5m', for: '1m' },
    ],
  });

  it('continuous: the second outage hits a region that is no longer primary', () => {
    const result = simulate(twoOutages, { engineLifetime: 'continuous' });
    expect(result.flips.map((f) => `${f.from}->${f.to}`)).toEqual(['us-east-1->us-west-2']);
  });

  it('per-episode: each stretch starts fresh, so each outage is judged on its own', () => {
    const result = simulate(twoOutages, { engineLifetime: 'per-episode', timeline: false });
    expect(result.flips.map((f) => `${f.from}->${f.to}`)).toEqual(['us-east-1->us-west-2', 'us-east-1->us-west-2']);
    expect(result.decisions).toEqual([]);
  });

  it('skips quiet stretches: a quiet hour takes only the steps that fill the windows at the start', () => {
    const quiet = new Simulation(scenario({ duration: '1h' }));
    const [span, ...rest] = quiet.awakeSpans('skip');
    expect(rest).toEqual([]);
    expect(span!.from).toBe(quiet.scenario.startAt);
    expect(span!.to - span!.from).toBeLessThan(40_000);
    expect(quiet.run().steps).toBeLessThan(40);
  });

  it('skips most of an hour of the default background noise', () => {
    const noisy = scenario({ duration: '1h', noise: 'default' });
    const skip = simulate(noisy, { mode: 'skip' });
    expect(skip.steps).toBeLessThan(simulate(noisy, { mode: 'dense' }).steps / 2);
  });
});
