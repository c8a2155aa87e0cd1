import { describe, expect, it } from 'vitest';
import { runDetectionBench } from '../../../../../controller/sim/bench/detection.js';
import { renderDetectionReport } from '../../../../../controller/sim/bench/render.js';

describe('detection benchmark (small run)', () => {
  const report = runDetectionBench({ seed: 3, regionHours: 60 });

  it('reports the agreed JSON shape for the engine and every baseline', () => {
    expect(report).toMatchObject({ seed: 3, simulatedRegionHours: 60 });
    expect(typeof report.wallMs).toBe('number');
    expect(typeof report.cpuMs).toBe('number');
    expect(typeof report.regionHoursPerSecond).toBe('number');
    expect(report.policies.map((p) => p.name)).toEqual(['fcp', 'route53-standard', 'route53-fast', 'patroni-like']);
    for (const policy of report.policies) {
      expect(Object.keys(policy)).toEqual(expect.arrayContaining(['name', 'incidents', 'detected', 'missed', 'falseFailovers', 'wrongFailovers', 'ttdMs']));
      expect(Object.keys(policy.ttdMs).sort()).toEqual(['max', 'p50', 'p99']);
      expect(policy.detected + policy.missed).toBe(policy.incidents);
    }
    expect(report.engine.steps).toBeGreaterThan(0);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it('is reproducible apart from timings', () => {
    const again = runDetectionBench({ seed: 3, regionHours: 60 });
    const strip = (r: typeof report) => ({ ...r, wallMs: 0, cpuMs: 0, regionHoursPerSecond: 0 });
    expect(strip(again)).toEqual(strip(report));
  });

  it('renders a readable table', () => {
    const text = renderDetectionReport(report);
    expect(text).toMatch(/^detection benchmark: 60 simulated region-hours, seed 3/);
    expect(text).toMatch(/^policy +incidents +detected +missed +false +wrong/m);
    expect(text).toMatch(/^fcp +\d+/m);
    expect(text).toMatch(/^noise +- +unwarranted/m);
    const mistakes = report.policies[0]!.mistakes;
    if (mistakes.length > 0) expect(text).toContain('fcp failovers to look into:');
    else expect(text).not.toContain('fcp failovers to look into:');
  });
});
