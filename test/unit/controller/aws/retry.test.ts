import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FcpError } from '../../../../kernel/errors.js';
import { RetryBudgetExhaustedError } from '../../../../controller/aws/errors.js';
import { withRetry } from '../../../../controller/aws/retry.js';
import { FakeClock, seededRandom } from './helpers.js';

const transient = () => new FcpError('throttled', { transient: true, context: { code: 'Throttling' } });
const terminal = () => new FcpError('denied', { transient: false, context: { code: 'AccessDenied' } });

function setup(deadlineIn = 60_000) {
  const clock = new FakeClock();
  const options = { policy: { base: 100, cap: 1000, maxAttempts: 4 }, deadlineAt: clock.now() + deadlineIn, clock, random: seededRandom(1), what: 'test call' };
  return { clock, options };
}

/** An attempt function that fails with the given errors in turn, then succeeds. */
function failing(errors: Error[]) {
  const calls: number[] = [];
  const attempt = async (n: number) => {
    calls.push(n);
    const error = errors[n];
    if (error) throw error;
    return 'ok';
  };
  return { calls, attempt };
}

describe('withRetry', () => {
  it('retries transient errors and returns the first success', async () => {
    const { clock, options } = setup();
    const { calls, attempt } = failing([transient(), transient()]);
    await expect(withRetry(attempt, options)).resolves.toBe('ok');
    expect(calls).toEqual([0, 1, 2]);
    expect(clock.sleeps).toHaveLength(2);
    clock.sleeps.forEach((ms, retry) => expect(ms).toBeLessThan(Math.min(1000, 100 * 2 ** retry)));
  });

  it('rethrows a terminal error at once, unwrapped', async () => {
    const { clock, options } = setup();
    const denied = terminal();
    const { calls, attempt } = failing([transient(), denied]);
    await expect(withRetry(attempt, options)).rejects.toBe(denied);
    expect(calls).toEqual([0, 1]);
    expect(clock.sleeps).toHaveLength(1);
  });

  it('gives up after maxAttempts with the last error as cause', async () => {
    const { options } = setup();
    const errors = [transient(), transient(), transient(), transient(), transient()];
    const { calls, attempt } = failing(errors);
    const failure = await withRetry(attempt, options).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RetryBudgetExhaustedError);
    expect(failure).toMatchObject({ transient: true, cause: errors[3], context: { attempts: 4, reason: 'attempts', code: 'Throttling' } });
    expect(calls).toEqual([0, 1, 2, 3]);
  });

  it('never sleeps past the deadline', async () => {
    const { clock, options } = setup(150);
    const { attempt } = failing(Array.from({ length: 10 }, transient));
    const failure = await withRetry(attempt, { ...options, policy: { ...options.policy, maxAttempts: 10 }, random: () => 0.99 }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ context: { reason: 'deadline' } });
    expect(clock.now()).toBeLessThan(options.deadlineAt);
  });

  it('stops waiting when the caller aborts', async () => {
    const { options } = setup();
    const controller = new AbortController();
    controller.abort();
    const { calls, attempt } = failing([transient(), transient()]);
    await expect(withRetry(attempt, { ...options, signal: controller.signal })).rejects.toBeInstanceOf(RetryBudgetExhaustedError);
    expect(calls).toEqual([0]);
  });

  it('uses a custom transient test', async () => {
    const { options } = setup();
    const { calls, attempt } = failing([new Error('plain but retryable')]);
    await expect(withRetry(attempt, { ...options, isTransient: () => true })).resolves.toBe('ok');
    expect(calls).toEqual([0, 1]);
  });

  it('never exceeds its attempts or its deadline, whatever the policy and the failures', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ base: fc.integer({ min: 1, max: 1000 }), cap: fc.integer({ min: 1, max: 5000 }), maxAttempts: fc.integer({ min: 1, max: 10 }) }),
        fc.integer({ min: 0, max: 20_000 }),
        fc.integer({ min: 0, max: 12 }),
        fc.integer(),
        async (policy, deadlineIn, failures, seed) => {
          const { clock } = setup();
          const deadlineAt = clock.now() + deadlineIn;
          const { calls, attempt } = failing(Array.from({ length: failures }, transient));
          const result = await withRetry(attempt, { policy, deadlineAt, clock, random: seededRandom(seed), what: 'property' }).catch((error: unknown) => error);
          expect(calls.length).toBeLessThanOrEqual(policy.maxAttempts);
          // Waiting only ever happens when the wait ends before the deadline.
          if (clock.sleeps.length > 0) expect(clock.now()).toBeLessThan(deadlineAt);
          if (failures < policy.maxAttempts && result === 'ok') expect(calls).toHaveLength(failures + 1);
          if (result !== 'ok') expect(result).toBeInstanceOf(RetryBudgetExhaustedError);
        },
      ),
      { seed: 42 },
    );
  });
});
