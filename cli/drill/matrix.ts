import { configuredPrimary } from '../../controller/domain/decide.js';
import type { Config } from '../../controller/config/schema.js';
import { InputError } from '../../kernel/errors.js';
import type { Logger } from '../../kernel/logging.js';
import { runDrill } from './drill.js';
import type { DrillReport } from './report.js';
import { parseDrillScenario, type DrillScenario } from './scenario.js';

/** The step boundaries of an unplanned failover at which the lease holder loses the lease. */
export const BOUNDARIES = ['check-target-ready', 'fence-old-writer', 'promote-database', 'wait-for-writer', 'flip-traffic'] as const;

/** Each way a lease holder loses the lease, as a fault of its region (or its replica). */
export const WAYS = {
  credentials: (holder: string) => ({ fault: { kind: 'access-denied', region: holder } }),
  'store-5s': () => ({ fault: { kind: 'store-down', for: '5s' } }),
  'store-30s': () => ({ fault: { kind: 'store-down', for: '30s' } }),
  crash: (holder: string) => ({ crash: holder }),
  'own-region-down': (holder: string) => ({ fault: { kind: 'region-down', region: holder } }),
} as const;

export type Way = keyof typeof WAYS;
export type Boundary = (typeof BOUNDARIES)[number];

/**
 * One cell of the fault matrix: the primary region goes down while a standby that is not the
 * failover target holds the lease; right after the plan's `boundary` step ends, that holder loses
 * the lease `way`. The failover must still complete exactly once.
 */
export function matrixScenario(config: Config, boundary: Boundary, way: Way): DrillScenario {
  const primary = configuredPrimary(config);
  const standbys = config.regions.filter((r) => r.role === 'standby').map((r) => r.name);
  if (standbys.length < 2) throw new InputError('the fault matrix needs at least two standby regions', ['regions: one standby is the failover target, another holds the lease']);
  const [target, holder] = standbys as [string, string];
  return parseDrillScenario(
    {
      name: `matrix-${boundary}-${way}`,
      description: `${primary} goes down; the lease holder in ${holder} loses the lease (${way}) right after ${boundary}`,
      leaseHolder: holder,
      faults: [{ at: 0, fault: { kind: 'region-down', region: primary } }, { afterStep: boundary, ...WAYS[way](holder) }],
      expect: { outcome: 'failover', to: target, noRoute53Changes: true },
    },
    config,
  );
}

export interface MatrixCell {
  boundary: Boundary;
  way: Way;
  report: DrillReport;
}

/** Parses `a,b` against the allowed names; throws InputError naming the option. */
export function pick<T extends string>(option: string, value: string | undefined, all: readonly T[]): T[] {
  if (!value) return [...all];
  const chosen = value.split(',').map((v) => v.trim());
  const unknown = chosen.filter((v) => !(all as readonly string[]).includes(v));
  if (unknown.length > 0) throw new InputError(`unknown ${option} ${unknown.map((u) => `"${u}"`).join(', ')}`, [`--${option}: any of ${all.join(', ')}`]);
  return chosen as T[];
}

/** Runs every chosen cell, one after the other, each on a fresh sandbox. */
export async function runMatrix(config: Config, logger: Logger, boundaries: readonly Boundary[], ways: readonly Way[], onCell?: (cell: MatrixCell) => void): Promise<MatrixCell[]> {
  const cells: MatrixCell[] = [];
  for (const boundary of boundaries) {
    for (const way of ways) {
      const report = await runDrill({ scenario: matrixScenario(config, boundary, way), config, logger });
      const cell = { boundary, way, report };
      cells.push(cell);
      onCell?.(cell);
    }
  }
  return cells;
}

export function renderMatrixRow(cell: MatrixCell): string {
  const r = cell.report;
  const s = (ms: number | undefined) => (ms === undefined ? '-' : `${(ms / 1000).toFixed(1)}s`);
  const h = r.happened;
  return [
    cell.boundary.padEnd(19),
    cell.way.padEnd(16),
    (r.ok ? 'ok' : 'FAILED').padEnd(7),
    `traffic ${s(r.trafficFlippedAfterMs)}`.padEnd(15),
    `writer ${s(r.dbWriterAfterMs)}`.padEnd(14),
    `promotions ${h.promotions}, routing ${h.routingUpdates}`.padEnd(26),
    h.topology?.activePlan ? 'STUCK' : h.topology?.matchesWorld ? 'topology=world' : 'TOPOLOGY WRONG',
    r.problems.length > 0 ? ` | ${r.problems.join('; ')}` : '',
  ].join(' ');
}
