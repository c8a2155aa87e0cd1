import type { Config } from '../config/schema.js';
import { flipsInWindow } from './guards.js';
import type { Millis } from '../../kernel/time.js';
import { formatDuration } from '../../kernel/time.js';
import { RECOVERED_AFTER, quorumOf } from './assess.js';
import { ROUTE53_VANTAGE, type Assessment, type DatabaseStatus, type Evidence, type RegionName, type Topology, type VantageName, type Verdict } from './types.js';

/**
 * The cost-aware decision: fail over when the expected cost of staying exceeds the cost of moving.
 * Both are in outage-seconds (what one second of the primary being down costs).
 *
 * Staying accrues cost for every second the primary is judged failed, at a rate set by how hard
 * and broad the evidence is: the app failing (HTTP errors, or no answer at all), Route 53's
 * checkers agreeing, and, above all, the region under the app failing too (its writer does not
 * answer, replication out of it has stalled). An app-only failure accrues slowly, so a blip of a
 * few seconds never moves traffic; a region-level failure accrues fast and moves within seconds.
 * Moving costs a fixed price (pages, reconnecting clients), the writes at risk (the target's
 * replication lag against the RPO budget) and the flip budget it spends (a second flip in the
 * window leaves none for the next outage). Accrued cost fades once the region looks healthy again,
 * so two blips close together add up but a blip an hour is forgotten.
 */

export type CostSettings = Config['detection']['cost'];

/** One term of a cost, for the decision's reason: `writer unreachable 10/s`, `data at risk 0.8`. */
export interface CostTerm {
  name: string;
  value: number;
  why: string;
}

export interface StayingRate {
  /** Outage-seconds accrued per second while the primary stays failed like this. */
  rate: number;
  terms: CostTerm[];
  /** The region-level signals that are not failing, to say so in the reason. */
  healthySignals: string[];
}

/**
 * Whether the primary is failing without confidence yet: degraded, with a quorum of its vantage
 * points seeing failures past the failure ratio (not yet confidently), while every other region is
 * healthy. A gray failure on its way up looks like this; so does nothing else in a clean regional
 * picture. It accrues cost like a failure, but never moves traffic by itself. A vantage point set
 * aside as cut off (an observer classification) leaves the picture clean: the verdicts already
 * leave it out.
 */
export function failingUnconfirmed(primary: RegionName, assessment: Assessment, quorum: number): boolean {
  const verdict = assessment.verdicts[primary];
  const clean = assessment.classification === 'none' || assessment.classification === 'observer';
  if (!verdict || verdict.health !== 'degraded' || !clean) return false;
  if ((verdict.failingVantages ?? 0) < quorumOf(verdict.reportingVantages, quorum)) return false;
  return Object.values(assessment.verdicts).every((v) => v.region === primary || v.health === 'healthy');
}

/** The primary's critical-service evidence, without the vantage points set aside as cut off. */
function countedEvidence(verdict: Verdict, critical: ReadonlySet<string>, excluded: readonly VantageName[]): Evidence[] {
  return verdict.evidence.filter((e) => critical.has(e.service) && !excluded.includes(e.vantage));
}

const failingOf = (evidence: readonly Evidence[]) => evidence.filter((e) => e.health === 'failed' || e.failing);
const replicasOf = (evidence: readonly Evidence[]) => evidence.filter((e) => e.vantage !== ROUTE53_VANTAGE);

/** How fast staying costs, from the primary's verdict (app evidence and region-level signals). */
export function stayingRate(verdict: Verdict, cost: CostSettings, critical: ReadonlySet<string>, excluded: readonly VantageName[] = []): StayingRate {
  const counted = countedEvidence(verdict, critical, excluded);
  const failing = failingOf(counted);
  const replicas = replicasOf(failing);
  const unreachable = replicas.length > 0 && replicas.every((e) => e.kind === 'unreachable');
  const terms: CostTerm[] = [
    unreachable
      ? { name: 'app unreachable', value: cost.appUnreachable, why: 'no answer at all (refused or timed out)' }
      : { name: 'app errors', value: cost.appErrors, why: 'the app answers with errors or too slowly' },
  ];
  const internet = failing.some((e) => e.vantage === ROUTE53_VANTAGE);
  if (internet) terms.push({ name: "Route 53's checkers agree", value: cost.internet, why: 'the internet sees it failing too' });
  const healthySignals: string[] = [];
  for (const signal of verdict.signals ?? []) {
    if (signal.health === 'failing') terms.push({ name: signal.detail, value: signal.signal === 'writer' ? cost.writer : cost.replication, why: 'the region under the app fails too' });
    else healthySignals.push(signal.detail);
  }
  const paths = terms.length === 1 && !internet ? pathsFailing(counted, replicas) : undefined;
  if (paths) return { rate: 0, terms: [paths], healthySignals };
  return { rate: terms.reduce((sum, t) => sum + t.value, 0), terms, healthySignals };
}

/**
 * The app answers some vantage points well (`RECOVERED_AFTER` good answers in a row) while the
 * others, still failing, get no answer at all, and nothing else (Route 53, the region's own
 * signals) sees it failing: what fails is their paths to it (loss on the way), not the app. It
 * accrues nothing: loss on two paths right before or after an app blip would otherwise carry the
 * blip's cost past the tolerance. An outage of the app itself leaves no vantage point answered.
 */
