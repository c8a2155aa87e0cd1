import { describe, expect, it } from 'vitest';
import { choosePromotion, type PromotionChoice, type PromotionFacts } from '../../../../../controller/providers/database/promotion.js';
import type { FlipMode } from '../../../../../controller/domain/types.js';

const healthy: PromotionFacts = { writerRegion: 'us-east-1', writerReachable: true, targetLagMs: 200 };
const writerDown: PromotionFacts = { ...healthy, writerReachable: false };
const budget = { rpoBudgetMs: 5000 };

describe('choosePromotion', () => {
  const cases: Array<[string, FlipMode, PromotionFacts, { force?: boolean }, PromotionChoice['kind'], string]> = [
    ['target already writer', 'unplanned', { ...healthy, writerRegion: 'us-west-2' }, {}, 'none', 'already the writer'],
    ['same operation in progress', 'planned', { ...healthy, inProgress: { to: 'us-west-2', dataLossAllowed: false } }, {}, 'none', 'switchover to us-west-2 is already in progress'],
    ['other operation in progress', 'unplanned', { ...healthy, inProgress: { to: 'eu-west-1', dataLossAllowed: true } }, { force: true }, 'refuse', 'failover to eu-west-1 is in progress'],
    ['planned, writer reachable', 'planned', healthy, {}, 'switchover', 'loses no data'],
    ['planned, writer reachable, lag over budget', 'planned', { ...healthy, targetLagMs: 60_000 }, {}, 'switchover', 'lag 1m'],
    ['planned, writer unreachable', 'planned', writerDown, { force: true }, 'refuse', 'use an unplanned failover'],
    ['unplanned, reachable, lag within budget', 'unplanned', healthy, {}, 'switchover', 'loses no data'],
    ['unplanned, reachable, lag over budget', 'unplanned', { ...healthy, targetLagMs: 9000 }, {}, 'refuse', 'not within the RPO budget'],
    ['unplanned, reachable, lag over budget, forced', 'unplanned', { ...healthy, targetLagMs: 9000 }, { force: true }, 'failover', 'operator forced'],
    ['unplanned, unreachable, lag within budget', 'unplanned', writerDown, {}, 'failover', 'within the RPO budget 5s'],
    ['unplanned, unreachable, lag exactly the budget', 'unplanned', { ...writerDown, targetLagMs: 5000 }, {}, 'failover', 'within the RPO budget'],
    ['unplanned, unreachable, lag over budget', 'unplanned', { ...writerDown, targetLagMs: 5001 }, {}, 'refuse', 'could lose more data than allowed'],
    ['unplanned, unreachable, lag never known', 'unplanned', { ...writerDown, targetLagMs: undefined }, {}, 'refuse', '(unknown)'],
    ['unplanned, unreachable, lag unknown, forced', 'unplanned', { ...writerDown, targetLagMs: undefined }, { force: true }, 'failover', 'operator forced'],
  ];

  it.each(cases)('%s -> %s', (_label, mode, facts, options, kind, reason) => {
    const choice = choosePromotion('us-west-2', mode, { ...budget, ...options }, facts);
    expect(choice.kind).toBe(kind);
    expect(choice.reason).toContain(reason);
  });
});
