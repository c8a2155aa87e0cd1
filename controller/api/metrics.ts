import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AwsCallErrorEvent } from '../aws/caller.js';
import type { Assessment, Condition, Decision, Observation } from '../domain/types.js';
import type { ExecutorEvent } from '../executor/executor.js';

const HEALTH = ['healthy', 'degraded', 'failed', 'unknown'] as const;

/**
 * One replica's Prometheus metrics, on a registry of its own (several replicas may share a
 * process, as in `fcp start`). The replica's hooks feed it; `/metrics` exposes it.
 */
export class ControllerMetrics {
  readonly registry = new Registry();
  private readonly verdict: Gauge;
  private readonly decisions: Counter;
  private readonly stepSeconds: Histogram;
  private readonly planSeconds: Histogram;
  private readonly probeSeconds: Histogram;
  private readonly awsErrors: Counter;
  private readonly apiRequests: Counter;
  private readonly unauthenticatedRefusals: Counter;

  constructor(replica: string, status: () => { holder: boolean; conditions: readonly Condition[] }) {
    this.registry.setDefaultLabels({ replica });
    this.verdict = new Gauge({ name: 'fcp_region_verdict', help: 'The engine verdict per region: 1 for the current health, 0 for the others', labelNames: ['region', 'health'], registers: [this.registry] });
    this.decisions = new Counter({ name: 'fcp_decisions_total', help: 'Engine decisions by kind (counted when the decision changes)', labelNames: ['kind'], registers: [this.registry] });
    this.stepSeconds = new Histogram({ name: 'fcp_plan_step_duration_seconds', help: 'Duration of plan steps', labelNames: ['kind', 'status'], buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600], registers: [this.registry] });
    this.planSeconds = new Histogram({ name: 'fcp_plan_duration_seconds', help: 'Duration of whole plans', labelNames: ['ok'], buckets: [1, 5, 10, 30, 60, 120, 300, 600, 1200], registers: [this.registry] });
    this.probeSeconds = new Histogram({ name: 'fcp_probe_latency_seconds', help: 'Latency of health probes from this replica', labelNames: ['region', 'service', 'signal', 'outcome'], buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5], registers: [this.registry] });
    this.awsErrors = new Counter({ name: 'fcp_aws_call_errors_total', help: 'Failed AWS API call attempts by service, operation, region and error code', labelNames: ['service', 'operation', 'region', 'code', 'transient'], registers: [this.registry] });
    this.apiRequests = new Counter({ name: 'fcp_api_requests_total', help: 'API requests by route and status code', labelNames: ['route', 'status'], registers: [this.registry] });
    this.unauthenticatedRefusals = new Counter({
      name: 'fcp_api_unauthenticated_refusals_total',
      help: 'API calls refused before the caller was identified (never audited), by route and reason',
      labelNames: ['route', 'reason'],
      registers: [this.registry],
    });
    new Gauge({
      name: 'fcp_lease_holder',
      help: '1 while this replica holds the lease',
      registers: [this.registry],
      collect() {
        this.set(status().holder ? 1 : 0);
      },
    });
    // Readiness as numbers: an active plan that nobody runs (ActivePlanOwned) or refused
    // credentials show here as 0 before anyone reads a log.
    new Gauge({
      name: 'fcp_readiness_condition',
      help: 'Readiness conditions of this replica: 1 true, 0 false, -1 unknown',
      labelNames: ['type', 'region'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const c of status().conditions) this.set({ type: c.type, region: c.region ?? '' }, c.status === 'true' ? 1 : c.status === 'false' ? 0 : -1);
      },
    });
  }

  onAssessment(assessment: Assessment): void {
    for (const [region, verdict] of Object.entries(assessment.verdicts)) {
      for (const health of HEALTH) this.verdict.set({ region, health }, verdict.health === health ? 1 : 0);
    }
  }

  onDecision(decision: Decision): void {
    this.decisions.inc({ kind: decision.kind });
  }

  onExecutorEvent(event: ExecutorEvent): void {
    if (event.type === 'step-end') this.stepSeconds.observe({ kind: event.step.kind, status: event.outcome.status }, event.ms / 1000);
    if (event.type === 'plan-end') this.planSeconds.observe({ ok: String(event.ok) }, event.ms / 1000);
  }

  onObservations(observations: readonly Observation[]): void {
    for (const o of observations) this.probeSeconds.observe({ region: o.region, service: o.service, signal: o.signal, outcome: o.outcome }, o.latencyMs / 1000);
  }

  onAwsCallError(event: AwsCallErrorEvent): void {
    const { service, operation, region } = event.target;
    this.awsErrors.inc({ service, operation, region, code: event.code, transient: String(event.transient) });
  }

  onApiRequest(route: string, status: number): void {
    this.apiRequests.inc({ route, status: String(status) });
  }

  onUnauthenticatedRefusal(route: string, reason: string): void {
    this.unauthenticatedRefusals.inc({ route, reason });
  }

  exposition(): Promise<string> {
    return this.registry.metrics();
  }
}
