import type { IncomingMessage, ServerResponse } from 'node:http';
import { InputError } from '../../kernel/errors.js';
import type { SandboxSettings } from '../config-schema.js';
import type { AwsApiFault, FaultView } from '../shared/faults.js';
import { callerFromAuthorization } from '../shared/sigv4.js';
import { ACTIONS } from './actions.js';
import { readItem, writeItem, type DataItem, type WriteReceipt } from './data-api.js';
import { RdsApiError, accessDenied } from './errors.js';
import type { IamGate } from '../iam/gate.js';
import { rdsIamCheck } from './iam.js';
import { GlobalDatabase, type GlobalDatabaseTimings } from './global-database.js';
import { type DataStats, type SecondaryLag } from './inputs.js';
import { QueryParams, RDS_API_VERSION, renderError, renderResult } from './query-protocol.js';
import { clusterArn, parseClusterArn } from './records.js';
import { BodyTooLargeError, HeldRequests, meetFault, readBody } from './transport.js';

export { RdsApiError, RdsDataError, type DataErrorReason } from './errors.js';
export { createCloudWatchEmulator, RPO_LAG_METRIC, type CloudWatchEmulator, type CloudWatchEmulatorOptions } from './cloudwatch.js';
export type { DataItem, WriteReceipt } from './data-api.js';
export type { GlobalDatabaseTimings } from './global-database.js';
export type { DataStats, SecondaryLag } from './inputs.js';

/**
 * The sandbox's RDS: the Query API (2014-10-31) for Aurora global databases, served as one Node
 * request listener for every region (the region comes from the SigV4 scope), plus an in-process
 * data API (`write`/`read`) with replication, for the regional demo apps.
 *
 * Replication lag has no RDS API; in AWS it is the CloudWatch metric `AWS/RDS`
 * `AuroraGlobalDBRPOLag` (ms, per secondary cluster), which `createCloudWatchEmulator`
 * (./cloudwatch.ts) serves from `lagMs`.
 */

export interface RdsEmulatorOptions extends Partial<GlobalDatabaseTimings> {
  faults: FaultView;
  /** How often time-driven changes (replication, operation completion) are applied. Default 20 ms. */
  tickMs?: number;
  /** Account id in ARNs. Default `000000000000`. */
  account?: string;
  /** Milliseconds since the epoch; default `Date.now`. */
  clock?: () => number;
  /** IAM: each request is evaluated against its caller's policy. Default: every call allowed. */
  iam?: IamGate;
}

export interface ClusterSeed {
  arn: string;
  writerEndpoint: string;
  readerEndpoint: string;
  /** DB instances to create; 0 makes a headless secondary. Default 1. */
  instances?: number;
  writeForwarding?: boolean;
}

/** A global database as the controller config describes it (`database.clusters` fits `clusters`). */
export interface GlobalDatabaseSeed {
  globalClusterIdentifier: string;
  writerRegion: string;
  clusters: Record<string, ClusterSeed>;
  engine?: string;
  /** The global writer endpoint's host name (`database.globalWriterEndpoint`); a default is derived from the id. */
  endpoint?: string;
}

export interface RdsEmulator {
  /** The request listener for the RDS API endpoint of every region. */
  handle(req: IncomingMessage, res: ServerResponse): void;
  seedGlobalDatabase(seed: GlobalDatabaseSeed): void;
  /** Commits an item on the writer behind `target` (endpoint host, global endpoint, cluster id or ARN). */
  write(target: string, item: DataItem): WriteReceipt;
  /** Reads an item from the cluster behind `target`; a secondary may lag the writer. */
  read(target: string, key: string): string | undefined;
  /** RPO lag (ms) of the secondary cluster in `region` (optionally a given cluster); undefined for the writer. */
  lagMs(region: string, clusterIdOrArn?: string): number | undefined;
  /** The RPO lag of every secondary cluster (what CloudWatch's `AuroraGlobalDBRPOLag` reports). */
  secondaryLags(): SecondaryLag[];
  /** Changes the replication lag to one secondary region from now on. */
  setReplicationLag(region: string, lagMs: number): void;
  /** The region of the global cluster's writer (undefined for an unknown global cluster or one without a writer). */
  writerRegion(globalClusterIdentifier: string): string | undefined;
  /** What a host name points at now: the global writer endpoint resolves to the writer's cluster endpoint. */
  resolveEndpoint(host: string): string | undefined;
  stats(): DataStats;
  /** Requests served per action (faulted requests are not served, so not counted). */
  callCounts(): Record<string, number>;
  stop(): void;
}

const DEFAULTS = { replicationLagMs: 200, switchoverBaseMs: 3000, failoverBaseMs: 2000, tickMs: 20, account: '000000000000' };

/** Maps the config's `sandbox:` timings to emulator options. */
export function rdsTimings(settings: SandboxSettings): GlobalDatabaseTimings {
  return {
    replicationLagMs: settings.replicationLag,
    switchoverBaseMs: settings.switchoverBase,
    failoverBaseMs: settings.failoverBase,
    resyncMs: settings.failoverBase,
  };
}

function faultError(fault: AwsApiFault): RdsApiError | undefined {
  switch (fault.kind) {
    case 'throttle':
      return new RdsApiError('Throttling', 'Rate exceeded', 400);
    case 'server-error':
      return new RdsApiError('InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.', 500);
    case 'access-denied':
      return accessDenied('User is not authorized to perform this operation');
    case 'expired-token':
      return new RdsApiError('ExpiredToken', 'The security token included in the request is expired', 403);
    default:
      return undefined;
  }
}

