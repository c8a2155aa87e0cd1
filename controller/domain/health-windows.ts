import type { Config } from '../config/schema.js';
import type { Millis } from '../../kernel/time.js';
import type { Observation, ProbeOutcome, SignalKind, WindowCounts, WindowSummary } from './types.js';

interface Sample {
  at: Millis;
  outcome: ProbeOutcome;
  latencyMs: number;
  detail?: string;
}

interface Series {
  region: string;
  service: string;
  vantage: string;
  signal: SignalKind;
  samples: Sample[];
}

export type WindowSettings = Pick<Config, 'detection' | 'probe'>;

const seriesKey = (s: Pick<Observation, 'region' | 'service' | 'vantage' | 'signal'>) => `${s.region}|${s.service}|${s.vantage}|${s.signal}`;

/** A failure that got an answer (an HTTP status) is soft evidence; no answer at all (refused, reset, timed out) is harder. */
function unanswered(sample: Sample): boolean {
  return sample.outcome === 'timeout' || (sample.outcome === 'fail' && !sample.detail?.startsWith('HTTP '));
}

/** Where one published summary was first seen, on this process's clock. */
interface PeerSighting {
  localLastAt: Millis;
  seenAt: Millis;
  source?: WindowSummary;
  aged?: WindowSummary;
}

/**
 * Sliding windows of probe results, one per (region, service, vantage point, signal): a short window
 * (`detection.window`) for what is happening now and longer ones (twice that, and
 * `detection.ratioWindow`) for failure ratios that need more samples to be known. Pure data: it never reads the clock; `now` is passed in, always this process's own.
 *
 * It also ages other replicas' published summaries on this process's clock (`receive`): a summary
 * says how old its newest sample was when it was made (`ageMs`), and this process counts from when
 * it first saw that summary. Clocks are never compared across replicas, so a replica whose clock
 * runs ahead or behind is neither ignored nor trusted beyond what it says; a late delivery makes
 * a summary older by at most the delay, as it should.
 */
export class HealthWindows {
  private readonly series = new Map<string, Series>();
  private readonly peers = new Map<string, PeerSighting>();
  private readonly windowMs: Millis;
  /** The longer windows' lengths, shortest first; the last is the ratio window. */
  private readonly widerMs: Millis[];
  private readonly keepMs: Millis;
  private readonly latencyBudgetMs: number;
  /** A replica's summary whose newest probe result is older than this has stopped probing or publishing. */
  private readonly silentAfterMs: Millis;

  constructor(settings: WindowSettings) {
    const { window, ratioWindow } = settings.detection;
    this.windowMs = window;
    this.widerMs = [2 * window, ratioWindow].filter((w, i, all) => w > window && (i === all.length - 1 || w < all[all.length - 1]!));
    this.keepMs = Math.max(window, ratioWindow);
    this.latencyBudgetMs = settings.probe.latencyBudget;
    this.silentAfterMs = Math.min(settings.detection.staleAfter, 3 * settings.probe.interval);
  }

  add(observation: Observation): void {
    const key = seriesKey(observation);
    let series = this.series.get(key);
    if (!series) {
      series = { region: observation.region, service: observation.service, vantage: observation.vantage, signal: observation.signal, samples: [] };
      this.series.set(key, series);
    }
    const sample: Sample = { at: observation.at, outcome: observation.outcome, latencyMs: observation.latencyMs };
    if (observation.detail !== undefined) sample.detail = observation.detail;
    // Results usually arrive in order; a timeout can complete after a later probe, so keep order by `at`.
    const samples = series.samples;
    let index = samples.length;
    while (index > 0 && samples[index - 1]!.at > sample.at) index--;
    // The same reading offered twice (a database status read once, stepped on twice) counts once.
    if (index > 0 && samples[index - 1]!.at === sample.at && samples[index - 1]!.outcome === sample.outcome) return;
    samples.splice(index, 0, sample);
  }

  addAll(observations: readonly Observation[]): void {
    for (const observation of observations) this.add(observation);
  }

  /** What each series saw up to `now`. Series with no sample in the short window are omitted (a silent signal). */
  summarize(now: Millis): WindowSummary[] {
    const keepFrom = now - this.keepMs;
    const shortFrom = now - this.windowMs;
    const summaries: WindowSummary[] = [];
    for (const [key, series] of this.series) {
      const samples = series.samples;
      let drop = 0;
      while (drop < samples.length && samples[drop]!.at <= keepFrom) drop++;
      if (drop > 0) samples.splice(0, drop);
      if (samples.length === 0) {
        this.series.delete(key);
        continue;
      }
      const summary = this.summarizeSeries(series, shortFrom, now);
      if (summary) summaries.push(summary);
    }
    return summaries;
  }

