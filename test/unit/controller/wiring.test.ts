import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../controller/config/load.js';
import type { Config } from '../../../controller/config/schema.js';
import { buildProviders } from '../../../controller/wiring.js';
import { ArcRoutingControlRouter } from '../../../controller/providers/traffic/arc.js';
import { Route53WeightedRouter } from '../../../controller/providers/traffic/route53.js';

const sandbox = () => loadConfig(new URL('../../../examples/sandbox.yaml', import.meta.url).pathname);

const route53Traffic: Config['traffic'] = {
  mechanism: 'route53',
  publicName: 'login.auth.sandbox',
  hostedZoneId: 'ZPUBLIC',
  recordType: 'CNAME',
  ttl: 30,
  records: { 'us-east-1': { setIdentifier: 'east', value: 'e' }, 'us-west-2': { setIdentifier: 'west', value: 'w' }, 'eu-west-1': { setIdentifier: 'eu', value: 'u' } },
  syncDeadline: 5000,
};

describe('buildProviders', () => {
  it.each([
    ['arc', (config: Config) => config, ArcRoutingControlRouter],
    ['route53', (config: Config) => ({ ...config, traffic: route53Traffic }), Route53WeightedRouter],
  ] as const)('builds the %s traffic router from traffic.mechanism', async (mechanism, adapt, type) => {
    const providers = buildProviders(adapt(sandbox()), { replicaRegion: 'us-west-2' });
    try {
      expect(providers.traffic).toBeInstanceOf(type);
      expect(providers.traffic.mechanism).toBe(mechanism);
    } finally {
      await providers.close();
    }
  });

  it('builds the signal readers the config asks for: Route 53 health only when its checks are named', async () => {
    const all = buildProviders(sandbox(), { replicaRegion: 'us-east-1' });
    const base = sandbox();
    const { route53HealthChecks: _named, ...noChecks } = base.signals;
    const none = buildProviders({ ...base, signals: noChecks }, { replicaRegion: 'us-east-1' });
    try {
      expect(Object.keys(all.signals).sort()).toEqual(['database', 'http', 'route53']);
      expect(Object.keys(none.signals).sort()).toEqual(['database', 'http']);
    } finally {
      await Promise.all([all.close(), none.close()]);
    }
  });
});
