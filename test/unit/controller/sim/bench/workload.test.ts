import { describe, expect, it } from 'vitest';
import { detectionWorkload, INCIDENT_LEAD_MS, INCIDENT_TAIL_MS, WORKLOAD_KINDS } from '../../../../../controller/sim/bench/workload.js';
import { PROFILES } from '../../../../../controller/sim/bench/profiles.js';
import { parseScenario, type Incident } from '../../../../../controller/sim/scenario.js';

describe('detection workload', () => {
  it('covers every kind once before repeating any, in a valid scenario', () => {
    const workload = detectionWorkload(1, 250);
    expect(workload.incidents.length).toBe(25); // one incident per 10 region-hours
    expect(workload.incidents.length).toBeGreaterThanOrEqual(WORKLOAD_KINDS.length);
    expect(new Set(workload.incidents.slice(0, WORKLOAD_KINDS.length).map((i) => i.label))).toEqual(new Set(WORKLOAD_KINDS.map((k) => k.label)));
    const scenario = parseScenario(workload.scenario);
    expect(scenario.incidents).toHaveLength(workload.incidents.length);
    expect((scenario.duration * scenario.config.regions.length) / 3_600_000).toBeCloseTo(250);
  });

  it('gives each incident its own quiet slot, with time before and after it', () => {
    const { incidents, durationMs } = detectionWorkload(2, 500);
    const slot = durationMs / incidents.length;
    incidents.forEach(({ incident }, i) => {
      expect(incident.at).toBeGreaterThanOrEqual(i * slot + INCIDENT_LEAD_MS - 1000);
      expect(incident.at + incident.for).toBeLessThanOrEqual((i + 1) * slot - INCIDENT_TAIL_MS + 1000);
    });
  });

  it.each([
    ['region-outage', (i: Incident) => i.kind === 'outage' && i.scope === 'region' && i.for >= 15_000],
    ['region-hang', (i: Incident) => i.kind === 'hang' && i.scope === 'region' && i.for >= 15_000],
    ['app-outage', (i: Incident) => i.kind === 'outage' && i.scope === 'app' && i.for >= 30_000],
    ['app-hang', (i: Incident) => i.kind === 'hang' && i.scope === 'app' && i.for >= 30_000],
    ['blip-503', (i: Incident) => i.kind === 'blip' && i.mode === '503' && i.for >= 1000 && i.for <= 12_000],
    ['blip-restart', (i: Incident) => i.kind === 'blip' && i.mode === 'restart' && i.for <= 12_000],
    ['blip-stall', (i: Incident) => i.kind === 'blip' && i.mode === 'stall' && i.for <= 12_000],
    ['slow-onset', (i: Incident) => i.kind === 'gray' && i.rampUp >= 60_000 && i.errorRate >= 0.75],
  ])('draws %s incidents as the targets define them, on the primary', (label, check) => {
    const { incidents } = detectionWorkload(3, 2000);
    const picked = incidents.filter((i) => i.label === label);
    expect(picked.length).toBeGreaterThan(0);
    for (const { incident } of picked) {
      expect(check(incident)).toBe(true);
      expect(incident).toMatchObject({ region: 'us-east-1' });
    }
  });

  it('keeps flapping below the thresholds short enough never to fill a detection window', () => {
    const { incidents } = detectionWorkload(4, 3000);
    for (const { incident } of incidents.filter((i) => i.label === 'flapping-below')) {
      expect(incident.kind === 'flapping' && incident.down <= 2000).toBe(true);
    }
  });

  it('measures a slow onset from when its error rate crosses the failure ratio', () => {
    const { incidents } = detectionWorkload(3, 2000);
    const slow = incidents.filter((i) => i.label === 'slow-onset');
    expect(slow.length).toBeGreaterThan(0);
    for (const { incident, onsetMs, group } of slow) {
      expect(group).toBe('slow-onset');
      if (incident.kind !== 'gray') throw new Error('a slow onset is a gray failure');
      expect(onsetMs).toBeCloseTo((incident.rampUp * 0.5) / incident.errorRate, -2);
    }
  });

  it("adds a profile's background conditions, one replica at a time, for about their share of the time", () => {
    const flaky = detectionWorkload(4, 3000, PROFILES.find((p) => p.name === 'flaky-vantage')!);
    const covered = flaky.background.reduce((sum, i) => sum + i.for, 0);
    expect(flaky.background.every((i) => i.kind === 'flaky')).toBe(true);
    expect(new Set(flaky.background.map((i) => ('vantage' in i ? i.vantage : ''))).size).toBe(3);
    expect(covered / flaky.durationMs).toBeGreaterThan(0.35);
    expect(covered / flaky.durationMs).toBeLessThan(0.65);
    expect(parseScenario(flaky.scenario).incidents.length).toBe(flaky.incidents.length + flaky.background.length);
    expect(detectionWorkload(4, 3000).background).toEqual([]);
  });

  it('is a function of the seed', () => {
    expect(detectionWorkload(9, 300)).toEqual(detectionWorkload(9, 300));
    expect(detectionWorkload(9, 300)).not.toEqual(detectionWorkload(10, 300));
  });
});
