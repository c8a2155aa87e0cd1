import { RdsApiError, notFound } from './errors.js';
import { DEFAULT_ENGINE, DEFAULT_ENGINE_VERSION, clusterArn, parseClusterArn, type ClusterRecord, type GlobalClusterRecord, type FailoverStatus, type InstanceRecord, type OperationKind, type OperationRecord } from './records.js';
import { caughtUp, replicate, resetForResync, rpoLagMs } from './replication.js';
import { checkIdentifier, lower, type CreateClusterInput, type CreateInstanceInput, type DataStats, type ResolvedTarget, type SecondaryLag } from './inputs.js';

/**
 * The emulated Aurora world: global clusters, member clusters, instances, replication and the
 * switchover / failover state machine. Time-driven changes happen in `advance()`, which the
 * emulator calls on a short timer and before every read, so state is always current. How
 * switchovers and failovers behave with a region down is in this folder's README.
 */

export interface GlobalDatabaseTimings {
  /** Replication lag from the writer to each secondary (per region overrides: `setReplicationLag`). */
  replicationLagMs: number;
  /** Least time a switchover takes; it also waits until the target holds every write. */
  switchoverBaseMs: number;
  /** Time an unplanned failover takes. */
  failoverBaseMs: number;
  /** Time to rebuild a diverged cluster as a secondary once it is reachable. */
  resyncMs: number;
}

export interface GlobalDatabaseOptions extends GlobalDatabaseTimings {
  account: string;
  clock: () => number;
  regionDown: (region: string) => boolean;
}

export class GlobalDatabase {
  private readonly globals = new Map<string, GlobalClusterRecord>();
  /** Clusters by `region/id` (identifiers are unique per region). */
  private readonly clusters = new Map<string, ClusterRecord>();
  private readonly instances = new Map<string, InstanceRecord>();
  private readonly lagOverrides = new Map<string, number>();
  private sequence = 0;
  private writesCommitted = 0;
  private writesLost = 0;

  constructor(private readonly options: GlobalDatabaseOptions) {}

  now(): number {
    return this.options.clock();
  }

  // --- creation -------------------------------------------------------------------------------

  createGlobalCluster(request: { id: string; engine?: string; engineVersion?: string; sourceClusterArn?: string; endpoint?: string }): GlobalClusterRecord {
    checkIdentifier('GlobalClusterIdentifier', request.id);
    const input = { ...request, id: lower(request.id) };
    if (this.globals.has(input.id)) {
      throw new RdsApiError('GlobalClusterAlreadyExistsFault', `Global cluster ${input.id} already exists`);
    }
    const source = input.sourceClusterArn === undefined ? undefined : this.clusterByArn(input.sourceClusterArn);
    if (source?.globalClusterId !== undefined) {
      throw new RdsApiError('InvalidDBClusterStateFault', `DB cluster ${source.id} is already a member of global cluster ${source.globalClusterId}`);
    }
    const global: GlobalClusterRecord = {
      id: input.id,
      arn: `arn:aws:rds::${this.options.account}:global-cluster:${input.id}`,
      resourceId: `cluster-${this.nextResourceSuffix()}`,
      engine: source?.engine ?? input.engine ?? DEFAULT_ENGINE,
      engineVersion: source?.engineVersion ?? input.engineVersion ?? DEFAULT_ENGINE_VERSION,
      endpoint: input.endpoint ?? `${input.id}.global.rds.sandbox`,
      members: [],
      log: [],
      createdAt: this.now(),
    };
    this.globals.set(global.id, global);
    if (source) this.attach(global, source);
    return global;
  }

