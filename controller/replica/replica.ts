import { randomUUID } from 'node:crypto';
import type { RandomSource } from '../aws/backoff.js';
import { refusedCredentials } from '../aws/classify.js';
import type { Clock } from '../../kernel/clock.js';
import type { Config } from '../config/schema.js';
import { HealthWindows } from '../domain/health-windows.js';
import type { Millis } from '../../kernel/time.js';
import { formatDuration } from '../../kernel/time.js';
import type { Assessment, Condition, DatabaseStatus, Decision, Topology } from '../domain/types.js';
import { describeError, FcpError } from '../../kernel/errors.js';
import type { ExecutorEvent } from '../executor/executor.js';
import type { StepPorts } from '../executor/steps.js';
import type { Logger } from '../../kernel/logging.js';
import type { SignalReader } from '../ports.js';
import { LeaseLostError, StaleTokenError, StoreError, VersionConflictError } from '../store/errors.js';
import type { Lease, StateStore } from '../store/state-store.js';
import { Background } from './background.js';
import { LeaseKeeper, type KeepResult } from './lease-keeper.js';
import { PlanRunner } from './plan-runner.js';
import { credentialsRefused } from './readiness.js';
import { Reconciler } from './reconciler.js';

export interface ReplicaDeps {
  config: Config;
  /** The region this replica runs in; also its vantage point name. */
  region: string;
  store: StateStore;
  ports: StepPorts;
  signals: SignalReader[];
  /** Readiness checks of this replica (its credentials, its view of the targets). */
  readiness(): Promise<Condition[]>;
  /**
   * The global database's status and lag, within a deadline (never hangs). A rejection keeps the
   * last status; one that refuses this replica's credentials gives the lease up at the next tick.
   */
  readDatabase(): Promise<DatabaseStatus | undefined>;
  clock: Clock;
  random: RandomSource;
  logger: Logger;
  onDecision?(decision: Decision, assessment: Assessment): void;
  onExecutorEvent?(event: ExecutorEvent): void;
}

/** What a replica knows right now, for logs, `fcp status` and the API. */
export interface ReplicaStatus {
  region: string;
  holder: boolean;
  storeReachable: boolean;
  lease?: Lease;
  topology?: Topology;
  assessment?: Assessment;
  lastDecision?: Decision;
  conditions: Condition[];
  activePlan?: string;
}

/** How often readiness checks run; they make AWS calls, so not every tick. Sooner while not all green. */
const READINESS_EVERY_MS = 10_000;
const READINESS_RETRY_MS = 2_000;
/** How long a plan's refused call keeps this replica from taking the lease. */
const REFUSAL_KEPT_MS = 60_000;

/**
 * One controller replica (controller-runtime style, level-triggered). Every tick it probes from its
 * region and publishes what it saw; the lease keeper renews or acquires the lease; while this
 * replica holds it, the reconciler reads the store, steps the engine and persists the outcome, and
 * the plan runner executes what was decided or resumes what nobody runs. Plan outcomes travel
 * through the journal only, so any holder can finish, resume or re-decide a plan.
 */
export class Replica {
  /** Unique per process, so two processes for one region (a rolling deploy) never share a lease. */
  readonly holder: string;
  private readonly windows: HealthWindows;
  private readonly keeper: LeaseKeeper;
  private readonly runner: PlanRunner;
  private readonly reconciler: Reconciler;
  private readonly readiness: Background<Condition[]>;
  /** The last database status read; a failed read keeps it (the last known lag is what bounds data loss). */
  private readonly database: Background<DatabaseStatus>;
  private readonly shutdown = new AbortController();
  private readonly log: Logger;
  private storeReachable = false;
  /** The latest readiness checks. */
  private checks: Condition[] = [];
  /** A plan's call or a database read refused for this replica's credentials: kept a while, since other reads may still pass readiness. */
  private refusal: Condition | undefined;
  private lastDecision: Decision | undefined;
  private lastAssessment: Assessment | undefined;
  private topology: Topology | undefined;
  /** Nobody took the lease when this replica handed it over: it acts even from the blast radius. */
  private mustAct = false;
  /** Since when the topology names a running plan that no replica runs (should never last a tick). */
  private unowned: { planId: string; since: Millis } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;

