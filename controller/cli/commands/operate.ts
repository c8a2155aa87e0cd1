import type { Command as Cli } from 'commander';
import type { ApiClient } from '../../api/client.js';
import { buildPlan, renderPlan } from '../../domain/plan.js';
import { formatDuration } from '../../domain/time.js';
import type { Command, Decision } from '../../domain/types.js';
import { InputError, RefusedError, FcpError } from '../../errors.js';
import type { ApprovalRequest, AuditRecord, CommandRecord, PlanJournal, StateStore } from '../../providers/store/port.js';
import { textProblem } from '../../api/text.js';
import { checkAuditTrail, renderTrailCheck } from '../../providers/audit/check.js';
import { openCheckpoints } from '../../providers/audit/from-config.js';
import { buildProviders } from '../../providers/factory.js';
import { reconcile } from '../../providers/store/reconcile.js';
import { dryRun, readSnapshot, renderSnapshot, stepMarks, type Snapshot } from '../../status.js';
import { forTerminal } from '../terminal.js';
import { apiClientOf, confirm, newCommandId, openContext, output, requireApi, withCommonOptions, type CliContext, type CommonOptions } from '../context.js';
import { breakGlassFailover, DEFAULT_BREAK_GLASS_FILE, readDatabaseStatus } from '../world.js';

interface FlipOptions extends CommonOptions {
  to?: string;
  reason?: string;
  dryRun?: boolean;
  force?: boolean;
  breakGlass?: boolean;
  yes?: boolean;
  wait?: boolean;
  auditFile: string;
}

const POLL_MS = 250;

async function withContext<T>(options: CommonOptions, body: (ctx: CliContext) => Promise<T>): Promise<T> {
  const ctx = openContext(options);
  try {
    return await body(ctx);
  } finally {
    ctx.close();
  }
}

function requireReason(reason: string | undefined): string {
  if (!reason || reason.trim().length === 0) {
    throw new InputError('a reason is required', ['--reason: say why, for the audit trail and the people paged with you (e.g. --reason "us-east-1 API errors since 03:12, INC-123")']);
  }
  // The same rule the API applies: what goes in the audit trail is plain, visible text.
  const problem = textProblem(reason);
  if (problem) throw new InputError('the reason cannot be recorded as it is', [`--reason: ${problem}`]);
  return reason.trim();
}

function requireRegion(ctx: CliContext, to: string | undefined): string {
  const names = ctx.config.regions.map((r) => r.name);
  if (!to) throw new InputError('a target region is required', [`--to: one of ${names.join(', ')}`]);
  if (!names.includes(to)) throw new InputError(`unknown region "${to}"`, [`--to: "${to}" is not one of the configured regions (${names.join(', ')})`]);
  return to;
}

/**
 * One rule for moving the primary: with the two-person rule on, a command that moves the primary or
 * the writer (or forces past a guard) goes through a replica's API, where a different approver
 * approves it. Writing it straight into the store would skip that; only break-glass may act alone.
 */
function requireSecondPersonPath(ctx: CliContext, kind: Command['kind'], force: boolean | undefined): void {
  const moves = kind === 'failover' || kind === 'switchover' || kind === 'failback';
  if (!ctx.config.failover.approval.required || (!moves && !force)) return;
  throw new InputError(`the two-person rule is on: a ${kind}${force ? ' with --force' : ''} needs a second person's approval`, [
    '--api: send it through a replica\'s API (or set FCP_API, with your token in FCP_TOKEN); a different approver runs `fcp approve ID`',
    '--break-glass: only when the state store or every replica is unreachable (fcp failover --break-glass; confirmed and audited)',
  ]);
}

/** Where the CLI reads a submitted command's decision and plan: the state store, or a replica's API. */
type Progress = (commandId: string) => Promise<{ record?: CommandRecord; journal?: PlanJournal }>;

const planIdOf = (record: CommandRecord | undefined): string | undefined => (typeof record?.result?.planId === 'string' ? record.result.planId : undefined);

function storeProgress(store: StateStore): Progress {
  return async (commandId) => {
    const record = await store.commands.get(commandId);
    const planId = planIdOf(record);
    const journal = planId ? await store.journal.read(planId) : undefined;
    return { ...(record && { record }), ...(journal && { journal }) };
  };
}

