import { randomUUID } from 'node:crypto';
import type { RandomSource } from '../aws/backoff.js';
import type { Clock } from '../aws/clock.js';
import type { Config } from '../config/schema.js';
import { finishPlan, initialTopology } from '../domain/decide.js';
import { createEngineState, engineStep, localSummaries, withTopology, type EngineState } from '../domain/engine.js';
import { buildPlan } from '../domain/plan.js';
import type { Millis } from '../domain/time.js';
import type { Assessment, Command, Condition, DatabaseStatus, Decision, Plan, Topology } from '../domain/types.js';
import { describeError } from '../errors.js';
import { executePlan, type ExecutionResult, type ExecutorEvent } from '../executor/executor.js';
import type { StepPorts } from '../executor/steps.js';
import type { Logger } from '../logging.js';
import type { ChangeResult, SignalReader } from '../providers/ports.js';
import { LeaseLostError, VersionConflictError } from '../providers/store/errors.js';
import type { Lease, StateStore } from '../providers/store/port.js';
import { credentialsRefused } from './readiness.js';

export interface ReplicaDeps {
  config: Config;
  /** The region this replica runs in; also its vantage point name and lease holder id. */
  region: string;
  store: StateStore;
  ports: StepPorts;
  signals: SignalReader[];
  /** Readiness checks of this replica (its credentials, its view of the targets). */
  readiness(): Promise<Condition[]>;
  /** The global database's status and lag; undefined when it cannot be read (never throws, never hangs). */
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

/**
 * Runs a slow read in the background at its own cadence (never overlapping itself) and keeps the
 * latest result, so a read that hangs on a dead region never delays the tick that uses it.
 */
class Background<T> {
  private latest: T | undefined;
  private running: Promise<void> | undefined;
  private lastStart = -Infinity;

  constructor(
    private readonly read: () => Promise<T | undefined>,
    private readonly everyMs: () => Millis,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Starts a read when one is due; returns the latest result without waiting. */
  poll(now: Millis): T | undefined {
    if (!this.running && now - this.lastStart >= this.everyMs()) {
      this.lastStart = now;
      this.running = this.read()
        .then((value) => {
          if (value !== undefined) this.latest = value;
        }, this.onError)
        .finally(() => (this.running = undefined));
    }
    return this.latest;
  }

  /** Waits for a read in progress (shutdown, tests). */
  async settle(): Promise<void> {
    await this.running;
  }
}

/**
 * One controller replica (controller-runtime style, level-triggered): every tick it probes from its
 * region, publishes what it saw, competes for the lease and, while it holds it, runs the engine
 * over every replica's observations and executes the resulting plans. A replica that cannot reach
 * the store never acts automatically.
 */
export class Replica {
  private engine: EngineState;
  private lease: Lease | undefined;
  private topologyVersion = 0;
  private storeReachable = false;
  private conditions: Condition[] = [];
  private readonly readiness: Background<Condition[]>;
  /** The last database status read; a failed read keeps it (the last known lag is what bounds data loss). */
  private readonly database: Background<DatabaseStatus>;
  private lastDecision: Decision | undefined;
  private lastAssessment: Assessment | undefined;
  private running: { plan: Plan; done: Promise<void> } | undefined;
  /** Reports of finished plans, fed to the engine on the next tick. */
  private reports: Command[] = [];
  /** A plan stopped (lease lost) or may be unfinished: look in the journal once we hold the lease. */
  private checkJournal = false;
  private timer: NodeJS.Timeout | undefined;
  /** Unique per process, so two processes for one region (a rolling deploy) never share a lease. */
  readonly holder: string;
  private ticking: Promise<void> | undefined;
  private readonly shutdown = new AbortController();
  private readonly log: Logger;

