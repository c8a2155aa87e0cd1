import { randomUUID } from 'node:crypto';
import { systemClock, type SchedulingClock } from '../../kernel/clock.js';
import type { AppFault, AwsApiFault, AwsCaller, AwsService, FaultView } from '../shared/faults.js';
import { parseFaultRequest, type FaultContext, type FaultRequest } from './spec.js';

/** A fault while it is active, as `GET /faults` lists it. */
export type ActiveFault = FaultRequest & {
  id: string;
  startedAt: number;
  /** Absent for a fault that lasts until it is cleared. */
  expiresAt?: number;
  remainingMs?: number;
};

export interface FaultRegistryOptions extends FaultContext {
  /** Controller replicas sign as `<accessKeyIdPrefix><region>` (credential faults match on it). */
  accessKeyIdPrefix?: string;
  clock?: SchedulingClock;
  /** Decides which requests a partial (`ratio` < 1) app fault hits; seed it in tests. Default Math.random. */
  random?: () => number;
}

/** App faults from most to least severe: the most severe applicable one wins. */
const APP_SEVERITY: Record<AppFault['kind'], number> = { down: 4, hang: 3, status: 2, latency: 1 };
/** AWS API faults likewise: a dropped or hung connection hides everything; authentication precedes throttling. */
const API_SEVERITY: Record<AwsApiFault['kind'], number> = {
  down: 6,
  hang: 5,
  'access-denied': 4,
  'expired-token': 4,
  'server-error': 3,
  throttle: 2,
};

function mostSevere<F extends { kind: string }>(faults: F[], severity: Record<string, number>): F | null {
  let best: F | null = null;
  for (const fault of faults) if (!best || (severity[fault.kind] ?? 0) > (severity[best.kind] ?? 0)) best = fault;
  return best;
}

/**
 * The sandbox's fault registry: the one place that knows which faults are active. Emulators and
 * apps ask it per request (FaultView); parts that must act when a fault starts or ends (an app
 * closing its listener, the store going down) subscribe with `onChange`.
 */
export class FaultRegistry implements FaultView {
  private readonly faults = new Map<string, { fault: ActiveFault; cancelExpiry?: () => void }>();
  private readonly listeners = new Set<() => void>();
  private readonly clock: SchedulingClock;

  constructor(private readonly options: FaultRegistryOptions) {
    this.clock = options.clock ?? systemClock;
  }

  /** Validates and activates a fault; throws InputError (and changes nothing) when it is malformed. */
  add(request: unknown): ActiveFault {
    const parsed = parseFaultRequest(request, this.options);
    const startedAt = this.clock.now();
    const fault: ActiveFault = { ...parsed, id: randomUUID().slice(0, 8), startedAt };
    let cancelExpiry: (() => void) | undefined;
    if (parsed.for !== undefined) {
      fault.expiresAt = startedAt + parsed.for;
      cancelExpiry = this.clock.schedule(() => this.remove(fault.id), parsed.for);
    }
    this.faults.set(fault.id, { fault, cancelExpiry });
    this.changed();
    return this.describe(fault, startedAt);
  }

  /** Active faults with their remaining time, oldest first. */
  list(): ActiveFault[] {
    const now = this.clock.now();
    return this.active().map((fault) => this.describe(fault, now));
  }

  remove(id: string): boolean {
    const entry = this.faults.get(id);
    if (!entry) return false;
    entry.cancelExpiry?.();
    this.faults.delete(id);
    this.changed();
    return true;
  }

  /** Clears every fault; returns how many were active. */
  clear(): number {
    const count = this.faults.size;
    for (const entry of this.faults.values()) entry.cancelExpiry?.();
    this.faults.clear();
    if (count > 0) this.changed();
    return count;
  }

  /** Calls `listener` after every change (add, remove, clear, expiry). Returns the unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Cancels expiry timers (the sandbox is stopping). */
  close(): void {
    for (const entry of this.faults.values()) entry.cancelExpiry?.();
    this.listeners.clear();
  }