function apiProgress(client: ApiClient): Progress {
  return async (commandId) => {
    const answer = await client.get<{ command: CommandRecord; journal?: PlanJournal }>(`/v1/commands/${encodeURIComponent(commandId)}`);
    return { record: answer.command, ...(answer.journal && { journal: answer.journal }) };
  };
}

/** How long to wait for the lease holder's decision, then for the plan. */
interface Patience {
  decisionMs: number;
  planMs: number;
}

const storePatience = (ctx: CliContext): Patience => ({ decisionMs: ctx.config.store.leaseTtl * 2 + 10_000, planMs: ctx.config.database.promoteDeadline + 5 * 60_000 });
/** Through the API the CLI may have no config: generous fixed bounds (a plan's own deadlines end it sooner). */
const API_PATIENCE: Patience = { decisionMs: 60_000, planMs: 20 * 60_000 };

/**
 * Reads progress, riding out a store or API that does not answer: the plan goes on without the
 * CLI, so an unanswered read is reported once and retried until the caller's deadline.
 */
function patient(progress: Progress, options: { json?: boolean }, outage: { ms: number }): Progress {
  let unreachableSince: number | undefined;
  let lastFailedAt: number | undefined;
  return async (commandId) => {
    try {
      const found = await progress(commandId);
      if (unreachableSince !== undefined && !options.json) process.stderr.write(`  reachable again after ${formatDuration(Date.now() - unreachableSince)}\n`);
      unreachableSince = lastFailedAt = undefined;
      return found;
    } catch (error) {
      if (!(error instanceof FcpError && error.transient)) throw error;
      const now = Date.now();
      // Time without an answer does not count against the wait for a decision.
      outage.ms += now - (lastFailedAt ?? now);
      lastFailedAt = now;
      if (unreachableSince === undefined) {
        unreachableSince = now;
        if (!options.json) process.stderr.write(`  cannot read progress (${error.message}); the plan does not depend on this command, still waiting...\n`);
      }
      return {};
    }
  };
}

