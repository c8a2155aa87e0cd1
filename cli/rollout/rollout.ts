import { randomUUID } from 'node:crypto';
import { formatDuration } from '../../kernel/time.js';
import { describeError } from '../../kernel/errors.js';
import { withRetry, type RetryPolicy } from '../../controller/aws/retry.js';
import type { ChangeRecord } from '../../controller/store/api-records.js';
import type { LiveController, LiveStatus } from '../live-controller.js';
import type { RolloutStep } from './plan.js';
import { regression } from './regression.js';

export interface RolloutRequest {
  id: string;
  steps: RolloutStep[];
  commit: string;
  pr?: number;
  bakeMs: number;
  /** How often the bake reads the controller's verdicts. */
  pollMs: number;
  /** Applies one stack; resolves to the command's exit code. */
  apply(step: RolloutStep): Promise<number>;
  /** A rollback: it applies into failing regions, so only a failover halts it; each region must be healthy when its bake ends. */
  rollback?: boolean;
}

export interface RolloutDeps {
  live: LiveController;
  now(): number;
  sleep(ms: number): Promise<void>;
  /** One line of progress (stderr in the CLI). */
  progress(line: string): void;
}

export interface AppliedStep {
  stack: string;
  role: RolloutStep['role'];
  regions: string[];
  change: string;
}

export type RolloutReport =
  | { status: 'done'; rollout: string; commit: string; applied: AppliedStep[] }
  | {
      /** `halted`: a regression under the bake; `failed`: the apply failed, or the controller could not vouch. */
      status: 'halted' | 'failed';
      rollout: string;
      commit: string;
      reason: string;
      stack: string;
      region?: string;
      change?: string;
      /** From the end of the stack's apply to the halt. */
      detectedAfterMs?: number;
      applied: AppliedStep[];
      untouched: string[];
    };

/** A bake shorter than this cannot see a failure confirmed (probe windows are seconds long); longer than this, a rollout outlives a shift. */
export const BAKE_RANGE = { min: 5_000, max: 6 * 3_600_000 };

/** A bake reads the controller's verdicts every second (or five times per bake, if shorter). */
export const bakePollMs = (bakeMs: number): number => Math.min(1_000, bakeMs / 5);

/** How many polls a bake may miss at its end before the controller is called unreachable. */
const FINAL_READ_ATTEMPTS = 3;

/**
 * Applies the steps one at a time. Each stack's change is registered with the controller before it
 * is applied and finished after; then the stack bakes: for `bakeMs` the controller's verdicts for
 * the stack's regions must stay healthy (no failure, no degradation, no global failure, no failover
 * starting, automation not paused), and at the end each must be healthy. A regression halts the
 * rollout there: the remaining stacks are not applied.
 */
export async function runRollout(request: RolloutRequest, deps: RolloutDeps): Promise<RolloutReport> {
  const base = { rollout: request.id, commit: request.commit };
  const applied: AppliedStep[] = [];
  const stop = (index: number, fields: { status: 'halted' | 'failed'; reason: string; region?: string; change?: string; detectedAfterMs?: number }): RolloutReport => ({
    ...base,
    ...fields,
    stack: request.steps[index]!.stack,
    applied,
    untouched: request.steps.slice(fields.change ? index + 1 : index).map((s) => s.stack),
  });

  for (const [index, step] of request.steps.entries()) {
    const before = await read(deps.live);
    if (before instanceof Error) return stop(index, { status: 'failed', reason: `the controller cannot be reached before ${step.stack}: ${describeError(before)}` });
    const blocked = regression(before, step.regions, request.rollback);
    if (blocked) return stop(index, { status: 'halted', reason: `not applying ${step.stack}: ${blocked.reason}`, ...(blocked.region && { region: blocked.region }) });

    // A change the controller does not know of is not applied: its decisions could not name it.
    const registered = await postRiding<{ change: ChangeRecord }>(deps, '/v1/changes', {
      stack: step.stack,
      regions: step.regions,
      commit: request.commit,
      ...(request.pr !== undefined && { pr: request.pr }),
      rollout: request.id,
    }).catch((error: unknown) => asError(error));
    if (registered instanceof Error) return stop(index, { status: 'failed', reason: `the controller did not register the change to ${step.stack}, so it was not applied: ${describeError(registered)}` });
    const { change } = registered;
    deps.progress(`${step.stack}: applying ${request.commit.slice(0, 7)} to ${step.regions.join(', ')} (${step.role}; change ${change.id})`);
    const code = await request.apply(step);
    const finished = await postRiding(deps, `/v1/changes/${encodeURIComponent(change.id)}/finish`, { outcome: code === 0 ? 'applied' : 'failed' }).catch((error: unknown) => asError(error));
    if (code !== 0) return stop(index, { status: 'failed', reason: `applying ${step.stack} failed (exit ${code})`, change: change.id });
    applied.push({ stack: step.stack, role: step.role, regions: step.regions, change: change.id });
    if (finished instanceof Error) {
      return stop(index, { status: 'failed', reason: `${step.stack} was applied, but the controller did not record change ${change.id} as finished (${describeError(finished)}); not going on without it`, change: change.id });
    }

    const appliedAt = deps.now();
    deps.progress(`${step.stack}: applied; baking ${formatDuration(request.bakeMs)} under the controller's verdicts for ${step.regions.join(', ')}`);
    const outcome = await bake(step, request, deps, appliedAt);
    if (outcome) return stop(index, { ...outcome, change: change.id });
    deps.progress(`${step.stack}: baked ${formatDuration(request.bakeMs)}: ${step.regions.join(', ')} healthy`);
  }
  return { ...base, status: 'done', applied };
}

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

