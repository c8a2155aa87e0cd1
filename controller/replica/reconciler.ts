import { annotate, changeNotes, CHANGE_LOOKBACK_MS, FailureOnsets } from '../changes/notes.js';
import type { Config } from '../config/schema.js';
import { initialTopology } from '../domain/decide.js';
import { engineStep } from '../domain/engine.js';
import type { HealthWindows } from '../domain/health-windows.js';
import { buildPlan } from '../domain/plan.js';
import type { Millis } from '../../kernel/time.js';
import type { Assessment, Command, Condition, DatabaseStatus, Decision, Plan, RegionName, Topology } from '../domain/types.js';
import { describeError } from '../../kernel/errors.js';
import { planReport } from '../executor/report.js';
import type { Logger } from '../../kernel/logging.js';
import type { Lease, PlanJournal, StateStore } from '../store/state-store.js';
import { PeerWatch, peersThatCouldAct, whyNotAct } from './eligibility.js';

export interface ReconcilerDeps {
  config: Config;
  /** The replica's region: its vantage point, and where it would act from. */
  region: RegionName;
  /** The replica's holder name: the actor of automatic decisions in the audit trail. */
  holder: string;
  store: StateStore;
  /** The replica's own observation windows (the engine's state besides the topology). */
  windows: HealthWindows;
  log: Logger;
  onDecision?(decision: Decision, assessment: Assessment): void;
}

/** What this replica knows and runs at the moment of the pass, besides the store. */
export interface ReconcileInput {
  lease: Lease;
  /** This replica's readiness. */
  conditions: readonly Condition[];
  database: DatabaseStatus | undefined;
  /** The plan this replica's runner is running, if any. */
  runningPlanId: string | undefined;
  /** No other replica took the lease when this one handed it over: act even from the blast radius. */
  mustAct: boolean;
}

export type ReconcileAction =
  | { kind: 'none' }
  /** Run a plan here: a new one, or one the journal says is running that nobody runs here. */
  | { kind: 'run'; plan: Plan; resumed: boolean }
  /** This replica must not act (rule 14) and others can: give them the lease. Nothing was persisted. */
  | { kind: 'hand-over'; reason: string; planId: string; to: RegionName[] };

export interface Reconciled {
  assessment: Assessment;
  topology: Topology;
  action: ReconcileAction;
}

/**
 * One level-triggered pass of the lease holder: read the store (topology, the active plan's
 * journal, commands, every replica's observations), step the engine, persist what it decided
 * (journal first, then the fenced topology, then audit and command decisions), and say what to
 * run. A plan's outcome reaches the engine only through the journal, whoever ran it.
 */
export class Reconciler {
  private lastReason: string | undefined;
  private readonly peers: PeerWatch;
  private readonly onsets = new FailureOnsets();

  constructor(private readonly deps: ReconcilerDeps) {
    // A replica that reported within a lease TTL and a tick is alive.
    this.peers = new PeerWatch(deps.config.store.leaseTtl + deps.config.probe.interval);
  }

