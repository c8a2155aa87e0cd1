import { refusesCredentials } from '../aws/classify.js';
import type { Clock } from '../../kernel/clock.js';
import type { Plan, PlanStep, StepKind } from '../domain/types.js';
import { FcpError } from '../../kernel/errors.js';
import type { ChangeResult, DbEndpointRecords, GlobalDatabase, StepBudget, TrafficRouter } from '../ports.js';
import type { StepOutcome } from '../store/state-store.js';

/** The ports a plan's steps act through. */
export interface StepPorts {
  traffic: TrafficRouter;
  database: GlobalDatabase;
  dbRecords: DbEndpointRecords;
}

export interface StepContext {
  ports: StepPorts;
  budget: StepBudget;
  clock: Clock;
}

/** A step found the world not as it must be, and retrying will not change that. */
export class StepFailedError extends FcpError {}

type Handler = (step: PlanStep, plan: Plan, ctx: StepContext) => Promise<StepOutcome>;

/** After an unplanned failover the old primary is lost: its reader name follows the new writer's readers. */
const lostRegions = (plan: Plan) => ({ lostRegions: plan.mode === 'unplanned' ? [plan.from] : [] });

const fromChange = (change: ChangeResult): StepOutcome => ({ status: change.changed ? 'done' : 'skipped', result: { detail: change.detail } });

/**
 * What each kind of step does. Every handler re-reads the world and does nothing when it is
 * already as the step wants it (`skipped`), so a resumed plan never repeats a side effect.
 */
const HANDLERS: Record<StepKind, Handler> = {
  'check-target-ready': async (_step, plan, { ports, budget }) => {
    const conditions = await ports.database.readiness(plan.to, budget);
    const traffic = await ports.traffic.read(budget);
    const failing = conditions.filter((c) => c.status !== 'true');
    if (failing.length > 0 && !plan.overridden.includes('readiness')) {
      // A check that could not run (a timeout, a throttled read) may pass on the next attempt; a
      // check that failed, or credentials that are refused, will not.
      const refused = failing.find((c) => refusesCredentials(c.reason));
      const terminal = refused !== undefined || failing.some((c) => c.status === 'false');
      throw new StepFailedError(`${plan.to} is not ready: ${failing.map((c) => `${c.type}: ${c.message}`).join('; ')}`, { transient: !terminal, ...(refused && { context: { code: refused.reason } }) });
    }
    return { status: 'done', result: { conditions: conditions.map((c) => `${c.type}=${c.status}`), traffic: traffic.detail } };
  },
  // Fencing points the writer name at the target before promotion: writes then fail (the target is
  // read-only until promoted) instead of landing on an old writer that is about to be abandoned.
  'fence-old-writer': async (step, plan, { ports, budget }) =>
    fromChange(step.params.via === 'traffic' ? await ports.traffic.routeTo(plan.to, budget) : await ports.dbRecords.pointTo(plan.to, budget, lostRegions(plan))),
  'promote-database': async (step, plan, { ports, budget }) => {
    const result = await ports.database.promote(plan.to, plan.mode, { rpoBudgetMs: Number(step.params.rpoBudgetMs), force: step.params.force === true }, budget);
    return { status: result.changed ? 'done' : 'skipped', result: { detail: result.detail, operation: result.operation } };
  },
  'wait-for-writer': async (_step, plan, { ports, budget }) => {
    const status = await ports.database.waitForWriter(plan.to, budget);
    return { status: 'done', result: { writerRegion: status.writerRegion } };
  },
  'flip-db-endpoints': async (_step, plan, { ports, budget }) => fromChange(await ports.dbRecords.pointTo(plan.to, budget, lostRegions(plan))),
  'flip-traffic': async (_step, plan, { ports, budget }) => fromChange(await ports.traffic.routeTo(plan.to, budget)),
  verify: async (_step, plan, { ports, budget }) => {
    const [traffic, database] = await Promise.all([ports.traffic.read(budget), ports.database.status(budget)]);
    const problems: string[] = [];
    if (traffic.active.length !== 1 || traffic.active[0] !== plan.to) problems.push(`traffic goes to ${traffic.active.join(', ') || 'no region'}, expected only ${plan.to}`);
    if (database.writerRegion !== plan.to) problems.push(`the database writer is ${database.writerRegion}, expected ${plan.to}`);
    if (problems.length > 0) throw new StepFailedError(`verification failed: ${problems.join('; ')}`, { transient: true });
    return { status: 'done', result: { traffic: traffic.detail, writerRegion: database.writerRegion } };
  },
};

export function runStep(step: PlanStep, plan: Plan, ctx: StepContext): Promise<StepOutcome> {
  return HANDLERS[step.kind](step, plan, ctx);
}

/** Steps that change the world: their intent is audited before they start. */
export function hasSideEffects(kind: StepKind): boolean {
  return kind !== 'check-target-ready' && kind !== 'verify' && kind !== 'wait-for-writer';
}
