/** One client request's result, as the traffic generator records it. */
export interface RequestResult {
  /** When the request started (epoch ms). */
  at: number;
  kind: 'read' | 'write';
  ok: boolean;
  /** The serving region (`x-fcp-region`), when a response came back. */
  region?: string;
  /** Why it failed: `HTTP 503`, `ECONNREFUSED`, `timeout`, `DNS ...`. */
  cause?: string;
}

export interface TimelineSecond {
  /** Seconds since the traffic started. */
  second: number;
  ok: number;
  failed: number;
  /** Successful requests per serving region. */
  regions: Record<string, number>;
}

export interface TrafficSummary {
  startedAt: number;
  requests: number;
  ok: number;
  failed: number;
  /** Seconds in which at least one request failed. */
  outageSeconds: number;
  /** Start times (epoch ms) of the first and last failed requests. */
  firstFailureAt?: number;
  lastFailureAt?: number;
  /** From the first failed request to the last one; 0 when nothing failed. */
  clientOutageMs: number;
  /** Failed requests by cause. */
  causes: Record<string, number>;
  /** Successful requests per serving region. */
  regions: Record<string, number>;
}

/** Buckets results into whole seconds since `startedAt`; every second up to the last result is listed. */
export function buildTimeline(startedAt: number, results: readonly RequestResult[]): TimelineSecond[] {
  const seconds: TimelineSecond[] = [];
  for (const result of results) {
    const index = Math.max(0, Math.floor((result.at - startedAt) / 1000));
    while (seconds.length <= index) seconds.push({ second: seconds.length, ok: 0, failed: 0, regions: {} });
    const bucket = seconds[index] as TimelineSecond;
    if (result.ok) {
      bucket.ok++;
      if (result.region) bucket.regions[result.region] = (bucket.regions[result.region] ?? 0) + 1;
    } else bucket.failed++;
  }
  return seconds;
}

export function summarize(startedAt: number, results: readonly RequestResult[]): TrafficSummary {
  const failures = results.filter((r) => !r.ok);
  const causes: Record<string, number> = {};
  for (const failure of failures) causes[failure.cause ?? 'unknown'] = (causes[failure.cause ?? 'unknown'] ?? 0) + 1;
  const regions: Record<string, number> = {};
  for (const result of results) if (result.ok && result.region) regions[result.region] = (regions[result.region] ?? 0) + 1;
  const failureTimes = failures.map((f) => f.at);
  const firstFailureAt = failureTimes.length ? Math.min(...failureTimes) : undefined;
  const lastFailureAt = failureTimes.length ? Math.max(...failureTimes) : undefined;
  return {
    startedAt,
    requests: results.length,
    ok: results.length - failures.length,
    failed: failures.length,
    outageSeconds: buildTimeline(startedAt, results).filter((s) => s.failed > 0).length,
    ...(firstFailureAt === undefined ? {} : { firstFailureAt, lastFailureAt }),
    clientOutageMs: firstFailureAt === undefined || lastFailureAt === undefined ? 0 : lastFailureAt - firstFailureAt,
    causes,
    regions,
  };
}
