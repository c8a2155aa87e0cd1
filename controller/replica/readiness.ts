import type { Clock } from '../aws/clock.js';
import type { Config } from '../config/schema.js';
import type { Millis } from '../domain/time.js';
import { formatDuration } from '../domain/time.js';
import type { Condition } from '../domain/types.js';
import { describeError, FcpError } from '../errors.js';
import type { StepPorts } from '../executor/steps.js';

/**
 * Readiness checks: continuous proof that the failover path would work from this replica, with
 * its credentials, right now (DESIGN.md: a rollback once failed on a permission nothing had
 * exercised). Each check makes the read calls the plan's steps would make.
 */
export async function checkReadiness(ports: StepPorts, config: Pick<Config, 'regions' | 'failover' | 'aws'>, clock: Clock): Promise<Condition[]> {
  const at = clock.now();
  const budget = { deadlineAt: at + config.aws.requestTimeout * 2 };
  const standbys = config.regions.filter((r) => r.role === 'standby').map((r) => r.name);

  const check = async (type: string, region: string | undefined, run: () => Promise<{ ok: boolean; message: string }>): Promise<Condition> => {
    try {
      const { ok, message } = await run();
      return condition(type, region, ok ? 'true' : 'false', ok ? 'Ok' : 'NotReady', message, at);
    } catch (error) {
      const code = error instanceof FcpError && typeof error.context.code === 'string' ? error.context.code : 'CallFailed';
      return condition(type, region, code === 'AccessDenied' || code === 'ExpiredToken' || code === 'AccessDeniedException' ? 'false' : 'unknown', code, describeError(error), at);
    }
  };

  const database = await ports.database.status(budget).catch((error: unknown) => error);
  const lag = (region: string) => async () => {
    if (database instanceof Error) throw database;
    const status = database as Awaited<ReturnType<typeof ports.database.status>>;
    const ms = status.lagMs[region];
    if (status.writerRegion === region) return { ok: true, message: `${region} is the writer` };
    if (ms === undefined) return { ok: false, message: `replication lag of ${region} is unknown` };
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
      const ready = await ports.database.readiness(region, budget).catch((error: unknown) => [condition('TargetClusterReady', region, 'unknown', 'CallFailed', describeError(error), at)]);
      return ready.map((c) => ({ ...c, region: c.region ?? region }));
    }),
    ...standbys.map((region) => check('ReplicationLagWithinBudget', region, lag(region))),
  ]);
  return conditions.flat();
}

function condition(type: string, region: string | undefined, status: Condition['status'], reason: string, message: string, at: Millis): Condition {
  return { type, status, reason, message, at, ...(region !== undefined && { region }) };
}
