import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import type { SandboxSpec } from './spec.js';
import { InputError, describeError } from '../kernel/errors.js';
import { RegionApp } from './apps/region-app.js';
import type { SessionStore } from './apps/session-store.js';
import { createArcCluster, type ArcCluster } from './arc/index.js';
import { createIamEmulator, type IamEmulator } from './iam/api.js';
import { createKmsEmulator, type KmsEmulator } from './kms/index.js';
import { createS3Emulator, type S3Emulator } from './s3/index.js';
import type { IamGate } from './iam/gate.js';
import { sandboxAccount } from './iam/controller-role.js';
import { sandboxIamGate } from './iam/principals.js';
import { sandboxSettings } from './config-schema.js';
import { createDnsServer } from './dns/server.js';
import { faultApiHandler } from './faults/api.js';
import { FaultRegistry, type ActiveFault } from './faults/registry.js';
import { CachingResolver } from './net/resolver.js';
import { createCloudWatchEmulator, createRdsEmulator, rdsTimings, RdsDataError, type CloudWatchEmulator, type RdsEmulator } from './rds/index.js';
import { createRoute53Emulator, type Route53Emulator } from './route53/index.js';
import { SerialQueue } from './shared/serial.js';
import { EmbeddedStore } from './store/dynalite.js';
import { ephemeral, sandboxLayout, type AppAddress, type ListenAddress, type SandboxLayout } from './setup/layout.js';
import { closeServer, listen } from './setup/listen.js';
import { addressUrl, rewriteConfig } from './setup/rewrite.js';
import { seededResources, seedPlan, type SeededResources, type SeedPlan } from './setup/seed.js';

export interface StartSandboxOptions {
  /** Bind every part to a free port instead of the config's ports (tests, drills). */
  ephemeralPorts?: boolean;
  /** Where the embedded DynamoDB keeps its data. */
  dataDir: string;
  logger?: Logger;
}

/** What `fcp sandbox up --json` prints: where every part listens and what was seeded. */
export interface SandboxEndpoints {
  route53: string;
  rds: string;
  cloudwatch?: string;
  arc: string[];
  dynamodb: string;
  /** IAM and STS (one server). */
  iam: string;
  /** KMS and S3, when the config names them (`audit.checkpoints.mode: aws`). */
  kms?: string;
  s3?: string;
  /** `127.0.0.1:PORT` (UDP and TCP). */
  dns: string;
  faults: string;
  regions: Record<string, { app: string }>;
  resources: SeededResources;
}

export interface SandboxStats {
  /** Requests each emulator served, per operation (`arc` summed over its endpoints). */
  calls: { route53: Record<string, number>; rds: Record<string, number>; cloudwatch?: Record<string, number>; arc: Record<string, number>; iam: Record<string, number>; kms?: Record<string, number>; s3?: Record<string, number> };
  writesCommitted: number;
  writesLost: number;
  /** Replication lag per secondary region, in ms. */
  replicationLagMs: Record<string, number>;
  routingControls: Record<string, 'On' | 'Off' | undefined>;
  /** The region whose cluster is the global database's writer. */
  dbWriter: string | undefined;
  store: 'up' | 'down';
  faults: ActiveFault[];
}

export interface RunningSandbox<Spec extends SandboxSpec = SandboxSpec> {
  endpoints: SandboxEndpoints;
  /** The config rewritten to the bound ports and URLs, ready for controller replicas. */
  config: Spec;
  faults: FaultRegistry;
  stats(): SandboxStats;
  stop(): Promise<void>;
}

/** The emulated world before anything listens. */
interface Parts {
  faults: FaultRegistry;
  route53: Route53Emulator;
  rds: RdsEmulator;
  cloudwatch: CloudWatchEmulator | undefined;
  arc: ArcCluster;
  iam: IamEmulator;
  /** The audit checkpoints' key and bucket: present when the config names their endpoints. */
  kms: KmsEmulator | undefined;
  s3: S3Emulator | undefined;
  store: EmbeddedStore;
}

/** Apps bound on free ports share one port on their distinct addresses; a clash is retried this often. */
const APP_PORT_ATTEMPTS = 5;
const DNS_LOOKUP_TIMEOUT_MS = 1000;