  constructor(private readonly deps: ReplicaDeps) {
    const { config, clock } = deps;
    this.log = deps.logger.child({ replica: deps.region });
    this.holder = `replica/${deps.region}/${randomUUID().slice(0, 8)}`;
    this.windows = new HealthWindows(config);
    this.keeper = new LeaseKeeper({ store: deps.store.lease, holder: this.holder, ttlMs: config.store.leaseTtl, clock, log: this.log });
    this.runner = new PlanRunner({
      journal: deps.store.journal,
      audit: deps.store.audit,
      ports: deps.ports,
      clock,
      random: deps.random,
      config,
      actor: this.holder,
      log: this.log,
      shutdown: this.shutdown.signal,
      ...(deps.onExecutorEvent && { onEvent: deps.onExecutorEvent }),
      // Known at once, before the next readiness check: the next tick gives the lease up.
      onCredentialsRefused: (code, reason) => {
        this.refusal = { type: 'PlanCallsPermitted', status: 'false', reason: code, message: reason, at: clock.now() };
      },
    });
    this.reconciler = new Reconciler({
      config,
      region: deps.region,
      holder: this.holder,
      store: deps.store,
      windows: this.windows,
      log: this.log,
      onDecision: (decision, assessment) => {
        this.lastDecision = decision;
        deps.onDecision?.(decision, assessment);
      },
    });
    this.readiness = new Background(
      () => deps.readiness(),
      () => (this.checks.every((c) => c.status === 'true') ? READINESS_EVERY_MS : READINESS_RETRY_MS),
      (error) => (this.checks = [{ type: 'ReadinessChecks', status: 'unknown', reason: 'CheckFailed', message: describeError(error), at: clock.now() }]),
    );
    // A read of a hanging writer ends at detection.writerTimeout: enough reads overlap that one
    // still ends every probe interval, as the windows expect of a signal.
    this.database = new Background(
      () => deps.readDatabase(),
      () => config.probe.interval,
      (error) => {
        // Read every interval, this learns of refused credentials long before the next readiness check.
        const code = refusedCredentials(error);
        if (code) this.refusal = { type: 'DatabaseStatusReadable', status: 'false', reason: code, message: describeError(error), at: clock.now() };
        this.log.debug({ err: describeError(error) }, 'database status unavailable');
      },
      () => Math.ceil(config.detection.writerTimeout / config.probe.interval) + 1,
    );
  }

  /** Readiness as the replica reports and acts on it: the checks, plus a recent refusal of a plan's call. */
  private get conditions(): Condition[] {
    const refusal = this.refusal && this.deps.clock.now() - this.refusal.at < REFUSAL_KEPT_MS ? [this.refusal] : [];
    return [...this.checks, ...refusal];
  }

  status(): ReplicaStatus {
    const holder = this.keeper.current() !== undefined;
    const status: ReplicaStatus = { region: this.deps.region, holder, storeReachable: this.storeReachable, conditions: [...this.conditions, ...this.ownership()] };
    const lease = this.keeper.last;
    if (lease) status.lease = lease;
    if (holder && this.topology) status.topology = this.topology;
    if (this.lastAssessment) status.assessment = this.lastAssessment;
    if (this.lastDecision) status.lastDecision = this.lastDecision;
    if (this.runner.planId) status.activePlan = this.runner.planId;
    return status;
  }

  /** Ticks at a fixed rate (a slow tick delays the next one, never shifts the schedule by its own length). */
  start(): void {
    const interval = this.deps.config.probe.interval;
    let next = Date.now();
    const loop = () => {
      next += interval;
      this.ticking = this.tick().catch((error) => this.log.error({ err: describeError(error) }, 'tick failed'));
      void this.ticking.finally(() => {
        if (this.shutdown.signal.aborted) return;
        const now = Date.now();
        if (next < now) next = now; // overran: start the next tick at once, and keep the rate from here
        this.timer = setTimeout(loop, next - now);
      });
    };
    loop();
  }

  /** Stops ticking, waits for the current tick, stops a running plan at its next step boundary, and releases the lease. */
  async stop(): Promise<void> {
    this.shutdown.abort(new FcpError('the replica is shutting down'));
    if (this.timer) clearTimeout(this.timer);
    await this.ticking;
    await Promise.all([this.readiness.settle(), this.database.settle(), this.runner.settle()]);
    await this.keeper.release('the replica is shutting down');
  }

  /**
   * Stops at once, as a killed process would (drills): the running step is abandoned, nothing is
   * written after it, and the lease is not released (it expires). The caller closes the store client.
   */
  crash(): void {
    this.shutdown.abort(new FcpError('the replica crashed'));
    if (this.timer) clearTimeout(this.timer);
  }

