import { startSandbox, type RunningSandbox } from '../sandbox/up.js';
import { join } from 'node:path';
import type { Config } from '../controller/config/schema.js';
import type { Assessment, Decision } from '../controller/domain/types.js';
import type { ExecutorEvent } from '../controller/executor/executor.js';
import type { Logger } from '../kernel/logging.js';
import { startReplica, type RunningReplica } from '../controller/main.js';
import { openStateStore } from '../controller/store/from-config.js';

export interface LocalDeploymentOptions {
  dataDir: string;
  /** Free ports instead of the config's (tests and drills, so they never clash with `npm start`). */
  ephemeralPorts: boolean;
  logger: Logger;
  /** Sandbox logs go here (quieter than the controller's by default). */
  sandboxLogger?: Logger;
  onDecision?(region: string, decision: Decision, assessment: Assessment): void;
  onExecutorEvent?(region: string, event: ExecutorEvent): void;
}

export interface LocalDeployment {
  sandbox: RunningSandbox;
  /** The config rewritten to where the sandbox listens. */
  config: Config;
  replicas: Map<string, RunningReplica>;
  /** Each replica's API (and dashboard) base URL, once it listens. */
  apiUrls: Map<string, string>;
  /** Starts (or restarts) the replica for one region. */
  startReplica(region: string): RunningReplica;
  stopReplica(region: string): Promise<void>;
  /** Kills the replica for one region as SIGKILL would (no lease release); `startReplica` brings it back. */
  crashReplica(region: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The embedded default: the sandbox plus one controller replica per region, all on loopback, the
 * replicas running the production adapters against the sandbox's emulated AWS APIs.
 */
export async function startLocalDeployment(base: Config, options: LocalDeploymentOptions): Promise<LocalDeployment> {
  const sandbox = await startSandbox(base, { dataDir: options.dataDir, ephemeralPorts: options.ephemeralPorts, logger: options.sandboxLogger ?? options.logger });
  // Audit checkpoints live beside this deployment's store, so each drill and test has its own.
  const checkpoints = sandbox.config.audit.checkpoints;
  const config: Config = checkpoints.mode === 'local' ? { ...sandbox.config, audit: { checkpoints: { ...checkpoints, dir: join(options.dataDir, 'audit') } } } : sandbox.config;
  try {
    const setup = openStateStore(config, { region: config.regions[0]!.name });
    try {
      await setup.ensureTable();
    } finally {
      setup.close();
    }
  } catch (error) {
    await sandbox.stop();
    throw error;
  }
  const replicas = new Map<string, RunningReplica>();
  const apiUrls = new Map<string, string>();
  const launch = (region: string) => {
    apiUrls.delete(region);
    const running = startReplica(config, region, {
      logger: options.logger,
      ...(options.ephemeralPorts && { apiPort: 0 }),
      ...(options.onDecision && { onDecision: (d: Decision, a: Assessment) => options.onDecision!(region, d, a) }),
      ...(options.onExecutorEvent && { onExecutorEvent: (e: ExecutorEvent) => options.onExecutorEvent!(region, e) }),
    });
    replicas.set(region, running);
    void running.apiUrl.then((url) => {
      if (url && replicas.get(region) === running) apiUrls.set(region, url);
    });
    return running;
  };
  for (const region of config.regions) launch(region.name);
  const urls = await Promise.all([...replicas.values()].map(async (r) => [r.region, await r.apiUrl] as const));
  for (const [region, url] of urls) if (url) options.logger.info({ replica: region, url }, `dashboard of ${region}: ${url}/`);
  const stopReplica = async (region: string) => {
    const running = replicas.get(region);
    replicas.delete(region);
    await running?.stop();
  };
  return {
    sandbox,
    config,
    replicas,
    apiUrls,
    startReplica: launch,
    stopReplica,
    crashReplica: async (region: string) => {
      const running = replicas.get(region);
      replicas.delete(region);
      await running?.crash();
    },
    stop: async () => {
      await Promise.all([...replicas.keys()].map(stopReplica));
      await sandbox.stop();
    },
  };
}
