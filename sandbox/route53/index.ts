import type { IncomingMessage, ServerResponse } from 'node:http';
import { InputError } from '../../kernel/errors.js';
import { NO_FAULTS } from '../shared/faults.js';
import type { FaultView } from '../shared/faults.js';
import type { IamGate } from '../iam/gate.js';
import type { HealthCheckInput } from './health-check-config.js';
import { HealthChecks } from './health-checks.js';
import type { HealthCheck, RoutingControlLookup } from './health-checks.js';
import { HealthCheckRunner } from './health-runner.js';
import { createRoute53Listener } from './http-api.js';
import { healthCheckOperations } from './operations/health-checks.js';
import { hostedZoneOperations } from './operations/hosted-zones.js';
import { recordSetOperations } from './operations/record-sets.js';
import { normalizeRecordSet } from './record-sets.js';
import type { RecordSetInput } from './record-sets.js';
import { resolve } from './routing.js';
import type { Resolution } from './routing.js';
import { Route53Throttle } from './throttle.js';
import type { ThrottleOptions } from './throttle.js';
import { HostedZoneStore } from './zones.js';
import type { HostedZone, Vpc } from './zones.js';

export type { Resolution, ResolvedRecord } from './routing.js';
export type { RecordSetInput } from './record-sets.js';
export type { HealthCheckInput } from './health-check-config.js';
export type { HostedZone } from './zones.js';
export type { RecordType } from './record-sets.js';
export type { RoutingControlLookup, RoutingControlState } from './health-checks.js';
export type { ThrottleOptions, BucketSize } from './throttle.js';
export { CHECKER_REGIONS } from './health-check-config.js';
export { checkerVantage } from './health-runner.js';
export { Route53ApiError } from './api-error.js';

export interface Route53EmulatorOptions {
  /** The sandbox's fault registry; default: no faults. */
  faults?: FaultView;
  /** How long a change stays PENDING; DNS serves it once INSYNC. Default 2000 ms (the sandbox default). */
  propagationDelayMs?: number;
  /** Health checks run every RequestInterval × timeScale. Default 0.1 (10 s checks every second). */
  timeScale?: number;
  /** Per-probe timeout; default Route 53's 6 s scaled by timeScale, at most 80% of the interval. */
  probeTimeoutMs?: number;
  /** Route 53's token buckets (default: account burst 50 refill 10/s, GetHealthCheckStatus burst 4 refill 1/s); `false`: off. */
  throttle?: ThrottleOptions | false;
  /** The ARC routing controls' states, for RECOVERY_CONTROL health checks. Default: none exist. */
  routingControlState?: RoutingControlLookup;
  /** Randomness for weighted answers; seed it in tests. Default Math.random. */
  random?: () => number;
  /** IAM: each request is evaluated against its caller's policy. Default: every call allowed. */
  iam?: IamGate;
}

export interface SeedZone {
  /** The zone id the config names (e.g. `ZSANDBOXPRIVATE`). */
  id: string;
  name: string;
  /** A private zone's VPC; omit for a public zone. */
  vpc?: Vpc;
  comment?: string;
  records?: RecordSetInput[];
}

export interface SeedHealthCheck {
  /** The health check id the config names (e.g. `sandbox-hc-us-east-1`). */
  id: string;
  config: HealthCheckInput;
  /** Default: `seed-<id>`. */
  callerReference?: string;
}

export interface Route53Emulator {
  /** The REST-XML API (2013-04-01) as a Node request listener: `http.createServer(r53.handle)`. */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** The DNS data plane: the answer for a query now (served zones, routing policies, health). */
  resolve(name: string, type: string): Resolution;
  /** Sandbox-only seeding: a zone with a caller-chosen id, served at once (no propagation delay). */
  seedHostedZone(zone: SeedZone): HostedZone;
  /** Sandbox-only seeding: record sets CREATEd in one batch in an existing zone, served at once. */
  seedRecordSets(zoneId: string, records: RecordSetInput[]): void;
  /** Sandbox-only seeding: a health check with a caller-chosen id. */
  seedHealthCheck(check: SeedHealthCheck): HealthCheck;
  /** A health check's status now (Inverted applied); undefined when there is no such check. */
  healthCheckHealthy(id: string): boolean | undefined;
  /** Starts probing the endpoint health checks (HTTP/HTTPS/TCP); idempotent. */
  start(): void;
  /** Stops probing and drops the requests held by `hang` faults. The HTTP server is the caller's to close. */
  stop(): void;
  /** Requests per operation that reached the operation (not faulted, not throttled), e.g. `{ ChangeResourceRecordSets: 3 }`. */
  callCounts(): Record<string, number>;
}

