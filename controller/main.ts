import type { FastifyInstance } from 'fastify';
import { EventHub } from './api/events.js';
import { ControllerMetrics } from './api/metrics.js';
import { recent } from './api/recent.js';
import { buildApiServer } from './api/server.js';
import { newCommandId } from './store/command-id.js';
import { systemClock } from '../kernel/clock.js';
import type { Config } from './config/schema.js';
import type { Assessment, Decision } from './domain/types.js';
import type { ExecutorEvent } from './executor/executor.js';
import type { Logger } from '../kernel/logging.js';
import { buildProviders, type Providers } from './wiring.js';
import { attestAppends, Checkpointer } from './providers/audit/attest.js';
import { openCheckpoints } from './providers/audit/from-config.js';
import { openStateStore } from './store/from-config.js';
import type { StateStore } from './store/state-store.js';
import { PermissionProof, planPermissions } from './replica/permissions.js';
import { checkReadiness } from './replica/readiness.js';
import { createNotifier } from './notify/notifier.js';
import { Replica } from './replica/replica.js';

/** How often the replica looks whether an audit checkpoint is due. */
const CHECKPOINT_POLL_MS = 500;

export interface RunningReplica {
  region: string;
  replica: Replica;
  store: StateStore;
  providers: Providers;
  /** The replica's HTTP API base URL once it listens; undefined when it could not (the error is logged). */
  apiUrl: Promise<string | undefined>;
  stop(): Promise<void>;
  /** Dies at once, as a killed process would: no lease release, no further store write (drills). */
  crash(): Promise<void>;
}

export interface StartReplicaOptions {
  logger: Logger;
  onDecision?(decision: Decision, assessment: Assessment): void;
  onExecutorEvent?(event: ExecutorEvent): void;
  /** The API's port instead of the config's (`api.ports[region]` or `api.port`); 0 picks a free one. */
  apiPort?: number;
}

/**
 * The composition root: builds one replica's real adapters, state store and loop from the
 * validated config, and starts it. Everything else receives its dependencies from here.
 */
export function startReplica(config: Config, region: string, options: StartReplicaOptions): RunningReplica {
  const clock = systemClock;
  const logger = options.logger;
  // Read only when /metrics is scraped, after the replica exists.
  const metrics = new ControllerMetrics(region, () => replica.status());
  const events = new EventHub(region);
  const providers = buildProviders(config, { replicaRegion: region, clock, hooks: { onCallError: (event) => metrics.onAwsCallError(event) } });
  // Every record this process appends is attested by its signed checkpoints (tamper evidence).
  const opened = openStateStore(config, { region });
  const { store, audit } = attestAppends(opened);
  const ports = { traffic: providers.traffic, database: providers.database, dbRecords: providers.dbRecords };
  const permissions = new PermissionProof({ caller: providers.caller, region, needs: planPermissions(config, region) });
  const database = providers.signals.database;
  const readers = [providers.signals.http, ...(providers.signals.route53 ? [providers.signals.route53] : [])];
  // Probe latencies feed the metrics on their way to the replica.
  const signals = readers.map((reader) => ({
    read: async () => {
      const observations = await reader.read();
      metrics.onObservations(observations);
      return observations;
    },
  }));
  // Announcements go through a bounded queue: a slow or dead webhook never holds up the loop.
  const notifier = createNotifier(config, config.notifications, region, logger);
  const notify = notifier.hooks();
  const replica = new Replica({
    config,
    region,
    store,
    ports,
    signals,
    readiness: () => checkReadiness(ports, config, clock, permissions),
    readDatabase: () => database.read(),
    clock,
    random: Math.random,
    logger,
    onDecision: (decision, assessment) => {
      metrics.onAssessment(assessment);
      if (events.onDecision(decision, assessment)) metrics.onDecision(decision);
      notify.onDecision(decision, assessment);
      options.onDecision?.(decision, assessment);
    },
    onExecutorEvent: (event) => {
      metrics.onExecutorEvent(event);
      events.onExecutorEvent(event);
      notify.onExecutorEvent(event);
      options.onExecutorEvent?.(event);
    },
  });
  const api = buildApiServer({ config, store, region, replica, metrics, events, logger, now: () => clock.now(), newId: newCommandId, readDatabase: recent(() => database.read(), config.probe.interval, () => clock.now()) });
  const apiUrl = listen(api, config.api.host, options.apiPort ?? config.api.ports?.[region] ?? config.api.port, logger, region);
  replica.start();
  const checkpoints = openCheckpoints(config, { caller: providers.caller, region, sign: true });
  const checkpointer = new Checkpointer({ audit, signer: checkpoints.signer!, log: checkpoints.log, writer: replica.holder, every: config.audit.checkpoints.every, clock, logger: logger.child({ replica: region }) });
  const checkpointTimer = setInterval(() => void checkpointer.tick(), CHECKPOINT_POLL_MS);
  checkpointTimer.unref();
  logger.info({ replica: region, mechanism: config.traffic.mechanism }, `controller replica ${region} started`);
  return {
    region,
    replica,
    store,
    providers,
    apiUrl,
    stop: async () => {
      await api.close();
      await replica.stop();
      clearInterval(checkpointTimer);
      await checkpointer.tick(true);
      await notifier.stop(2000);
      store.close();
      await providers.close();
    },
    crash: async () => {
      replica.crash();
      clearInterval(checkpointTimer);
      store.close();
      await Promise.all([api.close(), notifier.stop(0)]);
      await providers.close();
    },
  };
}

async function listen(api: FastifyInstance, host: string, port: number, logger: Logger, region: string): Promise<string | undefined> {
  try {
    await api.listen({ host, port });
    const address = api.server.address();
    const bound = typeof address === 'object' && address ? address.port : port;
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
    logger.info({ replica: region, url }, `controller API of ${region} listening at ${url}`);
    return url;
  } catch (error) {
    logger.error({ replica: region, err: error, host, port }, `controller API of ${region} could not listen on ${host}:${port}; the replica runs without it`);
    return undefined;
  }
}
