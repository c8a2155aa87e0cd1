import type { ApiClient } from '../controller/api/client.js';
import { buildPlan, renderPlan } from '../controller/domain/plan.js';
import type { Command, Decision, Plan } from '../controller/domain/types.js';
import { FcpError, InputError } from '../kernel/errors.js';
import type { CommandRecord, PlanJournal } from '../controller/store/state-store.js';
import type { ApprovalRequest } from '../controller/store/api-records.js';
import { dryRun, readSnapshot, type Snapshot } from '../controller/status.js';
import { newCommandId } from '../controller/store/command-id.js';
import { apiClientOf, openContext, type CliContext, type CommonOptions } from './context.js';
import { readDatabaseStatus } from './break-glass.js';

/** What an operator asks the lease holder for. */
export type Order =
  | { kind: 'failover' | 'switchover'; to: string; reason: string; force: boolean }
  | { kind: 'failback'; reason: string; force: boolean }
  | { kind: 'pause' | 'resume'; reason: string };

/** What a submission became: a queued command, or (two-person rule) a request waiting for an approver. */
export interface Submitted {
  command?: CommandRecord;
  request?: ApprovalRequest;
}

export interface Progress {
  record?: CommandRecord;
  journal?: PlanJournal;
}

/** How long to wait for the lease holder's decision, then for the plan. */
export interface Patience {
  decisionMs: number;
  planMs: number;
}

/**
 * How the CLI reaches the controller: a replica's API (`--api`, FCP_API), or the state store
 * directly. Every operator command goes through this one seam; only `fcp audit --verify|--reconcile`
 * (the store itself) and the approvals (the API's two-person rule) need one side.
 */
export interface OperatorTransport {
  status(): Promise<Snapshot>;
  /** What a failover or switchover to `to` would do now, changing nothing. */
  preview(kind: 'failover' | 'switchover', to: string): Promise<{ decision: Decision; plan?: Plan; text: string }>;
  submit(order: Order): Promise<Submitted>;
  progress(commandId: string): Promise<Progress>;
  readonly patience: Patience;
  close(): Promise<void>;
}

const planIdOf = (record: CommandRecord | undefined): string | undefined => (typeof record?.result?.planId === 'string' ? record.result.planId : undefined);

/** Through the API the CLI may have no config: generous fixed bounds (a plan's own deadlines end it sooner). */
const API_PATIENCE: Patience = { decisionMs: 60_000, planMs: 20 * 60_000 };

/** The replica builds and validates the command (the token names the actor); it refuses and audits bad input. */
export function apiTransport(client: ApiClient): OperatorTransport {
  return {
    status: () => client.get<Snapshot>('/v1/status'),
    preview: (kind, to) => client.get<{ decision: Decision; plan?: Plan; text: string }>('/v1/plan', { to, kind }),
    submit: async (order) => {
      const { kind, ...body } = order;
      const answer = await client.post<Submitted>(`/v1/${kind}`, body);
      if (!answer.command && !answer.request) throw new FcpError(`the API answered /v1/${kind} without a command or request`, { context: { answer } });
      return answer;
    },
    progress: async (commandId) => {
      const answer = await client.get<{ command: CommandRecord; journal?: PlanJournal }>(`/v1/commands/${encodeURIComponent(commandId)}`);
      return { record: answer.command, ...(answer.journal && { journal: answer.journal }) };
    },
    patience: API_PATIENCE,
    close: async () => undefined,
  };
}

function requireRegion(ctx: CliContext, to: string): string {
  const names = ctx.config.regions.map((r) => r.name);
  if (!names.includes(to)) throw new InputError(`unknown region "${to}"`, [`--to: "${to}" is not one of the configured regions (${names.join(', ')})`]);
  return to;
}

/**
 * One rule for moving the primary: with the two-person rule on, a command that moves the primary or
 * the writer (or forces past a guard) goes through a replica's API, where a different approver
 * approves it. Writing it straight into the store would skip that; only break-glass may act alone.
 */
function requireSecondPersonPath(ctx: CliContext, order: Order): void {
  const moves = order.kind === 'failover' || order.kind === 'switchover' || order.kind === 'failback';
  const force = 'force' in order && order.force;
  if (!ctx.config.failover.approval.required || (!moves && !force)) return;
  throw new InputError(`the two-person rule is on: a ${order.kind}${force ? ' with --force' : ''} needs a second person's approval`, [
    "--api: send it through a replica's API (or set FCP_API, with your token in FCP_TOKEN); a different approver runs `fcp approve ID`",
    '--break-glass: only when the state store or every replica is unreachable (fcp failover --break-glass; confirmed and audited)',
  ]);
}

/** Straight into the state store, as the caller AWS verifies (STS); the lease holder decides. */
export function storeTransport(ctx: CliContext): OperatorTransport {
  const command = async (order: Order): Promise<Command> => {
    const base = { id: newCommandId(order.kind), reason: order.reason, actor: await ctx.identity(), at: Date.now() };
    if (order.kind === 'failover' || order.kind === 'switchover') return { ...base, kind: order.kind, to: requireRegion(ctx, order.to), force: order.force };
    return order.kind === 'failback' ? { ...base, kind: 'failback', force: order.force } : { ...base, kind: order.kind };
  };
  return {
    status: async () => readSnapshot(ctx.store, ctx.config, Date.now(), await readDatabaseStatus(ctx.config, ctx.region)),
    preview: async (kind, to) => {
      const database = await readDatabaseStatus(ctx.config, ctx.region);
      const snapshot = await readSnapshot(ctx.store, ctx.config, Date.now(), database);
      const decision = dryRun(snapshot, { kind, id: newCommandId('plan'), to: requireRegion(ctx, to), reason: 'plan preview', actor: 'plan preview', force: false, at: Date.now() }, ctx.config, database);
      if (decision.kind !== 'flip') return { decision, text: decision.reason };
      const plan = buildPlan(decision, ctx.config);
      return { decision, plan, text: renderPlan(plan) };
    },
    submit: async (order) => {
      if (order.kind === 'failover' || order.kind === 'switchover') requireRegion(ctx, order.to);
      requireSecondPersonPath(ctx, order);
      return { command: await ctx.store.commands.submit(await command(order), Date.now()) };
    },
    progress: async (commandId) => {
      const record = await ctx.store.commands.get(commandId);
      const planId = planIdOf(record);
      const journal = planId ? await ctx.store.journal.read(planId) : undefined;
      return { ...(record && { record }), ...(journal && { journal }) };
    },
    patience: { decisionMs: ctx.config.store.leaseTtl * 2 + 10_000, planMs: ctx.config.database.promoteDeadline + 5 * 60_000 },
    close: async () => ctx.close(),
  };
}

/** The API when `--api` or FCP_API names one, else the state store of the config. */
export function openTransport(options: CommonOptions): OperatorTransport {
  const client = apiClientOf(options);
  return client ? apiTransport(client) : storeTransport(openContext(options));
}

export { planIdOf };
