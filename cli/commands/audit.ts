import type { Command as Cli } from 'commander';
import { InputError } from '../../kernel/errors.js';
import { checkAuditTrail, renderTrailCheck } from '../../controller/providers/audit/check.js';
import { openCheckpoints } from '../../controller/providers/audit/from-config.js';
import { buildProviders } from '../../controller/wiring.js';
import type { AuditRecord } from '../../controller/store/state-store.js';
import { reconcile } from '../../controller/store/reconcile.js';
import { apiClientOf, openContext, output, withCommonOptions, type CliContext, type CommonOptions } from '../context.js';
import { forTerminal } from '../terminal.js';

interface AuditOptions extends CommonOptions {
  verify?: boolean;
  limit: string;
  reconcile?: string;
}

function renderAudit(records: AuditRecord[]): string {
  return (
    records
      .map((r) => forTerminal(`#${r.seq} ${new Date(r.at).toISOString()} ${r.actor} ${r.action} ${r.phase}${r.reconciledFrom ? ' (break-glass, reconciled)' : ''}: ${String(r.details.reason ?? r.details.outcome ?? r.details.kind ?? '')}`))
      .join('\n') || 'no audit records'
  );
}

/** The chain against its signed checkpoints (the store and the checkpoint log, read directly). */
async function verify(ctx: CliContext, options: AuditOptions, reconciled: Awaited<ReturnType<typeof reconcile>> | undefined): Promise<void> {
  const providers = buildProviders(ctx.config, { replicaRegion: ctx.region });
  try {
    const checkpoints = openCheckpoints(ctx.config, { caller: providers.caller, region: ctx.region, sign: false });
    const check = await checkAuditTrail(ctx.store.audit, checkpoints, Date.now(), ctx.config.audit.checkpoints.every);
    output(options, { ...check, reconciled }, () => `${reconciled ? `reconciled ${reconciled.appended} of ${reconciled.local} records from ${reconciled.file}\n` : ''}${renderTrailCheck(check)}`);
    if (!check.ok) process.exitCode = 1;
  } finally {
    await providers.close();
  }
}

export function registerAuditCommand(program: Cli): void {
  withCommonOptions(program.command('audit').description('Show the audit trail; --verify checks it against its signed checkpoints'))
    .option('--verify', 'verify the chain against the signed checkpoints (exit 1 with what was tampered with)')
    .option('--limit <n>', 'records to show', '20')
    .option('--reconcile <file>', 'first append a break-glass audit file to the chain', undefined)
    .action(async (options: AuditOptions) => {
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new InputError('bad --limit', ['--limit: a whole number of records, at least 1']);
      const client = apiClientOf(options);
      if (client) {
        if (options.verify || options.reconcile) throw new InputError('--verify and --reconcile read the store directly', ['--api: leave it out (and FCP_API unset) to verify or reconcile the chain']);
        const { records } = await client.get<{ records: AuditRecord[] }>('/v1/audit', { limit });
        return output(options, { records }, () => renderAudit(records));
      }
      const ctx = openContext(options);
      try {
        const reconciled = options.reconcile ? await reconcile(ctx.store.audit, options.reconcile) : undefined;
        if (options.verify) return await verify(ctx, options, reconciled);
        const records = await ctx.store.audit.list({ limit });
        output(options, { records, reconciled }, () => renderAudit(records));
      } finally {
        ctx.close();
      }
    });
}