/** Waits until the lease holder has decided on a command. */
async function awaitDecision(progress: Progress, id: string, timeoutMs: number, outage: { ms: number }): Promise<CommandRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { record } = await progress(id);
    if (record && (record.status === 'done' || record.status === 'refused')) return record;
    if (Date.now() > deadline + outage.ms) {
      throw new FcpError(`no replica decided on command ${id} within ${formatDuration(timeoutMs)}: is a controller replica holding the lease? (\`fcp status\`)`, { transient: true, context: { id } });
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** Follows a command's plan journal until it finishes, printing each step as it ends (unless --json). */
async function followPlan(progress: Progress, commandId: string, planId: string, options: { json?: boolean }, timeoutMs: number): Promise<PlanJournal> {
  const started = Date.now();
  const printed = new Set<number>();
  for (;;) {
    const { journal } = await progress(commandId);
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

/** Reports what the lease holder decided on a submitted command (and, for flips, how the plan went). */
async function report(reader: Progress, command: Pick<Command, 'kind' | 'id'>, options: FlipOptions, patience: Patience): Promise<void> {
  if (!options.json) process.stderr.write(`submitted ${command.kind} as ${command.id}; waiting for the lease holder...\n`);
  const outage = { ms: 0 };
  const progress = patient(reader, options, outage);
  const record = await awaitDecision(progress, command.id, patience.decisionMs, outage);
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
  const journal = await followPlan(progress, command.id, planId, options, patience.planMs);
  output(options, { command: command.id, planId, status: journal.head.status, error: journal.head.error, steps: journal.steps }, () => `${renderPlan(journal.head.plan, stepMarks(journal))}\n\nplan ${planId} ${journal.head.status}${journal.head.error ? `: ${journal.head.error}` : ''}`);
  if (journal.head.status !== 'succeeded') process.exitCode = 1;
}

/** Submits an operator command to the lease holder through the store and reports the outcome. */
async function submit(ctx: CliContext, command: Command, options: FlipOptions): Promise<void> {
  await ctx.store.commands.submit(command, Date.now());
  await report(storeProgress(ctx.store), command, options, storePatience(ctx));
}

/**
 * Through the API: the replica builds the command (the token names the actor). Under the two-person
 * rule a failover or switchover comes back as a pending request instead of a command.
 */
async function submitViaApi(client: ApiClient, path: string, body: Record<string, unknown>, options: FlipOptions): Promise<void> {
  const answer = await client.post<{ command?: CommandRecord; request?: ApprovalRequest; message?: string }>(path, body);
  if (answer.request) {
    const r = answer.request;
    output(options, { request: r }, () => `request ${r.id} (${r.command.kind}) waits for a different approver until ${new Date(r.expiresAt).toISOString()}:\n  fcp approve ${r.id}    (or: fcp reject ${r.id} --reason ...)`);
    return;
  }
  if (!answer.command) throw new FcpError(`the API answered ${path} without a command or request`, { context: { answer } });
  await report(apiProgress(client), answer.command.command, options, API_PATIENCE);
}

/** `fcp plan` and `--dry-run` through the API. */
async function printRemoteDryRun(client: ApiClient, kind: 'failover' | 'switchover', to: string | undefined, options: FlipOptions): Promise<void> {
  if (!to) throw new InputError('a target region is required', ['--to: a configured region']);
  const answer = await client.get<{ decision: Decision; plan?: unknown; text: string }>('/v1/plan', { to, kind });
  output(options, { dryRun: true, ...answer }, () => `${answer.text}\n\n(dry run: nothing was changed)`);
  if (answer.decision.kind === 'refuse') process.exitCode = 2;
}

async function flipCommand(kind: 'failover' | 'switchover', ctx: CliContext, options: FlipOptions): Promise<Command> {
  const to = requireRegion(ctx, options.to);
  const reason = requireReason(options.reason);
  return { kind, id: newCommandId(kind), to, reason, actor: await ctx.identity(), force: options.force ?? false, at: Date.now() };
}

async function printDryRun(ctx: CliContext, command: Command, options: FlipOptions): Promise<void> {
  const database = await readDatabaseStatus(ctx.config, ctx.region);
  const snapshot = await readSnapshot(ctx.store, ctx.config, Date.now(), database);
  const decision: Decision = dryRun(snapshot, command, ctx.config, database);
  if (decision.kind === 'flip') {
    const plan = buildPlan(decision, ctx.config);
    output(options, { dryRun: true, decision, plan }, () => `${renderPlan(plan)}\n\n(dry run: nothing was changed)`);
    return;
  }
  output(options, { dryRun: true, decision }, () => `${decision.reason}\n\n(dry run: nothing was changed)`);
  if (decision.kind === 'refuse') process.exitCode = 2;
}

async function flip(kind: 'failover' | 'switchover', options: FlipOptions): Promise<void> {
  if (options.breakGlass) {
    if (kind !== 'failover') throw new InputError('--break-glass is for `fcp failover` only', ['--break-glass: a switchover needs the store and the old writer']);
    await breakGlassFailover(options);
    return;
  }
  const client = apiClientOf(options);
  if (client) {
    if (options.dryRun) return printRemoteDryRun(client, kind, options.to, options);
    if (options.force) await confirm(`--force overrides the safety guards for a ${kind} to ${options.to ?? '?'}; it is audited.`, options.yes, '--force');
    // The replica validates the input, so a bad request is refused and audited there, as in store mode.
    return submitViaApi(client, `/v1/${kind}`, { to: options.to ?? '', reason: options.reason ?? '', force: options.force ?? false }, options);
  }
  await withContext(options, async (ctx) => {
    if (options.dryRun) {
      const to = requireRegion(ctx, options.to);
      return printDryRun(ctx, { kind, id: newCommandId('plan'), to, reason: requireReason(options.reason), actor: 'dry run', force: options.force ?? false, at: Date.now() }, options);
    }
    requireSecondPersonPath(ctx, kind, options.force);
    const command = await flipCommand(kind, ctx, options);
    if (options.force) await confirm(`--force overrides the safety guards for a ${kind} to ${command.kind === 'failover' || command.kind === 'switchover' ? command.to : ''}; it is audited.`, options.yes, '--force');
    await submit(ctx, command, options);
  });
}

export function registerOperateCommands(program: Cli): void {
  withCommonOptions(program.command('status').description('Topology, verdicts with evidence, lease holder, readiness, the current decision and the latest plan')).action(async (options: CommonOptions) => {
    const client = apiClientOf(options);
    if (client) {
      const snapshot = await client.get<Snapshot>('/v1/status');
      return output(options, snapshot, () => renderSnapshot(snapshot));
    }
    return withContext(options, async (ctx) => {
      const database = await readDatabaseStatus(ctx.config, ctx.region);
      const snapshot = await readSnapshot(ctx.store, ctx.config, Date.now(), database);
      output(options, snapshot, () => renderSnapshot(snapshot));
    });
  });

  withCommonOptions(program.command('plan').description('Show the plan a failover to a region would run now (changes nothing)'))
    .requiredOption('--to <region>', 'target region')
    .option('--switchover', 'plan a planned switchover instead of a failover')
    .action(async (options: FlipOptions & { switchover?: boolean }) => {
      const client = apiClientOf(options);
      if (client) return printRemoteDryRun(client, options.switchover ? 'switchover' : 'failover', options.to, options);
      return withContext(options, async (ctx) => {
        const to = requireRegion(ctx, options.to);
        const kind = options.switchover ? 'switchover' : 'failover';
        await printDryRun(ctx, { kind, id: newCommandId('plan'), to, reason: 'fcp plan', actor: 'plan preview', force: options.force ?? false, at: Date.now() }, options);
      });
    });

  for (const kind of ['failover', 'switchover'] as const) {
    const cmd = withCommonOptions(program.command(kind))
      .description(kind === 'failover' ? 'Fail over to a standby region (unplanned: data loss allowed only within the RPO budget)' : 'Planned switchover to a standby region (no data loss)')
      .option('--to <region>', 'target region')
      .option('--reason <text>', 'why (required; recorded in the audit trail)')
      .option('--dry-run', 'show the decision and plan without changing anything')
      .option('--force', 'override the overridable guards (audited; asks for confirmation)')
      .option('--yes', 'confirm --force / --break-glass without a prompt (scripts)')
      .option('--no-wait', 'return once the plan has started')
      .option('--audit-file <file>', 'break-glass: local audit file', DEFAULT_BREAK_GLASS_FILE);
    if (kind === 'failover') cmd.option('--break-glass', 'act with the state store unreachable: runs the plan from this machine, audits to --audit-file');
    cmd.action((options: FlipOptions) => flip(kind, options));
  }

  withCommonOptions(program.command('failback').description('Return the primary role to the configured primary region (planned, no data loss)'))
    .option('--reason <text>', 'why (required)')
    .option('--force', 'override the overridable guards (audited)')
    .option('--yes', 'confirm --force without a prompt')
    .option('--no-wait', 'return once the plan has started')
    .action(async (options: FlipOptions) => {
      const reason = requireReason(options.reason);
      if (options.force) await confirm('--force overrides the safety guards for a failback; it is audited.', options.yes, '--force');
      const client = apiClientOf(options);
      if (client) return submitViaApi(client, '/v1/failback', { reason, force: options.force ?? false }, options);
      return withContext(options, async (ctx) => {
        requireSecondPersonPath(ctx, 'failback', options.force);
        await submit(ctx, { kind: 'failback', id: newCommandId('failback'), reason, actor: await ctx.identity(), force: options.force ?? false, at: Date.now() }, options);
      });
    });

  for (const kind of ['pause', 'resume'] as const) {
    withCommonOptions(program.command(kind))
      .description(kind === 'pause' ? 'Pause automatic failover (manual commands still work)' : 'Resume automatic failover')
      .option('--reason <text>', 'why (required)')
      .action(async (options: FlipOptions) => {
        const reason = requireReason(options.reason ?? (kind === 'resume' ? 'resumed' : undefined));
        const client = apiClientOf(options);
        if (client) return submitViaApi(client, `/v1/${kind}`, { reason }, options);
        return withContext(options, async (ctx) => submit(ctx, { kind, id: newCommandId(kind), reason, actor: await ctx.identity(), at: Date.now() }, options));
      });
  }

  withCommonOptions(program.command('audit').description('Show the audit trail; --verify checks its hash chain'))
    .option('--verify', 'verify the hash chain (exit 1 if broken)')
    .option('--limit <n>', 'records to show', '20')
    .option('--reconcile <file>', 'first append a break-glass audit file to the chain', undefined)
    .action(async (options: CommonOptions & { verify?: boolean; limit: string; reconcile?: string }) => {
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new InputError('bad --limit', ['--limit: a whole number of records, at least 1']);
      const client = apiClientOf(options);
      if (client) {
        if (options.verify || options.reconcile) throw new InputError('--verify and --reconcile read the store directly', ['--api: leave it out (and FCP_API unset) to verify or reconcile the chain']);
        const { records } = await client.get<{ records: AuditRecord[] }>('/v1/audit', { limit });
        return output(options, { records }, () => renderAudit(records));
      }
      return withContext(options, async (ctx) => {
        const reconciled = options.reconcile ? await reconcile(ctx.store.audit, options.reconcile) : undefined;
        if (options.verify) {
          const providers = buildProviders(ctx.config, { replicaRegion: ctx.region });
          try {
            const checkpoints = openCheckpoints(ctx.config, { caller: providers.caller, region: ctx.region, sign: false });
            const check = await checkAuditTrail(ctx.store.audit, checkpoints, Date.now(), ctx.config.audit.checkpoints.every);
            output(options, { ...check, reconciled }, () => `${reconciled ? `reconciled ${reconciled.appended} of ${reconciled.local} records from ${reconciled.file}\n` : ''}${renderTrailCheck(check)}`);
            if (!check.ok) process.exitCode = 1;
          } finally {
            await providers.close();
          }
          return;
        }
        const records = await ctx.store.audit.list({ limit });
        output(options, { records, reconciled }, () => renderAudit(records));
      });
    });

  withCommonOptions(program.command('requests').description('Two-person approval requests, newest first (through the API)')).action(async (options: CommonOptions) => {
    const client = requireApi(options, 'requests');
    const { requests } = await client.get<{ requests: (ApprovalRequest & { state: string })[] }>('/v1/requests');
    output(options, { requests }, () =>
      requests.map((r) => forTerminal(`${r.id} ${r.state.padEnd(8)} ${r.command.kind} by ${r.requestedBy} at ${new Date(r.createdAt).toISOString()}${r.decidedBy ? `, ${r.state} by ${r.decidedBy}` : ''}: ${r.command.reason}`)).join('\n') || 'no requests',
    );
  });

  withCommonOptions(program.command('approve').description('Approve a pending failover or switchover request (a different person than the requester; through the API)'))
    .argument('<id>', 'the request id (`fcp requests`)')
    .option('--note <text>', 'a note for the audit trail')
    .option('--no-wait', 'return once the plan has started')
    .action(async (id: string, options: FlipOptions & { note?: string }) => {
      const client = requireApi(options, 'approve');
      const answer = await client.post<{ request: ApprovalRequest; command: CommandRecord }>(`/v1/requests/${encodeURIComponent(id)}/approve`, options.note ? { note: options.note } : {});
      if (!options.json) process.stderr.write(`request ${id} approved\n`);
      await report(apiProgress(client), answer.command.command, options, API_PATIENCE);
    });

  withCommonOptions(program.command('reject').description('Reject a pending request (through the API)'))
    .argument('<id>', 'the request id (`fcp requests`)')
    .option('--reason <text>', 'why (required)')
    .action(async (id: string, options: FlipOptions) => {
      const reason = requireReason(options.reason);
      const client = requireApi(options, 'reject');
      const { request } = await client.post<{ request: ApprovalRequest }>(`/v1/requests/${encodeURIComponent(id)}/reject`, { reason });
      output(options, { request }, () => `request ${request.id} rejected by ${request.decidedBy ?? '?'}: ${reason}`);
    });
}

function renderAudit(records: AuditRecord[]): string {
  return (
    records
      .map((r) => forTerminal(`#${r.seq} ${new Date(r.at).toISOString()} ${r.actor} ${r.action} ${r.phase}${r.reconciledFrom ? ' (break-glass, reconciled)' : ''}: ${String(r.details.reason ?? r.details.outcome ?? r.details.kind ?? '')}`))
      .join('\n') || 'no audit records'
  );
}