  private summarizeSeries(series: Series, shortFrom: Millis, now: Millis): WindowSummary | undefined {
    const wider: WindowCounts[] = this.widerMs.map(() => ({ ok: 0, failed: 0, slow: 0 }));
    const widerFrom = this.widerMs.map((w) => now - w);
    let ok = 0;
    let failed = 0;
    let slow = 0;
    let unreachable = 0;
    let unknown = 0;
    let failStreak = 0;
    let unansweredStreak = 0;
    let okStreak = 0;
    let goodStreak = 0;
    let streakOpen = true;
    let lastAt = -Infinity;
    let lastDetail: string | undefined;
    const samples = series.samples;
    // Newest first: the streak and the latest detail come from the most recent samples.
    for (let i = samples.length - 1; i >= 0; i--) {
      const sample = samples[i]!;
      if (sample.at > now) continue;
      const recent = sample.at > shortFrom;
      if (sample.outcome === 'unknown') {
        if (recent) {
          unknown++;
          if (sample.at > lastAt) lastAt = sample.at;
        }
        continue;
      }
      const failure = sample.outcome !== 'ok';
      const tooSlow = !failure && sample.latencyMs > this.latencyBudgetMs;
      for (let w = 0; w < wider.length; w++) {
        if (sample.at <= widerFrom[w]!) continue;
        if (failure) wider[w]!.failed++;
        else if (tooSlow) wider[w]!.slow++;
        else wider[w]!.ok++;
      }
      if (streakOpen && failure && okStreak === 0) {
        if (failStreak === unansweredStreak && unanswered(sample)) unansweredStreak++;
        failStreak++;
      } else if (streakOpen && !failure && failStreak === 0) {
        if (okStreak === goodStreak && !tooSlow) goodStreak++;
        okStreak++;
      } else streakOpen = false;
      if (!recent) continue;
      if (sample.at > lastAt) lastAt = sample.at;
      if (failure) {
        failed++;
        if (unanswered(sample)) unreachable++;
        if (lastDetail === undefined && sample.detail !== undefined) lastDetail = sample.detail;
      } else if (tooSlow) {
        slow++;
        lastDetail ??= `slow: ${Math.round(sample.latencyMs)}ms`;
      } else ok++;
    }
    if (ok + failed + slow === 0 && unknown === 0) return undefined;
    const summary: WindowSummary = { region: series.region, service: series.service, vantage: series.vantage, signal: series.signal, ok, failed, slow, lastAt, ageMs: now - lastAt };
    if (unreachable > 0) summary.unreachable = unreachable;
    if (unknown > 0) summary.unknown = unknown;
    if (failStreak > 0) summary.failStreak = failStreak;
    if (unansweredStreak > 0) summary.unansweredStreak = unansweredStreak;
    if (okStreak > 0) summary.okStreak = okStreak;
    if (goodStreak > 0) summary.goodStreak = goodStreak;
    const longest = wider[wider.length - 1];
    if (longest && longest.ok + longest.failed + longest.slow > ok + failed + slow) summary.wider = wider;
    if (lastDetail !== undefined) summary.lastDetail = lastDetail;
    return summary;
  }

  /**
   * Other replicas' summaries with `lastAt` on this process's clock: first seen now, as old as the
   * publisher said. A summary without `ageMs` (an older publisher) keeps its own timestamp. A
   * probe summary whose newest result is more than three probe intervals old is left out: its
   * replica has stopped probing or publishing (it is down, or cut off from the store), and its
   * last opinion must not vouch for anything for the whole of `staleAfter`.
   */
  receive(summaries: readonly WindowSummary[], now: Millis): WindowSummary[] {
    const out: WindowSummary[] = [];
    for (const summary of summaries) {
      if (summary.ageMs === undefined) {
        out.push(summary);
        continue;
      }
      // Keyed by the publisher's own lastAt: the same publication read again keeps aging.
      const key = `${seriesKey(summary)}|${summary.lastAt}`;
      let sighting = this.peers.get(key);
      if (!sighting) {
        sighting = { localLastAt: now - summary.ageMs, seenAt: now };
        this.peers.set(key, sighting);
      } else sighting.seenAt = now;
      // The very same object offered again (a simulated store hands out what it holds) keeps its aged copy.
      if (sighting.source !== summary) {
        sighting.source = summary;
        sighting.aged = { ...summary, lastAt: sighting.localLastAt };
      }
      if (summary.signal === 'http' && now - sighting.localLastAt > this.silentAfterMs) continue;
      out.push(sighting.aged!);
    }
    // Forget publications no longer offered (now and then: a replica's new publication replaces its old one); one still offered keeps the age it has.
    if (this.peers.size > 2 * summaries.length + 16) for (const [key, sighting] of this.peers) if (sighting.seenAt !== now) this.peers.delete(key);
    return out;
  }
}
