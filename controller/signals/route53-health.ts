import { GetHealthCheckStatusCommand } from '@aws-sdk/client-route-53';
import type { AwsCaller } from '../aws/caller.js';
import { ROUTE53_CONTROL_REGION } from '../aws/clients.js';
import { ROUTE53_VANTAGE, type Observation, type RegionName } from '../domain/types.js';
import type { SignalReader } from '../ports.js';
import type { TokenBucket } from '../../kernel/token-bucket.js';

/** Route 53 calls an endpoint healthy when more than this share of its checkers report success. */
export const HEALTHY_CHECKER_SHARE = 0.18;

/** The vantage point of Route 53's own checkers. */

export interface Route53HealthReaderOptions {
  caller: AwsCaller;
  /** Health check id per region (`signals.route53HealthChecks`). */
  healthChecks: Record<RegionName, string>;
  /** The service the health checks check: the observations count toward its quorum. */
  service: string;
  /**
   * Paces GetHealthCheckStatus (Route 53 refills it at 1/s per account, shared by every replica).
   * A read takes one token per region; regions without a token wait for the next read.
   */
  bucket: TokenBucket;
}

/**
 * Reads Route 53's health-check status as one more vantage point (`route53`): one observation per
 * region, ok when more than 18% of checkers report success. The Route 53 API lives in us-east-1, so
 * when it fails the reader reports nothing for that region (unknown), never a failure of the region.
 *
 * The calls run in the background: `read()` starts the ones that are due and returns what earlier
 * ones observed, without waiting. When us-east-1 hangs, its calls wait out their request timeout;
 * the replica's tick, which reads every signal, must not wait with them.
 */
export class Route53HealthReader implements SignalReader {
  private readonly regions: RegionName[];
  /** Where the next read starts, so a short bucket serves every region in turn. */
  private next = 0;
  /** Observations of calls that ended since the last read. */
  private finished: Observation[] = [];
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly options: Route53HealthReaderOptions) {
    this.regions = Object.keys(options.healthChecks);
  }

  async read(): Promise<Observation[]> {
    const due: RegionName[] = [];
    for (let offset = 0; offset < this.regions.length && this.options.bucket.tryTake(); offset++) {
      due.push(this.regions[(this.next + offset) % this.regions.length] as RegionName);
    }
    this.next = (this.next + due.length) % Math.max(1, this.regions.length);
    for (const region of due) {
      const call: Promise<void> = this.observe(region)
        .then((observation) => {
          if (observation) this.finished.push(observation);
        })
        .finally(() => this.running.delete(call));
      this.running.add(call);
    }
    const observed = this.finished;
    this.finished = [];
    return observed;
  }

  /** Waits for the calls in flight (shutdown, tests); the next read returns what they observed. */
  async settle(): Promise<void> {
    await Promise.all(this.running);
  }

  private async observe(region: RegionName): Promise<Observation | undefined> {
    const { caller } = this.options;
    const started = caller.clock.now();
    try {
      const answer = await caller.attempt({ service: 'route53', operation: 'GetHealthCheckStatus', region: ROUTE53_CONTROL_REGION }, (clients, signal) =>
        clients.route53().send(new GetHealthCheckStatusCommand({ HealthCheckId: this.options.healthChecks[region] }), { abortSignal: signal }),
      );
      const reports = answer.HealthCheckObservations ?? [];
      if (reports.length === 0) return undefined;
      const healthy = reports.filter((report) => report.StatusReport?.Status?.startsWith('Success')).length;
      const at = caller.clock.now();
      return {
        region,
        service: this.options.service,
        vantage: ROUTE53_VANTAGE,
        signal: 'route53',
        outcome: healthy / reports.length > HEALTHY_CHECKER_SHARE ? 'ok' : 'fail',
        latencyMs: at - started,
        at,
        detail: `${healthy}/${reports.length} checkers report success`,
      };
    } catch {
      // Already counted by the caller's error hook; a silent signal is unknown, never failed.
      return undefined;
    }
  }
}
