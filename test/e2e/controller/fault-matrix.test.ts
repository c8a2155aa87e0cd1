import { describe, expect, it } from 'vitest';
import { matrixScenario, type Boundary, type Way } from '../../../cli/drill/matrix.js';
import { runDrill } from '../../../cli/drill/drill.js';
import { loadDrillScenario } from '../../../cli/drill/scenario.js';
import { createLogger } from '../../../kernel/logging.js';
import { baseConfig } from './deployment.js';

/**
 * The lease holder loses the lease at a plan step boundary, while the primary region is down: the
 * failover still completes, each side effect once (counted by the sandbox), and the stored
 * topology ends equal to the sandbox's real state. Refused credentials, a crash and the holder's
 * own region going down run at the boundary where the most has changed (the database promoted,
 * traffic fenced); store outages are covered by the lifecycle property test (real dynalite going
 * down at random) and the CLI's store-outage test, and would add a minute or more to CI here.
 * operations.test.ts kills a holder process mid-step at another boundary. `fcp drill --matrix`
 * runs every boundary with every way (about 12 minutes: too long for every CI run).
 */

const logger = createLogger({ name: 'e2e', level: process.env.FCP_E2E_LOG ?? 'silent', pretty: false });

const cells: { boundary: Boundary; way: Way }[] = (['credentials', 'crash', 'own-region-down'] as const).map((way) => ({ boundary: 'promote-database' as const, way }));

describe('a failover whose lease holder loses the lease at a step boundary', () => {
  it.each(cells)('completes exactly once after $boundary when the holder loses it by $way', async ({ boundary, way }) => {
    const config = baseConfig();
    const report = await runDrill({ scenario: matrixScenario(config, boundary, way), config, logger });
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: true, completed: true, to: 'us-west-2' });
    expect(report.happened).toMatchObject({ promotions: 1, routingUpdates: 1, route53Changes: 0, topology: { primary: 'us-west-2', matchesWorld: true } });
    expect(report.happened.topology?.activePlan).toBeUndefined();
  });
});

describe('a partition between the primary region and the others', () => {
  it('never fails over, and classifies it as a partition', async () => {
    const config = baseConfig();
    const report = await runDrill({ scenario: loadDrillScenario('partition', config), config, logger });
    expect(report.problems).toEqual([]);
    expect(report.happened).toMatchObject({ outcome: 'none', flips: 0, promotions: 0, routingUpdates: 0 });
    expect(report.happened.classifications).toContain('partition');
  });
});
