import { systemClock } from '../kernel/clock.js';
import { loadConfig } from '../controller/config/load.js';
import type { Config } from '../controller/config/schema.js';
import { buildPlan, renderPlan } from '../controller/domain/plan.js';
import { formatDuration } from '../kernel/time.js';
import type { DatabaseStatus, Decision } from '../controller/domain/types.js';
import { InputError, RefusedError } from '../kernel/errors.js';
import { assess } from '../controller/domain/assess.js';
import { decide, initialTopology } from '../controller/domain/decide.js';
import { executePlan } from '../controller/executor/executor.js';
import { MemoryJournal } from '../controller/executor/memory-journal.js';
import { buildProviders } from '../controller/wiring.js';
import { LocalAuditFile } from '../controller/store/local-audit.js';
import { stepMarks } from '../controller/status.js';
import { confirm, output, resolveRegion, type CommonOptions } from './context.js';
import { bestKnownIdentity } from './identity.js';

export const DEFAULT_BREAK_GLASS_FILE = process.env.FCP_BREAK_GLASS_AUDIT ?? '.data/break-glass-audit.jsonl';

/**
 * The decision a break-glass run carries out: the engine's own answer to a forced manual failover
 * from the database's writer, with nothing known about health (the store, which holds the
 * replicas' observations, is unreachable). Its guards say what was forced past; its plan id says
 * it ran outside the controller.
 */
function breakGlassDecision(config: Config, input: { from: string; to: string; actor: string; reason: string; database: DatabaseStatus | undefined; now: number }): Extract<Decision, { kind: 'flip' }> {
  const { from, to, actor, reason, database, now } = input;
  const topology = { ...initialTopology(config), primary: from };
  const command = { kind: 'failover' as const, id: `break-glass-${now}`, to, reason: `break-glass (the state store is unreachable): ${reason}`, actor, force: true, at: now };
  const { decisions } = decide(topology, { assessment: assess([], config, now), commands: [command], database, readiness: undefined }, config, now);
  const decision = decisions.find((d) => d.kind === 'flip' || d.kind === 'refuse');
  if (decision?.kind !== 'flip') throw new RefusedError(decision?.reason ?? `refused break-glass failover ${from} -> ${to}`);
  return { ...decision, planId: `break-glass-${now}-${from}-to-${to}` };
}

/** The database's status as the CLI's region sees it; undefined when it cannot be read. */
export async function readDatabaseStatus(config: Config, region: string): Promise<DatabaseStatus | undefined> {
  const providers = buildProviders(config, { replicaRegion: region });
  try {
    return await providers.signals.database.read();
  } catch {
    return undefined;
  } finally {
    await providers.close();
  }
}

interface BreakGlassOptions extends CommonOptions {
  to?: string;
  reason?: string;
  yes?: boolean;
  force?: boolean;
  auditFile: string;
}

/**
 * Break-glass failover: the state store is unreachable, so this machine acts alone. It runs the
 * same plan through the same executor, with a local journal and a local hash-chained audit file
 * (`fcp audit --reconcile FILE` appends it to the store's chain when the store is back). There is
 * no lease, so the operator is responsible for making sure no replica acts at the same time.
 */
export async function breakGlassFailover(options: BreakGlassOptions): Promise<void> {
  const config = loadConfig(options.config);
  const names = config.regions.map((r) => r.name);
  if (!options.to || !names.includes(options.to)) {
    throw new InputError(options.to ? `unknown region "${options.to}"` : 'a target region is required', [`--to: one of ${names.join(', ')}`]);
  }
  if (!options.reason?.trim()) throw new InputError('a reason is required', ['--reason: say why, for the audit trail']);
  const to = options.to;
  const region = resolveRegion(config, options.region ?? to);
  await confirm(`--break-glass fails over to ${to} from this machine without the state store, lease or guards; it is audited to ${options.auditFile}.`, options.yes, '--break-glass');
  const actor = await bestKnownIdentity(config, region);

  const providers = buildProviders(config, { replicaRegion: region });
  try {
    const budget = { deadlineAt: Date.now() + 2 * config.aws.requestTimeout };
    const database = await providers.database.status(budget).catch(() => undefined);
    const from = database?.writerRegion ?? config.regions.find((r) => r.role === 'primary')!.name;
    if (from === to) throw new InputError(`${to} is already the database writer`, ['--to: choose a standby region']);
    const now = Date.now();
    const decision = breakGlassDecision(config, { from, to, actor, reason: options.reason.trim(), database, now });
    const plan = buildPlan(decision, config);
    const audit = new LocalAuditFile(options.auditFile);
    await audit.append({ at: now, actor, action: 'break-glass/failover', phase: 'intent', details: { planId: plan.id, from, to, reason: decision.reason, force: options.force ?? false } });
    const journal = new MemoryJournal();
    const lease = { holder: `break-glass/${actor}`, token: 0, ttlMs: Number.MAX_SAFE_INTEGER, expiresAt: Number.MAX_SAFE_INTEGER };
    if (!options.json) process.stderr.write(`${renderPlan(plan)}\n\nrunning without the state store; audit: ${options.auditFile}\n`);
    const started = Date.now();
    const result = await executePlan(plan, {
      journal,
      audit,
      ports: { traffic: providers.traffic, database: providers.database, dbRecords: providers.dbRecords },
      clock: systemClock,
      random: Math.random,
      retry: { ...config.aws.retry, maxAttempts: config.failover.stepAttempts },
      actor,
      currentLease: () => lease,
      onEvent: (event) => {
        if (event.type === 'step-end' && !options.json) {
          process.stderr.write(`  [${formatDuration(Date.now() - started).padStart(6)}] step ${event.step.index} ${event.step.kind}: ${event.outcome.status}${event.outcome.status === 'failed' ? ` (${event.outcome.error})` : ''}\n`);
        }
      },
    });
    const status = result.status;
    await audit.append({ at: Date.now(), actor, action: 'break-glass/failover', phase: 'result', details: { planId: plan.id, status, ...(result.status === 'failed' && { error: result.error }) } });
    const final = (await journal.read(plan.id))!;
    output(options, { planId: plan.id, status, auditFile: options.auditFile, steps: final.steps }, () => `${renderPlan(plan, stepMarks(final))}\n\nbreak-glass plan ${status}; reconcile the audit when the store is back: fcp audit --reconcile ${options.auditFile} --verify`);
    if (status !== 'succeeded') process.exitCode = 1;
  } finally {
    await providers.close();
  }
}