  /** One pass of the loop. Exposed for tests, which drive it without timers. */
  async tick(): Promise<void> {
    const { clock, store } = this.deps;
    const now = clock.now();
    const observations = (await Promise.all(this.deps.signals.map((s) => s.read()))).flat();
    this.windows.addAll(observations);
    this.checks = this.readiness.poll(now) ?? this.checks;
    // Every replica keeps the database's status fresh, so a replica that takes the lease can judge
    // replication lag on its very first pass instead of refusing for want of a reading.
    this.database.poll(now);
    if (this.shutdown.signal.aborted) return;

    let kept: KeepResult;
    try {
      await store.observations.publish({ replica: this.deps.region, at: now, summaries: this.windows.summarize(now), conditions: this.conditions });
      kept = await this.keepLease(now);
      this.markStore(true);
    } catch (error) {
      // Fail safe: without the store there is no lease, so no automatic action.
      this.markStore(false, error);
      this.keeper.lapse(clock.now());
      return;
    }
    const lease = this.keeper.current();
    if (!lease) return;

    try {
      if (kept.kind === 'acquired') {
        this.mustAct = kept.unclaimedHandover;
        await this.reconciler.takeOver(lease, now, kept.unclaimedHandover);
      }
      await this.reconcile(lease, clock.now());
    } catch (error) {
      if (error instanceof LeaseLostError || error instanceof StaleTokenError) {
        this.log.warn({ err: describeError(error) }, 'lease lost; stepping down');
        await this.keeper.release('lease lost during a pass');
      } else if (error instanceof VersionConflictError) {
        this.log.warn('topology changed under us; the next pass re-reads it');
      } else if (error instanceof StoreError) {
        this.markStore(false, error);
      } else {
        this.log.error({ err: describeError(error) }, 'reconcile pass failed; the next tick tries again');
      }
    }
  }

  private markStore(reachable: boolean, error?: unknown): void {
    if (reachable !== this.storeReachable) {
      if (reachable) this.log.info('state store reachable');
      else this.log.error({ err: describeError(error) }, 'state store unreachable: no automatic action until it returns');
    }
    this.storeReachable = reachable;
  }

  /** A replica whose credentials are refused gives the lease up and does not take it: it could decide but not act. */
  private async keepLease(now: Millis): Promise<KeepResult> {
    const refused = credentialsRefused(this.conditions);
    if (refused && this.keeper.current()) {
      const reason = `credentials refused (${refused.type}: ${refused.message})`;
      this.log.error({ condition: refused.type, code: refused.reason }, `${reason}; giving up the lease`);
      await this.deps.store.audit.append({ at: now, actor: this.holder, action: 'lease/handover', phase: 'result', details: { reason, fenceToken: this.keeper.current()!.token } }).catch(() => undefined);
      await this.keeper.release(reason);
    }
    return this.keeper.keep(now, refused === undefined);
  }

  private async reconcile(lease: Lease, now: Millis): Promise<void> {
    const reconciled = await this.reconciler.reconcile(
      { lease, conditions: this.conditions, database: this.database.poll(now), runningPlanId: this.runner.planId, mustAct: this.mustAct },
      now,
    );
    this.lastAssessment = reconciled.assessment;
    this.topology = reconciled.topology;
    const action = reconciled.action;
    if (action.kind === 'run') {
      if (action.resumed) this.log.warn({ plan: action.plan.id }, `resuming plan ${action.plan.id}: the journal says it runs and nobody runs it`);
      this.runner.run(action.plan, this.keeper);
    } else if (action.kind === 'hand-over') {
      const { config } = this.deps;
      this.log.warn({ plan: action.planId, to: action.to }, `handing the lease over: ${action.reason}`);
      await this.deps.store.audit.append({ at: now, actor: this.holder, action: 'lease/handover', phase: 'result', details: { reason: action.reason, planId: action.planId, to: action.to, fenceToken: lease.token } });
      await this.keeper.handOver(action.reason, config.store.leaseTtl + 2 * config.probe.interval);
    }
    this.trackOwnership(now);
  }

  /** Notes when the topology names a plan that this holder does not run (and it is not handing over). */
  private trackOwnership(now: Millis): void {
    const active = this.topology?.active;
    if (!active || this.runner.planId === active.planId || !this.keeper.current()) {
      this.unowned = undefined;
      return;
    }
    if (this.unowned?.planId !== active.planId) this.unowned = { planId: active.planId, since: now };
    else if (now - this.unowned.since >= 2 * this.deps.config.probe.interval) this.log.error({ plan: active.planId }, `plan ${active.planId} is active but nobody runs it (for ${formatDuration(now - this.unowned.since)})`);
  }

  /** The readiness condition for an active plan that nobody runs: false once it outlasts two ticks. */
  private ownership(): Condition[] {
    const unowned = this.unowned;
    if (!unowned) return [];
    const now = this.deps.clock.now();
    const lasting = now - unowned.since >= 2 * this.deps.config.probe.interval;
    return [{ type: 'ActivePlanOwned', status: lasting ? 'false' : 'true', reason: lasting ? 'Unowned' : 'Settling', message: `plan ${unowned.planId} is active and not run by this holder for ${formatDuration(now - unowned.since)}`, at: now }];
  }
}
