import {
  DescribeDBClustersCommand,
  DescribeGlobalClustersCommand,
  FailoverGlobalClusterCommand,
  SwitchoverGlobalClusterCommand,
  type GlobalCluster,
} from '@aws-sdk/client-rds';
import type { AwsCaller } from '../../aws/caller.js';
import { AwsCallError, UnexpectedAnswerError } from '../../aws/errors.js';
import { InTurn } from '../../aws/in-turn.js';
import type { Config } from '../../config/schema.js';
import { FcpError, RefusedError, TimeoutError } from '../../../kernel/errors.js';
import { formatDuration, type Millis } from '../../../kernel/time.js';
import type { Condition, DatabaseStatus, FlipMode, RegionName } from '../../domain/types.js';
import type { GlobalDatabase, PromotePolicy, PromoteResult, StepBudget } from '../../ports.js';
import { requireRegion } from '../traffic/common.js';
import { ClusterDirectory, rdsName } from './clusters.js';
import { choosePromotion } from './promotion.js';
import { ReplicationLagReader } from './replication-lag.js';

/** The global cluster as one DescribeGlobalClusters answer shows it, mapped to regions. */
interface GlobalView {
  writerRegion: RegionName;
  /** Region -> SynchronizationStatus (`connected`, `pending-resync`), for members the config lists. */
  members: Map<RegionName, string | undefined>;
  inProgress?: { to?: RegionName; dataLossAllowed: boolean; status?: string };
}

export interface AuroraGlobalOptions {
  settings: Config['database'];
  caller: AwsCaller;
  /** The replica's own region: global-cluster reads go there first. */
  replicaRegion: RegionName;
  /** How often waitForWriter re-reads the global cluster. */
  pollInterval?: Millis;
  /** How long the writer's own region has to answer a read of its cluster (detection.writerTimeout). */
  writerTimeout: Millis;
}

/**
 * Aurora global database. Reads and promotions go through RDS's regional endpoints: the global
 * cluster is described from the replica's region first and then the others (any member region can
 * describe it, which matters when one region is down); the writer's reachability is a read of its
 * own cluster in its own region; lag comes from CloudWatch in each secondary's region.
 */
export class AuroraGlobalDatabase implements GlobalDatabase {
  private readonly settings: Config['database'];
  private readonly caller: AwsCaller;
  private readonly clusters: ClusterDirectory;
  private readonly lag: ReplicationLagReader;
  private readonly globalReaders: InTurn<RegionName>;
  private readonly pollInterval: Millis;
  private readonly writerTimeout: Millis;
  /** The writer the last read of the global cluster found: the next read checks it at once. */
  private lastWriterRegion: RegionName | undefined;
  /** The newest lag reading per secondary: a failover decides on the last known lag once readings stop. */
  private readonly lastKnownLag = new Map<RegionName, Millis>();

  constructor(options: AuroraGlobalOptions) {
    this.settings = options.settings;
    this.caller = options.caller;
    this.clusters = new ClusterDirectory(options.settings.clusters);
    this.lag = new ReplicationLagReader(options.caller, this.clusters);
    this.pollInterval = options.pollInterval ?? 1000;
    this.writerTimeout = options.writerTimeout;
    const regions = this.clusters.regions;
    const ordered = regions.includes(options.replicaRegion) ? [options.replicaRegion, ...regions.filter((r) => r !== options.replicaRegion)] : regions;
    this.globalReaders = new InTurn(options.caller, ordered, { target: (region, operation) => ({ service: 'rds', operation, region }) });
  }

  async status(budget: StepBudget): Promise<DatabaseStatus> {
    return (await this.read(budget)).status;
  }

  async readiness(region: RegionName, budget: StepBudget): Promise<Condition[]> {
    requireRegion(region, this.settings.clusters, 'database.clusters');
    const at = () => this.caller.clock.now();
    const condition = (type: string, status: Condition['status'], reason: string, message: string): Condition => ({ type, status, reason, message, at: at(), region });
    const unknown = (type: string, error: unknown) =>
      condition(type, 'unknown', error instanceof AwsCallError ? error.code : 'ReadFailed', error instanceof Error ? error.message : String(error));

    const [membership, cluster] = await Promise.all([
      this.describeGlobal(budget).then(
        async (view) => {
          if (!view.members.has(region)) return [condition('DatabaseTargetMember', 'false', 'NotMember', `the cluster in ${region} is not a member of ${this.settings.globalClusterIdentifier}`)];
          return [
            condition('DatabaseTargetMember', 'true', 'Member', `the cluster in ${region} is a member of ${this.settings.globalClusterIdentifier}`),
            await this.replicating(region, view, budget, condition),
          ];
        },
        (error: unknown) => [unknown('DatabaseTargetMember', error)],
      ),
      this.describeCluster(region, budget).then(
        (found) => {
          const instances = found.DBClusterMembers?.length ?? 0;
          if (instances === 0) return condition('DatabaseTargetHasInstances', 'false', 'Headless', `the cluster in ${region} has no DB instances; a headless secondary cannot be promoted`);
          if (found.Status !== 'available') return condition('DatabaseTargetHasInstances', 'false', found.Status ?? 'unknown', `the cluster in ${region} is ${found.Status ?? 'in an unknown state'}`);
          return condition('DatabaseTargetHasInstances', 'true', 'Available', `the cluster in ${region} is available with ${instances} instance(s)`);
        },
        (error: unknown) => unknown('DatabaseTargetHasInstances', error),
      ),
    ]);
    return [...membership, cluster];
  }