/**
 * Starts the whole sandbox on loopback from a controller config: emulated Route 53 (with health
 * checks and DNS), RDS with CloudWatch lag, the ARC cluster, DynamoDB, one demo app per region and
 * the fault API, then seeds the resources the config names. A config the sandbox cannot serve
 * throws an InputError before anything starts; any later failure stops what already started.
 */
export async function startSandbox<Spec extends SandboxSpec>(config: Spec, options: StartSandboxOptions): Promise<RunningSandbox<Spec>> {
  const log = options.logger ?? pino({ level: 'silent' });
  const configured = sandboxLayout(config);
  const layout = options.ephemeralPorts ? ephemeral(configured) : configured;
  // Every emulated call is evaluated against the caller's IAM policy (by default the role infra/ renders).
  const gate = await sandboxIamGate(config);
  const parts = createParts(config, layout, options.dataDir, gate);
  const stack = new Teardown(log);
  stack.push(async () => {
    parts.faults.close();
    parts.route53.stop();
    parts.rds.stop();
    parts.cloudwatch?.stop();
    parts.arc.stop();
    parts.iam.stop();
    parts.kms?.stop();
    parts.s3?.stop();
  });
  try {
    const stats = () => sandboxStats(parts, config);
    const bound = await bindAll(parts, layout, config, stack, stats, log);
    const plan = seedPlan(config, bound.layout.apps);
    seed(plan, parts);
    parts.route53.start();
    const endpoints = describeEndpoints(config, bound.layout, plan);
    log.debug({ endpoints }, 'sandbox up');
    return { endpoints, config: rewriteConfig(config, bound.layout), faults: parts.faults, stats, stop: () => stack.unwind() };
  } catch (error) {
    await stack.unwind();
    throw error;
  }
}

function createParts(config: SandboxSpec, layout: SandboxLayout, dataDir: string, iam: IamGate): Parts {
  const settings = sandboxSettings(config);
  const credentials = config.aws.credentials;
  const faults = new FaultRegistry({
    regions: config.regions.map((r) => r.name),
    arcEndpointRegions: config.traffic.mechanism === 'arc' ? config.traffic.clusterEndpoints.map((e) => e.region) : [],
    ...(credentials.mode === 'static' ? { accessKeyIdPrefix: credentials.accessKeyIdPrefix } : {}),
  });
  const rds = createRdsEmulator({ faults, iam, ...rdsTimings(settings) });
  const arc = createArcCluster({
    faults,
    iam,
    endpointCount: layout.arc.length || 5,
    ...(config.traffic.mechanism === 'arc' && { endpointRegions: config.traffic.clusterEndpoints.map((e) => e.region) }),
  });
  return {
    faults,
    rds,
    cloudwatch: layout.cloudwatch ? createCloudWatchEmulator({ faults, rds, iam }) : undefined,
    arc,
    iam: createIamEmulator({ faults, gate: iam }),
    kms: layout.kms ? createKmsEmulator({ faults, iam, account: sandboxAccount(config) }) : undefined,
    s3: layout.s3 ? createS3Emulator({ faults, iam }) : undefined,
    route53: createRoute53Emulator({
      faults,
      iam,
      propagationDelayMs: settings.dnsPropagation,
      timeScale: settings.healthCheckTimeScale,
      routingControlState: (arn) => arc.state(arn),
    }),
    store: new EmbeddedStore({ host: layout.dynamodb.host, port: layout.dynamodb.port, dataDir: join(dataDir, 'dynamodb'), iam: { gate: iam, account: sandboxAccount(config) } }),
  };
}

