import { describe, expect, it } from 'vitest';
import type { DatabaseStatus } from '../../../../controller/domain/types.js';
import type { GlobalDatabase, StepBudget } from '../../../../controller/ports.js';
import { DatabaseStatusReader } from '../../../../controller/signals/database-status.js';
import { FakeClock } from '../aws/helpers.js';

const status: DatabaseStatus = { at: 1, writerRegion: 'us-east-1', lagMs: { 'us-west-2': 80 }, transitioning: false, writerReachable: true };

/** A database whose status() answers or fails as told, and remembers the budget it was given. */
function fakeDatabase(answer: () => Promise<DatabaseStatus>) {
  const budgets: StepBudget[] = [];
  const unused = () => Promise.reject(new Error('not used by the reader'));
  const database: GlobalDatabase = {
    status: (budget) => {
      budgets.push(budget);
      return answer();
    },
    readiness: unused,
    promote: unused,
    waitForWriter: unused,
  };
  return { database, budgets };
}

describe('DatabaseStatusReader', () => {
  it('reads the status within its timeout', async () => {
    const clock = new FakeClock();
    const { database, budgets } = fakeDatabase(async () => status);
    await expect(new DatabaseStatusReader({ database, clock, timeout: 4000 }).read()).resolves.toEqual(status);
    expect(budgets).toEqual([{ deadlineAt: clock.now() + 4000 }]);
  });

  it('rejects with the error when the read fails: the caller keeps its last status', async () => {
    const failure = new Error('no region answered');
    const { database } = fakeDatabase(() => Promise.reject(failure));
    await expect(new DatabaseStatusReader({ database, clock: new FakeClock(), timeout: 4000 }).read()).rejects.toBe(failure);
  });
});