  createCluster(request: CreateClusterInput): ClusterRecord {
    checkIdentifier('DBClusterIdentifier', request.id);
    const input = { ...request, id: lower(request.id), globalClusterId: request.globalClusterId === undefined ? undefined : lower(request.globalClusterId) };
    const key = `${input.region}/${input.id}`;
    if (this.clusters.has(key)) throw new RdsApiError('DBClusterAlreadyExistsFault', `DB Cluster already exists`);
    const global = input.globalClusterId === undefined ? undefined : this.globalCluster(input.globalClusterId);
    const engine = input.engine ?? global?.engine ?? DEFAULT_ENGINE;
    if (global && engine !== global.engine) {
      throw new RdsApiError(
        'InvalidParameterCombination',
        `The engine ${engine} does not match the engine ${global.engine} of global cluster ${global.id}`,
      );
    }
    if (global?.members.some((member) => member.region === input.region)) {
      throw new RdsApiError('InvalidParameterCombination', `Global cluster ${global.id} already has a member in ${input.region}`);
    }
    const cluster: ClusterRecord = {
      id: input.id,
      arn: clusterArn(this.options.account, input.region, input.id),
      region: input.region,
      resourceId: `cluster-${this.nextResourceSuffix()}`,
      engine,
      engineVersion: input.engineVersion ?? global?.engineVersion ?? DEFAULT_ENGINE_VERSION,
      writerEndpoint: input.writerEndpoint ?? `${input.id}.cluster.${input.region}.rds.sandbox`,
      readerEndpoint: input.readerEndpoint ?? `${input.id}.cluster-ro.${input.region}.rds.sandbox`,
      instances: [],
      writeForwarding: input.writeForwarding ?? false,
      createdAt: this.now(),
      data: new Map(),
      appliedSeq: 0,
      consistentThrough: Number.NEGATIVE_INFINITY,
    };
    this.clusters.set(key, cluster);
    if (global) this.attach(global, cluster);
    return cluster;
  }

  createInstance(request: CreateInstanceInput): InstanceRecord {
    checkIdentifier('DBInstanceIdentifier', request.id);
    const input = { ...request, id: lower(request.id) };
    const key = `${input.region}/${input.id}`;
    if (this.instances.has(key)) throw new RdsApiError('DBInstanceAlreadyExists', `DB instance already exists`);
    const cluster = this.cluster(input.region, input.clusterId);
    if (input.engine !== cluster.engine) {
      throw new RdsApiError('InvalidParameterCombination', `The engine ${input.engine} does not match the engine ${cluster.engine} of DB cluster ${cluster.id}`);
    }
    const instance: InstanceRecord = {
      id: input.id,
      arn: `arn:aws:rds:${input.region}:${this.options.account}:db:${input.id}`,
      region: input.region,
      clusterId: cluster.id,
      instanceClass: input.instanceClass,
      engine: input.engine,
      createdAt: this.now(),
    };
    this.instances.set(key, instance);
    cluster.instances.push(instance);
    return instance;
  }

  /** The first member becomes the writer; later ones join as secondaries and start replicating. */
  private attach(global: GlobalClusterRecord, cluster: ClusterRecord): void {
    cluster.globalClusterId = global.id;
    global.members.push(cluster);
    // A secondary joining a database with no writes yet is as consistent as replication allows.
    if (global.log.length === 0) cluster.consistentThrough = this.now() - this.lagFor(cluster.region);
    if (!global.writer) {
      global.writer = cluster;
      for (const [key, value] of cluster.data) this.commit(global, cluster, key, value);
    }
  }

  private nextResourceSuffix(): string {
    this.sequence += 1;
    return `SANDBOX${String(this.sequence).padStart(6, '0')}`;
  }

  // --- lookups --------------------------------------------------------------------------------

  globalCluster(given: string): GlobalClusterRecord {
    const idOrArn = lower(given);
    const global = this.globals.get(idOrArn) ?? [...this.globals.values()].find((g) => g.arn === idOrArn);
    if (!global) throw notFound.globalCluster(idOrArn);
    return global;
  }

  listGlobalClusters(): GlobalClusterRecord[] {
    return [...this.globals.values()];
  }

  /** A cluster of `region` by identifier or ARN; an ARN of another region is not found there. */
  cluster(region: string, given: string): ClusterRecord {
    const idOrArn = lower(given);
    const arn = parseClusterArn(idOrArn);
    const cluster = arn ? (arn.region === region ? this.clusters.get(`${region}/${arn.id}`) : undefined) : this.clusters.get(`${region}/${idOrArn}`);
    if (!cluster) throw notFound.cluster(idOrArn);
    return cluster;
  }

  clusterByArn(arn: string): ClusterRecord {
    const parsed = parseClusterArn(arn);
    if (!parsed) {
      throw new RdsApiError('InvalidParameterValue', `"${arn}" is not a DB cluster ARN (arn:aws:rds:<region>:<account>:cluster:<id>)`);
    }
    return this.cluster(parsed.region, arn);
  }

  clustersIn(region: string): ClusterRecord[] {
    return [...this.clusters.values()].filter((cluster) => cluster.region === region);
  }

  globalOf(cluster: ClusterRecord): GlobalClusterRecord | undefined {
    return cluster.globalClusterId === undefined ? undefined : this.globals.get(cluster.globalClusterId);
  }

