import { describe, expect, it } from 'vitest';
import { NOISE_PROFILES, NoiseStream, type NoiseProfile } from '../../../../controller/sim/noise.js';
import { streamKey } from '../../../../controller/sim/random.js';

const heavy: NoiseProfile = { loss: 0.01, timeouts: 0.01, spikes: { rate: 0.01, maxDuration: 3000, minAdded: 100, maxAdded: 900 }, bursts: { rate: 0, minDuration: 3000, maxDuration: 10_000 }, apiErrors: 0 };

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

describe('NoiseStream: bursts of loss', () => {
  const bursty: NoiseProfile = { ...NOISE_PROFILES.none, bursts: { rate: 0.01, minDuration: 3000, maxDuration: 10_000 } };

  it('loses every probe of a burst, each burst lasting 3-10 probes', () => {
    const noise = new NoiseStream(streamKey(5, 'b'), bursty, 1000);
    const events = noise.eventsBetween(0, 100_000);
    expect(events.length).toBeGreaterThan(0.01 * 100_000 * 0.9);
    for (const event of events.slice(0, 200)) {
      expect(event.kind).toBe('burst');
      expect(event.length).toBeGreaterThanOrEqual(3);
      expect(event.length).toBeLessThanOrEqual(10);
      for (let p = event.probe; p < event.probe + event.length; p++) expect(noise.effectAt(p)?.lost).toBe(true);
    }
  });

  it('lists the probes noise fails outright, and leaves out spikes below the timeout', () => {
    const mixed: NoiseProfile = { ...bursty, spikes: { rate: 0.01, maxDuration: 1000, minAdded: 100, maxAdded: 200 } };
    const noise = new NoiseStream(streamKey(6, 'b'), mixed, 1000);
    const runs = noise.failingRuns(0, 10_000, 700);
    const bursts = noise.eventsBetween(0, 10_000).filter((e) => e.kind === 'burst');
    expect(runs).toEqual(bursts.map((e) => [e.probe, e.probe + e.length - 1]));
  });
});
