import { describe, expect, it } from 'vitest';
import { SimulatedExecutor } from '../../../../controller/sim/executor.js';
import { World } from '../../../../controller/sim/world.js';

const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'];
const world = new World([{ kind: 'outage', region: 'us-east-1', scope: 'region', at: 0, for: 60_000 }], 0, REGIONS);
const DATABASE = { replicationLag: 200, readTimeout: 1600, apiErrors: 0, seed: 1, startAt: 0, interval: 1000 };

describe('SimulatedExecutor', () => {
  it('reports a plan running until planDuration has passed, then succeeded with the writer moved', () => {
    const executor = new SimulatedExecutor(world, REGIONS, 'us-east-1', 20_000, DATABASE);
    expect(executor.databaseStatus(1000)).toEqual({ at: 1000, writerRegion: 'us-east-1', lagMs: { 'us-west-2': 200, 'eu-west-1': 200 }, transitioning: false, writerReachable: false });
    executor.start('plan-1', 'us-west-2', 5000);
    expect(executor.busyUntil(5000)).toBe(25_000);
    expect(executor.report('plan-1', 24_999)).toMatchObject({ planId: 'plan-1', status: 'running', changed: [] });
    expect(executor.databaseStatus(24_999).transitioning).toBe(true);
    expect(executor.report('plan-1', 25_000)).toMatchObject({ planId: 'plan-1', status: 'succeeded', changed: expect.arrayContaining(['promote-database']) });
    expect(executor.busyUntil(26_000)).toBeUndefined();
    expect(executor.databaseStatus(26_000)).toMatchObject({ writerRegion: 'us-west-2', lagMs: { 'us-east-1': 200, 'eu-west-1': 200 }, transitioning: false, writerReachable: true });
  });

  it('reports a plan it never started as missing', () => {
    const executor = new SimulatedExecutor(world, REGIONS, 'us-east-1', 1000, DATABASE);
    expect(executor.report('plan-9', 0)).toEqual({ planId: 'plan-9', status: 'missing', changed: [], fenceToken: 0 });
  });

  it('forgets running plans and the moved writer on reset', () => {
    const executor = new SimulatedExecutor(world, REGIONS, 'us-east-1', 1000, DATABASE);
    executor.start('plan-1', 'eu-west-1', 0);
    executor.report('plan-1', 1000);
    executor.start('plan-2', 'us-west-2', 2000);
    executor.reset();
    expect(executor.busyUntil(2000)).toBeUndefined();
    expect(executor.databaseStatus(5000).writerRegion).toBe('us-east-1');
  });
});
