import { describe, expect, it } from 'vitest';
import { assess } from '../../../../controller/domain/assess.js';
import { accrue, answeredAgain, blipTolerance, describeBalance, fade, failingUnconfirmed, movingCost, stayingRate } from '../../../../controller/domain/cost.js';
import { initialTopology } from '../../../../controller/domain/decide.js';
import type { Topology, Verdict, WindowSummary } from '../../../../controller/domain/types.js';
import { allVantages, config, database, world, writerDown, writerUp, type View } from './fixtures.js';

const NOW = 1_000_000;
const cost = config.detection.cost;
const critical = new Set(['api']);
const stalled = (region: string): WindowSummary => ({ region, service: 'replication', vantage: 'database', signal: 'db', ok: 0, failed: 3, slow: 0, failStreak: 3, lastAt: NOW, lastDetail: 'lag 4.2s to us-west-2, 4.2s to eu-west-1' });
const primary = (views: Record<string, View>, signals: WindowSummary[] = writerUp('us-east-1', NOW)) => assess([...world(NOW, { 'us-east-1': views }), ...signals], config, NOW).verdicts['us-east-1']!;
const replicasOnly = (view: View) => ({ 'us-east-1': view, 'us-west-2': view, 'eu-west-1': view });

describe('the cost of staying: each term, with its reason', () => {
  it.each<[string, Record<string, View>, WindowSummary[], number, string]>([
    ['the app answers errors, the region under it is fine', replicasOnly('failed'), writerUp('us-east-1', NOW), cost.appErrors, 'app errors 1/s'],
    ['the app does not answer at all, the region under it is fine', replicasOnly('cut'), writerUp('us-east-1', NOW), cost.appUnreachable, 'app unreachable 1/s'],
    ["Route 53's checkers (the internet) agree", allVantages('failed'), writerUp('us-east-1', NOW), cost.appErrors + cost.internet, "app errors 1/s + Route 53's checkers agree 0.8/s"],
    ['the writer does not answer', replicasOnly('cut'), [writerDown('us-east-1', NOW)], cost.appUnreachable + cost.writer, 'app unreachable 1/s + writer unreachable for 3 reads 15/s'],
    ['replication out of the region has stalled', replicasOnly('cut'), [writerDown('us-east-1', NOW), stalled('us-east-1')], cost.appUnreachable + cost.writer + cost.replication, 'writer unreachable for 3 reads 15/s + replication stalled for 3 reads (lag 4.2s to us-west-2, 4.2s to eu-west-1) 6/s'],
  ])('%s', (_what, views, signals, rate, words) => {
    const staying = stayingRate(primary(views, signals), cost, critical);
    expect(staying.rate).toBeCloseTo(rate);
    expect(staying.terms.map((t) => `${t.name} ${Math.round(t.value * 10) / 10}/s`).join(' + ')).toContain(words);
  });

  it('says which region-level signals are healthy, so an app-only failure reads as one', () => {
    expect(stayingRate(primary(replicasOnly('failed')), cost, critical).healthySignals).toEqual(['writer reachable', 'replication flowing']);
  });

  it('counts a failure that is failing without confidence yet like one that is confident', () => {
    expect(stayingRate(primary(replicasOnly('failing')), cost, critical).rate).toBeCloseTo(cost.appErrors);
  });

  it('leaves out a vantage point set aside as cut off', () => {
    const verdict = primary({ 'us-east-1': 'failed', 'us-west-2': 'failed', 'eu-west-1': 'failed', route53: 'failed' });
    expect(stayingRate(verdict, cost, critical, ['route53']).rate).toBeCloseTo(cost.appErrors);
  });
});

// The primary's app as one replica sees it when its newest probes differ from its window.
const answeredAfter = (vantage: string, newest: Partial<WindowSummary>): WindowSummary => ({ region: 'us-east-1', service: 'api', vantage, signal: 'http', ok: 2, failed: 3, slow: 0, unreachable: 3, lastAt: NOW, lastDetail: 'timeout after 800ms', ...newest });
const withNewest = (views: Record<string, View>, newest: Record<string, Partial<WindowSummary>>, signals: WindowSummary[] = writerUp('us-east-1', NOW)) => {
  const summaries = world(NOW, { 'us-east-1': views }).map((s) => (s.region === 'us-east-1' && newest[s.vantage] ? answeredAfter(s.vantage, newest[s.vantage]!) : s));
  return assess([...summaries, ...signals], config, NOW).verdicts['us-east-1']!;
};
const twoCut = { 'us-east-1': 'cut', 'us-west-2': 'cut' } as Record<string, View>;

