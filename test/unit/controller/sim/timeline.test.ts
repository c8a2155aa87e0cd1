import { describe, expect, it } from 'vitest';
import type { Assessment, Decision } from '../../../../controller/domain/types.js';
import { formatOffset, reasonKey, renderTimeline, TimelineRecorder } from '../../../../controller/sim/timeline.js';

const assessment = (health: 'healthy' | 'failed', classification: Assessment['classification'], reason: string): Assessment => ({
  at: 0,
  verdicts: { 'us-east-1': { region: 'us-east-1', health, failedVantages: 0, reportingVantages: 3, summary: `${health}: summary`, evidence: [] } },
  classification,
  cutOffVantages: [],
  reason,
});
const none = (reason: string): Decision => ({ kind: 'none', at: 0, reason });

describe('timeline', () => {
  it.each([
    [0, 't+0.0s'],
    [12_345, 't+12.3s'],
    [125_000, 't+2m05.0s'],
    [3_725_500, 't+1h02m05.5s'],
  ])('formats %i ms as %s', (ms, text) => {
    expect(formatOffset(ms)).toBe(text);
  });

  it('treats reasons that differ only in numbers as the same', () => {
    expect(reasonKey('suspect: failed for 1s of 2s')).toBe(reasonKey('suspect: failed for 1.5s of 2s'));
    expect(reasonKey('no action: primary healthy')).not.toBe(reasonKey('no action: primary degraded'));
  });

  it('records changes of verdict and classification, and new reasons only', () => {
    const recorder = new TimelineRecorder(1000);
    recorder.incident({ kind: 'outage', scope: 'region', region: 'us-east-1', at: 2000, for: 3000, index: 0, start: 3000, end: 6000 });
    recorder.step(2000, assessment('healthy', 'none', 'none'), [none('no action: primary us-east-1 healthy')]);
    recorder.step(3000, assessment('healthy', 'none', 'none'), [none('no action: primary us-east-1 healthy')]);
    recorder.step(4000, assessment('failed', 'regional', 'regional: us-east-1 failed'), [none('suspect: failed for 0s of 1s')]);
    recorder.step(5000, assessment('failed', 'regional', 'regional: us-east-1 failed'), [none('suspect: failed for 1s of 1s')]);
    expect(recorder.decisions.map((d) => d.reason)).toEqual(['no action: primary us-east-1 healthy', 'suspect: failed for 0s of 1s']);
    expect(renderTimeline(recorder.timeline()).split('\n')).toEqual([
      't+1.0s        decision       no action: primary us-east-1 healthy',
      't+2.0s        incident       begins: outage of us-east-1 (connections refused) for 3s',
      't+3.0s        verdict        us-east-1 healthy -> failed: summary',
      't+3.0s        classification regional: us-east-1 failed',
      't+3.0s        decision       suspect: failed for 0s of 1s',
      't+5.0s        incident       ends: outage of us-east-1 (connections refused)',
    ]);
  });
});
