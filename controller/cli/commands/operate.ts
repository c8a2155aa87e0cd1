import type { Command as Cli } from 'commander';
import { buildPlan, renderPlan } from '../../domain/plan.js';
import { formatDuration } from '../../domain/time.js';
import type { Command, Decision } from '../../domain/types.js';
import { InputError, RefusedError, FcpError } from '../../errors.js';
import type { CommandRecord, PlanJournal, StateStore } from '../../providers/store/port.js';
import { reconcile } from '../../providers/store/reconcile.js';
import { dryRun, readSnapshot, renderSnapshot, stepMarks } from '../../status.js';
import { confirm, newCommandId, openContext, output, withCommonOptions, type CliContext, type CommonOptions } from '../context.js';
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
  return reason.trim();
}

function requireRegion(ctx: CliContext, to: string | undefined): string {
  const names = ctx.config.regions.map((r) => r.name);
  if (!to) throw new InputError('a target region is required', [`--to: one of ${names.join(', ')}`]);
  if (!names.includes(to)) throw new InputError(`unknown region "${to}"`, [`--to: "${to}" is not one of the configured regions (${names.join(', ')})`]);
  return to;
}

/** Bad input is refused before anything changes, and the refusal is on the record when the store answers. */
async function auditRefusal(ctx: CliContext, action: string, error: InputError, details: Record<string, unknown>): Promise<void> {
  await ctx.store.audit.append({ at: Date.now(), actor: ctx.actor, action, phase: 'refused', details: { reason: error.message, problems: error.problems, ...details } }).catch(() => undefined);
}

