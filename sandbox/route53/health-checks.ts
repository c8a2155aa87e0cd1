import { Route53ApiError, invalidInput, noSuchHealthCheck } from './api-error.js';
import { INITIAL_CHECKER_VIEW, endpointHealthy, recordResult } from './checker-status.js';
import type { CheckerView } from './checker-status.js';
import { isEndpointCheck, validateHealthCheckConfig } from './health-check-config.js';
import type { HealthCheckConfig, HealthCheckInput } from './health-check-config.js';
import { newHealthCheckId } from './ids.js';

export type RoutingControlState = 'On' | 'Off';
/** Reads an ARC routing control's state; undefined when no such control exists. */
export type RoutingControlLookup = (arn: string) => RoutingControlState | undefined;

export interface HealthCheck {
  id: string;
  callerReference: string;
  config: HealthCheckConfig;
  version: number;
}

/** One checker's last result, as GetHealthCheckStatus reports it. */
export interface CheckerObservation {
  region: string;
  ipAddress: string;
  /** `Success: ...` or `Failure: ...`, as Route 53 words it. */
  status: string;
  checkedAt: Date;
}

/** An address per checker region, standing in for Route 53's published checker ranges. */
const CHECKER_ADDRESSES: Record<string, string> = {
  'us-east-1': '15.177.2.10',
  'us-west-1': '15.177.6.10',
  'us-west-2': '15.177.10.10',
  'eu-west-1': '15.177.62.10',
  'ap-southeast-1': '15.177.82.10',
  'ap-southeast-2': '15.177.86.10',
  'ap-northeast-1': '15.177.70.10',
  'sa-east-1': '15.177.98.10',
};

interface CheckerRecord {
  view: CheckerView;
  observation: CheckerObservation;
}

/**
 * The health checks and what their checkers saw. Endpoint checks get their results from the
 * prober (`recordResult`); RECOVERY_CONTROL checks read the routing control when asked;
 * CALCULATED checks combine their children when asked.
 */
export class HealthChecks {
  private readonly checks = new Map<string, HealthCheck>();
  /** Caller references stay taken after a delete, as in Route 53. */
  private readonly callerReferences = new Map<string, string | null>();
  private readonly checkers = new Map<string, Map<string, CheckerRecord>>();
  private readonly routingControlState: RoutingControlLookup;
  private readonly now: () => number;

  constructor(routingControlState: RoutingControlLookup, now: () => number = Date.now) {
    this.routingControlState = routingControlState;
    this.now = now;
  }

  /**
   * CreateHealthCheck. The same CallerReference with the same configuration returns the existing
   * check (`created: false`); with another configuration, or after a delete, HealthCheckAlreadyExists.
   * `id` is the sandbox's seeding path (a caller-chosen id).
   */
  create(callerReference: string, input: HealthCheckInput, id?: string): { check: HealthCheck; created: boolean } {
    const config = validateHealthCheckConfig(input, (child) => this.checks.has(child));
    if (this.callerReferences.has(callerReference)) {
      const existing = this.checks.get(this.callerReferences.get(callerReference) ?? '');
      if (existing && JSON.stringify(existing.config) === JSON.stringify(config)) return { check: existing, created: false };
      throw new Route53ApiError(
        'HealthCheckAlreadyExists',
        409,
        `A health check with the caller reference ${callerReference} already exists (or was deleted) with a different configuration; use a new CallerReference`,
      );
    }
    if (id !== undefined && this.checks.has(id)) throw invalidInput(`a health check with id ${id} already exists`);
    const check: HealthCheck = { id: id ?? newHealthCheckId(), callerReference, config, version: 1 };
    this.checks.set(check.id, check);
    this.callerReferences.set(callerReference, check.id);
    return { check, created: true };
  }

  exists(id: string): boolean {
    return this.checks.has(id);
  }

  get(id: string): HealthCheck {
    const check = this.checks.get(id);
    if (!check) throw noSuchHealthCheck(id);
    return check;
  }

  /** In creation order. */
  list(): HealthCheck[] {
    return [...this.checks.values()];
  }

  delete(id: string): void {
    const check = this.get(id);
    this.checks.delete(id);
    this.checkers.delete(id);
    this.callerReferences.set(check.callerReference, null);
  }

  /** One probe result from one checker region; ignored when the check was deleted meanwhile. */
  recordResult(id: string, region: string, passed: boolean, status: string): void {
    const check = this.checks.get(id);
    if (!check) return;
    const regions = this.checkers.get(id) ?? new Map<string, CheckerRecord>();
    this.checkers.set(id, regions);
    const view = recordResult(regions.get(region)?.view ?? INITIAL_CHECKER_VIEW, passed, check.config.failureThreshold);
    regions.set(region, { view, observation: { region, ipAddress: CHECKER_ADDRESSES[region] ?? '15.177.0.10', status, checkedAt: new Date(this.now()) } });
  }

  /** Whether a check is healthy now; undefined when there is no such check. */
  healthy(id: string): boolean | undefined {
    const check = this.checks.get(id);
    return check ? this.evaluate(check) : undefined;
  }

  /** GetHealthCheckStatus: the latest result of each checker that has reported. */
  observations(id: string): CheckerObservation[] {
    const { config } = this.get(id);
    if (config.type === 'CALCULATED') throw invalidInput('GetHealthCheckStatus does not work for CALCULATED health checks; read their children instead');
    if (config.type === 'RECOVERY_CONTROL') {
      // Every checker reads the routing control's state from the ARC data plane.
      const state = config.routingControlArn === undefined ? undefined : this.routingControlState(config.routingControlArn);
      const status = state === 'On' ? 'Success: routing control is On' : `Failure: routing control is ${state ?? 'not found'}`;
      const checkedAt = new Date(this.now());
      return config.regions.map((region) => ({ region, ipAddress: CHECKER_ADDRESSES[region] ?? '15.177.0.10', status, checkedAt }));
    }
    return [...(this.checkers.get(id)?.values() ?? [])].map((record) => record.observation);
  }

  private evaluate(check: HealthCheck, depth = 0): boolean {
    const { config } = check;
    if (config.disabled) return true;
    return config.inverted !== this.evaluateUninverted(check, depth);
  }

  private evaluateUninverted(check: HealthCheck, depth: number): boolean {
    const { config } = check;
    if (isEndpointCheck(config.type)) {
      const views = [...(this.checkers.get(check.id)?.values() ?? [])].map((record) => record.view);
      return endpointHealthy(views, config.regions.length);
    }
    if (config.type === 'RECOVERY_CONTROL') {
      return config.routingControlArn !== undefined && this.routingControlState(config.routingControlArn) === 'On';
    }
    // CALCULATED: children were created before their parent, so there are no cycles; a deleted
    // child counts as unhealthy. The depth bound is a guard, not a limit callers can reach.
    const healthyChildren = (config.childHealthChecks ?? []).filter((childId) => {
      const child = this.checks.get(childId);
      return child !== undefined && depth < 64 && this.evaluate(child, depth + 1);
    }).length;
    return healthyChildren >= (config.healthThreshold ?? 0);
  }
}
