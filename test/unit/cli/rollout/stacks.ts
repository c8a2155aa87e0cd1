import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { exampleSettings, THREE_REGION_STACK } from '../../../infra/fixtures.js';

/**
 * Stack settings files of a split deployment over the sandbox's regions (us-east-1 the home and
 * primary, us-west-2 and eu-west-1 standbys), in a fresh directory, as `fcp rollout --dir` reads them.
 */
export const SANDBOX_REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'] as const;

export function writeSplitStacks(prefix = 'sbx', change: (shared: ReturnType<typeof exampleSettings>) => void = () => undefined): string {
  const dir = mkdtempSync(join(tmpdir(), 'fcp-stacks-'));
  const shared = exampleSettings(THREE_REGION_STACK);
  shared.regions = SANDBOX_REGIONS.map((name) => ({ name, appOrigin: `origin.${name}.auth.example.com` })) as typeof shared.regions;
  shared.stateTable = { consistency: 'eventual' };
  for (const service of shared.services) service.endpoints = Object.fromEntries(SANDBOX_REGIONS.map((r) => [r, `https://${service.name}.${r}.auth.example.com/health`]));
  change(shared);
  const write = (stack: string, config: Record<string, unknown>) => writeFileSync(join(dir, `Pulumi.${stack}.yaml`), YAML.stringify({ config }));
  write(`${prefix}-shared`, { 'fcp:tier': 'shared', 'fcp:deployment': shared });
  SANDBOX_REGIONS.forEach((name, index) => write(`${prefix}-${name}`, { 'fcp:tier': 'region', 'fcp:region': { shared: `acme/failover-control-plane/${prefix}-shared`, name, network: { cidr: `10.${10 * (index + 1)}.0.0/16` } } }));
  write(`${prefix}-endpoints`, { 'fcp:tier': 'endpoints', 'fcp:endpoints': { shared: `acme/failover-control-plane/${prefix}-shared`, regions: Object.fromEntries(SANDBOX_REGIONS.map((r) => [r, `acme/failover-control-plane/${prefix}-${r}`])) } });
  return dir;
}
