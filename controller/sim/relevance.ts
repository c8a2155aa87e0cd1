import type { Config } from '../config/schema.js';
import { quorumOf } from '../domain/assess.js';
import { FAILING_AFTER_READS } from '../domain/region-signals.js';
import { wilsonLower } from '../domain/stats.js';
import { DATABASE_VANTAGE } from '../domain/types.js';
import type { Millis } from '../../kernel/time.js';
import { mergeSpans, type Span } from './awake.js';
import type { ProbeStream } from './probes.js';
import type { Scenario } from './scenario.js';
import type { TimedIncident } from './world.js';

/**
 * Where a flip is possible at all (the benchmark's `flips` stepping mode). A failover needs the
 * primary judged failed, which needs a quorum of vantage points each judging it failed, which
 * needs enough failed probes of that vantage point within one window (stats.ts: with the default
 * settings, three within the short window; fewer can never reach a failed verdict). So outside incidents that touch several vantage points, the
 * engine only has to be stepped where, for some region, enough vantage points at once have such a
 * cluster of failures (from noise, or from a condition of their own: a cut, an isolated or flaky
 * path). Everywhere else no decision can be a flip, so skipping it changes no flip; the simulator
 * tests check that against stepping through everything.
 *
 * The quorum assumed is the smallest the deployment can need: replicas that may report nothing
 * (a starved one, or all of them when deliveries can arrive later than `staleAfter`) are left out
 * of the count. The writer's region has one more witness: the database, while its writer does not
 * answer (`FAILING_AFTER_READS` failed reads in a row: a region-wide incident, or reads failing
 * for nothing).
 */

/** Incident kinds that disturb one vantage point only; others are stepped through whole. */
const ONE_VANTAGE = new Set<TimedIncident['kind']>(['cutoff', 'isolation', 'flaky', 'starve']);

interface Mark {
  vantage: string;
  from: Millis;
  to: Millis;
}

/** The smallest number of vantage points that can judge a region failed in this scenario. */
export function smallestQuorum(scenario: Scenario, vantages: number): number {
  const { detection, probe } = scenario.config;
  const lateCanStale = scenario.delivery.delay + (scenario.delivery.late > 0 ? scenario.delivery.maxLate : 0) + probe.interval >= detection.staleAfter;
  const peers = scenario.config.regions.length - 1;
  const starving = new Set(scenario.incidents.filter((i) => i.kind === 'starve').map((i) => (i.kind === 'starve' ? i.vantage : ''))).size;
  const silent = (lateCanStale ? peers : 0) + starving;
  return quorumOf(Math.max(0, vantages - silent), detection.quorum);
}

/**
 * The fewest failures that can make a series failed in a window of `windowProbes` probes holding at
 * least `fewestKnown` judged samples (the short window: `minSamples`; a full ratio window: all of
 * them, or half when a starved observer may have left some unknown).
 */
export function fewestFailing(detection: Config['detection'], fewestKnown: number, windowProbes: number): number {
  for (let k = 1; k <= windowProbes; k++) if (wilsonLower(k, Math.max(k, fewestKnown), detection.confidence) >= detection.failureRatio) return k;
  return windowProbes + 1;
}

/** Spans in which, for some region, at least `needed` distinct vantage points are marked at once. */
export function coincidences(marks: readonly Mark[], needed: number): Span[] {
  const edges = marks.flatMap((m) => [
    { at: m.from, vantage: m.vantage, delta: 1 },
    { at: m.to, vantage: m.vantage, delta: -1 },
  ]);
  edges.sort((a, b) => a.at - b.at || b.delta - a.delta);
  const open = new Map<string, number>();
  const spans: Span[] = [];
  let since: Millis | undefined;
  for (const edge of edges) {
    const count = (open.get(edge.vantage) ?? 0) + edge.delta;
    if (count === 0) open.delete(edge.vantage);
    else open.set(edge.vantage, count);
    if (open.size >= needed && since === undefined) since = edge.at;
    else if (open.size < needed && since !== undefined) {
      spans.push({ from: since, to: edge.at });
      since = undefined;
    }
  }
  return spans;
}