function pathsFailing(counted: readonly Evidence[], failingReplicas: readonly Evidence[]): CostTerm | undefined {
  const still = failingReplicas.filter((e) => !e.recovered);
  if (still.length === 0 || !still.every((e) => e.unanswered)) return undefined;
  // A vantage point with no opinion (starved, stale) answers nothing for the app, whatever it saw before.
  const answering = new Set(replicasOf(counted).filter((e) => e.health !== 'unknown' && (e.goodStreak ?? 0) >= RECOVERED_AFTER).map((e) => e.vantage));
  if (answering.size === 0) return undefined;
  const list = (vantages: Iterable<VantageName>) => [...vantages].join(', ');
  return { name: `no answer on the paths from ${list(still.map((e) => e.vantage))} only`, value: 0, why: `the app answers ${list(answering)} well` };
}

/**
 * Whether the app answers again, while the region's own signals are healthy: fewer than a quorum of
 * the vantage points still failing (not yet recovered) failed their newest probe or status read;
 * the others got a good answer (in time, no error). Their windows remember the failure a few
 * seconds more (longer when results arrive late), so a move is not decided on what accrued
 * meanwhile: a blip would otherwise move traffic for the seconds it takes to see it over. A gray
 * failure answers some probes well too: it keeps accruing, and its next failed probe counts
 * everything again. Says how many still fail, or undefined.
 */
export function answeredAgain(verdict: Verdict, critical: ReadonlySet<string>, quorum: number, excluded: readonly VantageName[] = []): string | undefined {
  // The region under the app failing is not answered by the app answering.
  if (verdict.signals?.some((s) => s.health === 'failing')) return undefined;
  const still = failingOf(countedEvidence(verdict, critical, excluded)).filter((e) => !e.recovered);
  const needed = quorumOf(verdict.reportingVantages, quorum);
  const failingNow = still.filter((e) => (e.goodStreak ?? 0) === 0).length;
  if (still.length === 0 || failingNow >= needed) return undefined;
  return `answered well again: ${failingNow} of ${still.length} failing vantage point${still.length === 1 ? '' : 's'} failed the newest probe, fewer than the ${needed} needed`;
}

export interface MovingCost {
  cost: number;
  terms: CostTerm[];
}

/** What moving to `target` costs now: the failover itself, the writes at risk, the flip budget. */
export function movingCost(target: RegionName, database: DatabaseStatus | undefined, topology: Topology, config: Pick<Config, 'failover' | 'detection'>, now: Millis): MovingCost {
  const { cost } = config.detection;
  const { rpoBudget, maxFlips, flipWindow } = config.failover;
  const lag = database?.lagMs[target];
  const atRisk = lag === undefined ? 1 : Math.min(1, rpoBudget > 0 ? lag / rpoBudget : 1);
  const used = flipsInWindow(topology, flipWindow, now);
  const terms: CostTerm[] = [
    { name: 'failover', value: cost.failover, why: 'pages, clients reconnecting, the plan itself' },
    { name: 'data at risk', value: cost.dataLoss * atRisk, why: lag === undefined ? `lag of ${target} unknown` : `lag ${formatDuration(lag)} of the ${formatDuration(rpoBudget)} RPO budget` },
  ];
  if (used > 0) terms.push({ name: 'flip budget', value: cost.cooldown * Math.min(1, used / maxFlips), why: `${used} of ${maxFlips} flips used in ${formatDuration(flipWindow)}` });
  return { cost: terms.reduce((sum, t) => sum + t.value, 0), terms };
}

/**
 * The blip tolerance the cost settings give: how long an app-only failure (the region's own signals
 * healthy) must last before staying could cost as much as the failover itself. Shorter blips never
 * move traffic; the detection benchmark measures the curve.
 */
export function blipTolerance(cost: CostSettings): Millis {
  return (1000 * cost.failover) / Math.max(cost.appErrors, cost.appUnreachable);
}

const round = (value: number) => Math.round(value * 10) / 10;

/** `app errors 1/s + writer unreachable for 3 reads 10/s`. */
export function describeRate(staying: StayingRate): string {
  return staying.terms.map((t) => `${t.name} ${round(t.value)}/s`).join(' + ');
}

/** `failover 12 + data at risk 0.8 (lag 200ms of the 5s RPO budget)`. */
export function describeMoving(moving: MovingCost): string {
  return moving.terms.map((t) => (t.name === 'failover' ? `${t.name} ${round(t.value)}` : `${t.name} ${round(t.value)} (${t.why})`)).join(' + ');
}

/** `staying has cost 4.2 of the 12.8 moving would (app errors 1/s; writer reachable, replication flowing)`. */
export function describeBalance(pressure: number, staying: StayingRate, moving: MovingCost): string {
  const healthy = staying.healthySignals.length > 0 ? `; ${staying.healthySignals.join(', ')}` : '';
  const verb = pressure >= moving.cost ? 'exceeds' : 'is below';
  return `cost of staying ${round(pressure)} ${verb} cost of moving ${round(moving.cost)} (staying: ${describeRate(staying)}${healthy}; moving: ${describeMoving(moving)})`;
}

/**
 * The accrued cost of staying after this step: `rate` per second since the last step (at most one
 * detection window: nothing is known of a longer gap), or fading when the primary is not failed.
 * Capped at twice the cost of moving, so a long outage that could not be failed over fades in bounded time.
 */
export function accrue(previous: number, since: Millis, now: Millis, rate: number, cap: number, windowMs: Millis): number {
  const elapsed = Math.min(Math.max(0, now - since), windowMs) / 1000;
  return Math.min(cap, previous + rate * elapsed);
}

export function fade(previous: number, since: Millis, now: Millis, rate: number): number {
  return Math.max(0, previous - (rate * Math.max(0, now - since)) / 1000);
}
