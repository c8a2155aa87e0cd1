import { renderPlan } from '../controller/domain/plan.js';
import { formatDuration } from '../kernel/time.js';
import { FcpError, RefusedError } from '../kernel/errors.js';
import type { CommandRecord, PlanJournal } from '../controller/store/state-store.js';
import { stepMarks } from '../controller/status.js';
import { backoffDelay } from '../controller/aws/backoff.js';
import { output } from './context.js';
import { planIdOf, type OperatorTransport, type Progress } from './transport.js';

const POLL_MS = 250;
/** The most an outage of the API or store extends the wait for a decision: past it, exit 1 and point at `fcp status`. */
const MAX_OUTAGE_ALLOWANCE_MS = 10 * 60_000;
/** While reads fail, each next read waits longer (full jitter, up to 5 s): a struggling API or store is not asked 4 times a second. */
const OUTAGE_BACKOFF = { base: POLL_MS, cap: 5000 };

export interface FollowOptions {
  json?: boolean;
  /** `--no-wait`: return once the plan has started. */
  wait?: boolean;
}

type Read = (commandId: string) => Promise<Progress>;

/**
 * Reads progress, riding out a store or API that does not answer: the plan goes on without the
 * CLI, so an unanswered read is reported once and retried until the caller's deadline; time
 * without an answer does not count against the wait for a decision.
 */
function patient(read: Read, options: FollowOptions, outage: { ms: number }): Read {
  let unreachableSince: number | undefined;
  let lastFailedAt: number | undefined;
  let failures = 0;
  return async (commandId) => {
    try {
      const found = await read(commandId);
      if (unreachableSince !== undefined && !options.json) process.stderr.write(`  reachable again after ${formatDuration(Date.now() - unreachableSince)}\n`);
      unreachableSince = lastFailedAt = undefined;
      failures = 0;
      return found;
    } catch (error) {
      if (!(error instanceof FcpError && error.transient)) throw error;
      const now = Date.now();
      outage.ms += now - (lastFailedAt ?? now);
      lastFailedAt = now;
      if (unreachableSince === undefined) {
        unreachableSince = now;
        if (!options.json) process.stderr.write(`  cannot read progress (${error.message}); the plan does not depend on this command, still waiting...\n`);
      }
      await new Promise((r) => setTimeout(r, backoffDelay(failures++, OUTAGE_BACKOFF, Math.random)));
      return {};
    }
  };
}

/** Waits until the lease holder has decided on a command. */
async function awaitDecision(read: Read, id: string, timeoutMs: number, outage: { ms: number }): Promise<CommandRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { record } = await read(id);
    if (record && (record.status === 'done' || record.status === 'refused')) return record;
    if (Date.now() > deadline + Math.min(outage.ms, MAX_OUTAGE_ALLOWANCE_MS)) {
      throw new FcpError(`no replica decided on command ${id} within ${formatDuration(timeoutMs)}: is a controller replica holding the lease? (\`fcp status\`)`, { transient: true, context: { id } });
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** Follows a command's plan journal until it finishes, printing each step as it ends (unless --json). */
async function followPlan(read: Read, commandId: string, planId: string, options: FollowOptions, timeoutMs: number): Promise<PlanJournal> {
  const started = Date.now();
  const printed = new Set<number>();
  for (;;) {
    const { journal } = await read(commandId);
    if (journal) {
      for (const step of journal.steps) {
        if (printed.has(step.index) || (step.status !== 'done' && step.status !== 'skipped' && step.status !== 'failed')) continue;
        printed.add(step.index);
        const kind = journal.head.plan.steps.find((s) => s.index === step.index)?.kind ?? '';
        const took = step.startedAt !== undefined && step.finishedAt !== undefined ? formatDuration(step.finishedAt - step.startedAt) : '';
        if (!options.json) process.stderr.write(`  [${formatDuration(Date.now() - started).padStart(6)}] step ${step.index} ${kind}: ${step.status}${took ? ` in ${took}` : ''}${step.error ? ` (${step.error})` : ''}\n`);
      }
      if (journal.head.status !== 'running') return journal;
    }
    if (Date.now() - started > timeoutMs) throw new FcpError(`plan ${planId} still running after ${formatDuration(timeoutMs)}; follow it with \`fcp status\``, { transient: true });
    await new Promise((r) => setTimeout(r, POLL_MS * 2));
  }
}

/** Reports what the lease holder decided on a submitted command (and, for flips, how the plan went); exit 1 unless it succeeded. */
export async function follow(transport: OperatorTransport, command: Pick<CommandRecord['command'], 'kind' | 'id'>, options: FollowOptions): Promise<void> {
  if (!options.json) process.stderr.write(`submitted ${command.kind} as ${command.id}; waiting for the lease holder...\n`);
  const outage = { ms: 0 };
  const read = patient((id) => transport.progress(id), options, outage);
  const record = await awaitDecision(read, command.id, transport.patience.decisionMs, outage);
  if (record.status === 'refused') {
    // In text mode the error line says it; --json callers get the object on stdout as well.
    if (options.json) output(options, { command: command.id, status: 'refused', reason: record.reason }, () => '');
    throw new RefusedError(record.reason ?? 'refused', { context: { command: command.id } });
  }
  const planId = planIdOf(record);
  if (!planId || options.wait === false) {
    output(options, { command: command.id, status: record.status, reason: record.reason, planId }, () => record.reason ?? record.status);
    return;
  }
  if (!options.json) process.stderr.write(`${record.reason}\nplan ${planId} started:\n`);
  const journal = await followPlan(read, command.id, planId, options, transport.patience.planMs);
  output(options, { command: command.id, planId, status: journal.head.status, error: journal.head.error, steps: journal.steps }, () => `${renderPlan(journal.head.plan, stepMarks(journal))}\n\nplan ${planId} ${journal.head.status}${journal.head.error ? `: ${journal.head.error}` : ''}`);
  if (journal.head.status !== 'succeeded') process.exitCode = 1;
}