  /**
   * Whether replication to `region` works. RDS may leave out SynchronizationStatus (it is optional
   * in the API): then the evidence that remains decides: an operation in progress (FailoverState)
   * means not ready; otherwise a lag datapoint means the secondary is replicating, and no datapoint
   * means unknown. The reason names the fallback.
   */
  private async replicating(
    region: RegionName,
    view: GlobalView,
    budget: StepBudget,
    condition: (type: string, status: Condition['status'], reason: string, message: string) => Condition,
  ): Promise<Condition> {
    const type = 'DatabaseTargetReplicating';
    if (view.writerRegion === region) return condition(type, 'true', 'IsWriter', `${region} is the writer`);
    const sync = view.members.get(region);
    if (sync !== undefined) return condition(type, sync === 'connected' ? 'true' : 'false', sync, `replication to ${region} is ${sync}`);
    const notReported = `RDS does not report the synchronization status of ${region}`;
    if (view.inProgress) {
      return condition(type, 'false', 'OperationInProgress', `${notReported}, and a ${view.inProgress.status ?? 'global cluster operation'} toward ${view.inProgress.to ?? 'another region'} is in progress`);
    }
    const lag = await this.lag.lagMs(region, budget).catch(() => undefined);
    if (lag === undefined) return condition(type, 'unknown', 'NotReported', `${notReported}, and CloudWatch has no lag datapoint for it`);
    return condition(type, 'true', 'NotReportedLagSeen', `${notReported}; it replicates: a lag datapoint of ${formatDuration(lag)} and no operation in progress`);
  }

  async promote(region: RegionName, mode: FlipMode, policy: PromotePolicy, budget: StepBudget): Promise<PromoteResult> {
    requireRegion(region, this.settings.clusters, 'database.clusters');
    const { view, status } = await this.read(budget);
    const choice = choosePromotion(region, mode, policy, {
      writerRegion: view.writerRegion,
      writerReachable: status.writerReachable,
      ...(view.inProgress ? { inProgress: view.inProgress } : {}),
      targetLagMs: status.lagMs[region] ?? this.lastKnownLag.get(region),
    });
    const context = { region, mode, writerRegion: view.writerRegion, rpoBudgetMs: policy.rpoBudgetMs, force: Boolean(policy.force) };
    if (choice.kind === 'refuse') throw new RefusedError(`not promoting ${region}: ${choice.reason}`, { context });
    if (choice.kind === 'none') return { changed: false, operation: 'none', detail: choice.reason };

    const input = { GlobalClusterIdentifier: this.settings.globalClusterIdentifier, TargetDbClusterIdentifier: this.clusters.arn(region) };
    const operation = choice.kind === 'switchover' ? 'SwitchoverGlobalCluster' : 'FailoverGlobalCluster';
    try {
      // Sent to the target's region: the one that must be healthy for the promotion to work at all.
      await this.caller.call(
        { service: 'rds', operation, region },
        (clients, signal) =>
          clients
            .rds(region)
            .send(choice.kind === 'switchover' ? new SwitchoverGlobalClusterCommand(input) : new FailoverGlobalClusterCommand({ ...input, AllowDataLoss: true }), {
              abortSignal: signal,
            }),
        budget,
      );
    } catch (error) {
      // A retried call whose first attempt got through finds its own operation in progress.
      if (!(error instanceof AwsCallError && error.kind === 'conflict')) throw error;
      const now = await this.describeGlobal(budget);
      if (now.inProgress?.to !== region && now.writerRegion !== region) throw error;
    }
    return { changed: true, operation: choice.kind, detail: `${operation} to ${region} started: ${choice.reason}` };
  }

  async waitForWriter(region: RegionName, budget: StepBudget): Promise<DatabaseStatus> {
    requireRegion(region, this.settings.clusters, 'database.clusters');
    const clock = this.caller.clock;
    let last = 'not read yet';
    for (;;) {
      try {
        const view = await this.describeGlobal(budget);
        if (view.writerRegion === region && !view.inProgress) return await this.status(budget);
        last = view.inProgress ? `${view.inProgress.status ?? 'an operation'} in progress toward ${view.inProgress.to ?? 'unknown'}` : `writer is ${view.writerRegion}`;
      } catch (error) {
        if (!(error instanceof FcpError && error.transient)) throw error;
        last = error.message;
      }
      const expired = () => new TimeoutError(`${region} did not become the writer by the deadline (last seen: ${last})`, { context: { region, last } });
      if (clock.now() + this.pollInterval >= budget.deadlineAt) throw expired();
      await clock.sleep(this.pollInterval, budget.signal).catch(() => {
        throw expired();
      });
    }
  }

