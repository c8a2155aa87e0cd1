import type { RandomSource } from './aws/backoff.js';
import { AwsCaller, type AwsCallHooks } from './aws/caller.js';
import { AwsClients } from './aws/clients.js';
import { systemClock, type Clock } from '../kernel/clock.js';
import type { Config } from './config/schema.js';
import type { RegionName } from './domain/types.js';
import { DatabaseStatusReader } from './signals/database-status.js';
import { HttpProber, probeTargets } from './signals/http-prober.js';
import { Route53HealthReader } from './signals/route53-health.js';
import { TokenBucket } from '../kernel/token-bucket.js';
import { AuroraGlobalDatabase } from './providers/database/aurora-global.js';
import { DbEndpointCnames } from './providers/dns/db-endpoint-records.js';
import { Route53Zone } from './providers/dns/route53-zone.js';
import type { DbEndpointRecords, GlobalDatabase, TrafficRouter } from './ports.js';
import { ArcRoutingControlRouter } from './providers/traffic/arc.js';
import { Route53WeightedRouter } from './providers/traffic/route53.js';

export interface ProviderOptions {
  /** The region of the replica being built: its vantage point, its static access key, its first RDS region. */
  replicaRegion: RegionName;
  /** Counts AWS call errors by code (metrics). */
  hooks?: AwsCallHooks;
  clock?: Clock;
  random?: RandomSource;
}

export interface Providers {
  caller: AwsCaller;
  traffic: TrafficRouter;
  database: GlobalDatabase;
  dbRecords: DbEndpointRecords;
  signals: {
    http: HttpProber;
    /** Present when `signals.route53HealthChecks` is configured. */
    route53?: Route53HealthReader;
    /**
     * The global cluster's status and replication lag: always read, since a failover's guards need
     * the lag to bound data loss and the writer's reachability tells an outage from a blip.
     */
    database: DatabaseStatusReader;
  };
  /** Closes every pooled connection (SDK clients and the prober). */
  close(): Promise<void>;
}

type TrafficSettings = Config['traffic'];
type Mechanism = TrafficSettings['mechanism'];
type TrafficFactory<M extends Mechanism> = (settings: Extract<TrafficSettings, { mechanism: M }>, caller: AwsCaller) => TrafficRouter;

/** One entry per `traffic.mechanism`: a new mechanism implements TrafficRouter and registers here. */
const TRAFFIC_ROUTERS: { [M in Mechanism]: TrafficFactory<M> } = {
  arc: (settings, caller) => new ArcRoutingControlRouter(settings, caller),
  route53: (settings, caller) => new Route53WeightedRouter(settings, new Route53Zone(caller, settings.hostedZoneId)),
};

type DatabaseSettings = Config['database'];
type DatabaseFactory = (config: Config, caller: AwsCaller, replicaRegion: RegionName) => GlobalDatabase;

/** One entry per `database.engine`. */
const DATABASES: { [E in DatabaseSettings['engine']]: DatabaseFactory } = {
  'aurora-global': (config, caller, replicaRegion) => new AuroraGlobalDatabase({ settings: config.database, caller, replicaRegion, writerTimeout: config.detection.writerTimeout }),
};

function trafficRouter(settings: TrafficSettings, caller: AwsCaller): TrafficRouter {
  const build = TRAFFIC_ROUTERS[settings.mechanism] as TrafficFactory<Mechanism>;
  return build(settings as never, caller);
}

/** Builds every adapter one controller replica needs, from the validated config. */
export function buildProviders(config: Config, options: ProviderOptions): Providers {
  const clock = options.clock ?? systemClock;
  const clients = new AwsClients(config.aws, options.replicaRegion);
  const caller = new AwsCaller({
    clients,
    policy: config.aws.retry,
    requestTimeout: config.aws.requestTimeout,
    clock,
    ...(options.random ? { random: options.random } : {}),
    ...(options.hooks ? { hooks: options.hooks } : {}),
  });
  const database = DATABASES[config.database.engine](config, caller, options.replicaRegion);
  const { interval, timeout, starvedAfter, latencyBudget } = config.probe;
  const http = new HttpProber({ vantage: options.replicaRegion, targets: probeTargets(config), timeout, interval, starvedAfter, latencyBudget, now: () => clock.now() });

  const healthChecks = config.signals.route53HealthChecks;
  const criticalService = config.services.find((service) => service.critical) ?? config.services[0];
  const route53 =
    healthChecks && criticalService
      ? new Route53HealthReader({
          caller,
          healthChecks,
          service: criticalService.name,
          // Route 53 refills GetHealthCheckStatus at 1/s for the whole account; every replica polls, so each takes its share.
          bucket: new TokenBucket(1, 1 / config.regions.length, () => clock.now()),
        })
      : undefined;

  return {
    caller,
    traffic: trafficRouter(config.traffic, caller),
    database,
    dbRecords: new DbEndpointCnames(config.database, new Route53Zone(caller, config.database.endpointRecords.hostedZoneId)),
    signals: { http, ...(route53 ? { route53 } : {}), database: new DatabaseStatusReader({ database, clock, timeout: 2 * config.aws.requestTimeout }) },
    close: async () => {
      clients.destroy();
      await http.close();
    },
  };
}
