import { describe, expect, it } from 'vitest';
import { fcp, resetCliAfterEach } from '../in-process.js';

resetCliAfterEach();

describe('fcp bench detection', () => {
  it('prints the JSON report with --json', async () => {
    const result = await fcp('bench', 'detection', '--json', '--hours', '40', '--seed', '7');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ seed: 7, simulatedRegionHours: 40 });
    expect(report.policies.map((p: { name: string }) => p.name)).toEqual(['fcp', 'route53-standard', 'route53-fast', 'patroni-like']);
  });

  it('prints a table by default', async () => {
    const result = await fcp('bench', 'detection', '--hours', '20');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^policy +incidents +detected/m);
  });

  it.each([
    ['--hours', '0', '--hours must be a number of at least 1'],
    ['--hours', 'many', '--hours must be a number of at least 1'],
    ['--seed', '1.5', '--seed must be an integer of at least 0'],
  ])('rejects %s %s and exits 2', async (option, value, message) => {
    const result = await fcp('bench', 'detection', option, value);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });
});
