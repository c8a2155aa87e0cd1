/* eslint-disable @typescript-eslint/no-explicit-any -- these tests mutate raw YAML trees freely */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { configJsonSchema, loadConfig, parseConfig } from '../../../../controller/config/load.js';
import { InputError } from '../../../../kernel/errors.js';

const example = (name: string) => new URL(`../../../../examples/${name}`, import.meta.url).pathname;
const sandbox = () => YAML.parse(readFileSync(example('sandbox.yaml'), 'utf8')) as Record<string, any>;

function problemsOf(value: unknown): string[] {
  try {
    parseConfig(value);
  } catch (error) {
    if (error instanceof InputError) return [...error.problems];
    throw error;
  }
  return [];
}

describe('config examples', () => {
  it.each(['sandbox.yaml', 'aws.yaml'])('%s validates', (name) => {
    const config = loadConfig(example(name));
    expect(config.regions.filter((r) => r.role === 'primary')).toHaveLength(1);
  });

  it('fills defaults and parses durations to milliseconds', () => {
    const c = sandbox();
    delete c.detection;
    c.failover = { cooldown: '15m', rpoBudget: 2500 };
    const config = parseConfig(c);
    expect(config.failover.cooldown).toBe(900_000);
    expect(config.failover.rpoBudget).toBe(2500);
    expect(config.detection.window).toBe(5000);
    expect(config.failover.approval.required).toBe(false);
  });
});

describe('config normalization', () => {
  it('lower-cases the global cluster and cluster identifiers as RDS stores them', () => {
    const c = sandbox();
    c.database.globalClusterIdentifier = 'Auth-Global';
    c.database.clusters['us-west-2'].arn = 'arn:aws:rds:us-west-2:000000000000:cluster:Auth-US-West-2';
    const config = parseConfig(c);
    expect(config.database.globalClusterIdentifier).toBe('auth-global');
    expect(config.database.clusters['us-west-2']?.arn).toBe('arn:aws:rds:us-west-2:000000000000:cluster:auth-us-west-2');
  });
});