/** Registering and finishing a change ride out a short API outage (a timeout, a 5xx, a replica restarting). */
const POST_RETRY: RetryPolicy = { base: 500, cap: 5000, maxAttempts: 6 };
const POST_BUDGET_MS = 30_000;

/** A POST retried with jittered backoff within a budget, under one idempotency key: the controller takes it once. */
function postRiding<T>(deps: RolloutDeps, path: string, body: unknown): Promise<T> {
  const key = randomUUID();
  return withRetry(() => deps.live.client.post<T>(path, body, key), {
    policy: POST_RETRY,
    deadlineAt: deps.now() + POST_BUDGET_MS,
    clock: { now: deps.now, sleep: (ms) => deps.sleep(ms) },
    random: Math.random,
    what: `POST ${path}`,
  });
}

async function read(live: LiveController): Promise<LiveStatus | Error> {
  return live.status().catch(asError);
}

/** Watches one stack's regions for the bake time; undefined when they stayed healthy. */
async function bake(step: RolloutStep, request: RolloutRequest, deps: RolloutDeps, appliedAt: number) {
  const deadline = appliedAt + request.bakeMs;
  const halted = (status: 'halted' | 'failed', reason: string, region?: string) => ({ status, reason, ...(region && { region }), detectedAfterMs: deps.now() - appliedAt });
  let last: LiveStatus | Error | undefined;
  while (deps.now() < deadline) {
    last = await read(deps.live);
    if (!(last instanceof Error)) {
      const found = regression(last, step.regions, request.rollback);
      if (found) return halted('halted', `${found.reason}, ${formatDuration(deps.now() - appliedAt)} into the bake of ${step.stack}`, found.region);
    }
    await deps.sleep(Math.min(request.pollMs, Math.max(0, deadline - deps.now())));
  }
  // The end of the bake must be vouched for: a last reading, every region healthy.
  for (let attempt = 1; attempt <= FINAL_READ_ATTEMPTS; attempt++) {
    last = await read(deps.live);
    if (!(last instanceof Error)) break;
    if (attempt < FINAL_READ_ATTEMPTS) await deps.sleep(request.pollMs);
  }
  if (last instanceof Error || last === undefined) return halted('failed', `the controller could not be reached at the end of the bake of ${step.stack}: ${describeError(last)}`);
  const found = regression(last, step.regions, request.rollback);
  if (found) return halted('halted', `${found.reason}, at the end of the bake of ${step.stack}`, found.region);
  const unsure = step.regions.find((r) => last.assessment.verdicts[r]?.health !== 'healthy');
  if (!unsure) return undefined;
  const verdict = last.assessment.verdicts[unsure];
  // Failing or degraded is a regression; unknown means the controller cannot vouch either way.
  const troubled = verdict?.health === 'failed' || verdict?.health === 'degraded';
  return halted(troubled ? 'halted' : 'failed', `${unsure} is ${verdict?.health ?? 'without a verdict'} at the end of the bake of ${step.stack}${verdict ? `: ${verdict.summary}` : ''}`, unsure);
}