function send(res: ServerResponse, status: number, xml: string): void {
  res.writeHead(status, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(xml) });
  res.end(xml);
}

export function createRdsEmulator(options: RdsEmulatorOptions): RdsEmulator {
  const { faults } = options;
  const account = options.account ?? DEFAULTS.account;
  const db = new GlobalDatabase({
    replicationLagMs: options.replicationLagMs ?? DEFAULTS.replicationLagMs,
    switchoverBaseMs: options.switchoverBaseMs ?? DEFAULTS.switchoverBaseMs,
    failoverBaseMs: options.failoverBaseMs ?? DEFAULTS.failoverBaseMs,
    resyncMs: options.resyncMs ?? options.failoverBaseMs ?? DEFAULTS.failoverBaseMs,
    account,
    clock: options.clock ?? Date.now,
    regionDown: (region) => faults.regionDown(region),
  });
  const counts = new Map<string, number>();
  const held = new HeldRequests();
  const timer = setInterval(() => db.advance(), options.tickMs ?? DEFAULTS.tickMs);
  timer.unref();

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const caller = callerFromAuthorization(req.headers.authorization);
    const faulted = meetFault(faults.awsApiFault('rds', caller), req, res, held, faultError);
    if (faulted === 'handled') return;
    if (faulted) {
      send(res, faulted.status, renderError(faulted));
      return;
    }
    try {
      const query = req.url?.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '';
      const params = new QueryParams(req.method === 'POST' ? await readBody(req) : query);
      const action = params.string('Action');
      const handler = action === undefined ? undefined : ACTIONS.get(action);
      if (action === undefined || !handler) {
        throw new RdsApiError('InvalidAction', `The action ${action ?? '(none)'} is not valid for this web service.`);
      }
      const version = params.required('Version');
      if (version !== RDS_API_VERSION) {
        throw new RdsApiError('InvalidParameterValue', `Version ${version} is not supported; use ${RDS_API_VERSION}`);
      }
      if (caller.region === undefined) {
        throw new RdsApiError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
      }
      const denial = options.iam?.authorize(caller, rdsIamCheck(action, params, caller.region, account));
      if (denial) throw accessDenied(denial.message);
      counts.set(action, (counts.get(action) ?? 0) + 1);
      db.advance();
      send(res, 200, renderResult(action, handler({ db, params, region: caller.region })));
    } catch (error) {
      const apiError =
        error instanceof RdsApiError
          ? error
          : error instanceof BodyTooLargeError
            ? new RdsApiError('InvalidParameterValue', error.message)
            : new RdsApiError('InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.', 500);
      send(res, apiError.status, renderError(apiError));
    }
  }

  function seedGlobalDatabase(seed: GlobalDatabaseSeed): void {
    const entries = Object.entries(seed.clusters);
    const writer = entries.find(([region]) => region === seed.writerRegion);
    if (!writer) {
      throw new InputError(`writerRegion "${seed.writerRegion}" has no cluster; add it to clusters or pick one of ${Object.keys(seed.clusters).join(', ')}`);
    }
    // Validate everything before creating anything: bad input changes nothing.
    const ordered = [writer, ...entries.filter((entry) => entry !== writer)].map(([region, cluster]) => {
      const parsed = parseClusterArn(cluster.arn.toLowerCase());
      const expected = clusterArn(account, region, parsed?.id ?? '');
      if (!parsed || cluster.arn.toLowerCase() !== expected) {
        throw new InputError(`clusters.${region}.arn "${cluster.arn}" must be an RDS cluster ARN of account ${account} in ${region} (arn:aws:rds:${region}:${account}:cluster:<id>)`);
      }
      return { region, id: parsed.id, cluster };
    });
    db.createGlobalCluster({ id: seed.globalClusterIdentifier, engine: seed.engine, ...(seed.endpoint !== undefined && { endpoint: seed.endpoint }) });
    // The writer first: the first member of a global cluster is its primary.
    for (const { region, id, cluster } of ordered) {
      const created = db.createCluster({
        id,
        region,
        globalClusterId: seed.globalClusterIdentifier,
        writerEndpoint: cluster.writerEndpoint,
        readerEndpoint: cluster.readerEndpoint,
        writeForwarding: cluster.writeForwarding,
      });
      for (let n = 1; n <= (cluster.instances ?? 1); n++) {
        db.createInstance({ id: `${id}-${n}`, region, clusterId: id, instanceClass: 'db.r6g.large', engine: created.engine });
      }
    }
  }

  return {
    handle: (req, res) => void serve(req, res),
    seedGlobalDatabase,
    write: (target, item) => writeItem(db, target, item),
    read: (target, key) => readItem(db, target, key),
    lagMs: (region, clusterIdOrArn) => db.lagMs(region, clusterIdOrArn),
    secondaryLags: () => db.secondaryLags(),
    setReplicationLag: (region, lagMs) => db.setReplicationLag(region, lagMs),
    writerRegion: (id) => {
      db.advance();
      return db.listGlobalClusters().find((global) => global.id === id.toLowerCase())?.writer?.region;
    },
    resolveEndpoint: (host) => {
      db.advance();
      return db.resolveEndpoint(host);
    },
    stats: () => db.stats(),
    callCounts: () => Object.fromEntries(counts),
    stop: () => {
      clearInterval(timer);
      held.releaseAll();
    },
  };
}