/** Builds the Route 53 emulator: control-plane API, health checkers and the data for the DNS server. */
export function createRoute53Emulator(options: Route53EmulatorOptions = {}): Route53Emulator {
  const problems = [
    ...(options.propagationDelayMs !== undefined && !(options.propagationDelayMs >= 0) ? ['propagationDelayMs must be 0 or more milliseconds'] : []),
    ...(options.timeScale !== undefined && !(options.timeScale > 0) ? ['timeScale must be more than 0 (0.1 runs 10 s checks every second)'] : []),
    ...(options.probeTimeoutMs !== undefined && !(options.probeTimeoutMs > 0) ? ['probeTimeoutMs must be more than 0 milliseconds'] : []),
  ];
  if (problems.length > 0) throw new InputError(`invalid Route 53 emulator options: ${problems.join('; ')}`, problems);
  const store = new HostedZoneStore({ propagationDelayMs: options.propagationDelayMs ?? 2000 });
  const checks = new HealthChecks(options.routingControlState ?? (() => undefined));
  const runner = new HealthCheckRunner(checks, {
    timeScale: options.timeScale ?? 0.1,
    ...(options.probeTimeoutMs === undefined ? {} : { probeTimeoutMs: options.probeTimeoutMs }),
  });
  const random = options.random ?? Math.random;
  const counts: Record<string, number> = {};
  const hung = new Set<ServerResponse>();
  const healthCheckExists = (id: string): boolean => checks.exists(id);
  const handle = createRoute53Listener({
    operations: [...hostedZoneOperations(store), ...recordSetOperations(store, healthCheckExists), ...healthCheckOperations(checks)],
    faults: options.faults ?? NO_FAULTS,
    throttle: options.throttle === false ? undefined : new Route53Throttle(options.throttle),
    countCall: (operation) => {
      counts[operation] = (counts[operation] ?? 0) + 1;
    },
    hung,
    ...(options.iam && { iam: options.iam }),
  });

  return {
    handle,
    resolve: (name, type) => {
      const canonical = name.toLowerCase().replace(/\.?$/, '.');
      return resolve(canonical, type.toUpperCase(), store.servedZones(), (id) => checks.healthy(id), random);
    },
    seedHostedZone: (seed) => {
      const { zone } = store.createZone(
        { name: seed.name, callerReference: `seed-${seed.id}`, ...(seed.vpc ? { vpc: seed.vpc } : {}), ...(seed.comment === undefined ? {} : { comment: seed.comment }) },
        { id: seed.id, immediate: true },
      );
      try {
        if (seed.records && seed.records.length > 0) store.seedRecordSets(zone.id, seed.records.map((set) => ({ action: 'CREATE', set: normalizeRecordSet(set) })), healthCheckExists);
      } catch (error) {
        store.deleteZone(zone.id); // bad records leave no half-seeded zone behind
        throw error;
      }
      return zone;
    },
    seedRecordSets: (zoneId, records) =>
      store.seedRecordSets(zoneId, records.map((set) => ({ action: 'CREATE', set: normalizeRecordSet(set) })), healthCheckExists),
    seedHealthCheck: (seed) => checks.create(seed.callerReference ?? `seed-${seed.id}`, seed.config, seed.id).check,
    healthCheckHealthy: (id) => checks.healthy(id),
    start: () => runner.start(),
    stop: () => {
      runner.stop();
      for (const res of hung) res.destroy();
      hung.clear();
    },
    callCounts: () => ({ ...counts }),
  };
}
