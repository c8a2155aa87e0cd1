import { describe, expect, it } from 'vitest';
import type { Incident } from '../../../../controller/sim/scenario.js';
import { World } from '../../../../controller/sim/world.js';

const START = 1_000_000;
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'];
const world = (...incidents: Incident[]) => new World(incidents, START, REGIONS);
const at = (ms: number) => START + ms;

describe('World: what incidents do to a probe', () => {
  it.each<[string, Incident, { vantage: string; region: string }, object | undefined]>([
    ['an outage refuses connections', { kind: 'outage', region: 'us-east-1', at: 0, for: 10_000 }, { vantage: 'us-west-2', region: 'us-east-1' }, { refused: true, hang: false }],
    ['an outage leaves other regions alone', { kind: 'outage', region: 'us-east-1', at: 0, for: 10_000 }, { vantage: 'us-west-2', region: 'eu-west-1' }, undefined],
    ['a hang never answers', { kind: 'hang', region: 'us-east-1', at: 0, for: 10_000 }, { vantage: 'eu-west-1', region: 'us-east-1' }, { hang: true }],
    ['a gray failure answers some errors', { kind: 'gray', region: 'us-east-1', errorRate: 0.5, status: 503, at: 0, for: 10_000 }, { vantage: 'eu-west-1', region: 'us-east-1' }, { errorRate: 0.5, errorStatus: 503 }],
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
    const w = world({ kind: 'outage', region: 'us-east-1', at: 1000, for: 2000 });
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
      { kind: 'gray', region: 'us-east-1', errorRate: 0.5, status: 500, at: 0, for: 10_000 },
      { kind: 'global', mode: 'errors', errorRate: 0.5, status: 429, at: 0, for: 10_000 },
      { kind: 'brownout', region: 'us-east-1', addedLatency: 300, spread: 0, at: 0, for: 10_000 },
    );
    expect(w.effect('us-west-2', 'us-east-1', 'api', at(1))).toMatchObject({ errorRate: 0.75, addedMs: 300 });
  });

  it('limits an incident to its services', () => {
    const w = world({ kind: 'outage', region: 'us-east-1', services: ['admin'], at: 0, for: 10_000 });
    expect(w.effect('us-west-2', 'us-east-1', 'api', at(1))).toBeUndefined();
    expect(w.effect('us-west-2', 'us-east-1', 'admin', at(1))?.refused).toBe(true);
    expect(w.replicaDown('us-east-1', at(1))).toBe(false);
  });

  it('takes a region\'s replica down with a whole-region outage or hang, not with errors', () => {
    expect(world({ kind: 'outage', region: 'us-east-1', at: 0, for: 10_000 }).replicaDown('us-east-1', at(1))).toBe(true);
    expect(world({ kind: 'hang', region: 'us-east-1', at: 0, for: 10_000 }).replicaDown('us-east-1', at(1))).toBe(true);
    expect(world({ kind: 'gray', region: 'us-east-1', errorRate: 1, status: 503, at: 0, for: 10_000 }).replicaDown('us-east-1', at(1))).toBe(false);
  });

  it('keeps cut-offs off the local path', () => {
    const w = world({ kind: 'isolation', vantage: 'us-east-1', at: 0, for: 10_000 });
    expect(w.effect('us-east-1', 'us-east-1', 'api', at(1), 'local')).toBeUndefined();
    expect(w.reachableRegions('us-east-1', at(1))).toBe(0);
    expect(world({ kind: 'cutoff', vantage: 'us-east-1', region: 'eu-west-1', at: 0, for: 10_000 }).reachableRegions('us-east-1', at(1))).toBe(2);
  });

  it('finds active incidents among many, and knows quiet stretches', () => {
    const many: Incident[] = Array.from({ length: 500 }, (_, i) => ({ kind: 'outage', region: REGIONS[i % 3]!, at: i * 100_000, for: 10_000 + (i % 7) * 1000 }));
    const w = world(...many);
    expect(w.activeAt(at(250 * 100_000 + 5000)).map((i) => i.index)).toEqual([250]);
    expect(w.activeAt(at(250 * 100_000 + 50_000))).toEqual([]);
    expect(w.quietBetween(at(250 * 100_000 + 20_000), at(250 * 100_000 + 90_000))).toBe(true);
    expect(w.quietBetween(at(250 * 100_000 + 20_000), at(251 * 100_000))).toBe(false);
    expect(w.quietBetween(at(250 * 100_000 + 9_000), at(250 * 100_000 + 90_000))).toBe(false);
  });
});
