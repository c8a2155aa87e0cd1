import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../../../controller/config/load.js';
import { sandboxLayout } from '../../../../sandbox/setup/layout.js';
import { seededResources, seedPlan } from '../../../../sandbox/setup/seed.js';
import YAML from 'yaml';
import { readFileSync } from 'node:fs';

/** The example config as edited YAML; tests poke at arbitrary paths. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Yaml = any;

describe('seedPlan (arc)', () => {
  const config = loadConfig('examples/sandbox.yaml');
  const plan = seedPlan(config, sandboxLayout(config).apps);

  it('ties one public record per region to a RECOVERY_CONTROL check following its routing control', () => {
    expect(plan.publicZone).toMatchObject({ id: 'ZSANDBOXPUBLIC', name: 'auth.sandbox' });
    expect(plan.publicZone.records).toEqual(
      config.regions.map((r, i) => ({
        name: 'login.auth.sandbox', type: 'A', ttl: 2, values: [`127.0.1.${i + 1}`], setIdentifier: r.name, weight: 1, healthCheckId: `sandbox-rc-${r.name}`,
      })),
    );
    expect(plan.routingControls).toEqual({ controls: config.traffic.mechanism === 'arc' && config.traffic.routingControls, onRegion: 'us-east-1' });
    expect(plan.healthChecks).toContainEqual({
      id: 'sandbox-rc-us-west-2',
      config: { type: 'RECOVERY_CONTROL', routingControlArn: 'arn:aws:route53-recovery-control::000000000000:controlpanel/sandbox/routingcontrol/us-west-2' },
    });
  });

  it('creates the HTTP health checks the config names, aimed at each app', () => {
    expect(plan.healthChecks).toContainEqual({
      id: 'sandbox-hc-eu-west-1',
      config: { type: 'HTTP', ipAddress: '127.0.1.3', port: 4620, resourcePath: '/health', requestInterval: 10, failureThreshold: 3 },
    });
  });

  it.each([
    { name: 'the global writer endpoint when the config names one', globalWriterEndpoint: 'auth-global.global.rds.sandbox', writer: 'auth-global.global.rds.sandbox' },
    { name: "the primary cluster's writer endpoint otherwise", globalWriterEndpoint: undefined, writer: 'auth-us-east-1.cluster.us-east-1.rds.sandbox' },
  ])('points the writer CNAME at $name and each reader CNAME at its cluster', ({ globalWriterEndpoint, writer }) => {
    const input = YAML.parse(readFileSync('examples/sandbox.yaml', 'utf8')) as Yaml;
    if (globalWriterEndpoint === undefined) delete input.database.globalWriterEndpoint;
    else input.database.globalWriterEndpoint = globalWriterEndpoint;
    const edited = parseConfig(input);
    const plan = seedPlan(edited, sandboxLayout(edited).apps);
    expect(plan.privateZone).toMatchObject({ id: 'ZSANDBOXPRIVATE', name: 'db.auth.internal', vpc: { region: 'us-east-1' } });
    expect(plan.privateZone.records).toEqual([
      { name: 'writer.db.auth.internal', type: 'CNAME', ttl: 5, values: [writer] },
      { name: 'reader.us-east-1.db.auth.internal', type: 'CNAME', ttl: 5, values: ['auth-us-east-1.cluster-ro.us-east-1.rds.sandbox'] },
      { name: 'reader.us-west-2.db.auth.internal', type: 'CNAME', ttl: 5, values: ['auth-us-west-2.cluster-ro.us-west-2.rds.sandbox'] },
      { name: 'reader.eu-west-1.db.auth.internal', type: 'CNAME', ttl: 5, values: ['auth-eu-west-1.cluster-ro.eu-west-1.rds.sandbox'] },
    ]);
    expect(plan.globalDatabase).toMatchObject({ globalClusterIdentifier: 'auth-global', writerRegion: 'us-east-1' });
    expect(Object.keys(plan.globalDatabase.clusters)).toEqual(['us-east-1', 'us-west-2', 'eu-west-1']);
  });

  it('reports the seeded resources', () => {
    expect(seededResources(config, plan, '000000000000')).toEqual({
      publicZoneId: 'ZSANDBOXPUBLIC',
      privateZoneId: 'ZSANDBOXPRIVATE',
      publicName: 'login.auth.sandbox',
      globalClusterId: 'auth-global',
      clusters: Object.fromEntries(Object.entries(config.database.clusters).map(([r, c]) => [r, c.arn])),
      routingControls: Object.fromEntries(Object.entries(config.traffic.mechanism === 'arc' ? config.traffic.routingControls : {})),
    });
  });
});

describe('seedPlan (route53)', () => {
  it('seeds the weighted records with the primary at full weight, and addresses for CNAME targets in the zone', () => {
    const input = YAML.parse(readFileSync('examples/sandbox.yaml', 'utf8')) as Yaml;
    input.traffic = {
      mechanism: 'route53',
      publicName: 'login.auth.sandbox',
      hostedZoneId: 'ZSANDBOXPUBLIC2',
      recordType: 'CNAME',
      ttl: 5,
      records: {
        'us-east-1': { setIdentifier: 'east', value: 'us-east-1.auth.sandbox' },
        'us-west-2': { setIdentifier: 'west', value: 'us-west-2.auth.sandbox' },
        'eu-west-1': { setIdentifier: 'eu', value: 'eu-west-1.auth.sandbox' },
      },
    };
    const config = parseConfig(input);
    const plan = seedPlan(config, sandboxLayout(config).apps);
    expect(plan.routingControls).toBeUndefined();
    expect(plan.publicZone.id).toBe('ZSANDBOXPUBLIC2');
    expect(plan.publicZone.records).toEqual([
      { name: 'login.auth.sandbox', type: 'CNAME', ttl: 5, values: ['us-east-1.auth.sandbox'], setIdentifier: 'east', weight: 100 },
      { name: 'login.auth.sandbox', type: 'CNAME', ttl: 5, values: ['us-west-2.auth.sandbox'], setIdentifier: 'west', weight: 0 },
      { name: 'login.auth.sandbox', type: 'CNAME', ttl: 5, values: ['eu-west-1.auth.sandbox'], setIdentifier: 'eu', weight: 0 },
      { name: 'us-east-1.auth.sandbox', type: 'A', ttl: 5, values: ['127.0.1.1'] },
      { name: 'us-west-2.auth.sandbox', type: 'A', ttl: 5, values: ['127.0.1.2'] },
      { name: 'eu-west-1.auth.sandbox', type: 'A', ttl: 5, values: ['127.0.1.3'] },
    ]);
  });
});
