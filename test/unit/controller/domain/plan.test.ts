import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../../controller/config/load.js';
import { buildPlan, renderPlan } from '../../../../controller/domain/plan.js';
import type { Decision } from '../../../../controller/domain/types.js';
import { config } from './fixtures.js';

type Flip = Extract<Decision, { kind: 'flip' }>;
const flip = (overrides: Partial<Flip> = {}): Flip => ({
  kind: 'flip', at: 0, planId: 'plan-1-failover-us-east-1-to-us-west-2', operation: 'failover', mode: 'unplanned', trigger: 'automatic',
  from: 'us-east-1', to: 'us-west-2', reason: 'failover us-east-1 -> us-west-2: regional outage confirmed by 3/4 vantage points for 1s', guards: [], ...overrides,
});

/** Without the global writer endpoint the writer record itself is flipped (through the Route 53 API). */
const clusterWriterConfig = parseConfig({ ...structuredClone(config), database: { ...structuredClone(config.database), globalWriterEndpoint: undefined } });

const route53Config = parseConfig({
  ...structuredClone(config),
  traffic: {
    mechanism: 'route53', publicName: 'login.auth.sandbox', hostedZoneId: 'ZSANDBOXPUBLIC', ttl: 30,
    records: Object.fromEntries(config.regions.map((r, i) => [r.name, { setIdentifier: r.name, value: `127.0.1.${i + 1}` }])),
  },
});

describe('buildPlan', () => {
  it.each([
    { name: 'unplanned failover with the global writer endpoint: no DNS record changes', decision: flip(), settings: config, kinds: ['check-target-ready', 'fence-old-writer', 'promote-database', 'wait-for-writer', 'flip-traffic', 'verify'] },
    { name: 'unplanned failover flipping the writer record', decision: flip(), settings: clusterWriterConfig, kinds: ['check-target-ready', 'fence-old-writer', 'promote-database', 'wait-for-writer', 'flip-db-endpoints', 'flip-traffic', 'verify'] },
    { name: 'planned switchover needs no fence', decision: flip({ operation: 'switchover', mode: 'planned', trigger: 'manual' }), settings: clusterWriterConfig, kinds: ['check-target-ready', 'promote-database', 'wait-for-writer', 'flip-db-endpoints', 'flip-traffic', 'verify'] },
    { name: 'route53 traffic flip', decision: flip(), settings: route53Config, kinds: ['check-target-ready', 'fence-old-writer', 'promote-database', 'wait-for-writer', 'flip-traffic', 'verify'] },
  ])('$name', ({ decision, settings, kinds }) => {
    const plan = buildPlan(decision, settings);
    expect(plan.steps.map((s) => s.kind)).toEqual(kinds);
    expect(plan.steps.map((s) => s.index)).toEqual(kinds.map((_, i) => i + 1));
    for (const step of plan.steps) {
      expect(step.deadlineMs).toBeGreaterThan(0);
      expect(step.title.length).toBeGreaterThan(10);
    }
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
  });

  it('fences through traffic when the writer name follows the global endpoint', () => {
    const fence = buildPlan(flip(), config).steps.find((s) => s.kind === 'fence-old-writer')!;
    expect(fence.params).toEqual({ via: 'traffic', to: 'us-west-2' });
  });

  it('points the writer and the lost region reader at the new writer after an unplanned failover', () => {
    const plan = buildPlan(flip(), clusterWriterConfig);
    const records = plan.steps.find((s) => s.kind === 'flip-db-endpoints')!.params.records;
    expect(records).toEqual({
      'writer.db.auth.internal': 'auth-us-west-2.cluster.us-west-2.rds.sandbox',
      'reader.us-east-1.db.auth.internal': 'auth-us-west-2.cluster-ro.us-west-2.rds.sandbox',
      'reader.us-west-2.db.auth.internal': 'auth-us-west-2.cluster-ro.us-west-2.rds.sandbox',
      'reader.eu-west-1.db.auth.internal': 'auth-eu-west-1.cluster-ro.eu-west-1.rds.sandbox',
    });
  });

  it('records forced guards so the plan shows them', () => {
    const plan = buildPlan(flip({ guards: [{ guard: 'replication-lag', ok: true, reason: 'overridden by --force: lag 9s exceeds the RPO budget 5s', overridden: true }] }), config);
    expect(plan.overridden).toEqual(['replication-lag']);
    expect(plan.steps.find((s) => s.kind === 'promote-database')!.params.force).toBe(true);
    expect(renderPlan(plan)).toContain('Overridden guards (--force): replication-lag');
  });
});

describe('renderPlan', () => {
  it('reads like a reviewable plan with progress marks', () => {
    const text = renderPlan(buildPlan(flip(), clusterWriterConfig), { 1: 'done', 2: 'skipped', 3: 'running' });
    const lines = text.split('\n');
    expect(lines[0]).toBe('Plan plan-1-failover-us-east-1-to-us-west-2: failover us-east-1 -> us-west-2 (unplanned, automatic)');
    expect(lines[1]).toBe('Reason: failover us-east-1 -> us-west-2: regional outage confirmed by 3/4 vantage points for 1s');
    expect(text).toMatch(/✓ {2}1\. check-target-ready/);
    expect(text).toMatch(/= {2}2\. fence-old-writer/);
    expect(text).toMatch(/> {2}3\. promote-database/);
    expect(text).toMatch(/~ {2}7\. verify/);
    expect(lines[lines.length - 1]).toMatch(/^Plan: 7 steps, 1 done, 1 already done\./);
  });
});
