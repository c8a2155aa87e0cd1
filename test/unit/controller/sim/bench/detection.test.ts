import { describe, expect, it } from 'vitest';
import { runDetectionBench } from '../../../../../controller/sim/bench/detection.js';
import { renderDetectionReport } from '../../../../../controller/sim/bench/render.js';

describe('detection benchmark (small run)', () => {
  const report = runDetectionBench({ seed: 3, regionHours: 60 });

  it('reports the targets it checks, each with what it measured', () => {
    const names = report.targets.map((t) => t.target);
    expect(names).toEqual(expect.arrayContaining([expect.stringMatching(/^0 failovers on app-level blips/), expect.stringMatching(/^region-level outages/), expect.stringMatching(/^0 false and 0 wrong/), expect.stringMatching(/^10,000 region-hours/)]));
    for (const t of report.targets) expect(typeof t.met).toBe('boolean');
  });

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
    const strip = (r: typeof report) => ({ ...r, wallMs: 0, cpuMs: 0, regionHoursPerSecond: 0, targets: r.targets.filter((t) => !/of one core/.test(t.target)) });
    expect(strip(again)).toEqual(strip(report));
  });

  it('renders a readable table', () => {
    const text = renderDetectionReport(report);
    expect(text).toMatch(/^detection benchmark, profile default: .*\n60 simulated region-hours, seed 3/);
    expect(text).toMatch(/^region-level outage: p50 \/ p99 /m);
    expect(text).toMatch(/^targets:\n {2}(met {4}|NOT MET) {2}0 failovers on app-level blips/m);
    expect(text).toMatch(/^policy +incidents +detected +missed +false +wrong/m);
    expect(text).toMatch(/^fcp +\d+/m);
    expect(text).toMatch(/^noise +- +unwarranted/m);
    const mistakes = report.policies[0]!.mistakes;
    if (mistakes.length > 0) expect(text).toContain('fcp failovers to look into:');
    else expect(text).not.toContain('fcp failovers to look into:');
  });
});
