import { describe, expect, it } from 'vitest';
import { assess } from '../../../../controller/domain/assess.js';
import type { Assessment, ClassificationHold, WindowSummary } from '../../../../controller/domain/types.js';
import { allVantages, config, world, writerDown, type View } from './fixtures.js';

/** Steps the assessment through a sequence of worlds, carrying the hold as the engine does. */
function sequence(...worlds: WindowSummary[][]): Assessment[] {
  let hold: ClassificationHold | undefined;
  return worlds.map((summaries, i) => {
    const at = 1000 * (i + 1);
    const result = assess(summaries.map((s) => ({ ...s, lastAt: s.lastAt + at })), config, at, hold);
    hold = result.hold;
    return result;
  });
}

const replicas = (view: View) => ({ 'us-east-1': view, 'us-west-2': view, 'eu-west-1': view });
const views = (v: Record<string, Record<string, View>>) => world(0, v);

describe('classification that does not flap within a failure', () => {
  it('calls a global failure global at once: the observer rule never sets aside most vantage points', () => {
    // Route 53 lags: for a while only it sees the regions healthy; the three replicas see every region failing.
    const [onset] = sequence(views({ 'us-east-1': replicas('failed'), 'us-west-2': replicas('failed'), 'eu-west-1': replicas('failed') }));
    expect(onset!.classification).toBe('global');
    expect(onset!.cutOffVantages).toEqual([]);
  });

  it('holds global while the failure lasts, though one region looks served for a moment, then lets go once every region is healthy', () => {
    const all = { 'us-east-1': allVantages('failed'), 'us-west-2': allVantages('failed'), 'eu-west-1': allVantages('failed') };
    const [first, blip, still, over] = sequence(views(all), views({ 'us-east-1': allVantages('failed'), 'eu-west-1': allVantages('failed') }), views({ 'us-east-1': allVantages('failed'), 'eu-west-1': allVantages('degraded') }), views({}));
    expect(first!.classification).toBe('global');
    expect(blip!.classification).toBe('global');
    expect(blip!.reason).toMatch(/\(held for 1s: the failure is not over\)$/);
    expect(still!.classification).toBe('global');
    expect(over!.classification).toBe('none');
    expect(over!.hold).toBeUndefined();
  });

  it('holds an observer cut-off, keeps setting that vantage point aside, and lets a regional failure seen by the others through', () => {
    const isolated = { 'us-east-1': { 'eu-west-1': 'failed' as View }, 'us-west-2': { 'eu-west-1': 'failed' as View }, 'eu-west-1': { 'eu-west-1': 'failed' as View } };
    const [cut, outage] = sequence(views(isolated), [...views({ ...isolated, 'us-east-1': allVantages('failed') }), writerDown('us-east-1', 0)]);
    expect(cut!.classification).toBe('observer');
    expect(cut!.cutOffVantages).toEqual(['eu-west-1']);
    expect(outage!.classification).toBe('regional');
    expect(outage!.cutOffVantages).toEqual(['eu-west-1']);
  });

  it('holds a partition of the primary against a regional reading of it, until its facts break', () => {
    const cut = { 'us-east-1': { 'us-west-2': 'cut' as View, 'eu-west-1': 'cut' as View } };
    const ownSilent = { 'us-east-1': { 'us-west-2': 'cut' as View, 'eu-west-1': 'cut' as View, 'us-east-1': 'stale' as View } };
    const [partition, held, broken] = sequence(views(cut), views(ownSilent), [...views(ownSilent), writerDown('us-east-1', 0)]);
    expect(partition!.classification).toBe('partition');
    expect(held!.classification).toBe('partition');
    expect(held!.reason).toMatch(/held for/);
    // The writer stopped answering: the region is down, not cut off.
    expect(broken!.classification).toBe('regional');
  });

  it("never lets a standby's partition block a regional failure of the primary", () => {
    const standbyCut = { 'eu-west-1': { 'us-east-1': 'cut' as View, 'us-west-2': 'cut' as View } };
    const [partition, outage] = sequence(views(standbyCut), [...views({ ...standbyCut, 'us-east-1': allVantages('cut') }), writerDown('us-east-1', 0)]);
    expect(partition!.classification).toBe('partition');
    expect(outage!.classification).toBe('regional');
  });
});
