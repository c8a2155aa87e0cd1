import { SwitchoverGlobalClusterCommand, DescribeGlobalClustersCommand, RDSClient } from '@aws-sdk/client-rds';
import { ChangeResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { Route53RecoveryClusterClient, UpdateRoutingControlStatesCommand } from '@aws-sdk/client-route53-recovery-cluster';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CachingResolver } from '../../../sandbox/net/resolver.js';
import { startTraffic } from '../../../sandbox/traffic/generator.js';
import type { RunningSandbox } from '../../../sandbox/up.js';
import { sdkOptions, startTestSandbox, until } from './support.js';

let sandbox: RunningSandbox;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ sandbox, cleanup } = await startTestSandbox());
});
afterAll(() => cleanup());

describe('a failover through the sandbox, as the controller would run it', () => {
  it('moves the database writer and client traffic from us-east-1 to us-west-2', async () => {
    const { endpoints, config } = sandbox;
    const [dnsHost, dnsPort] = endpoints.dns.split(':');
    const resolver = (timeoutMs = 1000) => new CachingResolver({ host: dnsHost ?? '', port: Number(dnsPort), timeoutMs });
    const appPort = Number(new URL(endpoints.regions['us-east-1']?.app ?? '').port);
    const traffic = startTraffic({ publicName: endpoints.resources.publicName, port: appPort, resolver: resolver(), rate: 20, durationMs: 60_000, writeRatio: 0.5, timeoutMs: 1000 });
    await until(() => (traffic.summary().regions['us-east-1'] ?? 0) >= 5, 'traffic to reach us-east-1');

    // The rewritten config points at this sandbox: the controller's clients would use these URLs.
    expect(config.aws.endpoints.rds?.['us-west-2']).toBe(endpoints.rds);
    const rds = new RDSClient(sdkOptions(config.aws.endpoints.rds?.['us-west-2'] ?? '', 'us-west-2'));
    const route53 = new Route53Client(sdkOptions(config.aws.endpoints.route53 ?? '', 'us-east-1', 'us-west-2'));
    const arc = new Route53RecoveryClusterClient(sdkOptions(endpoints.arc[1] ?? '', 'us-west-2'));
    try {
      await rds.send(new SwitchoverGlobalClusterCommand({ GlobalClusterIdentifier: 'auth-global', TargetDbClusterIdentifier: endpoints.resources.clusters['us-west-2'] }));
      await until(
        async () => (await rds.send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: 'auth-global' }))).GlobalClusters?.[0]?.FailoverState === undefined,
        'the switchover to finish',
        20_000,
      );
      await route53.send(new ChangeResourceRecordSetsCommand({
        HostedZoneId: endpoints.resources.privateZoneId,
        ChangeBatch: {
          Changes: [{
            Action: 'UPSERT',
            ResourceRecordSet: { Name: 'writer.db.auth.internal', Type: 'CNAME', TTL: 5, ResourceRecords: [{ Value: 'auth-us-west-2.cluster.us-west-2.rds.sandbox' }] },
          }],
        },
      }));
      await arc.send(new UpdateRoutingControlStatesCommand({
        UpdateRoutingControlStateEntries: [
          { RoutingControlArn: endpoints.resources.routingControls['us-west-2'], RoutingControlState: 'On' },
          { RoutingControlArn: endpoints.resources.routingControls['us-east-1'], RoutingControlState: 'Off' },
        ],
      }));

      const fresh = resolver();
      await until(async () => (await fresh.resolve(endpoints.resources.publicName, 'A'))[0] === '127.0.1.2', 'DNS to answer with us-west-2', 20_000);
      const served = traffic.summary().regions['us-west-2'] ?? 0;
      await until(() => (traffic.summary().regions['us-west-2'] ?? 0) >= served + 10, 'clients to follow DNS to us-west-2', 20_000);

      await until(async () => (await fetch(`${endpoints.regions['us-west-2']?.app}/session`, { method: 'POST', body: '{}', signal: AbortSignal.timeout(3000) })).status === 201, 'writes in us-west-2 once the writer CNAME has propagated');

      const stats = sandbox.stats();
      expect(stats.dbWriter).toBe('us-west-2');
      expect(stats.routingControls).toEqual({ 'us-east-1': 'Off', 'us-west-2': 'On', 'eu-west-1': 'Off' });
      expect(stats.calls.rds.SwitchoverGlobalCluster).toBe(1);
      expect(stats.calls.route53.ChangeResourceRecordSets).toBe(1);
      expect(stats.calls.arc.UpdateRoutingControlStates).toBe(1);
      expect(stats.writesLost).toBe(0);
    } finally {
      const summary = await traffic.stop();
      rds.destroy();
      route53.destroy();
      arc.destroy();
      expect(summary.regions['us-east-1']).toBeGreaterThan(0);
      expect(summary.regions['us-west-2']).toBeGreaterThan(0);
    }
  });
});
