import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../../kernel/errors.js';
import { NOISE_PROFILES } from '../../../../controller/sim/noise.js';
import { loadScenario, parseScenario } from '../../../../controller/sim/scenario.js';
import { BASE, examplePath, scenario } from './fixture.js';

function problemsOf(value: unknown): string[] {
  try {
    parseScenario(value);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return [...(error as InputError).problems];
  }
  throw new Error('expected the scenario to be rejected');
}

describe('scenario files', () => {
  it('applies defaults and builds a valid controller config', () => {
    const s = scenario();
    expect(s.config.probe).toMatchObject({ interval: 1000, timeout: 800 });
    expect(s.config.signals.route53HealthChecks).toBeDefined();
    expect(s.route53).toEqual({ interval: 10_000, failureThreshold: 3, poll: 10_000 });
    expect(s.noise).toEqual(NOISE_PROFILES.none);
    expect(s.startAt).toBe(Date.parse('2026-01-01T00:00:00Z'));
    expect(s.planDuration).toBe(20_000);
    expect(s.services).toEqual([{ name: 'api', critical: true }]);
  });

  it('accepts a custom noise profile with spike defaults', () => {
    const s = scenario({ noise: { loss: 0.01 } });
    expect(s.noise).toMatchObject({ loss: 0.01, timeouts: 0, spikes: { rate: 0 } });
    expect(s.noiseName).toBe('custom');
  });

  it.each([
    ['an unknown incident region', { incidents: [{ kind: 'outage', region: 'us-east-2', at: '1m', for: '1m' }] }, 'incidents[0].region: "us-east-2" is not one of the scenario\'s regions (us-east-1, us-west-2, eu-west-1)'],
    ['an unknown vantage point', { incidents: [{ kind: 'isolation', vantage: 'client', at: '1m', for: '1m' }] }, 'incidents[0].vantage: "client" is not a vantage point; use a region name (us-east-1, us-west-2, eu-west-1) or "route53"'],
    ['an incident past the end', { incidents: [{ kind: 'hang', region: 'us-east-1', at: '3m', for: '2m' }] }, 'incidents[0].for: the incident ends after the scenario; shorten it or lengthen `duration`'],
    ['an unknown kind', { incidents: [{ kind: 'meteor', region: 'us-east-1', at: '1m', for: '1m' }] }, 'incidents[0].kind: kind must be one of outage, hang, gray, blip, brownout, global, cutoff, isolation, flapping, partition, starve, flaky'],
    ['a bad error rate', { incidents: [{ kind: 'gray', region: 'us-east-1', errorRate: 1.5, at: '1m', for: '1m' }] }, 'incidents[0].errorRate: must be between 0 and 1'],
    ['an unknown service', { incidents: [{ kind: 'outage', region: 'us-east-1', services: ['web'], at: '1m', for: '1m' }] }, 'incidents[0].services[0]: "web" is not one of the scenario\'s services (api)'],
    ['a bad duration', { duration: 'ten minutes' }, 'duration: "ten minutes" is not a duration; write it like "800ms", "5s", "10m" or "1h"'],
    ['a Route 53 interval it does not offer', { route53: { interval: '20s' } }, 'route53.interval: Route 53 health checks run every 10s or 30s'],
    ['a detection setting the config rejects', { detection: { quorum: 9 } }, 'detection.quorum: quorum 9 is more than the 4 vantage points available; lower it'],
    ['a probe timeout longer than the interval', { probe: { interval: '1s', timeout: '2s' } }, 'probe.timeout: must be shorter than probe.interval so probes never overlap'],
    ['a healthy latency above the budget', { latency: { base: '400ms', jitter: '200ms' } }, 'latency: base + jitter (600ms) exceeds probe.latencyBudget (500ms); model slow probes with noise spikes or a brownout'],
    ['an unknown noise profile', { noise: 'loud' }, 'noise: must be a profile name (none, default, noisy, bursty) or an object with loss, timeouts and spikes'],
    ['a typo', { sead: 3 }, '(root): unknown field "sead"; check the spelling against `fcp config schema`'],
    ['one region', { regions: [{ name: 'us-east-1', role: 'primary' }] }, 'regions: list at least two regions'],
    ['a blip of an unknown kind', { incidents: [{ kind: 'blip', region: 'us-east-1', mode: 'reboot', at: '1m', for: '5s' }] }, 'incidents[0].mode: must be "503", "restart" or "stall"'],
    ['an outage of an unknown scope', { incidents: [{ kind: 'outage', region: 'us-east-1', scope: 'zone', at: '1m', for: '5s' }] }, 'incidents[0].scope: must be "region" (the region is gone) or "app" (only the app fails)'],
    ['a starved Route 53', { incidents: [{ kind: 'starve', vantage: 'route53', lag: '1s', at: '1m', for: '5s' }] }, 'incidents[0].vantage: "route53" is not a replica; use a region name (us-east-1, us-west-2, eu-west-1)'],
    ['a holder outside the deployment', { holder: 'ap-south-1' }, 'holder: "ap-south-1" is not one of the scenario\'s regions (us-east-1, us-west-2, eu-west-1)'],
    ['a clock offset of an unknown replica', { skew: { 'ap-south-1': 8000 } }, 'skew.ap-south-1: "ap-south-1" is not one of the scenario\'s regions (us-east-1, us-west-2, eu-west-1)'],
    ['a late share above 1', { delivery: { late: 2 } }, 'delivery.late: must be between 0 and 1'],
    ['bursts shorter at most than at least', { noise: { bursts: { rate: 0.01, minDuration: '9s', maxDuration: '3s' } } }, 'noise.bursts.minDuration: must not exceed noise.bursts.maxDuration'],
  ])('rejects %s, naming the field', (_what, overrides, message) => {
    expect(problemsOf({ ...BASE, ...overrides })).toContain(message);
  });

  it('reports every problem at once', () => {
    const shape = problemsOf({ ...BASE, duration: 'x', incidents: [{ kind: 'gray', region: 'us-east-1', errorRate: 2, at: '1m', for: '1m' }] });
    expect(shape.map((p) => p.split(':')[0])).toEqual(['duration', 'incidents[0].errorRate']);
    const references = problemsOf({ ...BASE, incidents: [{ kind: 'outage', region: 'nowhere', at: '1m', for: '1m' }, { kind: 'cutoff', vantage: 'x', region: 'us-east-1', at: '1m', for: '1m' }] });
    expect(references.map((p) => p.split(':')[0])).toEqual(['incidents[0].region', 'incidents[1].vantage']);
  });

  it('loads every example scenario', () => {
    const dir = new URL('../../../../examples/scenarios/', import.meta.url).pathname;
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(9);
    for (const file of files) expect(loadScenario(join(dir, file)).name).toBe(file.replace(/\.yaml$/, ''));
  });

  it('reports a missing file and broken YAML as input errors', () => {
    expect(() => loadScenario(examplePath('does-not-exist'))).toThrow(/no such file/);
    const dir = mkdtempSync(join(tmpdir(), 'fcp-scenario-'));
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, 'name: [oops\n');
    expect(() => loadScenario(file)).toThrow(InputError);
  });
});