describe('no answer on some paths while the app answers the others well accrues nothing', () => {
  it.each<[string, Verdict, number, string]>([
    ['no answer on two paths while the app answers the third well: the paths fail, not the app', withNewest(twoCut, {}), 0, 'no answer on the paths from us-east-1, us-west-2 only 0/s (the app answers eu-west-1 well)'],
    ['errors on two paths while the third is answered well: errors are left to the windows', withNewest({ 'us-east-1': 'failed', 'us-west-2': 'failed' }, {}), cost.appErrors, 'app errors 1/s'],
    ['a starved vantage point answers nothing, whatever it saw before', withNewest({ 'us-west-2': 'cut', 'eu-west-1': 'cut' }, { 'us-east-1': { ok: 1, failed: 0, unreachable: 0, unknown: 4, okStreak: 20, goodStreak: 20 } }), cost.appUnreachable, 'app unreachable 1/s'],
    ["no answer on two paths, the writer down too: the region's own signal counts", withNewest(twoCut, {}, [writerDown('us-east-1', NOW)]), cost.appUnreachable + cost.writer, 'app unreachable 1/s + writer unreachable for 3 reads 15/s'],
    ["no answer on two paths, Route 53's checkers agree: the internet counts", withNewest({ ...twoCut, route53: 'failed' }, {}), cost.appUnreachable + cost.internet, "app unreachable 1/s + Route 53's checkers agree 0.8/s"],
  ])('%s', (_what, verdict, rate, words) => {
    const staying = stayingRate(verdict, cost, critical);
    expect(staying.rate).toBeCloseTo(rate);
    expect(staying.terms.map((t) => `${t.name} ${Math.round(t.value * 10) / 10}/s${t.value === 0 ? ` (${t.why})` : ''}`).join(' + ')).toBe(words);
  });
});

describe('the app answering again: fewer than a quorum of the failing vantage points failed their newest probe', () => {
  const newest = (streaks: Array<Partial<WindowSummary>>) => Object.fromEntries(['us-east-1', 'us-west-2', 'eu-west-1'].map((v, i) => [v, streaks[i]!]));
  it.each<[string, Verdict, string | undefined]>([
    ['every failing vantage point answered well again', withNewest(replicasOnly('cut'), newest([{ okStreak: 2, goodStreak: 2 }, { okStreak: 1, goodStreak: 1 }, { okStreak: 2, goodStreak: 2 }])), 'answered well again: 0 of 3 failing vantage points failed the newest probe, fewer than the 3 needed'],
    ['one of three answered well, Route 53 healthy: 2 still fail of the 3 needed', withNewest(replicasOnly('cut'), newest([{ okStreak: 1, goodStreak: 1 }, { failStreak: 1 }, { failStreak: 2 }])), 'answered well again: 2 of 3 failing vantage points failed the newest probe, fewer than the 3 needed'],
    ['still failing everywhere', withNewest(replicasOnly('cut'), {}), undefined],
    ['answers too slow are not good answers (a brownout)', withNewest(replicasOnly('cut'), newest([{ okStreak: 2 }, { okStreak: 1 }, { okStreak: 2 }])), undefined],
    ["answers again while the writer does not: the region under the app is not answered", withNewest(replicasOnly('cut'), newest([{ okStreak: 2, goodStreak: 2 }, { okStreak: 1, goodStreak: 1 }, { okStreak: 2, goodStreak: 2 }]), [writerDown('us-east-1', NOW)]), undefined],
  ])('%s', (_what, verdict, expected) => {
    expect(answeredAgain(verdict, critical, config.detection.quorum)).toBe(expected);
  });
});