  constructor(private readonly deps: ReplicaDeps) {
    this.engine = createEngineState(deps.config, deps.clock.now());
    this.log = deps.logger.child({ replica: deps.region });
    this.holder = `replica/${deps.region}/${randomUUID().slice(0, 8)}`;
    this.readiness = new Background(
      () => deps.readiness(),
      () => (this.conditions.every((c) => c.status === 'true') ? READINESS_EVERY_MS : READINESS_RETRY_MS),
      (error) => (this.conditions = [{ type: 'ReadinessChecks', status: 'unknown', reason: 'CheckFailed', message: describeError(error), at: deps.clock.now() }]),
    );
    this.database = new Background(() => deps.readDatabase(), () => deps.config.probe.interval, (error) => this.log.debug({ err: describeError(error) }, 'database status unavailable'));
  }

  status(): ReplicaStatus {
    const status: ReplicaStatus = { region: this.deps.region, holder: this.isHolder(), storeReachable: this.storeReachable, conditions: this.conditions };
    if (this.lease) status.lease = this.lease;
    if (this.isHolder()) status.topology = this.engine.topology;
    if (this.lastAssessment) status.assessment = this.lastAssessment;
    if (this.lastDecision) status.lastDecision = this.lastDecision;
    if (this.running) status.activePlan = this.running.plan.id;
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

  /** Stops ticking, waits for the current tick, and releases the lease. A running plan is stopped at its next step boundary. */
  async stop(): Promise<void> {
    this.shutdown.abort();
    if (this.timer) clearTimeout(this.timer);
    await this.ticking;
    await Promise.all([this.readiness.settle(), this.database.settle()]);
    const lease = this.lease;
    this.lease = undefined;
    await this.running?.done;
    if (lease) await this.deps.store.lease.release(lease).catch(() => false);
  }

  private isHolder(): boolean {
    return this.lease !== undefined && this.lease.expiresAt > this.deps.clock.now();
  }

  /** One pass of the loop. Exposed for tests, which drive it without timers. */
  async tick(): Promise<void> {
    const { clock, store } = this.deps;
    const now = clock.now();
    const observations = (await Promise.all(this.deps.signals.map((s) => s.read()))).flat();
    this.engine.windows.addAll(observations);
    this.conditions = this.readiness.poll(now) ?? this.conditions;

    try {
      await store.observations.publish({ replica: this.deps.region, at: now, summaries: localSummaries(this.engine, now), conditions: this.conditions });
      await this.holdLease(now);
      this.markStore(true);
    } catch (error) {
      this.markStore(false, error);
      return; // Fail safe: without the store there is no lease, so no automatic action.
    }
    if (!this.isHolder()) return;

    try {
      await this.resumeUnfinished();
      await this.decide(clock.now());
    } catch (error) {
      if (error instanceof LeaseLostError) {
        this.log.warn({ err: describeError(error) }, 'lease lost; stepping down');
        this.lease = undefined;
      } else if (error instanceof VersionConflictError) {
        this.log.warn('topology changed under us; re-reading it');
        await this.loadTopology();
      } else throw error;
    }
  }

  private markStore(reachable: boolean, error?: unknown): void {
    if (reachable !== this.storeReachable) {
      if (reachable) this.log.info('state store reachable');
      else this.log.error({ err: describeError(error) }, 'state store unreachable: no automatic action until it returns');
    }
    // The lease object is kept: when the store answers again it is renewed if still ours, so a
    // running plan keeps its token instead of being fenced out by our own new lease.
    this.storeReachable = reachable;
  }

  private async holdLease(now: Millis): Promise<void> {
    const { store, config } = this.deps;
    const refused = credentialsRefused(this.conditions);
    if (refused) {
      // It could decide but not act: leave the lease to a replica whose calls work.
      if (this.lease) {
        this.log.error({ condition: refused.type, code: refused.reason }, `credentials refused (${refused.message}); giving up the lease`);
        await store.lease.release(this.lease).catch(() => false);
        this.lease = undefined;
      }
      return;
    }
    if (this.lease && this.isHolder()) {
      try {
        this.lease = await store.lease.renew(this.lease, now);
        return;
      } catch (error) {
        if (!(error instanceof LeaseLostError)) throw error;
        this.log.warn({ err: describeError(error) }, 'lease lost');
        this.lease = undefined;
      }
    }
    const result = await store.lease.acquire(this.holder, config.store.leaseTtl, now);
    if (!result.acquired) {
      this.lease = undefined;
      return;
    }
    this.lease = result.lease;
    this.log.info({ fencingToken: result.lease.token }, 'lease acquired: this replica now decides and acts');
    const found = await store.takeOver(result.lease, now);
    this.adoptTopology(found.topology?.topology, found.topology?.version ?? 0);
    this.checkJournal = true;
  }

  /** Resumes the newest unfinished plan, once no plan of ours is running (a stopped one has returned). */
  private async resumeUnfinished(): Promise<void> {
    if (!this.checkJournal || this.running) return;
    this.checkJournal = false;
    const unfinished = await this.deps.store.journal.findUnfinished();
    if (!unfinished) return;
    this.log.warn({ plan: unfinished.head.plan.id }, 'resuming an unfinished plan from the journal');
    this.run(unfinished.head.plan);
  }

  private adoptTopology(topology: Topology | undefined, version: number): void {
    this.engine = withTopology(this.engine, topology ?? initialTopology(this.deps.config));
    this.topologyVersion = version;
  }

  private async loadTopology(): Promise<void> {
    const stored = await this.deps.store.topology.read();
    this.adoptTopology(stored?.topology, stored?.version ?? 0);
  }

  private async persistTopology(topology: Topology, now: Millis): Promise<void> {
    if (JSON.stringify(topology) === JSON.stringify(this.engine.topology) && this.topologyVersion > 0) return;
    const written = await this.deps.store.topology.write(this.lease!, topology, this.topologyVersion, now);
    this.topologyVersion = written.version;
  }

  private async decide(now: Millis): Promise<void> {
    const { store } = this.deps;
    const others = (await store.observations.readAll()).filter((p) => p.replica !== this.deps.region).flatMap((p) => p.summaries);
    const commands: Command[] = [...this.reports];
    this.reports = [];
    for (const open of await store.commands.listOpen()) {
      const taken = await store.commands.take(this.lease!, open.command.id, now);
      if (taken) commands.push(taken.command);
    }
    const database = this.database.poll(now);
    const input = { observations: [], summaries: others, commands, readiness: this.conditions, ...(database && { database }) };
    const step = engineStep(this.engine, input, now);
    this.lastAssessment = step.assessment;

    // Persist first: a flip's plan id must be durable before anything acts on it.
    await this.persistTopology(step.state.topology, now);
    this.engine = step.state;
    for (const decision of step.decisions) await this.record(decision, commands);
  }

  private async record(decision: Decision, commands: readonly Command[]): Promise<void> {
    const { store, clock } = this.deps;
    const changed = decision.reason !== this.lastDecision?.reason || decision.kind !== 'none';
    this.lastDecision = decision;
    this.deps.onDecision?.(decision, this.lastAssessment!);
    if (!changed) return;
    const level = decision.kind === 'flip' || decision.kind === 'refuse' ? 'warn' : 'info';
    this.log[level]({ decision: decision.kind }, decision.reason);

    const command = 'commandId' in decision && decision.commandId ? commands.find((c) => c.id === decision.commandId) : undefined;
    const actor = ('actor' in decision && decision.actor) || this.holder;
    if (decision.kind === 'flip') {
      const plan = buildPlan(decision, this.deps.config);
      await store.audit.append({ at: clock.now(), actor, action: `decision/${decision.operation}`, phase: 'intent', details: { planId: plan.id, from: plan.from, to: plan.to, reason: decision.reason, trigger: decision.trigger, guards: decision.guards } });
      if (command) await store.commands.decide(this.lease!, command.id, { status: 'done', reason: decision.reason, result: { planId: plan.id } }, clock.now());
      this.run(plan);
    } else if (decision.kind === 'refuse') {
      if (command || decision.guards.length > 0) {
        await store.audit.append({ at: clock.now(), actor, action: command ? `request/${command.kind}` : 'decision/failover', phase: 'refused', details: { reason: decision.reason, guards: decision.guards, ...(command && { command }) } });
      }
      if (command) await store.commands.decide(this.lease!, command.id, { status: 'refused', reason: decision.reason }, clock.now());
    } else if ((decision.kind === 'pause' || decision.kind === 'resume') && command) {
      await store.audit.append({ at: clock.now(), actor, action: decision.kind, phase: 'result', details: { reason: decision.reason } });
      await store.commands.decide(this.lease!, command.id, { status: 'done', reason: decision.reason }, clock.now());
    }
  }

  private run(plan: Plan): void {
    const { store, ports, clock, random, config } = this.deps;
    const log = this.log.child({ plan: plan.id });
    const done = executePlan(plan, {
      journal: store.journal,
      audit: store.audit,
      ports,
      clock,
      random,
      retry: { ...config.aws.retry, maxAttempts: config.failover.stepAttempts },
      actor: this.holder,
      currentLease: () => (this.isHolder() ? this.lease : undefined),
      recordTopology: (p, lease) => this.recordTopology(p, lease),
      signal: this.shutdown.signal,
      onEvent: (event) => {
        this.deps.onExecutorEvent?.(event);
        if (event.type === 'step-end') {
          const level = event.outcome.status === 'failed' ? 'error' : 'info';
          log[level]({ step: event.step.index, kind: event.step.kind, ms: event.ms, status: event.outcome.status }, `step ${event.step.index} ${event.step.kind}: ${event.outcome.status}${event.outcome.status === 'failed' ? ` (${event.outcome.error})` : ''}`);
        }
      },
    })
      .then((result) => this.finished(plan, result))
      .catch((error) => {
        log.error({ err: describeError(error) }, 'plan execution failed unexpectedly');
        this.finished(plan, { status: 'failed', error: describeError(error), ms: 0, waitedMs: 0 });
      })
      .finally(() => {
        if (this.running?.plan.id === plan.id) this.running = undefined;
      });
    this.running = { plan, done };
  }

  private finished(plan: Plan, result: ExecutionResult): void {
    const at = this.deps.clock.now();
    if (result.status === 'stopped') {
      this.log.warn({ plan: plan.id, reason: result.reason }, 'plan stopped; the lease holder resumes it from the journal');
      this.checkJournal = true;
      return;
    }
    this.log.info({ plan: plan.id, status: result.status, ms: result.ms }, `plan ${plan.id} ${result.status}`);
    // Success is already recorded by the plan's record-topology step; a failure goes through the engine.
    if (result.status === 'failed') this.reports.push({ kind: 'plan-finished', id: `report-${plan.id}`, planId: plan.id, ok: false, error: result.error, at });
  }

  /** The plan's last step: the topology the finished plan leads to, written fenced and versioned. */
  private async recordTopology(plan: Plan, lease: Lease): Promise<ChangeResult> {
    const now = this.deps.clock.now();
    const stored = await this.deps.store.topology.read();
    const current = stored?.topology ?? this.engine.topology;
    if (current.primary === plan.to && current.active === undefined) return { changed: false, detail: `topology already names ${plan.to} as primary` };
    const { topology } = finishPlan(current, { kind: 'plan-finished', id: `report-${plan.id}`, planId: plan.id, ok: true, at: now }, now);
    const written = await this.deps.store.topology.write(lease, topology, stored?.version ?? 0, now);
    this.engine = withTopology(this.engine, topology);
    this.topologyVersion = written.version;
    return { changed: true, detail: `primary is now ${topology.primary}` };
  }
}