  isWriter(cluster: ClusterRecord): boolean {
    const global = this.globalOf(cluster);
    return global ? global.writer === cluster : true;
  }

  /** `failing-over` while the cluster takes part in a switchover or failover, else `available`. */
  clusterStatus(cluster: ClusterRecord): string {
    const operation = this.globalOf(cluster)?.operation;
    return operation && (operation.from === cluster || operation.to === cluster) ? 'failing-over' : 'available';
  }

  reachable(cluster: ClusterRecord): boolean {
    return !this.options.regionDown(cluster.region);
  }

  // --- switchover and failover ----------------------------------------------------------------

  /** Starts a switchover (`allowDataLoss` false) or an unplanned failover; completes in `advance`. */
  startOperation(globalId: string, targetIdOrArn: string, allowDataLoss: boolean): GlobalClusterRecord {
    this.advance();
    const global = this.globalCluster(globalId);
    const target = this.memberOf(global, targetIdOrArn);
    const writer = global.writer;
    if (global.operation) {
      throw new RdsApiError(
        'InvalidGlobalClusterStateFault',
        `Global cluster ${global.id} is not available: a ${global.operation.kind} to ${global.operation.to.arn} is already in progress`,
      );
    }
    if (!writer) throw new RdsApiError('InvalidGlobalClusterStateFault', `Global cluster ${global.id} has no primary DB cluster`);
    if (writer === target) {
      throw new RdsApiError('InvalidGlobalClusterStateFault', `DB cluster ${target.arn} is already the primary cluster of global cluster ${global.id}`);
    }
    if (target.instances.length === 0) {
      throw new RdsApiError('InvalidDBClusterStateFault', `DB cluster ${target.arn} has no DB instances (headless) and cannot become the primary cluster`);
    }
    if (target.resync) {
      throw new RdsApiError('InvalidDBClusterStateFault', `DB cluster ${target.arn} is pending resynchronization and cannot become the primary cluster`);
    }
    if (!this.reachable(target)) {
      throw new RdsApiError('InvalidDBClusterStateFault', `DB cluster ${target.arn} is not available`);
    }
    if (!allowDataLoss && !this.reachable(writer)) {
      throw new RdsApiError(
        'InvalidGlobalClusterStateFault',
        `The primary cluster ${writer.arn} of global cluster ${global.id} is not available; a switchover needs a healthy primary (use FailoverGlobalCluster with AllowDataLoss)`,
      );
    }
    const kind: OperationKind = allowDataLoss ? 'failover' : 'switchover';
    global.operation = { kind, from: writer, to: target, startedAt: this.now(), allowDataLoss };
    if (kind === 'failover') this.detachTarget(global, target);
    return global;
  }

  private memberOf(global: GlobalClusterRecord, given: string): ClusterRecord {
    const idOrArn = lower(given);
    const member = global.members.find((m) => m.arn === idOrArn || m.id === idOrArn);
    if (!member) throw notFound.cluster(idOrArn);
    return member;
  }

  /**
   * An unplanned failover promotes the target with what it has now: every later write is lost, and
   * members holding writes the target lacks (the old writer at least) must be rebuilt.
   */
  private detachTarget(global: GlobalClusterRecord, target: ClusterRecord): void {
    const lost = global.log.length - target.appliedSeq;
    this.writesLost += lost;
    global.log.length = target.appliedSeq;
    for (const member of global.members) {
      if (member !== target && member.appliedSeq > target.appliedSeq) member.resync = {};
    }
  }

  // --- time -----------------------------------------------------------------------------------

  /** Applies everything due by now: replication, operation completion, resynchronization. */
  advance(): void {
    const now = this.now();
    for (const global of this.globals.values()) {
      this.completeOperation(global, now);
      const writer = global.writer;
      if (!writer) continue;
      for (const member of global.members) {
        if (member === writer) continue;
        if (!this.linkUp(writer, member)) {
          // A rebuild needs the cluster reachable throughout; it restarts when the link is back.
          if (member.resync) delete member.resync.readyAt;
          continue;
        }
        if (global.operation?.kind === 'failover' && global.operation.to === member) continue;
        if (member.resync) this.progressResync(member, now);
        if (!member.resync) replicate(global, member, this.lagFor(member.region), now);
      }
      if (global.operation) this.completeOperation(global, now);
    }
  }