describe('config validation messages', () => {
  const cases: { name: string; mutate: (c: Record<string, any>) => void; problem: string }[] = [
    { name: 'unknown region', mutate: (c) => (c.regions[1].name = 'us-west-9'), problem: 'regions[1].name: "us-west-9" is not an AWS region; use a name such as "us-east-1"' },
    { name: 'bad role', mutate: (c) => (c.regions[0].role = 'leader'), problem: 'regions[0].role: must be "primary" or "standby"' },
    { name: 'two primaries', mutate: (c) => (c.regions[1].role = 'primary'), problem: 'regions: exactly one region must have role "primary" (found 2)' },
    { name: 'duplicate region', mutate: (c) => (c.regions[2].name = 'us-west-2'), problem: 'regions[2].name: "us-west-2" is listed twice; each region appears once' },
    { name: 'one region', mutate: (c) => c.regions.splice(1), problem: 'regions: list at least two regions: one primary and one standby' },
    { name: 'missing endpoint', mutate: (c) => delete c.services[0].endpoints['eu-west-1'], problem: 'services[0].endpoints: missing an endpoint for region "eu-west-1"' },
    { name: 'endpoint for a region not configured', mutate: (c) => (c.services[0].endpoints['ap-south-1'] = 'http://127.0.0.1:1/health'), problem: 'services[0].endpoints.ap-south-1: "ap-south-1" is not one of the configured regions (us-east-1, us-west-2, eu-west-1)' },
    { name: 'not a URL', mutate: (c) => (c.services[0].endpoints['us-east-1'] = 'localhost:80'), problem: 'services[0].endpoints.us-east-1: a value of 12 characters (not shown) is not an http(s) URL' },
    { name: 'bad duration', mutate: (c) => (c.probe.interval = '1 second'), problem: 'probe.interval: "1 second" is not a duration; write it like "800ms", "5s", "10m" or "1h"' },
    { name: 'timeout not below interval', mutate: (c) => (c.probe.timeout = '2s'), problem: 'probe.timeout: must be shorter than probe.interval so probes never overlap' },
    { name: 'quorum too high', mutate: (c) => (c.detection.quorum = 9), problem: 'detection.quorum: quorum 9 is more than the 4 vantage points available; lower it' },
    { name: 'ratio out of range', mutate: (c) => (c.detection.failureRatio = 1.5), problem: 'detection.failureRatio: must be between 0 and 1' },
    { name: 'degraded above failed', mutate: (c) => (c.detection.degradedRatio = 0.9), problem: 'detection.degradedRatio: must not exceed detection.failureRatio' },
    { name: 'writer timeout leaving no interval before stale', mutate: (c) => (c.detection.writerTimeout = '5500ms'), problem: "detection.writerTimeout: must leave at least one probe.interval before detection.staleAfter, or the writer's signal goes stale while reads of a hanging writer wait" },
    { name: 'removed field', mutate: (c) => (c.signals.databaseLag = true), problem: 'signals: unknown field "databaseLag"; check the spelling against `fcp config schema`' },
    { name: 'unknown mechanism', mutate: (c) => (c.traffic.mechanism = 'dns'), problem: 'traffic.mechanism: mechanism must be "arc" (ARC routing controls) or "route53" (weighted records)' },
    { name: 'four ARC endpoints', mutate: (c) => c.traffic.clusterEndpoints.pop(), problem: 'traffic.clusterEndpoints: an ARC cluster has exactly five regional endpoints; list all five from the cluster description' },
    { name: 'missing routing control', mutate: (c) => delete c.traffic.routingControls['us-west-2'], problem: 'traffic.routingControls: missing a routing control for region "us-west-2"' },
    { name: 'bad routing control ARN', mutate: (c) => (c.traffic.routingControls['us-west-2'] = 'rc-1'), problem: 'traffic.routingControls.us-west-2: "rc-1" is not an route53-recovery-control ARN (it should start with "arn:aws:route53-recovery-control:")' },
    { name: 'bad cluster ARN', mutate: (c) => (c.database.clusters['us-west-2'].arn = 'auth-us-west-2'), problem: 'database.clusters.us-west-2.arn: "auth-us-west-2" is not an rds ARN (it should start with "arn:aws:rds:")' },
    { name: 'global cluster id RDS cannot store', mutate: (c) => (c.database.globalClusterIdentifier = 'Auth_Global'), problem: 'database.globalClusterIdentifier: "Auth_Global" is not an RDS identifier: 1-63 letters, digits and single hyphens, starting with a letter and not ending with a hyphen (RDS stores it in lower case)' },
    { name: 'cluster ARN whose id RDS cannot store', mutate: (c) => (c.database.clusters['us-west-2'].arn = 'arn:aws:rds:us-west-2:000000000000:cluster:auth--west'), problem: 'database.clusters.us-west-2.arn: "arn:aws:rds:us-west-2:000000000000:cluster:auth--west" is not a DB cluster ARN with an RDS identifier (arn:aws:rds:<region>:<account>:cluster:<1-63 letters, digits and single hyphens>)' },
    { name: 'DB record TTL too high', mutate: (c) => (c.database.endpointRecords.ttl = 300), problem: 'database.endpointRecords.ttl: DB endpoint records should have a TTL of 60 seconds or less' },
    { name: 'bad zone id', mutate: (c) => (c.database.endpointRecords.hostedZoneId = 'private'), problem: 'database.endpointRecords.hostedZoneId: must be a hosted zone id such as "Z0123456789ABC"' },
    { name: 'unknown store kind', mutate: (c) => (c.store.kind = 'redis'), problem: 'store.kind: kind must be "embedded" (local dynalite) or "dynamodb" (a DynamoDB table)' },
    { name: 'typo in a field', mutate: (c) => (c.failover.coolDown = '5m'), problem: 'failover: unknown field "coolDown"; check the spelling against `fcp config schema`' },
    { name: 'missing section', mutate: (c) => delete c.database, problem: 'database: is required (expected object)' },
    { name: 'no critical service', mutate: (c) => (c.services[0].critical = false), problem: 'services: mark at least one service `critical: true`; a region is judged failed by its critical services' },
    { name: 'port out of range', mutate: (c) => (c.api.port = 70000), problem: 'api.port: must be a TCP port (0-65535)' },
  ];

  it.each(cases)('$name', ({ mutate, problem }) => {
    const c = sandbox();
    mutate(c);
    expect(problemsOf(c)).toContain(problem);
  });

  it('lists every structural problem at once', () => {
    const c = sandbox();
    c.regions[1].name = 'us-west-9';
    c.probe.interval = 'soon';
    delete c.store;
    expect(problemsOf(c)).toHaveLength(3);
  });

  it('reports YAML syntax errors and missing files as input errors', () => {
    expect(() => loadConfig('/nonexistent/config.yaml')).toThrow(/cannot read config \/nonexistent\/config.yaml: no such file/);
  });
});

describe('config JSON Schema', () => {
  it('describes the input shape, durations as strings or numbers', () => {
    const schema = configJsonSchema() as { properties: Record<string, any>; required: string[] };
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'regions', 'services', 'traffic', 'database', 'store']));
    expect([...schema.properties.probe.properties.interval.type].sort()).toEqual(['number', 'string']);
    expect(schema.properties.failover.properties.coolDown).toBeUndefined();
  });
});
