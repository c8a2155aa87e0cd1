import { describe, expect, it } from 'vitest';
import { detectionWorkload, INCIDENT_LEAD_MS, INCIDENT_TAIL_MS, WORKLOAD_KINDS } from '../../../../../controller/sim/bench/workload.js';
import { parseScenario } from '../../../../../controller/sim/scenario.js';

describe('detection workload', () => {
  it('covers every kind once before repeating any, in a valid scenario', () => {
    const workload = detectionWorkload(1, 200);
    expect(workload.incidents.length).toBe(20); // one incident per 10 region-hours
    expect(workload.incidents.length).toBeGreaterThanOrEqual(WORKLOAD_KINDS.length);
    expect(new Set(workload.incidents.slice(0, WORKLOAD_KINDS.length).map((i) => i.label))).toEqual(new Set(WORKLOAD_KINDS.map((k) => k.label)));
    const scenario = parseScenario(workload.scenario);
    expect(scenario.incidents).toHaveLength(workload.incidents.length);
    expect((scenario.duration * scenario.config.regions.length) / 3_600_000).toBeCloseTo(200);
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
    ['outage', (i: { kind: string; for: number }) => i.kind === 'outage' && i.for >= 15_000],
    ['hang', (i: { kind: string; for: number }) => i.kind === 'hang' && i.for >= 15_000],
  ])('draws %s incidents of 15 s or longer on the primary', (label, check) => {
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

  it('is a function of the seed', () => {
    expect(detectionWorkload(9, 300)).toEqual(detectionWorkload(9, 300));
    expect(detectionWorkload(9, 300)).not.toEqual(detectionWorkload(10, 300));
  });
});