export interface RelevanceInput {
  scenario: Scenario;
  incidents: readonly TimedIncident[];
  streams: readonly ProbeStream[];
  /** How long an incident's effect lasts past its end. */
  incidentTail: Millis;
  /** How long after a series' last failure the holder may still read it (delivery of a peer's summary and a tick). */
  readTail: Millis;
  /** When database status reads fail although the writer is fine. */
  databaseReadFailures: readonly Millis[];
}

/** Where reads failing for nothing make the writer's signal failing: `FAILING_AFTER_READS` or more failed reads in a row. */
export function writerFailingSpans(failures: readonly Millis[], interval: Millis): Span[] {
  const spans: Span[] = [];
  let first = 0;
  for (let i = 0; i < failures.length; i++) {
    const runEnds = i === failures.length - 1 || failures[i + 1]! - failures[i]! > interval;
    if (!runEnds) continue;
    if (i - first + 1 >= FAILING_AFTER_READS) spans.push({ from: failures[first]!, to: failures[i]! + interval });
    first = i + 1;
  }
  return spans;
}

/** The stretches in which a flip is possible, before any extension by the engine's own state. */
export function flipRelevantSpans(input: RelevanceInput): Span[] {
  const { scenario, incidents, streams } = input;
  const { config } = scenario;
  const interval = config.probe.interval;
  const start = scenario.startAt;
  const end = start + scenario.duration;
  const regions = config.regions.map((r) => r.name);
  const writer = config.regions.find((r) => r.role === 'primary')!.name;
  const vantages = regions.length + (scenario.route53 ? 1 : 0);
  const neededFor = (region: string) => smallestQuorum(scenario, vantages + (region === writer ? 1 : 0));
  const spans: Span[] = [{ from: start, to: start }];
  for (const incident of incidents) if (!ONE_VANTAGE.has(incident.kind)) spans.push({ from: incident.start - interval, to: incident.end + input.incidentTail });
  if (regions.some((r) => neededFor(r) <= 1)) return [{ from: start, to: end }];

  // A failed verdict needs that many failures in the short window, or in a longer one (full once
  // the engine has been fed its lookback, or half full where a starved observer left unknowns).
  const starving = incidents.some((i) => i.kind === 'starve');
  const probesIn = (w: Millis) => Math.max(1, Math.round(w / interval));
  const short = probesIn(config.detection.window);
  const windows = [
    { probes: short, needed: fewestFailing(config.detection, config.detection.minSamples, short) },
    ...[2 * config.detection.window, config.detection.ratioWindow].map(probesIn).filter((p) => p > short).map((probes) => ({ probes, needed: fewestFailing(config.detection, starving ? Math.ceil(probes / 2) : probes, probes) })),
  ];
  // A series stays failed until its failures leave the window that judged it failed.
  const tailOf = (probes: number) => probes * interval + input.readTail;
  for (const region of regions) {
    const marks: Mark[] = [];
    for (const stream of streams) {
      if (stream.region !== region) continue;
      for (const { probes, needed: failures } of windows) {
        for (const c of stream.failureClusters(start, end, failures, probes)) marks.push({ vantage: stream.vantage, from: c.from, to: c.to + tailOf(probes) });
      }
    }
    for (const i of incidents) {
      const touches = (i.kind === 'cutoff' && i.region === region) || i.kind === 'isolation' || i.kind === 'flaky';
      if (touches && 'vantage' in i) marks.push({ vantage: i.vantage, from: i.start, to: i.end + tailOf(windows[windows.length - 1]!.probes) });
    }
    if (region === writer) for (const w of writerFailingSpans(input.databaseReadFailures, interval)) marks.push({ vantage: DATABASE_VANTAGE, from: w.from, to: w.to + input.readTail });
    // The marks already last as long as a verdict can stay failed; past them no flip is possible (a suspicion keeps the engine awake by itself).
    for (const c of coincidences(marks, neededFor(region))) spans.push({ from: c.from - interval, to: c.to + interval });
  }
  return mergeSpans(spans, interval).map((s) => ({ from: Math.max(s.from, start), to: Math.min(s.to, end) })).filter((s) => s.from <= s.to);
}
