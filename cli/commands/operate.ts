import type { Command as Cli } from 'commander';
import { textProblem } from '../../controller/api/text.js';
import { InputError } from '../../kernel/errors.js';
import type { CommandRecord } from '../../controller/store/state-store.js';
import type { ApprovalRequest } from '../../controller/store/api-records.js';
import { renderSnapshot } from '../../controller/status.js';
import { breakGlassFailover, DEFAULT_BREAK_GLASS_FILE } from '../break-glass.js';
import { confirm, output, requireApi, withCommonOptions, type CommonOptions } from '../context.js';
import { follow } from '../follow.js';
import { forTerminal } from '../terminal.js';
import { apiTransport, openTransport, type OperatorTransport, type Order } from '../transport.js';

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

function requireReason(reason: string | undefined): string {
  if (!reason || reason.trim().length === 0) {
    throw new InputError('a reason is required', ['--reason: say why, for the audit trail and the people paged with you (e.g. --reason "us-east-1 API errors since 03:12, INC-123")']);
  }
  // The same rule the API applies: what goes in the audit trail is plain, visible text.
  const problem = textProblem(reason);
  if (problem) throw new InputError('the reason cannot be recorded as it is', [`--reason: ${problem}`]);
  return reason.trim();
}

function requireTarget(to: string | undefined): string {
  if (!to) throw new InputError('a target region is required', ['--to: one of the configured regions']);
  return to;
}

/** Runs `body` with the transport the options name (API or store) and closes it. */
async function withTransport(options: CommonOptions, body: (transport: OperatorTransport) => Promise<void>): Promise<void> {
  const transport = openTransport(options);
  try {
    await body(transport);
  } finally {
    await transport.close();
  }
}

/** Submits an order and reports: a pending request (two-person rule), or the decision and the plan's progress. */
async function submitAndFollow(transport: OperatorTransport, order: Order, options: FlipOptions): Promise<void> {
  if ('force' in order && order.force) await confirm(`--force overrides the safety guards for a ${order.kind}${'to' in order ? ` to ${order.to}` : ''}; it is audited.`, options.yes, '--force');
  const submitted = await transport.submit(order);
  if (submitted.request) {
    const r = submitted.request;
    output(options, { request: r }, () => `request ${r.id} (${r.command.kind}) waits for a different approver until ${new Date(r.expiresAt).toISOString()}:\n  fcp approve ${r.id}    (or: fcp reject ${r.id} --reason ...)`);
    return;
  }
  await follow(transport, submitted.command!.command, options);
}

/** `fcp plan` and `--dry-run`: the decision and plan the lease holder would make now. */
async function preview(transport: OperatorTransport, kind: 'failover' | 'switchover', to: string, options: FlipOptions): Promise<void> {
  const answer = await transport.preview(kind, to);
  output(options, { dryRun: true, ...answer }, () => `${answer.text}\n\n(dry run: nothing was changed)`);
  if (answer.decision.kind === 'refuse') process.exitCode = 2;
}

async function flip(kind: 'failover' | 'switchover', options: FlipOptions): Promise<void> {
  if (options.breakGlass) {
    if (kind !== 'failover') throw new InputError('--break-glass is for `fcp failover` only', ['--break-glass: a switchover needs the store and the old writer']);
    return breakGlassFailover(options);
  }
  const to = requireTarget(options.to);
  if (options.dryRun) return withTransport(options, (transport) => preview(transport, kind, to, options));
  const reason = requireReason(options.reason);
  return withTransport(options, (transport) => submitAndFollow(transport, { kind, to, reason, force: options.force ?? false }, options));
}

export function registerOperateCommands(program: Cli): void {
  withCommonOptions(program.command('status').description('Topology, verdicts with evidence, lease holder, readiness, the current decision and the latest plan')).action((options: CommonOptions) =>
    withTransport(options, async (transport) => {
      const snapshot = await transport.status();
      output(options, snapshot, () => renderSnapshot(snapshot));
    }),
  );

  withCommonOptions(program.command('plan').description('Show the plan a failover to a region would run now (changes nothing)'))
    .requiredOption('--to <region>', 'target region')
    .option('--switchover', 'plan a planned switchover instead of a failover')
    .action((options: FlipOptions & { switchover?: boolean }) => withTransport(options, (transport) => preview(transport, options.switchover ? 'switchover' : 'failover', requireTarget(options.to), options)));

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
    .action((options: FlipOptions) => {
      const reason = requireReason(options.reason);
      return withTransport(options, (transport) => submitAndFollow(transport, { kind: 'failback', reason, force: options.force ?? false }, options));
    });

  for (const kind of ['pause', 'resume'] as const) {
    withCommonOptions(program.command(kind))
      .description(kind === 'pause' ? 'Pause automatic failover (manual commands still work)' : 'Resume automatic failover')
      .option('--reason <text>', kind === 'pause' ? 'why (required)' : 'why (default "resumed")')
      .action((options: FlipOptions) => {
        const reason = requireReason(options.reason ?? (kind === 'resume' ? 'resumed' : undefined));
        return withTransport(options, (transport) => submitAndFollow(transport, { kind, reason }, options));
      });
  }

  withCommonOptions(program.command('requests').description('Two-person approval requests, newest first (through the API)')).action(async (options: CommonOptions) => {
    const client = requireApi(options, 'requests');
    const { requests } = await client.get<{ requests: (ApprovalRequest & { state: string })[] }>('/v1/requests');
    output(options, { requests }, () =>
      requests.map((r) => forTerminal(`${r.id} ${r.state.padEnd(8)} ${r.command.kind} by ${r.requestedBy} at ${new Date(r.createdAt).toISOString()}${r.decidedBy ? `, ${r.state} by ${r.decidedBy}` : ''}: ${r.command.reason}`)).join('\n') || 'no requests',
    );
  });

  withCommonOptions(program.command('approve').description('Approve a pending request to move the primary (a different person than the requester; through the API)'))
    .argument('<id>', 'the request id (`fcp requests`)')
    .option('--note <text>', 'a note for the audit trail')
    .option('--no-wait', 'return once the plan has started')
    .action(async (id: string, options: FlipOptions & { note?: string }) => {
      const client = requireApi(options, 'approve');
      const answer = await client.post<{ request: ApprovalRequest; command: CommandRecord }>(`/v1/requests/${encodeURIComponent(id)}/approve`, options.note ? { note: options.note } : {});
      if (!options.json) process.stderr.write(`request ${id} approved\n`);
      await follow(apiTransport(client), answer.command.command, options);
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
