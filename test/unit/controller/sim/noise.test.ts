import { describe, expect, it } from 'vitest';
import { NOISE_PROFILES, NoiseStream, type NoiseProfile } from '../../../../controller/sim/noise.js';
import { streamKey } from '../../../../controller/sim/random.js';

const heavy: NoiseProfile = { loss: 0.01, timeouts: 0.01, spikes: { rate: 0.01, maxDuration: 3000, minAdded: 100, maxAdded: 900 } };

describe('NoiseStream', () => {
  it('produces no events for the quiet profile', () => {
    const noise = new NoiseStream(streamKey(1, 'n'), NOISE_PROFILES.none, 1000);
    expect(noise.eventsBetween(0, 100_000)).toEqual([]);
    expect(noise.effectAt(42)).toBeUndefined();
  });

  it('samples events at about the profile rate, with every kind present', () => {
    const noise = new NoiseStream(streamKey(2, 'n'), heavy, 1000);
    const events = noise.eventsBetween(0, 200_000);
    expect(events.length).toBeGreaterThan(0.03 * 200_000 * 0.9);
    expect(events.length).toBeLessThan(0.03 * 200_000 * 1.1);
    expect(new Set(events.map((e) => e.kind))).toEqual(new Set(['loss', 'timeout', 'spike']));
    for (const event of events.filter((e) => e.kind === 'spike')) {
      expect(event.length).toBeGreaterThanOrEqual(1);
      expect(event.length).toBeLessThanOrEqual(3);
      expect(event.addedMs).toBeGreaterThanOrEqual(100);
      expect(event.addedMs).toBeLessThan(900);
    }
  });

  it('answers effectAt consistently with the events, whatever was asked before', () => {
    const events = new NoiseStream(streamKey(3, 'n'), heavy, 1000).eventsBetween(0, 20_000);
    // A fresh stream asked in reverse order, across block boundaries, agrees with the event list.
    const fresh = new NoiseStream(streamKey(3, 'n'), heavy, 1000);
    for (let probe = 19_999; probe >= 3; probe--) {
      const covering = events.filter((e) => probe >= e.probe && probe < e.probe + e.length);
      const effect = fresh.effectAt(probe);
      if (covering.length === 0) expect(effect).toBeUndefined();
      else {
        expect(effect?.lost).toBe(covering.some((e) => e.kind === 'loss'));
        expect(effect?.timedOut).toBe(covering.some((e) => e.kind === 'timeout'));
        expect(effect?.addedMs).toBeCloseTo(covering.reduce((sum, e) => sum + e.addedMs, 0));
      }
    }
  });

  it('returns only events starting in the asked range', () => {
    const noise = new NoiseStream(streamKey(4, 'n'), heavy, 1000);
    const all = noise.eventsBetween(0, 10_000);
    const split = [...noise.eventsBetween(0, 4100), ...noise.eventsBetween(4100, 10_000)];
    expect(split).toEqual(all);
  });
});
