import { isEndpointCheck } from './health-check-config.js';
import type { HealthChecks } from './health-checks.js';
import { probeEndpoint } from './probes.js';

export interface HealthRunnerOptions {
  /** Checks run every RequestInterval × timeScale (0.1: a 10 s check runs every second). */
  timeScale: number;
  /**
   * How long one probe may take. Default: Route 53's 4 s to connect plus 2 s to answer, scaled by
   * timeScale, and never more than 80% of the scaled interval so probes do not pile up.
   */
  probeTimeoutMs?: number;
}

/** The `x-fcp-vantage` value a checker region sends. */
export const checkerVantage = (region: string): string => `route53-${region}`;

/**
 * Runs the endpoint health checks: each check, on its scaled interval, is probed once from each of
 * its checker regions, and the results go to `HealthChecks.recordResult`. One unref'd ticker scans
 * the checks, so checks created or deleted while running are picked up without bookkeeping.
 */
export class HealthCheckRunner {
  private readonly checks: HealthChecks;
  private readonly options: HealthRunnerOptions;
  private readonly nextDue = new Map<string, number>();
  private readonly inFlight = new Set<string>();
  private ticker: NodeJS.Timeout | undefined;
  private shutdown = new AbortController();

  constructor(checks: HealthChecks, options: HealthRunnerOptions) {
    this.checks = checks;
    this.options = options;
  }

  start(): void {
    if (this.ticker) return;
    this.shutdown = new AbortController();
    // A tenth of the shortest scaled interval: a check runs at most that late.
    this.ticker = setInterval(() => this.tick(), Math.max(5, 1000 * this.options.timeScale));
    this.ticker.unref();
    this.tick();
  }

  /** Stops the ticker and aborts the probes in flight; their results are dropped. */
  stop(): void {
    clearInterval(this.ticker);
    this.ticker = undefined;
    this.shutdown.abort();
    this.nextDue.clear();
  }

  private tick(): void {
    const now = Date.now();
    const live = new Set<string>();
    for (const check of this.checks.list()) {
      live.add(check.id);
      const { config } = check;
      if (!isEndpointCheck(config.type) || config.disabled) continue;
      if ((this.nextDue.get(check.id) ?? 0) > now) continue;
      const intervalMs = config.requestInterval * 1000 * this.options.timeScale;
      this.nextDue.set(check.id, now + intervalMs);
      const timeoutMs = this.options.probeTimeoutMs ?? Math.min(6000 * this.options.timeScale, 0.8 * intervalMs);
      for (const region of config.regions) this.probe(check.id, region, timeoutMs);
    }
    for (const id of this.nextDue.keys()) if (!live.has(id)) this.nextDue.delete(id);
  }

  /** One probe from one checker; skipped while that checker's previous probe is still running. */
  private probe(id: string, region: string, timeoutMs: number): void {
    const key = `${id}|${region}`;
    if (this.inFlight.has(key)) return;
    const config = this.checks.get(id).config;
    const shutdown = this.shutdown.signal;
    this.inFlight.add(key);
    void probeEndpoint(config, checkerVantage(region), AbortSignal.any([shutdown, AbortSignal.timeout(timeoutMs)])).then((result) => {
      this.inFlight.delete(key);
      if (!shutdown.aborted) this.checks.recordResult(id, region, result.passed, result.status);
    });
  }
}
