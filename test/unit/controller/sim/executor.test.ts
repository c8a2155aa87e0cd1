import { describe, expect, it } from 'vitest';
import { SimulatedExecutor } from '../../../../controller/sim/executor.js';
import { World } from '../../../../controller/sim/world.js';

const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'];
const world = new World([{ kind: 'outage', region: 'us-east-1', at: 0, for: 60_000 }], 0, REGIONS);

describe('SimulatedExecutor', () => {
  it('reports a plan finished after planDuration and moves the writer', () => {
    const executor = new SimulatedExecutor(world, REGIONS, 'us-east-1', 20_000, 200);
    expect(executor.databaseStatus(1000)).toEqual({ at: 1000, writerRegion: 'us-east-1', lagMs: { 'us-west-2': 200, 'eu-west-1': 200 }, transitioning: false, writerReachable: false });
    executor.start('plan-1', 'us-west-2', 5000);
    expect(executor.busyUntil()).toBe(25_000);
    expect(executor.reportsDue(24_999)).toEqual([]);
    expect(executor.databaseStatus(24_999).transitioning).toBe(true);
    expect(executor.reportsDue(25_000)).toEqual([{ kind: 'plan-finished', id: 'sim-report-1', planId: 'plan-1', ok: true, at: 25_000 }]);
    expect(executor.reportsDue(26_000)).toEqual([]);
    expect(executor.busyUntil()).toBeUndefined();
    expect(executor.databaseStatus(26_000)).toMatchObject({ writerRegion: 'us-west-2', lagMs: { 'us-east-1': 200, 'eu-west-1': 200 }, writerReachable: true });
  });

  it('forgets running plans and the moved writer on reset', () => {
    const executor = new SimulatedExecutor(world, REGIONS, 'us-east-1', 1000, 200);
    executor.start('plan-1', 'eu-west-1', 0);
    executor.reportsDue(1000);
    executor.start('plan-2', 'us-west-2', 2000);
    executor.reset();
    expect(executor.busyUntil()).toBeUndefined();
    expect(executor.databaseStatus(5000).writerRegion).toBe('us-east-1');
  });
});
