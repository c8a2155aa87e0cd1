import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../controller/config/load.js';
import type { Condition } from '../../../controller/domain/types.js';
import { renderedControllerRole } from '../../../sandbox/iam/controller-role.js';
import { baseConfig, holder, startHarness, steady, submit, until, type Harness } from '../controller/deployment.js';

/**
 * A controller role missing one write action, enforced by the sandbox: readiness names the action
 * in a false condition before any failover, and the failover that would need it is refused before
 * any side effect, instead of failing half-way in the outage.
 */

const scratch = mkdtempSync(join(tmpdir(), 'fcp-permissions-'));
let harness: Harness | undefined;
afterAll(async () => {
  await harness?.close();
  rmSync(scratch, { recursive: true, force: true });
});

type Statement = { Sid: string; Action: string[]; Resource: string[] };

/** The role infra renders, as one document for every replica (resources of all regions), less `action`. */
async function roleWithout(action: string): Promise<string> {
  const role = await renderedControllerRole(baseConfig());
  const merged = new Map<string, Statement>();
  for (const { policy } of Object.values(role.regions)) {
    for (const statement of (policy as { Statement: Statement[] }).Statement) {
      const seen = merged.get(statement.Sid);
      merged.set(statement.Sid, seen ? { ...seen, Resource: [...new Set([...seen.Resource, ...statement.Resource])] } : structuredClone(statement));
    }
  }
  const statements = [...merged.values()].map((s) => ({ ...s, Action: s.Action.filter((a) => a !== action) })).filter((s) => s.Action.length > 0);
  const file = join(scratch, 'role.json');
  writeFileSync(file, JSON.stringify({ Version: '2012-10-17', Statement: statements }));
  return file;
}

const denial = (conditions: readonly Condition[], action: string) => conditions.find((c) => c.type === 'PermissionAllowed' && c.status === 'false' && c.message.startsWith(`${action} is not allowed`));

describe('a controller role missing a write action', () => {
  it('shows a false readiness condition naming it, and a switchover that needs it is refused before any side effect', async () => {
    const config = structuredClone(baseConfig());
    config.sandbox = { ...config.sandbox!, iamPolicy: await roleWithout('rds:SwitchoverGlobalCluster') };
    const h = (harness = await startHarness(parseConfig(JSON.parse(JSON.stringify(config)))));
    await steady(h);
    await until('every replica to name the denied action', () => [...h.deployment.replicas.values()].every((r) => denial(r.replica.status().conditions, 'rds:SwitchoverGlobalCluster') !== undefined), 30_000);
    const named = denial(holder(h)!.replica.status().conditions, 'rds:SwitchoverGlobalCluster')!;
    expect(named).toMatchObject({ reason: 'ImplicitDeny', region: expect.any(String) });
    expect(named.message).toMatch(/is not allowed for arn:aws:iam::000000000000:role\/auth-sandbox-[a-z0-9-]+-controller on arn:aws:rds::000000000000:global-cluster:auth-global/);

    const record = await submit(h, { kind: 'switchover', id: 'needs-switchover', to: 'us-west-2', reason: 'game day', actor: 'user/alice', at: Date.now() });
    expect(record.status).toBe('refused');
    expect(record.reason).toMatch(/PermissionAllowed false \(rds:SwitchoverGlobalCluster is not allowed/);
    expect(h.deployment.sandbox.stats().dbWriter).toBe('us-east-1');
    expect(h.deployment.sandbox.stats().calls.rds.SwitchoverGlobalCluster ?? 0).toBe(0);
    expect(await h.store.journal.listPlans()).toEqual([]);
  });
});