  /**
   * One read of the global cluster, the writer's reachability and every secondary's lag (a failed
   * lag read is unknown). The writer the last read found is checked while the global cluster is
   * described, so a read ends within the writer timeout even when the describe has to wait out a
   * hanging region first.
   */
  private async read(budget: StepBudget): Promise<{ view: GlobalView; status: DatabaseStatus }> {
    const expected = this.lastWriterRegion;
    const early = expected === undefined ? undefined : this.clusterAnswers(expected, budget);
    const view = await this.describeGlobal(budget);
    this.lastWriterRegion = view.writerRegion;
    const secondaries = this.clusters.regions.filter((region) => region !== view.writerRegion);
    const [writerReachable, ...lags] = await Promise.all([
      early !== undefined && expected === view.writerRegion ? early : this.clusterAnswers(view.writerRegion, budget),
      ...secondaries.map((region) => this.lag.lagMs(region, budget).catch(() => undefined)),
    ]);
    const lagMs: Record<RegionName, number | undefined> = {};
    secondaries.forEach((region, index) => {
      const value = lags[index];
      lagMs[region] = value;
      if (value !== undefined) this.lastKnownLag.set(region, value);
    });
    const status = { at: this.caller.clock.now(), writerRegion: view.writerRegion, lagMs, transitioning: view.inProgress !== undefined, writerReachable: Boolean(writerReachable) };
    return { view, status };
  }

  /** The global cluster, read from the first member region that answers. */
  private async describeGlobal(budget: StepBudget): Promise<GlobalView> {
    const answer = await this.globalReaders.call(
      'DescribeGlobalClusters',
      (clients, region, signal) =>
        clients.rds(region).send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: this.settings.globalClusterIdentifier }), { abortSignal: signal }),
      budget,
    );
    const global = answer.GlobalClusters?.find((candidate) => rdsName(candidate.GlobalClusterIdentifier ?? '') === rdsName(this.settings.globalClusterIdentifier));
    if (!global) {
      throw new UnexpectedAnswerError(`RDS does not list the global cluster ${this.settings.globalClusterIdentifier}`, {
        context: { globalClusterIdentifier: this.settings.globalClusterIdentifier },
      });
    }
    return this.view(global);
  }

  private view(global: GlobalCluster): GlobalView {
    const members = new Map<RegionName, string | undefined>();
    let writerRegion: RegionName | undefined;
    for (const member of global.GlobalClusterMembers ?? []) {
      const region = this.clusters.regionOf(member.DBClusterArn);
      if (!region) continue;
      members.set(region, member.SynchronizationStatus);
      if (member.IsWriter) writerRegion = region;
    }
    const failover = global.FailoverState;
    const inProgress = failover?.Status
      ? { to: this.clusters.regionOf(failover.ToDbClusterArn), dataLossAllowed: Boolean(failover.IsDataLossAllowed), status: failover.Status }
      : undefined;
    // Mid-failover the old writer may be gone from the members: the operation's source stands in.
    writerRegion ??= this.clusters.regionOf(failover?.FromDbClusterArn);
    if (!writerRegion) {
      const writerArn = global.GlobalClusterMembers?.find((member) => member.IsWriter)?.DBClusterArn;
      throw new UnexpectedAnswerError(
        writerArn
          ? `the writer of ${this.settings.globalClusterIdentifier} is ${writerArn}, which database.clusters does not list; add it to the config`
          : `${this.settings.globalClusterIdentifier} reports no writer`,
        { transient: !writerArn, context: { globalClusterIdentifier: this.settings.globalClusterIdentifier, writerArn } },
      );
    }
    return { writerRegion, members, ...(inProgress ? { inProgress } : {}) };
  }

  private async describeCluster(region: RegionName, budget: StepBudget) {
    const answer = await this.caller.call(
      { service: 'rds', operation: 'DescribeDBClusters', region },
      (clients, signal) => clients.rds(region).send(new DescribeDBClustersCommand({ DBClusterIdentifier: this.clusters.arn(region) }), { abortSignal: signal }),
      budget,
    );
    const cluster = answer.DBClusters?.[0];
    if (!cluster) throw new UnexpectedAnswerError(`RDS in ${region} does not list the cluster ${this.clusters.arn(region)}`, { context: { region } });
    return cluster;
  }

  /**
   * Whether the writer's cluster answers a read in its own region within the writer timeout: an
   * outage there, refusing or hanging, should show as "unreachable" quickly, not after a full retry budget.
   */
  private async clusterAnswers(region: RegionName, budget: StepBudget): Promise<boolean> {
    const deadlineAt = Math.min(budget.deadlineAt, this.caller.clock.now() + this.writerTimeout);
    return this.describeCluster(region, { ...budget, deadlineAt }).then(
      () => true,
      () => false,
    );
  }
}
