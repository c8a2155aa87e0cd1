import { formatDuration } from '../../../kernel/time.js';
import type { PolicyScore } from './score.js';

/**
 * The detection targets (issue 14), checked on one profile's run. Each says what it asks, what the
 * run measured, and whether that meets it; nothing here is asserted by tests.
 */

export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean;
}

export interface TargetInputs {
  engine: PolicyScore;
  /** Route 53 fast health checks in the same run: the region-level time to decision is compared with theirs. */
  route53Fast: PolicyScore | undefined;
  regionHours: number;
  /** CPU time of the simulation (engine and baselines), without the blip curve. */
  cpuMs: number;
}

const ms = (value: number | null) => (value === null ? '-' : formatDuration(value));

export function checkTargets({ engine, route53Fast, regionHours, cpuMs }: TargetInputs): TargetCheck[] {
  const blips = Object.entries(engine.failoversByKind).filter(([kind]) => kind.startsWith('blip-')).reduce((sum, [, n]) => sum + n, 0);
  const region = engine.groups.region;
  const app = engine.groups.app;
  const slow = engine.groups['slow-onset'];
  const r53 = route53Fast?.groups.region?.ttdMs.p99 ?? null;
  const checks: TargetCheck[] = [
    { target: '0 failovers on app-level blips (1-12 s of 503s, restarts, stalls)', measured: `${blips} failovers`, met: blips === 0 },
  ];
  if (region) {
    const p99 = region.ttdMs.p99;
    const bound = r53 === null ? 8000 : Math.min(8000, 0.2 * r53);
    checks.push({
      target: 'region-level outages: all detected, time to decision p99 <= 8s and <= 0.2 x route53-fast p99',
      measured: `${region.detected}/${region.incidents} detected, p99 ${ms(p99)} (route53-fast p99 ${ms(r53)}, bound ${ms(bound)})`,
      met: region.missed === 0 && p99 !== null && p99 <= bound,
    });
  }
  if (app) {
    checks.push({ target: 'app-only outages >= 30 s: all detected, p99 <= 20s', measured: `${app.detected}/${app.incidents} detected, p99 ${ms(app.ttdMs.p99)}`, met: app.missed === 0 && (app.ttdMs.p99 ?? Infinity) <= 20_000 });
  }
  if (slow) {
    checks.push({ target: 'slow-onset gray failures: p99 <= 60s after crossing the failure ratio', measured: `${slow.detected}/${slow.incidents} detected, p99 ${ms(slow.ttdMs.p99)}`, met: slow.missed === 0 && (slow.ttdMs.p99 ?? Infinity) <= 60_000 });
  }
  const perTenThousand = (n: number) => Math.round((n * 10_000) / regionHours);
  checks.push({
    target: '0 false and 0 wrong failovers per 10,000 region-hours',
    measured: `${perTenThousand(engine.falseFailovers)} false, ${perTenThousand(engine.wrongFailovers)} wrong per 10,000 region-hours`,
    met: engine.falseFailovers === 0 && engine.wrongFailovers === 0,
  });
  const scaled = (cpuMs * 10_000) / regionHours;
  checks.push({ target: '10,000 region-hours in under 60 s of one core', measured: `${formatDuration(scaled)} of CPU per 10,000 region-hours`, met: scaled < 60_000 });
  return checks;
}
