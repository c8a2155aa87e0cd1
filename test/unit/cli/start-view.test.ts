import { describe, expect, it } from 'vitest';
import { StartView } from '../../../cli/start-view.js';
import type { Decision } from '../../../controller/domain/types.js';

const none = (at: number, reason: string): Decision => ({ kind: 'none', at, reason });

describe('fcp start on a terminal', () => {
  it('shows a line when a replica decides something new, not every tick, and each plan step and fault', () => {
    const lines: string[] = [];
    const view = new StartView('BANNER\n', 'footer', (text) => lines.push(text));
    view.onDecision('us-east-1', none(0, 'no action: primary us-east-1 healthy'));
    view.onDecision('us-east-1', none(1000, 'no action: primary us-east-1 healthy'));
    view.onDecision('us-east-1', none(2000, 'waiting: plan p (failover a -> b) running for 1s'));
    view.onDecision('us-east-1', none(3000, 'waiting: plan p (failover a -> b) running for 2s'));
    view.onExecutorEvent('us-west-2', { type: 'step-end', planId: 'p', step: { index: 2, kind: 'fence-old-writer' } as never, outcome: { status: 'done' }, ms: 80, waitedMs: 70, at: 4000 });
    view.onFaults([{ id: 'f1', kind: 'region-down', region: 'us-east-1', startedAt: 0 } as never]);
    view.onFaults([]);
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/us-east-1 +status +no action: primary us-east-1 healthy/);
    expect(lines[1]).toMatch(/waiting: plan p/);
    expect(lines[2]).toMatch(/us-west-2 +step +p 2 fence-old-writer: done in 80ms/);
    expect(lines[3]).toMatch(/sandbox +fault +region-down in us-east-1 \(id f1\) begins/);
    expect(lines[4]).toMatch(/region-down in us-east-1 \(id f1\) ended/);
  });

  it('prints nothing a reason could use to forge a terminal line', () => {
    const lines: string[] = [];
    new StartView('', '', (text) => lines.push(text)).onDecision('us-east-1', { kind: 'refuse', at: 0, reason: 'refused: x\u001b[2K\rfake', guards: [] });
    expect(lines.join('')).not.toContain('\u001b');
  });
});
