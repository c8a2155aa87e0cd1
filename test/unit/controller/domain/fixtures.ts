import { loadConfig } from '../../../../controller/config/load.js';
import type { Config } from '../../../../controller/config/schema.js';
import type { DatabaseStatus, Health, Observation, WindowSummary } from '../../../../controller/domain/types.js';

/** The embedded default deployment: us-east-1 primary, us-west-2 and eu-west-1 standbys, 4 vantage points. */
export const config: Config = loadConfig(new URL('../../../../examples/sandbox.yaml', import.meta.url).pathname);
export const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'] as const;
export const VANTAGES = ['us-east-1', 'us-west-2', 'eu-west-1', 'route53'] as const;

/**
 * A vantage point's opinion in a fixture: `cut` is failed with no answer at all (timeouts),
 * `failed` with HTTP 503s, `failing` past the failure ratio without confidence yet (3 of 5).
 */
export type View = Exclude<Health, 'unknown'> | 'stale' | 'cut' | 'failing';

/** A window summary that a vantage point with the given opinion would publish. */
export function summary(region: string, vantage: string, health: View, at: number, detail = 'HTTP 503'): WindowSummary {
  const counts = { healthy: [5, 0, 0], degraded: [1, 1, 3], failed: [0, 5, 0], cut: [0, 5, 0], failing: [2, 3, 0], stale: [5, 0, 0] }[health];
  const s: WindowSummary = { region, service: 'api', vantage, signal: vantage === 'route53' ? 'route53' : 'http', ok: counts[0]!, failed: counts[1]!, slow: counts[2]!, lastAt: health === 'stale' ? at - 60_000 : at };
  if (health === 'failed' || health === 'degraded' || health === 'failing') s.lastDetail = detail;
  if (health === 'cut') {
    s.lastDetail = 'timeout after 800ms';
    s.unreachable = 5;
    s.unansweredStreak = 5;
  }
  // The newest results, as a steady view would have them: all failures, or all good answers.
  if (health === 'failed' || health === 'cut') s.failStreak = 5;
  if (health === 'healthy' || health === 'stale') s.okStreak = s.goodStreak = 5;
  return s;
}

/** Every vantage point's view of every region; `views[region][vantage]` overrides `healthy`. */
export function world(at: number, views: Record<string, Partial<Record<string, View>>> = {}): WindowSummary[] {
  return REGIONS.flatMap((region) => VANTAGES.map((vantage) => summary(region, vantage, views[region]?.[vantage] ?? 'healthy', at)));
}

export function allVantages(health: View): Record<string, View> {
  return Object.fromEntries(VANTAGES.map((v) => [v, health]));
}

export function database(at: number, lagMs: Partial<Record<string, number>> = {}, writerRegion = 'us-east-1'): DatabaseStatus {
  return { at, writerRegion, lagMs: { 'us-west-2': 200, 'eu-west-1': 400, ...lagMs }, transitioning: false, writerReachable: true };
}

export function probe(region: string, vantage: string, outcome: Observation['outcome'], at: number, latencyMs = 20): Observation {
  return { region, service: 'api', vantage, signal: vantage === 'route53' ? 'route53' : 'http', outcome, latencyMs, at };
}

/** The database's view of a region that is gone: its writer has not answered for three reads. */
export function writerDown(region: string, at: number): WindowSummary {
  return { region, service: 'writer', vantage: 'database', signal: 'db', ok: 0, failed: 3, slow: 0, failStreak: 3, lastAt: at, lastDetail: 'writer does not answer' };
}

/** The database's view of a healthy writer region. */
export function writerUp(region: string, at: number): WindowSummary[] {
  return ['writer', 'replication'].map((service) => ({ region, service, vantage: 'database', signal: 'db' as const, ok: 5, failed: 0, slow: 0, lastAt: at }));
}