/** Waits until the lease holder has decided on a command. */
async function awaitDecision(store: StateStore, id: string, timeoutMs: number): Promise<CommandRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const record = await store.commands.get(id);
    if (record && (record.status === 'done' || record.status === 'refused')) return record;
    if (Date.now() > deadline) {
      throw new FcpError(`no replica decided on command ${id} within ${formatDuration(timeoutMs)}: is a controller replica holding the lease? (\`fcp status\`)`, { transient: true, context: { id } });
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** Follows a plan's journal until it finishes, printing each step as it ends (unless --json). */
async function followPlan(store: StateStore, planId: string, options: { json?: boolean }, timeoutMs: number): Promise<PlanJournal> {
  const started = Date.now();
  const printed = new Set<number>();
  for (;;) {
    const journal = await store.journal.read(planId);
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

/** Submits an operator command to the lease holder and reports what it decided (and, for flips, how the plan went). */
async function submit(ctx: CliContext, command: Command, options: FlipOptions): Promise<void> {
  await ctx.store.commands.submit(command, Date.now());
  if (!options.json) process.stderr.write(`submitted ${command.kind} as ${command.id}; waiting for the lease holder...\n`);
  const record = await awaitDecision(ctx.store, command.id, ctx.config.store.leaseTtl * 2 + 10_000);
  if (record.status === 'refused') {
    output(options, { command: command.id, status: 'refused', reason: record.reason }, () => record.reason ?? 'refused');
    throw new RefusedError(record.reason ?? 'refused', { context: { command: command.id } });
  }
  const planId = typeof record.result?.planId === 'string' ? record.result.planId : undefined;
  if (!planId || options.wait === false) {
    output(options, { command: command.id, status: record.status, reason: record.reason, planId }, () => record.reason ?? record.status);
    return;
  }
  if (!options.json) process.stderr.write(`${record.reason}\nplan ${planId} started:\n`);
  const journal = await followPlan(ctx.store, planId, options, ctx.config.database.promoteDeadline + 5 * 60_000);
  output(options, { command: command.id, planId, status: journal.head.status, error: journal.head.error, steps: journal.steps }, () => `${renderPlan(journal.head.plan, stepMarks(journal))}\n\nplan ${planId} ${journal.head.status}${journal.head.error ? `: ${journal.head.error}` : ''}`);
  if (journal.head.status !== 'succeeded') process.exitCode = 1;
}

function flipCommand(kind: 'failover' | 'switchover', ctx: CliContext, options: FlipOptions): Command {
  const to = requireRegion(ctx, options.to);
  const reason = requireReason(options.reason);
  return { kind, id: newCommandId(kind), to, reason, actor: ctx.actor, force: options.force ?? false, at: Date.now() };
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
  await withContext(options, async (ctx) => {
    let command: Command;
    try {
      command = flipCommand(kind, ctx, options);
    } catch (error) {
      if (error instanceof InputError) await auditRefusal(ctx, `request/${kind}`, error, { to: options.to, reason: options.reason });
      throw error;
    }
    if (options.dryRun) return printDryRun(ctx, command, options);
    if (options.force) await confirm(`--force overrides the safety guards for a ${kind} to ${command.kind === 'failover' || command.kind === 'switchover' ? command.to : ''}; it is audited.`, options.yes, '--force');
    await submit(ctx, command, options);
  });
}

export function registerOperateCommands(program: Cli): void {
  withCommonOptions(program.command('status').description('Topology, verdicts with evidence, lease holder, readiness, the current decision and the latest plan')).action(async (options: CommonOptions) =>
    withContext(options, async (ctx) => {
      const database = await readDatabaseStatus(ctx.config, ctx.region);
      const snapshot = await readSnapshot(ctx.store, ctx.config, Date.now(), database);
      output(options, snapshot, () => renderSnapshot(snapshot));
    }),
  );

  withCommonOptions(program.command('plan').description('Show the plan a failover to a region would run now (changes nothing)'))
    .requiredOption('--to <region>', 'target region')
    .option('--switchover', 'plan a planned switchover instead of a failover')
    .action(async (options: FlipOptions & { switchover?: boolean }) =>
      withContext(options, async (ctx) => {
        const to = requireRegion(ctx, options.to);
        const kind = options.switchover ? 'switchover' : 'failover';
        await printDryRun(ctx, { kind, id: newCommandId('plan'), to, reason: 'fcp plan', actor: ctx.actor, force: options.force ?? false, at: Date.now() }, options);
      }),
    );

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
    .action(async (options: FlipOptions) =>
      withContext(options, async (ctx) => {
        const reason = requireReason(options.reason);
        if (options.force) await confirm('--force overrides the safety guards for a failback; it is audited.', options.yes, '--force');
        await submit(ctx, { kind: 'failback', id: newCommandId('failback'), reason, actor: ctx.actor, force: options.force ?? false, at: Date.now() }, options);
      }),
    );

  for (const kind of ['pause', 'resume'] as const) {
    withCommonOptions(program.command(kind))
      .description(kind === 'pause' ? 'Pause automatic failover (manual commands still work)' : 'Resume automatic failover')
      .option('--reason <text>', 'why (required)')
      .action(async (options: FlipOptions) =>
        withContext(options, async (ctx) => {
          const reason = requireReason(options.reason ?? (kind === 'resume' ? 'resumed' : undefined));
          await submit(ctx, { kind, id: newCommandId(kind), reason, actor: ctx.actor, at: Date.now() }, options);
        }),
      );
  }

  withCommonOptions(program.command('audit').description('Show the audit trail; --verify checks its hash chain'))
    .option('--verify', 'verify the hash chain (exit 1 if broken)')
    .option('--limit <n>', 'records to show', '20')
    .option('--reconcile <file>', 'first append a break-glass audit file to the chain', undefined)
    .action(async (options: CommonOptions & { verify?: boolean; limit: string; reconcile?: string }) =>
      withContext(options, async (ctx) => {
        const limit = Number(options.limit);
        if (!Number.isInteger(limit) || limit < 1) throw new InputError('bad --limit', ['--limit: a whole number of records, at least 1']);
        const reconciled = options.reconcile ? await reconcile(ctx.store.audit, options.reconcile) : undefined;
        if (options.verify) {
          const check = await ctx.store.audit.verify();
          output(options, { ...check, reconciled }, () => `${reconciled ? `reconciled ${reconciled.appended} of ${reconciled.local} records from ${reconciled.file}\n` : ''}${check.ok ? `audit chain verifies: ${check.count} records` : `AUDIT CHAIN BROKEN at record ${check.brokenAt}: ${check.reason}`}`);
          if (!check.ok) process.exitCode = 1;
          return;
        }
        const records = await ctx.store.audit.list({ limit });
        output(options, { records, reconciled }, () =>
          records
            .map((r) => `#${r.seq} ${new Date(r.at).toISOString()} ${r.actor} ${r.action} ${r.phase}${r.reconciledFrom ? ' (break-glass, reconciled)' : ''}: ${String(r.details.reason ?? r.details.kind ?? '')}`)
            .join('\n') || 'no audit records',
        );
      }),
    );
}
