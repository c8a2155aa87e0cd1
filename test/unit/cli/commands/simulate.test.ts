import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fcp, resetCliAfterEach } from '../in-process.js';

resetCliAfterEach();

const example = (name: string) => new URL(`../../../../examples/scenarios/${name}.yaml`, import.meta.url).pathname;

describe('fcp simulate', () => {
  it('prints the timeline of decisions', async () => {
    const result = await fcp('simulate', example('regional-outage'));
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^scenario regional-outage: /);
    expect(result.stdout).toMatch(/^failovers: us-east-1 -> us-west-2$/m);
    expect(result.stdout).toMatch(/^t\+1m0\d\.0s +decision +failover us-east-1 -> us-west-2: /m);
  });

  it('prints JSON with --json, the same in dense mode', async () => {
    const skip = JSON.parse((await fcp('simulate', example('region-hang'), '--json')).stdout);
    const dense = JSON.parse((await fcp('simulate', example('region-hang'), '--json', '--dense')).stdout);
    expect(skip.flips).toHaveLength(1);
    expect(dense.mode).toBe('dense');
    expect(dense.timeline).toEqual(skip.timeline);
  });

  it('lists every problem of a bad scenario and exits 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fcp-sim-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'name: bad\nduration: 1m\nregions:\n  - {name: us-east-1, role: primary}\n  - {name: us-west-2, role: standby}\nincidents:\n  - {kind: outage, region: eu-west-1, at: 10s, for: 10s}\n  - {kind: isolation, vantage: client, at: 10s, for: 10s}\n');
    const result = await fcp('simulate', file);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('incidents[0].region: "eu-west-1" is not one of the scenario\'s regions (us-east-1, us-west-2)');
    expect(result.stderr).toContain('incidents[1].vantage: "client" is not a vantage point');
  });
});
