import type { Condition, FlipMode } from '../../../../controller/domain/types.js';
import type { StepPorts } from '../../../../controller/executor/steps.js';
import type { PromotePolicy, StepBudget } from '../../../../controller/ports.js';

/**
 * An in-memory world behind the executor's ports, which counts every side effect so that tests can
 * show a resumed plan never repeats one.
 */
export class World implements StepPorts {
  writer = 'us-east-1';
  active = ['us-east-1'];
  writerRecord = 'us-east-1';
  calls: Record<string, number> = {};
  failPromotion?: string;
  lagMs: Record<string, number | undefined> = { 'us-east-1': 150, 'us-west-2': 150, 'eu-west-1': 300 };
  /** `waitForWriter` waits until its budget's signal aborts (a long step to interrupt). */
  hangWaitForWriter = false;
  /** Called inside a side effect; lets a test lose the lease mid-plan. */
  onSideEffect?: (name: string) => void;

  private count(name: string) {
    this.calls[name] = (this.calls[name] ?? 0) + 1;
    this.onSideEffect?.(name);
  }

  traffic = {
    mechanism: 'memory',
    read: async (_b: StepBudget) => ({ active: [...this.active], detail: Object.fromEntries(this.active.map((r) => [r, 'On'])) }),
    routeTo: async (region: string) => {
      if (this.active.length === 1 && this.active[0] === region) return { changed: false, detail: `only ${region} takes traffic already` };
      this.count('routeTo');
      this.active = [region];
      return { changed: true, detail: `routed to ${region}` };
    },
  };

  database = {
    status: async () => ({ at: 0, writerRegion: this.writer, lagMs: { ...this.lagMs, [this.writer]: undefined }, transitioning: false, writerReachable: true }),
    readiness: async (region: string): Promise<Condition[]> => [{ type: 'TargetClusterHasInstances', status: 'true', reason: 'Ok', message: `${region} has 1 instance`, at: 0, region }],
    promote: async (region: string, _mode: FlipMode, _policy: PromotePolicy) => {
      if (this.failPromotion) throw new Error(this.failPromotion);
      if (this.writer === region) return { changed: false, detail: `${region} is already the writer`, operation: 'none' as const };
      this.count('promote');
      this.writer = region;
      return { changed: true, detail: `switchover to ${region}`, operation: 'switchover' as const };
    },
    waitForWriter: async (region: string, budget: StepBudget) => {
      if (this.hangWaitForWriter) {
        await new Promise((_resolve, reject) => budget.signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true }));
      }
      return { at: 0, writerRegion: region, lagMs: {}, transitioning: false, writerReachable: true };
    },
  };

  dbRecords = {
    read: async () => ({ 'writer.db.auth.internal': this.writerRecord }),
    pointTo: async (region: string) => {
      if (this.writerRecord === region) return { changed: false, detail: 'records already point there' };
      this.count('pointTo');
      this.writerRecord = region;
      return { changed: true, detail: `records point to ${region}` };
    },
  };
}