  regionDown(region: string): boolean {
    return this.active().some((f) => f.kind === 'region-down' && f.region === region);
  }

  databaseCut(region: string): boolean {
    return this.active().some((f) => f.kind === 'db-cut' && f.region === region);
  }

  storeDown(): boolean {
    return this.active().some((f) => f.kind === 'store-down');
  }

  appFault(region: string, vantage: string | undefined): AppFault | null {
    const applicable: AppFault[] = [];
    const random = this.options.random ?? Math.random;
    for (const f of this.active()) {
      // A partial fault hits each request with probability `ratio`.
      const here = (!('region' in f) || f.region === undefined || f.region === region) && (!('ratio' in f) || f.ratio >= 1 || random() < f.ratio);
      if (f.kind === 'region-down' && f.region === region) applicable.push({ kind: 'down' });
      else if (f.kind === 'vantage-cut' && f.region === region && f.vantage === vantage) applicable.push({ kind: 'down' });
      else if ((f.kind === 'region-hang' && f.region === region) || f.kind === 'dependency-hang') applicable.push({ kind: 'hang' });
      else if (f.kind === 'app-5xx' && here) applicable.push({ kind: 'status', status: f.status });
      else if (f.kind === 'app-429' && here) applicable.push({ kind: 'status', status: 429 });
      else if (f.kind === 'app-latency' && here) applicable.push({ kind: 'latency', ms: f.latency });
    }
    // Several latency faults add up; otherwise the most severe fault decides.
    const latency = applicable.reduce((sum, f) => sum + (f.kind === 'latency' ? f.ms : 0), 0);
    const worst = mostSevere(applicable, APP_SEVERITY);
    return worst?.kind === 'latency' ? { kind: 'latency', ms: latency } : worst;
  }

  awsApiFault(service: AwsService, caller: AwsCaller, arcEndpointIndex?: number): AwsApiFault | null {
    const applicable: AwsApiFault[] = [];
    const arcRegion = service === 'arc' && arcEndpointIndex !== undefined ? this.options.arcEndpointRegions[arcEndpointIndex] : undefined;
    const keyOf = (region: string) => (this.options.accessKeyIdPrefix === undefined ? undefined : `${this.options.accessKeyIdPrefix}${region}`);
    for (const f of this.active()) {
      switch (f.kind) {
        case 'region-down':
        case 'region-hang':
          if (f.region === caller.region || f.region === arcRegion) applicable.push({ kind: f.kind === 'region-down' ? 'down' : 'hang' });
          break;
        case 'arc-endpoint-down':
          if (service === 'arc' && arcEndpointIndex !== undefined && (f.endpoint === arcEndpointIndex || f.region === arcRegion)) {
            applicable.push({ kind: 'down' });
          }
          break;
        case 'route53-down':
          if (service === 'route53') applicable.push({ kind: 'server-error' });
          break;
        case 'api-hang':
        case 'api-5xx':
        case 'api-throttle':
          if (f.service === service && (f.region === undefined || f.region === caller.region)) {
            applicable.push({ kind: f.kind === 'api-hang' ? 'hang' : f.kind === 'api-5xx' ? 'server-error' : 'throttle' });
          }
          break;
        case 'access-denied':
        case 'expired-token':
          if (caller.accessKeyId !== undefined && caller.accessKeyId === keyOf(f.region)) applicable.push({ kind: f.kind });
          break;
        default:
          break;
      }
    }
    return mostSevere(applicable, API_SEVERITY);
  }

  /** Active faults; expired ones are dropped here too, in case a timer has not fired yet. */
  private active(): ActiveFault[] {
    const now = this.clock.now();
    const active: ActiveFault[] = [];
    for (const { fault } of this.faults.values()) if (fault.expiresAt === undefined || fault.expiresAt > now) active.push(fault);
    return active;
  }

  private describe(fault: ActiveFault, now: number): ActiveFault {
    if (fault.expiresAt === undefined) return { ...fault };
    return { ...fault, remainingMs: Math.max(0, fault.expiresAt - now) };
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
