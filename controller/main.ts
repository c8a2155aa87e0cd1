import { systemClock } from './aws/clock.js';
import type { Config } from './config/schema.js';
import type { Assessment, Decision } from './domain/types.js';
import type { ExecutorEvent } from './executor/executor.js';
import type { Logger } from './logging.js';
import { buildProviders, type Providers } from './providers/factory.js';
import { openStateStore } from './providers/store/from-config.js';
import type { StateStore } from './providers/store/port.js';
import { DatabaseStatusReader } from './signals/database-status.js';
import { checkReadiness } from './replica/readiness.js';
import { Replica } from './replica/replica.js';

export interface RunningReplica {
  region: string;
  replica: Replica;
  store: StateStore;
  providers: Providers;
  stop(): Promise<void>;
}

export interface StartReplicaOptions {
  logger: Logger;
  onDecision?(decision: Decision, assessment: Assessment): void;
  onExecutorEvent?(event: ExecutorEvent): void;
}

/**
 * The composition root: builds one replica's real adapters, state store and loop from the
 * validated config, and starts it. Everything else receives its dependencies from here.
 */
export function startReplica(config: Config, region: string, options: StartReplicaOptions): RunningReplica {
  const clock = systemClock;
  const logger = options.logger;
  const providers = buildProviders(config, { replicaRegion: region, clock });
  const store = openStateStore(config, { region });
  const ports = { traffic: providers.traffic, database: providers.database, dbRecords: providers.dbRecords };
  const database = providers.signals.database ?? new DatabaseStatusReader({ database: providers.database, clock, timeout: 2 * config.aws.requestTimeout });
  const signals = [providers.signals.http, ...(providers.signals.route53 ? [providers.signals.route53] : [])];
  const replica = new Replica({
    config,
    region,
    store,
    ports,
    signals,
    readiness: () => checkReadiness(ports, config, clock),
    readDatabase: () => database.read(),
    clock,
    random: Math.random,
    logger,
    ...(options.onDecision && { onDecision: options.onDecision }),
    ...(options.onExecutorEvent && { onExecutorEvent: options.onExecutorEvent }),
  });
  replica.start();
  logger.info({ replica: region, mechanism: config.traffic.mechanism }, `controller replica ${region} started`);
  return {
    region,
    replica,
    store,
    providers,
    stop: async () => {
      await replica.stop();
      store.close();
      await providers.close();
    },
  };
}
