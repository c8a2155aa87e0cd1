import type { Millis } from '../../kernel/time.js';
import { poisson, uniform, type StreamKey } from './random.js';

/**
 * Background noise: what a healthy network does to probes. Rates are per probe. Noise events are
 * sampled per block of probes (a Poisson count, then positions), from the stream's counter-based
 * randomness, so the noise at probe n is known without looking at probes 0..n-1 and the simulator
 * can jump straight from one noise event to the next.
 */
export interface NoiseProfile {
  /** Probes lost (connection reset). */
  loss: number;
  /** Probes that time out. */
  timeouts: number;
  /** Latency spikes: a run of consecutive probes of one stream slowed down. */
  spikes: {
    rate: number;
    /** Longest spike; each lasts between one probe and this. */
    maxDuration: Millis;
    minAdded: Millis;
    maxAdded: Millis;
  };
  /** Bursts of loss: a run of consecutive probes of one stream lost (a flapping route on one path). */
  bursts: {
    rate: number;
    minDuration: Millis;
    maxDuration: Millis;
  };
  /** Database status reads that fail although the writer is fine, per read. */
  apiErrors: number;
}

const NO_BURSTS = { rate: 0, minDuration: 3000, maxDuration: 10_000 };

export const NOISE_PROFILES = {
  none: { loss: 0, timeouts: 0, spikes: { rate: 0, maxDuration: 1000, minAdded: 0, maxAdded: 0 }, bursts: NO_BURSTS, apiErrors: 0 },
  /** Roughly one probe in 1,250 disturbed: what a healthy multi-region network looks like from a prober. */
  default: { loss: 0.0003, timeouts: 0.0002, spikes: { rate: 0.0003, maxDuration: 4000, minAdded: 200, maxAdded: 1500 }, bursts: NO_BURSTS, apiErrors: 0.0002 },
  /** Ten times the default: a bad day on the network, for stress runs. */
  noisy: { loss: 0.003, timeouts: 0.002, spikes: { rate: 0.003, maxDuration: 4000, minAdded: 200, maxAdded: 1500 }, bursts: NO_BURSTS, apiErrors: 0.002 },
  /** 5% of probes lost, 4 points of it in per-path bursts of 3-10 s (one burst start per ~160 probes of a path). */
  bursty: { loss: 0.01, timeouts: 0.0002, spikes: { rate: 0.0003, maxDuration: 4000, minAdded: 200, maxAdded: 1500 }, bursts: { rate: 0.04 / 6.5, minDuration: 3000, maxDuration: 10_000 }, apiErrors: 0.0002 },
} as const satisfies Record<string, NoiseProfile>;

export type NoiseProfileName = keyof typeof NOISE_PROFILES;

export type NoiseKind = 'loss' | 'timeout' | 'spike' | 'burst';

export interface NoiseEvent {
  kind: NoiseKind;
  /** Index of the first probe affected. */
  probe: number;
  /** Number of consecutive probes affected (1 except for spikes and bursts). */
  length: number;
  addedMs: number;
}

/** What noise does to one probe. */
export interface NoiseEffect {
  lost: boolean;
  timedOut: boolean;
  addedMs: number;
}

const BLOCK = 4096;
const CACHED_BLOCKS = 8;

/** The noise of one probe stream (one vantage point probing one service of one region). */
export class NoiseStream {
  private readonly cache = new Map<number, NoiseEvent[]>();
  private readonly rate: number;
  private readonly intervalMs: Millis;
  /** Longest run of probes one event affects. */
  readonly maxLength: number;

  constructor(
    private readonly stream: StreamKey,
    private readonly profile: NoiseProfile,
    intervalMs: Millis,
  ) {
    this.rate = profile.loss + profile.timeouts + profile.spikes.rate + profile.bursts.rate;
    this.intervalMs = intervalMs;
    const longest = Math.max(profile.spikes.maxDuration, profile.bursts.rate > 0 ? profile.bursts.maxDuration : 0);
    this.maxLength = Math.max(1, Math.ceil(longest / intervalMs));
  }

  /** Events starting in block `block`, ordered by probe. */
  private block(block: number): NoiseEvent[] {
    const cached = this.cache.get(block);
    if (cached) return cached;
    const events: NoiseEvent[] = [];
    const count = poisson(this.rate * BLOCK, uniform(this.stream, block, 1));
    const { loss, timeouts, spikes, bursts } = this.profile;
    for (let i = 0; i < count; i++) {
      // Each event draws from its own counter (block, i) so counts and positions stay independent.
      const counter = block * 1024 + i;
      const probe = block * BLOCK + Math.floor(uniform(this.stream, counter, 2) * BLOCK);
      const pick = uniform(this.stream, counter, 3) * this.rate;
      if (pick < loss) events.push({ kind: 'loss', probe, length: 1, addedMs: 0 });
      else if (pick < loss + timeouts) events.push({ kind: 'timeout', probe, length: 1, addedMs: 0 });
      else if (pick < loss + timeouts + bursts.rate) {
        const lasting = bursts.minDuration + (bursts.maxDuration - bursts.minDuration) * uniform(this.stream, counter, 4);
        events.push({ kind: 'burst', probe, length: Math.max(1, Math.round(lasting / this.intervalMs)), addedMs: 0 });
      } else {
        const length = 1 + Math.floor(uniform(this.stream, counter, 4) * this.maxLength);
        const addedMs = spikes.minAdded + (spikes.maxAdded - spikes.minAdded) * uniform(this.stream, counter, 5);
        events.push({ kind: 'spike', probe, length, addedMs });
      }
    }
    events.sort((a, b) => a.probe - b.probe);
    if (this.cache.size >= CACHED_BLOCKS) this.cache.delete(this.cache.keys().next().value as number);
    this.cache.set(block, events);
    return events;
  }

  /** Events whose first probe is in [fromProbe, toProbe). */
  eventsBetween(fromProbe: number, toProbe: number): NoiseEvent[] {
    if (this.rate === 0) return [];
    const out: NoiseEvent[] = [];
    for (let b = Math.floor(fromProbe / BLOCK); b * BLOCK < toProbe; b++) {
      for (const event of this.block(b)) if (event.probe >= fromProbe && event.probe < toProbe) out.push(event);
    }
    return out;
  }

  /**
   * Runs of probes in [fromProbe, toProbe) that noise fails outright (lost, timed out, or slowed by
   * at least `failsIfAdded`), as `[first, last]` probe indices in order.
   */
  failingRuns(fromProbe: number, toProbe: number, failsIfAdded: Millis): [number, number][] {
    const runs: [number, number][] = [];
    for (const event of this.eventsBetween(fromProbe - this.maxLength, toProbe)) {
      if (event.kind === 'spike' && event.addedMs < failsIfAdded) continue;
      runs.push([event.probe, event.probe + event.length - 1]);
    }
    return runs;
  }

  /** The combined effect of every event covering probe `probe`, or undefined when it is undisturbed. */
  effectAt(probe: number): NoiseEffect | undefined {
    if (this.rate === 0) return undefined;
    let effect: NoiseEffect | undefined;
    for (const event of this.eventsBetween(probe - this.maxLength + 1, probe + 1)) {
      if (probe >= event.probe + event.length) continue;
      effect ??= { lost: false, timedOut: false, addedMs: 0 };
      if (event.kind === 'loss' || event.kind === 'burst') effect.lost = true;
      else if (event.kind === 'timeout') effect.timedOut = true;
      else effect.addedMs += event.addedMs;
    }
    return effect;
  }
}
