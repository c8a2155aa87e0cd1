import { ListResourceRecordSetsCommand, Route53Client, type ResourceRecordSet } from '@aws-sdk/client-route-53';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RetryBudgetExhaustedError } from '../../../controller/aws/errors.js';
import type { Config } from '../../../controller/config/schema.js';
import { buildProviders, type Providers } from '../../../controller/wiring.js';
import { DbEndpointCnames } from '../../../controller/providers/dns/db-endpoint-records.js';
import { Route53Zone } from '../../../controller/providers/dns/route53-zone.js';
import type { StepBudget } from '../../../controller/ports.js';
import { ACTIVE_WEIGHT } from '../../../controller/providers/traffic/route53.js';
import { createRoute53Emulator, type Route53Emulator } from '../../../sandbox/route53/index.js';
import { sandboxConfig, serve, TestFaults } from './fixture.js';

const PUBLIC_ZONE = 'ZSANDBOXPUBLIC';
const PUBLIC_NAME = 'login.auth.sandbox';

/**
 * The production Route 53 adapters (weighted traffic records, DB endpoint CNAMEs) against the
 * sandbox's Route 53: REST-XML, atomic change batches, PENDING until INSYNC.
 */
describe('Route 53 adapters against the sandbox Route 53', () => {
  const faults = new TestFaults();
  let r53: Route53Emulator;
  let close: () => Promise<void>;
  let providers: Providers;
  let config: Config;
  let raw: Route53Client;
  const budget = (ms = 10_000): StepBudget => ({ deadlineAt: Date.now() + ms });
  const changes = () => r53.callCounts().ChangeResourceRecordSets ?? 0;

  async function recordSets(zone: string, name: string): Promise<ResourceRecordSet[]> {
    const page = await raw.send(new ListResourceRecordSetsCommand({ HostedZoneId: zone, StartRecordName: name }));
    return (page.ResourceRecordSets ?? []).filter((set) => set.Name === `${name}.`);
  }
  const weights = async () => Object.fromEntries((await recordSets(PUBLIC_ZONE, PUBLIC_NAME)).map((set) => [set.SetIdentifier, set.Weight]));

  beforeAll(async () => {
    const base = sandboxConfig();
    r53 = createRoute53Emulator({ faults, propagationDelayMs: 150 });
    const server = await serve(r53.handle);
    close = server.close;
    r53.seedHealthCheck({ id: 'hc-us-east-1', config: { type: 'HTTP', ipAddress: '127.0.1.1', port: 4620, resourcePath: '/health' } });
    r53.seedHostedZone({
      id: PUBLIC_ZONE,
      name: 'auth.sandbox',
      records: [
        { name: PUBLIC_NAME, type: 'CNAME', ttl: 30, values: ['east.auth.sandbox'], setIdentifier: 'us-east-1', weight: 100, healthCheckId: 'hc-us-east-1' },
        { name: PUBLIC_NAME, type: 'CNAME', ttl: 30, values: ['west.auth.sandbox'], setIdentifier: 'us-west-2', weight: 0 },
        // Not ours: another team's canary share. It must never change.
        { name: PUBLIC_NAME, type: 'CNAME', ttl: 45, values: ['canary.auth.sandbox'], setIdentifier: 'canary', weight: 5 },
        { name: `www.auth.sandbox`, type: 'CNAME', ttl: 300, values: [PUBLIC_NAME] },
      ],
    });
    const records = base.database.endpointRecords;
    const clusters = base.database.clusters;
    r53.seedHostedZone({
      id: records.hostedZoneId,
      name: 'db.auth.internal',
      vpc: { region: 'us-east-1', id: 'vpc-sandbox' },
      records: [
        { name: records.writer, type: 'CNAME', ttl: 5, values: [clusters['us-east-1']!.writerEndpoint] },
        ...Object.entries(records.readers).map(([region, name]) => ({ name, type: 'CNAME', ttl: 5, values: [clusters[region]!.readerEndpoint] })),
        { name: 'audit.db.auth.internal', type: 'CNAME', ttl: 60, values: ['audit.example.internal'] },
      ],
    });

    config = {
      ...base,
      // The writer record follows the writer cluster's own endpoint here, so a flip must change it.
      database: {
        engine: base.database.engine,
        globalClusterIdentifier: base.database.globalClusterIdentifier,
        clusters: base.database.clusters,
        endpointRecords: base.database.endpointRecords,
        promoteDeadline: base.database.promoteDeadline,
      },
      traffic: {
        mechanism: 'route53',
        publicName: PUBLIC_NAME,
        hostedZoneId: PUBLIC_ZONE,
        recordType: 'CNAME',
        ttl: 30,
        records: {
          'us-east-1': { setIdentifier: 'us-east-1', value: 'east.auth.sandbox' },
          'us-west-2': { setIdentifier: 'us-west-2', value: 'west.auth.sandbox' },
          'eu-west-1': { setIdentifier: 'eu-west-1', value: 'eu.auth.sandbox' },
        },
        syncDeadline: 5000,
      },
      aws: { ...base.aws, endpoints: { ...base.aws.endpoints, route53: server.url }, connectTimeout: 200, requestTimeout: 500, retry: { base: 10, cap: 50, maxAttempts: 3 } },
    };
    providers = buildProviders(config, { replicaRegion: 'us-west-2' });
    raw = new Route53Client({ region: 'us-east-1', endpoint: server.url, credentials: { accessKeyId: 'TEST', secretAccessKey: 'test' } });
  });

  beforeEach(() => faults.api.clear());

  afterAll(async () => {
    raw.destroy();
    await providers.close();
    r53.stop();
    await close();
  });

  describe('weighted traffic records', () => {
    it('reads the owned records only', async () => {
      await expect(providers.traffic.read(budget())).resolves.toEqual({
        active: ['us-east-1'],
        detail: { 'us-east-1': 'weight 100', 'us-west-2': 'weight 0', 'eu-west-1': 'missing' },
      });
    });

    it('creates a missing owned record at weight 0 and flips the weights, carrying every other field over', async () => {
      const result = await providers.traffic.routeTo('us-west-2', budget());
      expect(result.changed).toBe(true);
      expect(await weights()).toEqual({ 'us-east-1': 0, 'us-west-2': ACTIVE_WEIGHT, 'eu-west-1': 0, canary: 5 });
      const east = (await recordSets(PUBLIC_ZONE, PUBLIC_NAME)).find((set) => set.SetIdentifier === 'us-east-1');
      expect(east).toMatchObject({ TTL: 30, HealthCheckId: 'hc-us-east-1', ResourceRecords: [{ Value: 'east.auth.sandbox' }] });
      const canary = (await recordSets(PUBLIC_ZONE, PUBLIC_NAME)).find((set) => set.SetIdentifier === 'canary');
      expect(canary).toMatchObject({ TTL: 45, ResourceRecords: [{ Value: 'canary.auth.sandbox' }] });
      await expect(providers.traffic.read(budget())).resolves.toMatchObject({ active: ['us-west-2'] });
    });

    it('is idempotent: no change batch when the weights are already so', async () => {
      const before = changes();
      await expect(providers.traffic.routeTo('us-west-2', budget())).resolves.toMatchObject({ changed: false });
      expect(changes()).toBe(before);
    });

    it('gives up within its budget when Route 53 keeps throttling', async () => {
      faults.api.set('route53', { kind: 'throttle' });
      const failure = await providers.traffic.routeTo('us-east-1', budget()).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(RetryBudgetExhaustedError);
      expect(failure).toMatchObject({ transient: true, context: { code: 'Throttling', attempts: 3 } });
    });
  });

  describe('DB endpoint CNAMEs', () => {
    const records = () => config.database.endpointRecords;
    const clusters = () => config.database.clusters;

    it('points the writer name at the new writer, waits for INSYNC, and DNS answers it', async () => {
      const result = await providers.dbRecords.pointTo('us-west-2', budget());
      expect(result.changed).toBe(true);
      const answer = r53.resolve(records().writer, 'CNAME');
      expect(answer).toMatchObject({ rcode: 'NOERROR', answers: [{ value: clusters()['us-west-2']!.writerEndpoint }] });
      await expect(providers.dbRecords.read(budget())).resolves.toEqual({
        [records().writer]: clusters()['us-west-2']!.writerEndpoint,
        ...Object.fromEntries(Object.entries(records().readers).map(([region, name]) => [name, clusters()[region]!.readerEndpoint])),
      });
    });

    it("sends a lost region's reader name to the new writer's readers, and leaves other names alone", async () => {
      const result = await providers.dbRecords.pointTo('us-west-2', budget(), { lostRegions: ['us-east-1'] });
      expect(result).toMatchObject({ changed: true });
      expect(result.detail).toContain(records().readers['us-east-1']);
      expect(result.detail).not.toContain(records().writer);
      const read = await providers.dbRecords.read(budget());
      expect(read[records().readers['us-east-1']!]).toBe(clusters()['us-west-2']!.readerEndpoint);
      expect(await recordSets(records().hostedZoneId, 'audit.db.auth.internal')).toMatchObject([{ TTL: 60, ResourceRecords: [{ Value: 'audit.example.internal' }] }]);
    });

    it('is idempotent', async () => {
      const before = changes();
      await expect(providers.dbRecords.pointTo('us-west-2', budget(), { lostRegions: ['us-east-1'] })).resolves.toMatchObject({ changed: false });
      expect(changes()).toBe(before);
    });

    it('with a global writer endpoint, points the writer name at it once and leaves it through flips', async () => {
      const globalWriterEndpoint = 'auth-global.global.rds.sandbox';
      const records = new DbEndpointCnames({ ...config.database, globalWriterEndpoint }, new Route53Zone(providers.caller, config.database.endpointRecords.hostedZoneId));
      await expect(records.pointTo('us-west-2', budget(), { lostRegions: ['us-east-1'] })).resolves.toMatchObject({ changed: true });
      expect((await records.read(budget()))[config.database.endpointRecords.writer]).toBe(globalWriterEndpoint);
      const before = changes();
      await expect(records.pointTo('eu-west-1', budget(), { lostRegions: ['us-east-1'] })).resolves.toMatchObject({ changed: true });
      expect((await records.read(budget()))[config.database.endpointRecords.writer]).toBe(globalWriterEndpoint);
      expect(changes()).toBe(before + 1);
    });
  });
});
