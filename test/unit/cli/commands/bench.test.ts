import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fcp, resetCliAfterEach } from '../in-process.js';

resetCliAfterEach();

const profileFile = (body: string) => {
  const path = join(mkdtempSync(join(tmpdir(), 'fcp-profile-')), 'profile.yaml');
  writeFileSync(path, body);
  return path;
};

describe('fcp bench detection', () => {
  it('prints the JSON report with --json, the targets checked and the blip curve', async () => {
    const result = await fcp('bench', 'detection', '--json', '--hours', '40', '--seed', '7', '--curve-seeds', '1');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ seed: 7, simulatedRegionHours: 40, profile: { name: 'default' } });
    expect(report.policies.map((p: { name: string }) => p.name)).toEqual(['fcp', 'route53-standard', 'route53-fast', 'patroni-like']);
    expect(Object.keys(report.blipCurve)).toEqual(['503', 'restart', 'stall']);
    expect(report.targets.length).toBeGreaterThanOrEqual(5);
  }, 60_000);

  it('prints a table by default', async () => {
    const result = await fcp('bench', 'detection', '--hours', '20', '--curve-seeds', '0');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^detection benchmark, profile default: /m);
    expect(result.stdout).toMatch(/^policy +incidents +detected/m);
    expect(result.stdout).toMatch(/^targets:$/m);
  });

  it('runs a profile from a file', async () => {
    const path = profileFile('name: my-lossy-net\ndescription: two percent loss\nnoise: { loss: 0.02 }\n');
    const result = await fcp('bench', 'detection', '--hours', '20', '--curve-seeds', '0', '--profile', path, '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).profile).toEqual({ name: 'my-lossy-net', description: 'two percent loss' });
  });

  it.each([
    [['--hours', '0'], '--hours must be a number of at least 1'],
    [['--hours', 'many'], '--hours must be a number of at least 1'],
    [['--seed', '1.5'], '--seed must be an integer of at least 0'],
    [['--curve-seeds', '-1'], '--curve-seeds must be an integer of at least 0'],
    [['--profile', 'lossy'], '--profile: "lossy" is not a profile; use one of default, noisy, bursty-loss, flaky-vantage, late-delivery, clock-skew, starved-observer, all, or a profile file (.yaml)'],
  ])('rejects %j and exits 2, naming the option', async (args, message) => {
    const result = await fcp('bench', 'detection', ...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it.each([
    ['name: x\nflaky: { share: 2, minDuration: 1m, maxDuration: 2m, loss: 0.3 }\n', 'flaky.share: must be between 0 and 1'],
    ['name: x\nstarved: { share: 0.2, minDuration: 1m, maxDuration: 2m, minLag: 2s, maxLag: 1s }\n', 'starved.minLag: must not exceed starved.maxLag'],
    ['name: x\nnoise: { bursts: { rate: 0.5 } }\n', 'noise.bursts.rate: must be between 0 and 0.1 (a rate per probe)'],
    ['name: x\ndelivery: { late: -1 }\n', 'delivery.late: must be between 0 and 1'],
    ['name: x\nskew: { us-east-1: fast }\n', 'skew.us-east-1'],
  ])('rejects invalid profile parameters and exits 2, naming the field: %j', async (body, message) => {
    const result = await fcp('bench', 'detection', '--profile', profileFile(body));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });
});

describe('fcp bench probes', () => {
  it('measures the prober against a loopback server and prints JSON', async () => {
    const result = await fcp('bench', 'probes', '--targets', '20', '--seconds', '1', '--json');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ targets: 20, seconds: 1, rate: { wanted: 20 } });
    expect(report.completed).toBeGreaterThan(0);
    expect(typeof report.rssMaxMb).toBe('number');
  }, 60_000);

  it.each([
    [['--targets', '20000'], '--targets: 20000 is more than 10000; the benchmark is bounded'],
    [['--seconds', '0'], '--seconds must be an integer of at least 1'],
    [['--timeout', '2000'], '--timeout: 2000 is not shorter than --interval 1000'],
  ])('rejects %j and exits 2', async (args, message) => {
    const result = await fcp('bench', 'probes', ...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });
});
