import { describe, expect, it } from 'vitest';
import type { Incident } from '../../../../controller/sim/scenario.js';
import { World } from '../../../../controller/sim/world.js';

const START = 1_000_000;
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'];
const world = (...incidents: Incident[]) => new World(incidents, START, REGIONS);
const at = (ms: number) => START + ms;

describe('World: what incidents do to a probe', () => {
  it.each<[string, Incident, { vantage: string; region: string }, object | undefined]>([
    ['an outage refuses connections', { kind: 'outage', scope: 'region', region: 'us-east-1', at: 0, for: 10_000 }, { vantage: 'us-west-2', region: 'us-east-1' }, { refused: true, hang: false }],
    ['an outage leaves other regions alone', { kind: 'outage', scope: 'region', region: 'us-east-1', at: 0, for: 10_000 }, { vantage: 'us-west-2', region: 'eu-west-1' }, undefined],
    ['a hang never answers', { kind: 'hang', scope: 'region', region: 'us-east-1', at: 0, for: 10_000 }, { vantage: 'eu-west-1', region: 'us-east-1' }, { hang: true }],
    ['a gray failure answers some errors', { kind: 'gray', region: 'us-east-1', errorRate: 0.5, status: 503, rampUp: 0, at: 0, for: 10_000 }, { vantage: 'eu-west-1', region: 'us-east-1' }, { errorRate: 0.5, errorStatus: 503 }],
    ['a brownout adds latency', { kind: 'brownout', region: 'us-east-1', addedLatency: 700, spread: 0.2, at: 0, for: 10_000 }, { vantage: 'eu-west-1', region: 'us-east-1' }, { addedMs: 700, spread: 0.2 }],
    ['a global hang hits every region', { kind: 'global', mode: 'hang', errorRate: 1, status: 429, at: 0, for: 10_000 }, { vantage: 'us-east-1', region: 'eu-west-1' }, { hang: true }],
    ['a global error storm hits every region', { kind: 'global', mode: 'errors', errorRate: 1, status: 429, at: 0, for: 10_000 }, { vantage: 'us-west-2', region: 'us-west-2' }, { errorRate: 1, errorStatus: 429 }],
    ['a cut-off hits its vantage point and region', { kind: 'cutoff', vantage: 'us-west-2', region: 'us-east-1', at: 0, for: 10_000 }, { vantage: 'us-west-2', region: 'us-east-1' }, { hang: true }],
    ['a cut-off spares other vantage points', { kind: 'cutoff', vantage: 'us-west-2', region: 'us-east-1', at: 0, for: 10_000 }, { vantage: 'eu-west-1', region: 'us-east-1' }, undefined],
    ['an isolation hits every region from its vantage point', { kind: 'isolation', vantage: 'eu-west-1', at: 0, for: 10_000 }, { vantage: 'eu-west-1', region: 'us-west-2' }, { hang: true }],
  ])('%s', (_what, incident, probe, expected) => {
    const effect = world(incident).effect(probe.vantage, probe.region, 'api', at(5000));
    if (expected === undefined) expect(effect).toBeUndefined();
    else expect(effect).toMatchObject(expected);
  });

  it('is active from start (inclusive) to end (exclusive)', () => {
    const w = world({ kind: 'outage', scope: 'region', region: 'us-east-1', at: 1000, for: 2000 });
    expect(w.effect('us-west-2', 'us-east-1', 'api', at(999))).toBeUndefined();
    expect(w.effect('us-west-2', 'us-east-1', 'api', at(1000))?.refused).toBe(true);
    expect(w.effect('us-west-2', 'us-east-1', 'api', at(2999))?.refused).toBe(true);
    expect(w.effect('us-west-2', 'us-east-1', 'api', at(3000))).toBeUndefined();
  });

  it('flaps: down for `down`, up for `up`, repeating', () => {
    const w = world({ kind: 'flapping', region: 'us-east-1', down: 2000, up: 3000, at: 0, for: 20_000 });
    const down = [0, 1999, 5000, 6999, 10_000].map((ms) => w.effect('us-west-2', 'us-east-1', 'api', at(ms))?.refused);
    const up = [2000, 4999, 7000, 9999].map((ms) => w.effect('us-west-2', 'us-east-1', 'api', at(ms)));
    expect(down).toEqual([true, true, true, true, true]);
    expect(up).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('combines overlapping incidents', () => {
    const w = world(
      { kind: 'gray', region: 'us-east-1', errorRate: 0.5, status: 500, rampUp: 0, at: 0, for: 10_000 },
      { kind: 'global', mode: 'errors', errorRate: 0.5, status: 429, at: 0, for: 10_000 },
      { kind: 'brownout', region: 'us-east-1', addedLatency: 300, spread: 0, at: 0, for: 10_000 },
    );
    expect(w.effect('us-west-2', 'us-east-1', 'api', at(1))).toMatchObject({ errorRate: 0.75, addedMs: 300 });
  });

  it('limits an incident to its services', () => {
    const w = world({ kind: 'outage', scope: 'region', region: 'us-east-1', services: ['admin'], at: 0, for: 10_000 });
    expect(w.effect('us-west-2', 'us-east-1', 'api', at(1))).toBeUndefined();
    expect(w.effect('us-west-2', 'us-east-1', 'admin', at(1))?.refused).toBe(true);
    expect(w.replicaDown('us-east-1', at(1))).toBe(false);
  });

  it('takes a region\'s replica down with a whole-region outage or hang, not with errors', () => {
    expect(world({ kind: 'outage', scope: 'region', region: 'us-east-1', at: 0, for: 10_000 }).replicaDown('us-east-1', at(1))).toBe(true);
    expect(world({ kind: 'hang', scope: 'region', region: 'us-east-1', at: 0, for: 10_000 }).replicaDown('us-east-1', at(1))).toBe(true);
    expect(world({ kind: 'gray', region: 'us-east-1', errorRate: 1, status: 503, rampUp: 0, at: 0, for: 10_000 }).replicaDown('us-east-1', at(1))).toBe(false);
  });

  it.each<[string, Incident, object]>([
    ['a 503 blip answers errors', { kind: 'blip', region: 'us-east-1', mode: '503', at: 0, for: 10_000 }, { errorRate: 1, errorStatus: 503 }],
    ['a restart blip refuses connections', { kind: 'blip', region: 'us-east-1', mode: 'restart', at: 0, for: 10_000 }, { refused: true }],
    ['a stall blip never answers', { kind: 'blip', region: 'us-east-1', mode: 'stall', at: 0, for: 10_000 }, { hang: true }],
    ['a flaky path loses a share of probes', { kind: 'flaky', vantage: 'us-west-2', loss: 0.5, at: 0, for: 10_000 }, { lossRate: 0.5 }],
  ])('%s, and the region under the app stays up', (_what, incident, expected) => {
    const w = world(incident);
    expect(w.effect('us-west-2', 'us-east-1', 'api', at(5000))).toMatchObject(expected);
    expect(w.replicaDown('us-east-1', at(5000))).toBe(false);
    expect(w.writerAnswers('us-east-1', at(5000), 1600)).toBe(true);
  });

  it('ramps a slow onset up to its error rate', () => {
    const w = world({ kind: 'gray', region: 'us-east-1', errorRate: 0.8, status: 503, rampUp: 100_000, at: 0, for: 200_000 });
    expect(w.effect('us-west-2', 'us-east-1', 'api', at(25_000))?.errorRate).toBeCloseTo(0.2);
    expect(w.effect('us-west-2', 'us-east-1', 'api', at(150_000))?.errorRate).toBeCloseTo(0.8);
  });

  it("knows the region's own signals: the writer of a region that is gone refuses at once, a hung one at the read's deadline; an app outage leaves it answering", () => {
    expect(world({ kind: 'outage', scope: 'region', region: 'us-east-1', at: 0, for: 10_000 }).writerAnswers('us-east-1', at(1), 1600)).toBe(false);
    const hung = world({ kind: 'hang', scope: 'region', region: 'us-east-1', at: 0, for: 10_000 });
    expect(hung.writerAnswers('us-east-1', at(1000), 1600)).toBe(true);
    expect(hung.writerAnswers('us-east-1', at(1600), 1600)).toBe(false);
    const app = world({ kind: 'outage', scope: 'app', region: 'us-east-1', at: 0, for: 10_000 });
    expect(app.effect('us-west-2', 'us-east-1', 'api', at(1))?.refused).toBe(true);
    expect(app.writerAnswers('us-east-1', at(1), 1600)).toBe(true);
    expect(app.replicaDown('us-east-1', at(1))).toBe(false);
  });

  it('cuts replication across a partition, and starves only its replica', () => {
    const w = world({ kind: 'partition', region: 'us-east-1', at: 1000, for: 10_000 }, { kind: 'starve', vantage: 'eu-west-1', lag: 700, at: 0, for: 5000 });
    expect(w.replicationCutSince('us-east-1', 'us-west-2', at(5000))).toBe(at(1000));
    expect(w.replicationCutSince('us-west-2', 'eu-west-1', at(5000))).toBeUndefined();
    expect(w.starvation('eu-west-1', at(100))).toBe(700);
    expect(w.starvation('us-west-2', at(100))).toBe(0);
    expect(w.effect('eu-west-1', 'us-west-2', 'api', at(100))).toBeUndefined();
  });

  it('keeps cut-offs off the local path', () => {
    const w = world({ kind: 'isolation', vantage: 'us-east-1', at: 0, for: 10_000 });
    expect(w.effect('us-east-1', 'us-east-1', 'api', at(1), 'local')).toBeUndefined();
    expect(w.reachableRegions('us-east-1', at(1))).toBe(0);
    expect(world({ kind: 'cutoff', vantage: 'us-east-1', region: 'eu-west-1', at: 0, for: 10_000 }).reachableRegions('us-east-1', at(1))).toBe(2);
  });

  it('answers activeAt alike whatever was asked before (it remembers the last answer while it holds)', () => {
    const incidents: Incident[] = [
      { kind: 'outage', scope: 'region', region: 'us-east-1', at: 0, for: 100_000 },
      { kind: 'cutoff', vantage: 'us-west-2', region: 'eu-west-1', at: 20_000, for: 10_000 },
      { kind: 'partition', region: 'eu-west-1', at: 50_000, for: 5_000 },
    ];
    const fresh = (ms: number) => world(...incidents).activeAt(at(ms)).map((i) => i.index);
    const reused = world(...incidents);
    for (const ms of [25_000, 5_000, 99_999, 52_000, 30_000, 29_999, 100_000, 55_000, 54_999, 20_000]) expect(reused.activeAt(at(ms)).map((i) => i.index)).toEqual(fresh(ms));
  });

  it('finds active incidents among many, and knows quiet stretches', () => {
    const many: Incident[] = Array.from({ length: 500 }, (_, i) => ({ kind: 'outage', scope: 'region', region: REGIONS[i % 3]!, at: i * 100_000, for: 10_000 + (i % 7) * 1000 }));
    const w = world(...many);
    expect(w.activeAt(at(250 * 100_000 + 5000)).map((i) => i.index)).toEqual([250]);
    expect(w.activeAt(at(250 * 100_000 + 50_000))).toEqual([]);
    expect(w.quietBetween(at(250 * 100_000 + 20_000), at(250 * 100_000 + 90_000))).toBe(true);
    expect(w.quietBetween(at(250 * 100_000 + 20_000), at(251 * 100_000))).toBe(false);
    expect(w.quietBetween(at(250 * 100_000 + 9_000), at(250 * 100_000 + 90_000))).toBe(false);
  });
});
