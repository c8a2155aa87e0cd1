import type { Config } from '../config/schema.js';
import { HealthWindows } from '../domain/health-windows.js';
import type { Millis } from '../../kernel/time.js';
import type { Observation, WindowSummary } from '../domain/types.js';
import { streamKey, uniform, type StreamKey } from './random.js';
import type { Scenario } from './scenario.js';

/**
 * The other replicas as the lease holder sees them, the way production wires them: each keeps its
 * own windows of what it probes, on its own clock, and publishes a summary every interval; the
 * store keeps each replica's newest publication (by the publisher's own timestamp, so a late
 * delivery never replaces a newer one); the holder reads what the store holds at its own tick.
 * Delivery takes up to `delivery.delay`, and a share `delivery.late` of publications take up to
 * `delivery.maxLate` more (arriving out of order). A replica's clock offset (`skew`) shifts every
 * timestamp it publishes.
 */

interface Publication {
  /** When it was made (true time) and when the store has it. */
  at: Millis;
  deliveredAt: Millis;
  summaries: WindowSummary[];
}

class Peer {
  windows: HealthWindows;
  /** Publications made and not yet in the store. */
  private pending: Publication[] = [];
  /** The publication the store holds. */
  stored: Publication | undefined;
  /** The last publication made. */
  private lastPublished = -Infinity;
  private readonly stream: StreamKey;

  constructor(
    readonly vantage: string,
    private readonly settings: Config,
    private readonly firstPublish: Millis,
    private readonly interval: Millis,
    private readonly delivery: Scenario['delivery'],
    private readonly skewMs: Millis,
    /** Publications older than this before a read cannot be what the store holds then. */
    private readonly lookbackMs: Millis,
    seed: number,
  ) {
    this.windows = new HealthWindows(settings);
    this.stream = streamKey(seed, 'delivery', vantage);
  }

  reset(): void {
    this.windows = new HealthWindows(this.settings);
    this.pending = [];
    this.stored = undefined;
    this.lastPublished = -Infinity;
  }

  private deliveryDelay(publication: number): Millis {
    const { delay, late, maxLate } = this.delivery;
    const base = delay * uniform(this.stream, publication, 1);
    return late > 0 && uniform(this.stream, publication, 2) < late ? base + maxLate * uniform(this.stream, publication, 3) : base;
  }

  /** Takes the replica's observations (sorted by `at`, none before the last call's) up to `now`: publishes and delivers. */
  advance(observations: readonly Observation[], now: Millis): void {
    let next = 0;
    const firstIndex = Math.max(0, Math.floor((this.lastPublished - this.firstPublish) / this.interval) + 1, Math.ceil((now - this.lookbackMs - this.firstPublish) / this.interval));
    for (let k = firstIndex; this.firstPublish + k * this.interval <= now; k++) {
      const at = this.firstPublish + k * this.interval;
      while (next < observations.length && observations[next]!.at <= at) this.windows.add(observations[next++]!);
      const summaries = this.windows.summarize(at).map((s) => (this.skewMs === 0 ? s : { ...s, lastAt: s.lastAt + this.skewMs }));
      this.pending.push({ at, deliveredAt: at + this.deliveryDelay(k), summaries });
      this.lastPublished = at;
    }
    while (next < observations.length) this.windows.add(observations[next++]!);
    const arrived = this.pending.filter((p) => p.deliveredAt <= now);
    this.pending = this.pending.filter((p) => p.deliveredAt > now);
    for (const publication of arrived) if (!this.stored || publication.at > this.stored.at) this.stored = publication;
  }
}

export class PeerReplicas {
  private readonly peers: Peer[];

  constructor(scenario: Scenario, vantages: readonly string[]) {
    const interval = scenario.config.probe.interval;
    const lookback = PeerReplicas.lookback(scenario);
    this.peers = vantages.map((vantage) => {
      const phase = Math.floor(uniform(streamKey(scenario.seed, 'publish', vantage), 0) * interval);
      return new Peer(vantage, scenario.config, scenario.startAt + phase, interval, scenario.delivery, scenario.skew[vantage] ?? 0, lookback, scenario.seed);
    });
  }

  /** How long before a tick a peer's observations still matter to what the holder reads at that tick. */
  static lookback(scenario: Scenario): Millis {
    const { detection, probe } = scenario.config;
    return Math.max(detection.window, detection.ratioWindow, detection.staleAfter) + scenario.delivery.delay + (scenario.delivery.late > 0 ? scenario.delivery.maxLate : 0) + probe.interval;
  }

  vantages(): string[] {
    return this.peers.map((p) => p.vantage);
  }

  /** Forgets every peer's windows and publications (a fresh episode: every replica restarted). */
  reset(): void {
    for (const peer of this.peers) peer.reset();
  }

  /** Feeds each peer its observations (by vantage, sorted by `at`) up to `now`. */
  advance(observations: ReadonlyMap<string, readonly Observation[]>, now: Millis): void {
    for (const peer of this.peers) peer.advance(observations.get(peer.vantage) ?? [], now);
  }

  /** What the store holds now: every peer's newest delivered publication. */
  read(): WindowSummary[] {
    return this.peers.flatMap((p) => p.stored?.summaries ?? []);
  }
}