/** Binds every listener (recording how to close it) and wires the faults that open and close listeners. */
async function bindAll(
  parts: Parts,
  layout: SandboxLayout,
  config: SandboxSpec,
  stack: Teardown,
  stats: () => SandboxStats,
  log: Logger,
): Promise<{ layout: SandboxLayout }> {
  const serve = async (address: ListenAddress, handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<ListenAddress> => {
    const server = createServer(handler);
    await listen(server, address.host, address.port, address.part);
    stack.push(() => closeServer(server));
    return { ...address, port: (server.address() as AddressInfo).port };
  };

  const faultsApi = await serve(layout.faults, faultApiHandler(parts.faults, stats));
  const route53 = await serve(layout.route53, parts.route53.handle);
  const rds = await serve(layout.rds, parts.rds.handle);
  const cloudwatch = layout.cloudwatch && parts.cloudwatch ? await serve(layout.cloudwatch, parts.cloudwatch.handle) : undefined;
  const iam = await serve(layout.iam, parts.iam.handle);
  const kms = layout.kms && parts.kms ? await serve(layout.kms, parts.kms.handle) : undefined;
  const s3 = layout.s3 && parts.s3 ? await serve(layout.s3, parts.s3.handle) : undefined;
  const arc: ListenAddress[] = [];
  for (const [index, address] of layout.arc.entries()) {
    arc.push(await serve(address, parts.arc.endpoints[index] as (req: IncomingMessage, res: ServerResponse) => void));
  }

  await parts.store.start();
  stack.push(() => parts.store.close());

  const dnsServer = createDnsServer({ source: parts.route53, host: layout.dns.host, port: layout.dns.port });
  const dnsPort = await dnsServer.start().then(
    (started) => started.port,
    (cause: unknown) => Promise.reject(bindError(layout.dns, cause)),
  );
  stack.push(() => dnsServer.close());

  const resolver = new CachingResolver({ host: layout.dns.host, port: dnsPort, timeoutMs: DNS_LOOKUP_TIMEOUT_MS });
  const apps = await startApps(config, layout.apps, { faults: parts.faults, resolver, db: sessionStore(parts.rds) });
  stack.push(async () => {
    await Promise.all(Object.values(apps).map((app) => app.stop()));
  });

  // Faults that open and close listeners: region down closes its app, store-down closes dynalite.
  const storeTransitions = new SerialQueue();
  const failed = (what: string) => (error: unknown) => log.error({ error: describeError(error) }, `${what} did not follow the faults`);
  const unsubscribe = parts.faults.onChange(() => {
    for (const [region, app] of Object.entries(apps)) void app.reconcile().catch(failed(`the ${region} app`));
    void storeTransitions.run(() => (parts.faults.storeDown() ? parts.store.stop() : parts.store.start())).catch(failed('the store'));
  });
  stack.push(async () => {
    unsubscribe();
    await storeTransitions.run(() => Promise.resolve());
  });

  return {
    layout: {
      route53,
      rds,
      ...(cloudwatch ? { cloudwatch } : {}),
      arc,
      dynamodb: { ...layout.dynamodb, port: Number(new URL(parts.store.url).port) },
      iam,
      ...(kms && { kms }),
      ...(s3 && { s3 }),
      dns: { ...layout.dns, port: dnsPort },
      faults: faultsApi,
      apps: Object.fromEntries(Object.entries(layout.apps).map(([region, a]) => [region, { ...a, port: Number(new URL(apps[region]?.url ?? '').port) }])),
    },
  };
}

/** The DNS server reports a busy port in its own words; name the part and the port like every other listener. */
function bindError(address: ListenAddress, cause: unknown): unknown {
  const codeOf = (error: unknown) => (error as { code?: string } | undefined)?.code;
  if (codeOf(cause) !== 'EADDRINUSE' && codeOf((cause as { cause?: unknown }).cause) !== 'EADDRINUSE') return cause;
  return new InputError(`port ${address.port} on ${address.host} is in use; the sandbox's ${address.part} wanted it`, [
    `${address.part}: ${address.host}:${address.port} is already in use; stop what holds it or change the port in the config`,
  ], { cause });
}

/**
 * One app per region. On free ports, every app takes the port the first one got (a DNS answer
 * carries only the address); if another address already has that port, all retry on a new one.
 */
async function startApps(
  config: SandboxSpec,
  addresses: Record<string, AppAddress>,
  shared: Pick<ConstructorParameters<typeof RegionApp>[0], 'faults' | 'resolver' | 'db'>,
): Promise<Record<string, RegionApp>> {
  const records = config.database.endpointRecords;
  const entries = Object.entries(addresses);
  const freePorts = entries.every(([, a]) => a.port === 0);
  for (let attempt = 1; ; attempt++) {
    const apps: Record<string, RegionApp> = {};
    let port = entries[0]?.[1].port ?? 0;
    try {
      for (const [region, address] of entries) {
        const app = new RegionApp({
          ...shared,
          region,
          host: address.host,
          port,
          healthPaths: address.healthPaths,
          names: { writer: records.writer, reader: records.readers[region] ?? '' },
        });
        apps[region] = app;
        await app.start();
        port = Number(new URL(app.url).port);
      }
      return apps;
    } catch (error) {
      await Promise.all(Object.values(apps).map((app) => app.stop()));
      if (!freePorts || attempt >= APP_PORT_ATTEMPTS || !(error instanceof InputError)) throw error;
    }
  }
}

/** The apps' database: the RDS emulator's data API; a refused write is an answer, not a failure. */
function sessionStore(rds: RdsEmulator): SessionStore {
  return {
    read: async (endpoint, key) => rds.read(endpoint, key),
    write: async (endpoint, key, value) => {
      try {
        rds.write(endpoint, { key, value });
        return { ok: true };
      } catch (error) {
        if (error instanceof RdsDataError && (error.reason === 'read-only' || error.reason === 'transitioning')) return { ok: false, reason: error.message };
        throw error;
      }
    },
  };
}

function seed(plan: SeedPlan, parts: Parts): void {
  parts.rds.seedGlobalDatabase(plan.globalDatabase);
  if (plan.routingControls) parts.arc.seedRegionControls(plan.routingControls.controls, plan.routingControls.onRegion);
  for (const check of plan.healthChecks) parts.route53.seedHealthCheck(check);
  parts.route53.seedHostedZone(plan.publicZone);
  parts.route53.seedHostedZone(plan.privateZone);
  const checkpoints = plan.auditCheckpoints;
  if (checkpoints) {
    parts.kms?.seedSigningKey(checkpoints.keyId, checkpoints.regions);
    parts.s3?.seedLockedBucket(checkpoints.bucket, checkpoints.bucketRegion, checkpoints.retention);
  }
}

function describeEndpoints(config: SandboxSpec, layout: SandboxLayout, plan: SeedPlan): SandboxEndpoints {
  return {
    route53: addressUrl(layout.route53),
    rds: addressUrl(layout.rds),
    ...(layout.cloudwatch ? { cloudwatch: addressUrl(layout.cloudwatch) } : {}),
    arc: layout.arc.map(addressUrl),
    dynamodb: addressUrl(layout.dynamodb),
    iam: addressUrl(layout.iam),
    ...(layout.kms && { kms: addressUrl(layout.kms) }),
    ...(layout.s3 && { s3: addressUrl(layout.s3) }),
    dns: `${layout.dns.host}:${layout.dns.port}`,
    faults: addressUrl(layout.faults),
    regions: Object.fromEntries(Object.entries(layout.apps).map(([region, a]) => [region, { app: addressUrl(a) }])),
    resources: seededResources(config, plan, sandboxAccount(config)),
  };
}

function sandboxStats(parts: Parts, config: SandboxSpec): SandboxStats {
  const data = parts.rds.stats();
  const controls = config.traffic.mechanism === 'arc' ? config.traffic.routingControls : {};
  return {
    calls: {
      route53: parts.route53.callCounts(),
      rds: parts.rds.callCounts(),
      ...(parts.cloudwatch ? { cloudwatch: parts.cloudwatch.callCounts() } : {}),
      arc: parts.arc.callCounts(),
      iam: parts.iam.callCounts(),
      ...(parts.kms && { kms: parts.kms.callCounts() }),
      ...(parts.s3 && { s3: parts.s3.callCounts() }),
    },
    writesCommitted: data.writesCommitted,
    writesLost: data.writesLost,
    replicationLagMs: data.replicationLagMs,
    routingControls: Object.fromEntries(Object.entries(controls).map(([region, arn]) => [region, parts.arc.state(arn)])),
    dbWriter: parts.rds.writerRegion(config.database.globalClusterIdentifier),
    store: parts.store.up ? 'up' : 'down',
    faults: parts.faults.list(),
  };
}

/** Cleanup steps, run in reverse order; a failing step is logged and the rest still run. */
class Teardown {
  private readonly steps: (() => Promise<void>)[] = [];
  private unwinding: Promise<void> | undefined;

  constructor(private readonly log: Logger) {}

  push(step: () => Promise<void>): void {
    this.steps.push(step);
  }

  unwind(): Promise<void> {
    this.unwinding ??= (async () => {
      for (const step of this.steps.reverse()) {
        try {
          await step();
        } catch (error) {
          this.log.warn({ error: describeError(error) }, 'sandbox shutdown step failed');
        }
      }
    })();
    return this.unwinding;
  }
}
