import type { Assessment, Decision } from '../../../../controller/domain/types.js';
import type { Notification } from '../../../../controller/notify/message.js';

export const assessment: Assessment = { at: 0, verdicts: {}, classification: 'none', cutOffVantages: [], reason: 'every region healthy' };

export const none = (reason: string): Decision => ({ kind: 'none', at: 1000, reason });

export const flip: Extract<Decision, { kind: 'flip' }> = {
  kind: 'flip',
  at: 2000,
  planId: 'plan-7',
  operation: 'failover',
  mode: 'unplanned',
  trigger: 'automatic',
  from: 'us-east-1',
  to: 'us-west-2',
  reason: 'regional outage confirmed by 3/3 vantage points for 5s',
  guards: [{ guard: 'cooldown', ok: true, reason: 'no flip in the last 10m', overridden: true }],
};

export const notification = (title = 'plan plan-7 started'): Notification => ({ severity: 'critical', title, details: ['why'], source: 'replica/us-west-2', at: 0 });

/** Tight limits so the tests finish quickly; no test depends on how quickly. */
export const fastPolicy = { timeout: 300, queueSize: 3, retry: { attempts: 3, base: 1, cap: 5, budget: 5000 } };

export async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
