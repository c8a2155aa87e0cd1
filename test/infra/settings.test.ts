import { describe, expect, it } from 'vitest';
import { InputError } from '../../kernel/errors.js';
import { controllerEgressPorts, parseStackSettings, stateTableConsistency, supportsStrongConsistency, type StackSettingsInput } from '../../infra/settings.js';
import { exampleSettings, THREE_REGION_STACK, TWO_REGION_STACK } from './fixtures.js';

function problemsOf(settings: unknown): string[] {
  try {
    parseStackSettings(settings);
  } catch (error) {
    if (error instanceof InputError) return [...error.problems];
    throw error;
  }
  return [];
}

describe('stack settings', () => {
  it.each([THREE_REGION_STACK, TWO_REGION_STACK])('accepts the example %s', (path) => {
    expect(problemsOf(exampleSettings(path))).toEqual([]);
  });

  it('applies defaults and picks strong consistency for three regions of one set', () => {
    const settings = parseStackSettings(exampleSettings(THREE_REGION_STACK));
    expect(settings.traffic.healthCheck).toEqual({ path: '/health', port: 443, interval: 10, failureThreshold: 3 });
    expect(stateTableConsistency(settings)).toBe('strong');
    expect(stateTableConsistency(parseStackSettings(exampleSettings(TWO_REGION_STACK)))).toBe('eventual');
  });

  const cases: { name: string; change: (s: StackSettingsInput) => void; problem: RegExp }[] = [
    { name: 'primary not among the regions', change: (s) => { s.primaryRegion = 'eu-west-1'; }, problem: /^primaryRegion: "eu-west-1" is not among the regions/ },
    { name: 'writer not among the regions', change: (s) => { s.writerRegion = 'eu-west-1'; }, problem: /^writerRegion: "eu-west-1" is not among the regions .*fcp infra topology/ },
    { name: 'duplicate region', change: (s) => { s.regions[2]!.name = 'us-east-1'; }, problem: /^regions\[2\]\.name: "us-east-1" is listed twice/ },
    { name: 'unknown region', change: (s) => { s.regions[1]!.name = 'us-west-9'; }, problem: /^regions\[1\]\.name: "us-west-9" is not an AWS region/ },
    { name: 'TTL too high', change: (s) => { s.traffic.ttl = 300; }, problem: /^traffic\.ttl: health-checked records need a TTL of 60 seconds or less/ },
    { name: 'DB endpoint TTL too high', change: (s) => { s.database.endpointTtl = 120; }, problem: /^database\.endpointTtl: DB endpoint records need a TTL of 60 seconds or less/ },
    { name: 'failover routing with three regions', change: (s) => { s.traffic.routing = 'failover'; }, problem: /^traffic\.routing: failover routing .* exactly two regions \(found 3\)/ },
    { name: 'a single region', change: (s) => { s.regions = s.regions.slice(0, 1); s.services.forEach((svc) => { svc.endpoints = { 'us-east-1': 'https://a.example.com' }; }); }, problem: /^regions: list at least two regions/ },
    { name: 'headless secondary', change: (s) => { s.database.instancesPerRegion = 0; }, problem: /^database\.instancesPerRegion: every regional cluster needs at least one instance/ },
    { name: 'unpinned engine version', change: (s) => { s.database.engineVersion = '16'; }, problem: /^database\.engineVersion: pin an exact engine version/ },
    { name: 'image tag latest', change: (s) => { s.controller.imageTag = 'latest'; }, problem: /^controller\.imageTag: pin a version/ },
    { name: 'service missing a region', change: (s) => { delete s.services[0]!.endpoints['us-west-2']; }, problem: /^services\[0\]\.endpoints: missing an endpoint for region "us-west-2"/ },
    { name: 'service endpoint for a stranger region', change: (s) => { s.services[0]!.endpoints['eu-west-1'] = 'https://x.example.com'; }, problem: /^services\[0\]\.endpoints\.eu-west-1: "eu-west-1" is not one of the regions/ },
    { name: 'strong consistency across sets', change: (s) => { s.regions[2]!.name = 'eu-west-1'; s.stateTable = { consistency: 'strong' }; s.services.forEach((svc) => { svc.endpoints['eu-west-1'] = 'https://x.example.com'; delete svc.endpoints['us-west-2']; }); }, problem: /^stateTable\.consistency: multi-region strong consistency needs exactly three regions from one set/ },
    { name: 'three regions across sets with no consistency chosen', change: (s) => { s.regions[2]!.name = 'eu-west-1'; s.services.forEach((svc) => { svc.endpoints['eu-west-1'] = 'https://x.example.com'; delete svc.endpoints['us-west-2']; }); }, problem: /^stateTable\.consistency: three regions that are not one multi-region strong consistency set .* set "eventual"/ },
    { name: 'same CIDR twice', change: (s) => { s.regions[1]!.network = { cidr: '10.10.0.0/16' }; }, problem: /^regions\[1\]\.network\.cidr: 10\.10\.0\.0\/16 is already used by us-east-1/ },
    { name: 'public name outside its zone', change: (s) => { s.traffic.publicName = 'login.other.example'; }, problem: /^traffic\.publicName: "login\.other\.example" is not inside the zone/ },
    { name: 'a name too long for IAM role names', change: (s) => { s.name = 'authentication-production-xyz'; }, problem: /^name: at most 28 characters: it prefixes IAM role names/ },
    { name: 'a name with doubled dashes', change: (s) => { s.name = 'auth--prod'; }, problem: /^name: use lower-case letters, digits and single dashes/ },
    { name: 'unknown field', change: (s) => { (s as unknown as Record<string, unknown>).primary = 'us-east-1'; }, problem: /^\(root\): unknown field "primary"/ },
    { name: 'half an existing network', change: (s) => { s.regions[2]!.network = { vpcId: 'vpc-0123' } as never; }, problem: /^regions\[2\]\.network: give either `cidr`/ },
  ];

  it.each(cases)('rejects $name, naming the field', ({ change, problem }) => {
    const settings = exampleSettings(THREE_REGION_STACK);
    change(settings);
    const problems = problemsOf(settings);
    expect(problems.some((p) => problem.test(p)), problems.join('\n')).toBe(true);
  });

  it('accepts three regions across sets once eventual consistency is chosen', () => {
    const settings = exampleSettings(THREE_REGION_STACK);
    settings.regions[2]!.name = 'eu-west-1';
    settings.services.forEach((svc) => { svc.endpoints['eu-west-1'] = 'https://x.example.com'; delete svc.endpoints['us-west-2']; });
    settings.stateTable = { consistency: 'eventual' };
    expect(problemsOf(settings)).toEqual([]);
  });

  it('lists every problem at once, not only the first', () => {
    const settings = exampleSettings(THREE_REGION_STACK);
    settings.primaryRegion = 'eu-west-1';
    settings.traffic.ttl = 300;
    settings.regions[1]!.name = 'us-east-1';
    const problems = problemsOf(settings);
    expect(problems.length).toBeGreaterThanOrEqual(3);
    expect(problems.join('\n')).toMatch(/primaryRegion/);
    expect(problems.join('\n')).toMatch(/traffic\.ttl/);
    expect(problems.join('\n')).toMatch(/regions\[1\]\.name/);
  });

  it.each([
    [['us-east-1', 'us-east-2', 'us-west-2'], true],
    [['eu-west-1', 'eu-central-1', 'eu-west-3'], true],
    [['us-east-1', 'us-west-2'], false],
    [['us-east-1', 'us-west-2', 'eu-west-1'], false],
    [['us-east-1', 'us-west-1', 'us-west-2'], false],
  ])('strong consistency for %j: %s', (regions, expected) => {
    expect(supportsStrongConsistency(regions)).toBe(expected);
  });
});

describe('controllerEgressPorts', () => {
  it('opens HTTPS and the ports of every probe target', () => {
    const settings = exampleSettings(TWO_REGION_STACK);
    settings.services.push({ name: 'admin', critical: false, endpoints: { 'eu-west-1': 'http://admin.eu.example.com/health', 'us-east-1': 'https://admin.us.example.com:8443/health' } });
    expect(controllerEgressPorts(parseStackSettings(settings))).toEqual([80, 443, 8443]);
    expect(controllerEgressPorts(parseStackSettings(exampleSettings(TWO_REGION_STACK)))).toEqual([443]);
  });
});