  async reconcile(input: ReconcileInput, now: Millis): Promise<Reconciled> {
    const { store, config, region } = this.deps;
    const { lease } = input;
    const [stored, published, open, changes] = await Promise.all([store.topology.read(), store.observations.readAll(), store.commands.listOpen(), store.changes.listSince(now - CHANGE_LOOKBACK_MS)]);
    this.peers.update(published, now);
    const topology = stored?.topology ?? initialTopology(config);
    const journal = topology.active ? await store.journal.read(topology.active.planId) : undefined;
    const commands: Command[] = [];
    // A command taken by an earlier pass may have started its plan before its decision was written
    // (the store went away in between): that command is done, not a new request.
    const started = open.some((r) => r.status === 'taken') ? await store.journal.listPlans() : [];
    for (const record of open) {
      const taken = await store.commands.take(lease, record.command.id, now);
      if (!taken) continue;
      const plan = started.find((head) => head.plan.commandId === record.command.id)?.plan;
      if (plan) await store.commands.decide(lease, record.command.id, { status: 'done', reason: plan.reason, result: { planId: plan.id } }, now);
      else commands.push(taken.command);
    }

    const step = engineStep(
      { settings: config, windows: this.deps.windows, topology },
      {
        observations: [],
        summaries: published.filter((p) => p.replica !== region).flatMap((p) => p.summaries),
        commands,
        readiness: input.conditions,
        ...(input.database && { database: input.database }),
        ...(topology.active && { plan: planReport(topology.active.planId, journal) }),
        leaseToken: lease.token,
      },
      now,
    );
    const { assessment } = step;
    // A recent infrastructure change to a failing region is named in what is decided (and so in the
    // audit trail, the logs and the notifications).
    const notes = changeNotes({ assessment, changes, onsets: this.onsets.observe(assessment, now), now });
    for (const decision of step.decisions) annotate(decision, notes);
    const next = step.state.topology;
    const flip = step.decisions.find((d): d is Extract<Decision, { kind: 'flip' }> => d.kind === 'flip');
    const resume = flip ? undefined : this.unownedPlan(next, journal, input.runningPlanId);
    const running = next.active && next.active.planId === input.runningPlanId ? next.active : undefined;
    const target = flip?.to ?? resume?.plan.to ?? running?.to;

    // Rule 14: the actor leaves the blast radius (even mid-plan), unless nobody else can act.
    const why = target === undefined ? undefined : whyNotAct({ region, conditions: input.conditions }, target, assessment, running && !flip && !resume ? 'running' : 'start');
    if (why && !input.mustAct) {
      const others = peersThatCouldAct(region, published, target!, assessment, this.peers, now);
      if (others.length > 0) {
        const planId = flip?.planId ?? resume?.plan.id ?? running!.planId;
        const reason = `${region} must not run ${planId}: ${why}; ${others.join(', ')} can`;
        for (const decision of step.decisions) if (decision !== flip) this.report(decision, assessment);
        this.report({ kind: 'none', at: now, reason: `handing the lease over: ${reason}` }, assessment);
        return { assessment, topology, action: { kind: 'hand-over', reason, planId, to: others } };
      }
    }
    const acting = why ? ` (run from ${region} although ${why}: ${input.mustAct ? 'nobody took the lease when it was handed over' : 'no other replica can act'})` : '';
    if (flip) flip.reason += acting;
    const run = flip ? { plan: buildPlan(flip, config), resumed: false } : resume;

    if (flip) {
      // The journal names the plan before the topology does, so the topology never names a plan
      // that has no journal; a plan whose topology write then fails is abandoned at once.
      await store.journal.begin(lease, run!.plan, now);
      try {
        await this.persist(lease, topology, next, stored?.version ?? 0, now);
      } catch (error) {
        await store.journal.finish(lease, flip.planId, 'abandoned', now, `its decision could not be recorded: ${describeError(error)}`).catch(() => undefined);
        throw error;
      }
    } else {
      await this.persist(lease, topology, next, stored?.version ?? 0, now);
    }
    for (const decision of step.decisions) await this.record(decision, commands, assessment, lease);
    await this.recordAdoption(topology, next, step.decisions, lease, now);
    if (run?.resumed) {
      await store.audit.append({ at: now, actor: this.deps.holder, action: 'plan/resumed', phase: 'intent', details: { planId: run.plan.id, fenceToken: lease.token, reason: `the journal says it is running and nobody runs it${acting}` } });
    }
    return { assessment, topology: next, action: run ? { kind: 'run', ...run } : { kind: 'none' } };
  }

  /**
   * What a new holding does before its first pass: fences the topology and the unfinished plan
   * (the old holder can touch neither after this), abandons a running plan that the topology does
   * not name (its decision was never recorded), and puts the takeover on the record.
   */
  async takeOver(lease: Lease, now: Millis, unclaimedHandover: boolean): Promise<void> {
    const { store, holder } = this.deps;
    const found = await store.takeOver(lease, now);
    const active = found.topology?.topology.active?.planId;
    const orphan = found.unfinishedPlan && found.unfinishedPlan.head.plan.id !== active ? found.unfinishedPlan.head.plan.id : undefined;
    if (orphan) {
      await store.journal.finish(lease, orphan, 'abandoned', now, `the topology does not name it as the active plan (it names ${active ?? 'none'}): its decision was never recorded`);
      this.deps.log.warn({ plan: orphan }, `abandoned plan ${orphan}: the topology does not name it`);
    }
    const details = { fenceToken: lease.token, activePlan: active ?? null, ...(orphan && { abandoned: orphan }), ...(unclaimedHandover && { note: 'nobody took the lease this replica had handed over' }) };
    await store.audit.append({ at: now, actor: holder, action: 'lease/acquired', phase: 'result', details });
  }

