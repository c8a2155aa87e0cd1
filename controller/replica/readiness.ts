import { refusesCredentials } from '../aws/classify.js';
import type { Clock } from '../../kernel/clock.js';
import type { Config } from '../config/schema.js';
import type { Millis } from '../../kernel/time.js';
import { formatDuration } from '../../kernel/time.js';
import type { Condition } from '../domain/types.js';
import { describeError, FcpError } from '../../kernel/errors.js';
import type { StepPorts } from '../executor/steps.js';
import type { StepBudget } from '../ports.js';

/** A replica whose credentials are refused must not hold the lease: it could decide but not act. */
export function credentialsRefused(conditions: readonly Condition[]): Condition | undefined {
  return conditions.find((c) => c.status === 'false' && refusesCredentials(c.reason));
}

/** The permission proof (`permissions.ts`): its conditions, never a throw. */
export interface PermissionConditions {
  conditions(budget: StepBudget): Promise<Condition[]>;
}

/**
 * Readiness checks: continuous proof that the failover path would work from this replica, with
 * its credentials, right now (DESIGN.md: a rollback once failed on a permission nothing had
 * exercised). Each check makes the read calls the plan's steps would make; `permissions` proves
 * the write calls by simulating them with IAM.
 */
export async function checkReadiness(ports: StepPorts, config: Pick<Config, 'regions' | 'failover' | 'aws'>, clock: Clock, permissions?: PermissionConditions): Promise<Condition[]> {
  const at = clock.now();
  const budget = { deadlineAt: at + config.aws.requestTimeout * 2 };
  const standbys = config.regions.filter((r) => r.role === 'standby').map((r) => r.name);

  /** `ok: undefined` means the check could not tell (no data yet): reported as unknown. */
  const failed = (type: string, region: string | undefined, error: unknown): Condition => {
    const code = error instanceof FcpError && typeof error.context.code === 'string' ? error.context.code : 'CallFailed';
    return condition(type, region, refusesCredentials(code) ? 'false' : 'unknown', code, describeError(error), at);
  };
  const check = async (type: string, region: string | undefined, run: () => Promise<{ ok: boolean | undefined; message: string }>): Promise<Condition> => {
    try {
      const { ok, message } = await run();
      return condition(type, region, ok === undefined ? 'unknown' : ok ? 'true' : 'false', ok === undefined ? 'NoData' : ok ? 'Ok' : 'NotReady', message, at);
    } catch (error) {
      return failed(type, region, error);
    }
  };

  const database = await ports.database.status(budget).catch((error: unknown) => error);
  const lag = (region: string) => async () => {
    if (database instanceof Error) throw database;
    const status = database as Awaited<ReturnType<typeof ports.database.status>>;
    const ms = status.lagMs[region];
    if (status.writerRegion === region) return { ok: true, message: `${region} is the writer` };
    if (ms === undefined) return { ok: undefined, message: `replication lag of ${region} is unknown (no datapoint yet)` };
    return { ok: ms <= config.failover.rpoBudget, message: `lag ${formatDuration(ms)} (RPO budget ${formatDuration(config.failover.rpoBudget)})` };
  };

  const conditions = await Promise.all([
    check('TrafficControlsReadable', undefined, async () => {
      const state = await ports.traffic.read(budget);
      const missing = config.regions.map((r) => r.name).filter((r) => !(r in state.detail));
      return missing.length === 0 ? { ok: true, message: `traffic goes to ${state.active.join(', ') || 'no region'}` } : { ok: false, message: `no traffic control for ${missing.join(', ')}` };
    }),
    check('DbEndpointRecordsExist', undefined, async () => {
      const records = await ports.dbRecords.read(budget);
      const missing = Object.entries(records).filter(([, value]) => value === undefined).map(([name]) => name);
      return missing.length === 0 ? { ok: true, message: `${Object.keys(records).length} DB endpoint records present` } : { ok: false, message: `missing: ${missing.join(', ')}` };
    }),
    ...standbys.map(async (region) => {
      const ready = await ports.database.readiness(region, budget).catch((error: unknown) => [failed('TargetClusterReady', region, error)]);
      return ready.map((c) => ({ ...c, region: c.region ?? region }));
    }),
    ...standbys.map((region) => check('ReplicationLagWithinBudget', region, lag(region))),
    ...(permissions ? [permissions.conditions(budget)] : []),
  ]);
  return conditions.flat();
}

function condition(type: string, region: string | undefined, status: Condition['status'], reason: string, message: string, at: Millis): Condition {
  return { type, status, reason, message, at, ...(region !== undefined && { region }) };
}