  /** The base duration of an operation; its first tenth is the `pending` (verification) phase, and a cancellation takes as long. */
  private baseMs(operation: OperationRecord): number {
    return operation.kind === 'switchover' ? this.options.switchoverBaseMs : this.options.failoverBaseMs;
  }

  failoverStatus(operation: OperationRecord): FailoverStatus {
    if (operation.cancelledAt !== undefined) return 'cancelling';
    if (this.now() - operation.startedAt < this.baseMs(operation) / 10) return 'pending';
    return operation.kind === 'switchover' ? 'switching-over' : 'failing-over';
  }

  private completeOperation(global: GlobalClusterRecord, now: number): void {
    const operation = global.operation;
    if (!operation) return;
    const elapsed = now - operation.startedAt;
    if (operation.cancelledAt !== undefined) {
      if (now - operation.cancelledAt >= this.baseMs(operation) / 10) delete global.operation;
      return;
    }
    if (operation.kind === 'switchover') {
      if (!this.linkUp(operation.from, operation.to)) {
        operation.cancelledAt = now;
        return;
      }
      if (elapsed < this.options.switchoverBaseMs || !caughtUp(global, operation.to)) return;
      operation.from.consistentThrough = now;
    } else if (elapsed < this.options.failoverBaseMs) {
      return;
    }
    global.writer = operation.to;
    delete global.operation;
  }

  private progressResync(member: ClusterRecord, now: number): void {
    const resync = member.resync;
    if (!resync) return;
    resync.readyAt ??= now + this.options.resyncMs;
    if (now >= resync.readyAt) resetForResync(member);
  }

  private linkUp(a: ClusterRecord, b: ClusterRecord): boolean {
    return this.reachable(a) && this.reachable(b);
  }

  // --- replication lag ------------------------------------------------------------------------

  setReplicationLag(region: string, lagMs: number): void {
    this.lagOverrides.set(region, lagMs);
  }

  private lagFor(region: string): number {
    return this.lagOverrides.get(region) ?? this.options.replicationLagMs;
  }

  /** The RPO lag of the secondary in `region` (AuroraGlobalDBRPOLag); undefined for a writer or no member. */
  lagMs(region: string, clusterIdOrArn?: string): number | undefined {
    const matches = (lag: SecondaryLag) => clusterIdOrArn === undefined || lag.clusterId === clusterIdOrArn || lag.clusterArn === clusterIdOrArn;
    return this.secondaryLags().find((lag) => lag.region === region && matches(lag))?.lagMs;
  }

  /** The RPO lag of every secondary cluster, as the CloudWatch metric reports it per cluster. */
  secondaryLags(): SecondaryLag[] {
    this.advance();
    return [...this.globals.values()].flatMap((global) =>
      global.members.filter((member) => member !== global.writer).map((member) => ({ region: member.region, clusterId: member.id, clusterArn: member.arn, lagMs: rpoLagMs(global, member) })),
    );
  }

  stats(): DataStats {
    const replicationLagMs = Object.fromEntries(this.secondaryLags().map((lag) => [lag.region, lag.lagMs]));
    return { writesCommitted: this.writesCommitted, writesLost: this.writesLost, replicationLagMs };
  }

  // --- data -----------------------------------------------------------------------------------

  /** Commits a write on `writer` (which must be the writer) and records it for replication. */
  commit(global: GlobalClusterRecord | undefined, writer: ClusterRecord, key: string, value: string): number {
    writer.data.set(key, value);
    this.writesCommitted += 1;
    if (!global) return ++writer.appliedSeq;
    const seq = global.log.length + 1;
    global.log.push({ seq, key, value, at: this.now() });
    writer.appliedSeq = seq;
    return seq;
  }

  /** Resolves a host name (cluster, reader or global endpoint), cluster id or ARN. */
  resolve(target: string): ResolvedTarget | undefined {
    for (const global of this.globals.values()) {
      if (global.endpoint === target && global.writer) return { cluster: global.writer, viaReader: false };
    }
    for (const cluster of this.clusters.values()) {
      if (cluster.readerEndpoint === target) return { cluster, viaReader: true };
      if (cluster.writerEndpoint === target || cluster.arn === target || cluster.id === target) return { cluster, viaReader: false };
    }
    return undefined;
  }

  /** The cluster endpoint a host name currently points at: the global endpoint follows the writer. */
  resolveEndpoint(host: string): string | undefined {
    const global = [...this.globals.values()].find((g) => g.endpoint === host);
    return global ? global.writer?.writerEndpoint : undefined;
  }
}