  /** The active plan when the journal says it runs and this replica's runner does not run it. */
  private unownedPlan(topology: Topology, journal: PlanJournal | undefined, runningPlanId: string | undefined): { plan: Plan; resumed: true } | undefined {
    if (!topology.active || !journal || journal.head.status !== 'running' || runningPlanId === topology.active.planId) return undefined;
    return { plan: journal.head.plan, resumed: true };
  }

  private async persist(lease: Lease, before: Topology, after: Topology, version: number, now: Millis): Promise<void> {
    if (version > 0 && JSON.stringify(before) === JSON.stringify(after)) return;
    await this.deps.store.topology.write(lease, after, version, now);
  }

  /** A primary that changed without a plan succeeding was adopted from the world (a writer moved outside the controller): on the record. */
  private async recordAdoption(before: Topology, after: Topology, decisions: readonly Decision[], lease: Lease, now: Millis): Promise<void> {
    if (after.primary === before.primary || decisions.some((d) => d.kind === 'plan-finished' && d.ok)) return;
    const reason = decisions.find((d) => d.kind === 'none' && d.reason.startsWith('adopted'))?.reason ?? `primary changed from ${before.primary} to ${after.primary}`;
    await this.deps.store.audit.append({ at: now, actor: this.deps.holder, action: 'topology/adopted', phase: 'result', details: { from: before.primary, to: after.primary, reason, fenceToken: lease.token } });
  }

  /** Logs a decision (once per distinct reason) and hands it to the hooks. */
  private report(decision: Decision, assessment: Assessment): boolean {
    const changed = decision.reason !== this.lastReason || decision.kind !== 'none';
    this.lastReason = decision.reason;
    this.deps.onDecision?.(decision, assessment);
    if (changed) {
      const level = decision.kind === 'flip' || decision.kind === 'refuse' || (decision.kind === 'plan-finished' && !decision.ok) ? 'warn' : 'info';
      this.deps.log[level]({ decision: decision.kind }, decision.reason);
    }
    return changed;
  }

  /** Audits a decision and settles the command it answers. */
  private async record(decision: Decision, commands: readonly Command[], assessment: Assessment, lease: Lease): Promise<void> {
    if (!this.report(decision, assessment)) return;
    const { store, holder } = this.deps;
    const at = decision.at;
    const command = 'commandId' in decision && decision.commandId ? commands.find((c) => c.id === decision.commandId) : undefined;
    const actor = ('actor' in decision && decision.actor) || holder;
    switch (decision.kind) {
      case 'flip':
        await store.audit.append({ at, actor, action: `decision/${decision.operation}`, phase: 'intent', details: { planId: decision.planId, from: decision.from, to: decision.to, reason: decision.reason, trigger: decision.trigger, guards: decision.guards, fenceToken: lease.token } });
        if (command) await store.commands.decide(lease, command.id, { status: 'done', reason: decision.reason, result: { planId: decision.planId } }, at);
        return;
      case 'refuse':
        if (command || decision.guards.length > 0) {
          await store.audit.append({ at, actor, action: command ? `request/${command.kind}` : 'decision/failover', phase: 'refused', details: { reason: decision.reason, guards: decision.guards, ...(command && { command }) } });
        }
        if (command) await store.commands.decide(lease, command.id, { status: 'refused', reason: decision.reason }, at);
        return;
      case 'pause':
      case 'resume':
        if (!command) return;
        await store.audit.append({ at, actor, action: decision.kind, phase: 'result', details: { reason: decision.reason } });
        await store.commands.decide(lease, command.id, { status: 'done', reason: decision.reason }, at);
        return;
      case 'plan-finished':
        await store.audit.append({ at, actor: holder, action: `plan/${decision.status}`, phase: 'result', details: { planId: decision.planId, reason: decision.reason, changed: decision.changed, fenceToken: lease.token } });
        return;
      case 'none':
        return;
    }
  }
}