describe('the cost of moving: each term, with its reason', () => {
  const withFlips = (flips: number[]): Topology => ({ ...initialTopology(config), flips });
  it.each<[string, Record<string, number | undefined>, number[], number, string]>([
    ['a failover, with writes at risk in proportion to the target\'s lag', { 'us-west-2': 200 }, [], cost.failover + (cost.dataLoss * 200) / 5000, 'failover 11 + data at risk 0.8 (lag 200ms of the 5s RPO budget)'],
    ['a target caught up: nothing at risk', { 'us-west-2': 0 }, [], cost.failover, 'failover 11 + data at risk 0 (lag 0ms of the 5s RPO budget)'],
    ['a lag past the RPO budget: the whole budget at risk', { 'us-west-2': 60_000 }, [], cost.failover + cost.dataLoss, 'failover 11 + data at risk 20 (lag 1m of the 5s RPO budget)'],
    ['a lag nobody knows: the whole budget at risk', { 'us-west-2': undefined }, [], cost.failover + cost.dataLoss, 'data at risk 20 (lag of us-west-2 unknown)'],
    ['a flip already used this hour spends the flip budget', { 'us-west-2': 0 }, [NOW - 30 * 60_000], cost.failover + cost.cooldown / 2, 'flip budget 6 (1 of 2 flips used in 1h)'],
  ])('%s', (_what, lag, flips, total, words) => {
    const moving = movingCost('us-west-2', database(NOW, lag), withFlips(flips), config, NOW);
    expect(moving.cost).toBeCloseTo(total);
    expect(describeBalance(0, { rate: 1, terms: [], healthySignals: [] }, moving)).toContain(words);
  });
});

describe('accruing and fading', () => {
  it.each([
    ['a second at a rate', 0, 1000, 11, 100, 11],
    ['nothing is known of a gap longer than a window', 0, 60_000, 1, 100, 5],
    ['capped', 20, 1000, 15, 25.6, 25.6],
  ])('accrue: %s', (_what, previous, elapsed, rate, cap, expected) => {
    expect(accrue(previous, NOW - elapsed, NOW, rate, cap, config.detection.window)).toBeCloseTo(expected);
  });

  it('fades at its rate, never below nothing', () => {
    expect(fade(10, NOW - 3000, NOW, 1)).toBeCloseTo(7);
    expect(fade(2, NOW - 3000, NOW, 1)).toBe(0);
  });

  it('puts the balance in words: which side is larger', () => {
    const staying = { rate: 1, terms: [{ name: 'app errors', value: 1, why: '' }], healthySignals: ['writer reachable'] };
    const moving = { cost: 12.8, terms: [{ name: 'failover', value: 12, why: '' }] };
    expect(describeBalance(5, staying, moving)).toBe('cost of staying 5 is below cost of moving 12.8 (staying: app errors 1/s; writer reachable; moving: failover 12)');
    expect(describeBalance(13, staying, moving)).toMatch(/^cost of staying 13 exceeds cost of moving 12.8/);
  });

  it('gives the blip tolerance the costs imply: the failover cost over the fastest app-only rate', () => {
    expect(blipTolerance(cost)).toBe(11_000);
    expect(blipTolerance({ ...cost, failover: 30, appUnreachable: 2 })).toBe(15_000);
  });
});

describe('failing without confidence yet', () => {
  const assessWith = (views: Record<string, Record<string, View>>) => assess(world(NOW, views), config, NOW);
  it.each<[string, Record<string, Record<string, View>>, boolean]>([
    ['a quorum failing, not confidently, the other regions healthy', { 'us-east-1': { 'us-east-1': 'failing', 'us-west-2': 'failing', 'eu-west-1': 'failing' } as Record<string, View> }, true],
    ['failing from one vantage point only', { 'us-east-1': { 'us-west-2': 'failing' } as Record<string, View> }, false],
    ['another region degraded too: not a clean regional picture', { 'us-east-1': { 'us-east-1': 'failing', 'us-west-2': 'failing', 'eu-west-1': 'failing' }, 'eu-west-1': allVantages('degraded') } as Record<string, Record<string, View>>, false],
    ['confidently failed is not this', { 'us-east-1': allVantages('failed') }, false],
    [
      'a vantage point set aside as cut off leaves the picture clean',
      { 'us-east-1': { 'us-east-1': 'failing', 'us-west-2': 'failing', 'eu-west-1': 'failed' }, 'us-west-2': { 'eu-west-1': 'failed' }, 'eu-west-1': { 'eu-west-1': 'failed' } } as Record<string, Record<string, View>>,
      true,
    ],
  ])('%s: %s', (_what, views, expected) => {
    expect(failingUnconfirmed('us-east-1', assessWith(views), config.detection.quorum)).toBe(expected);
  });
});
