import { Agent, request } from 'undici';
import type { Config } from '../config/schema.js';
import { formatDuration, type Millis } from '../../kernel/time.js';
import type { Observation, RegionName, VantageName } from '../domain/types.js';
import type { SignalReader } from '../ports.js';
import { judgeOwnHealth, OwnDelayMonitor, type ProbeResult } from './observer-health.js';
import { ProberStats } from './prober-stats.js';

/** The header that names the prober's vantage point (the sandbox models network cuts with it). */
export const VANTAGE_HEADER = 'x-fcp-vantage';

export interface ProbeTarget {
  region: RegionName;
  service: string;
  url: string;
}

export interface HttpProberOptions {
  /** This replica's region: the vantage point of every observation it makes. */
  vantage: VantageName;
  targets: ProbeTarget[];
  /** Whole-probe limit (connect, headers and body). */
  timeout: Millis;
  /** Each target is probed once per interval, the targets spread evenly across it. */
  interval?: Millis;
  /** Own delay past which a timeout or a slow answer is `unknown` (observer-health.ts). */
  starvedAfter?: Millis;
  latencyBudget?: Millis;
  /** How long one connection is reused: a region that stops taking new connections shows within it. */
  connectionLifetime?: Millis;
  /** Wall-clock time; default Date.now. */
  now?: () => Millis;
}

/** Every (service, region) health URL of the config, as probe targets. */
export function probeTargets(config: Pick<Config, 'services'>): ProbeTarget[] {
  return config.services.flatMap((service) => Object.entries(service.endpoints).map(([region, url]) => ({ region, service: service.name, url })));
}

/** undici's name for a connection the server closed without answering: to an operator, a reset. */
const PLAIN_CODES: Record<string, string> = { UND_ERR_SOCKET: 'ECONNRESET' };

/** `ECONNREFUSED`, `ECONNRESET`, `ENOTFOUND`...: the short cause of a request that got no answer. */
function failureCode(error: unknown): string {
  const withCode = error as { code?: unknown; errors?: Array<{ code?: unknown }>; cause?: { code?: unknown } };
  const code = withCode.code ?? withCode.errors?.[0]?.code ?? withCode.cause?.code;
  if (typeof code === 'string') return PLAIN_CODES[code] ?? code;
  return error instanceof Error ? error.name : 'error';
}

/** Connections kept per origin (a region's endpoint): enough for the probes one interval has in flight. */
const MAX_CONNECTIONS_PER_ORIGIN = 32;

/** Failures of a reused connection that say nothing about the target yet: the pooled socket had gone stale. */
const STALE_CONNECTION = new Set(['ECONNRESET', 'EPIPE']);

/** Results kept for a reader that stopped reading: a minute of 1 s rounds, far more than any window holds. */
const KEPT_ROUNDS = 64;

/**
 * Probes each service's health URL in each region from this replica, at a steady rate: each target
 * once per interval, the targets spread evenly across it (never all at once), over kept-alive
 * connections that are replaced after `connectionLifetime`. Each probe has one deadline for the
 * whole exchange; a server that hangs yields a `timeout` when it passes. 2xx is ok; any other
 * status fails with `HTTP <status>`. The prober knows its own health: how late each probe was
 * sent, how late its deadline fired and how far its event loop lagged while it was out; results
 * it could not judge are `unknown` (observer-health.ts). `read()` starts the schedule and returns
 * what completed since the last read; `probe()` probes one target now.
 */
export class HttpProber implements SignalReader {
  private agent: Agent;
  /** When the current connections' agent was made (monotonic ms): it is replaced after `connectionLifetime`. */
  private agentBorn = performance.now();
  private readonly lifetime: Millis;
  private readonly now: () => Millis;
  private readonly interval: Millis;
  private readonly monitor = new OwnDelayMonitor();
  readonly stats = new ProberStats();
  private completed: Observation[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  /** Closed for good: a late `read()` must not restart probing over a closed connection pool. */
  private closed = false;
  /** Monotonic time (performance.now()) of the next round's start. */
  private roundStart = 0;
  private next = 0;

  constructor(private readonly options: HttpProberOptions) {
    this.now = options.now ?? Date.now;
    this.interval = options.interval ?? 1000;
    this.lifetime = options.connectionLifetime ?? 30_000;
    this.agent = this.newAgent();
  }

  private newAgent(): Agent {
    return new Agent({
      connect: { timeout: this.options.timeout },
      headersTimeout: this.options.timeout,
      bodyTimeout: this.options.timeout,
      keepAliveTimeout: 2 * this.interval,
      // Probes are spread over the interval, so few are in flight at once; a bound keeps a burst
      // from opening a socket per probe (and running out of file descriptors).
      connections: MAX_CONNECTIONS_PER_ORIGIN,
    });
  }

  /** Every `connectionLifetime`, new probes go over new connections; the old ones close once their probes finish. */
  private renewConnections(now: number): void {
    if (now - this.agentBorn < this.lifetime) return;
    const old = this.agent;
    this.agent = this.newAgent();
    this.agentBorn = now;
    void old.close().catch(() => undefined);
  }

  read(): Promise<Observation[]> {
    if (this.closed) return Promise.resolve([]);
    this.start();
    const done = this.completed;
    this.completed = [];
    return Promise.resolve(done);
  }

  /** Starts probing every target once per interval, spread across it (idempotent). */
  start(): void {
    if (this.running || this.closed) return;
    this.running = true;
    this.monitor.start();
    this.roundStart = performance.now();
    this.next = 0;
    this.schedule();
  }

  /** When target `index` is due in the current round (monotonic ms). */
  private dueAt(index: number): number {
    return this.roundStart + (index * this.interval) / Math.max(1, this.options.targets.length);
  }

  private schedule(): void {
    if (!this.running) return;
    const targets = this.options.targets;
    if (targets.length === 0) return;
    const wait = Math.max(0, this.dueAt(this.next) - performance.now());
    this.timer = setTimeout(() => this.dispatchDue(), wait);
  }

  /** Sends every probe that is due (a late timer sends several), noting how late each went out. */
  private dispatchDue(): void {
    const targets = this.options.targets;
    const now = performance.now();
    this.renewConnections(now);
    // Back from a stall longer than a round (a GC pause, a suspended VM): the missed rounds are
    // gone, not owed. Sending them all now would only make the next probes late; start afresh.
    if (now - this.roundStart > 2 * this.interval) {
      this.roundStart = now;
      this.next = 0;
    }
    while (this.running && this.dueAt(this.next) <= now) {
      const due = this.dueAt(this.next);
      const target = targets[this.next]!;
      void this.probe(target, now - due).then(
        (observation) => this.keep(observation),
        // A bug in judging a result must not crash the replica: the probe says nothing.
        (error: unknown) => this.keep({ region: target.region, service: target.service, vantage: this.options.vantage, signal: 'http', outcome: 'unknown', latencyMs: 0, at: this.now(), detail: `probe error: ${String(error)}` }),
      );
      this.next++;
      if (this.next === targets.length) {
        this.next = 0;
        this.roundStart += this.interval;
      }
    }
    this.schedule();
  }

  /** Keeps a result until the next `read()`; at most KEPT_ROUNDS rounds' worth if nobody reads (the oldest go). */
  private keep(observation: Observation): void {
    this.completed.push(observation);
    const limit = KEPT_ROUNDS * Math.max(1, this.options.targets.length);
    if (this.completed.length > limit) this.completed.splice(0, this.completed.length - limit);
  }

  /** Probes one target now; `sentLateMs`: how late the schedule sent it. */
  async probe(target: ProbeTarget, sentLateMs = 0): Promise<Observation> {
    const { vantage, timeout } = this.options;
    const started = performance.now();
    this.stats.sent(sentLateMs);
    const raw = await this.exchange(target, started);
    const ended = performance.now();
    const deadlineLate = raw.outcome === 'timeout' ? Math.max(0, ended - started - timeout) : 0;
    const ownDelay = Math.max(sentLateMs, deadlineLate, this.monitor.delayBetween(started, ended));
    const result = judgeOwnHealth(raw, ownDelay, { starvedAfter: this.options.starvedAfter ?? 100, latencyBudget: this.options.latencyBudget ?? 500 });
    this.stats.completed(result.outcome, result.latencyMs, deadlineLate);
    return { region: target.region, service: target.service, vantage, signal: 'http', outcome: result.outcome, latencyMs: result.latencyMs, at: this.now(), ...(result.detail !== undefined && { detail: result.detail }) };
  }

  /**
   * One request within the deadline: the result is known when the deadline passes, whatever the
   * request is still waiting for (a queue, a connection). A reused connection that turns out stale
   * is tried once more, fresh.
   */
  private exchange(target: ProbeTarget, started: number): Promise<ProbeResult> {
    const { timeout } = this.options;
    const controller = new AbortController();
    const timedOut: ProbeResult = { outcome: 'timeout', latencyMs: timeout, detail: `timeout after ${formatDuration(timeout)}` };
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<ProbeResult>((resolve) => {
      timer = setTimeout(() => {
        controller.abort();
        resolve(timedOut);
      }, timeout);
    });
    const answer = this.attempt(target, started, controller.signal).then((result) => (controller.signal.aborted ? timedOut : result));
    return Promise.race([answer, deadline]).finally(() => clearTimeout(timer));
  }

  private async attempt(target: ProbeTarget, started: number, signal: AbortSignal): Promise<ProbeResult> {
    const elapsed = () => Math.round(performance.now() - started);
    for (let attempt = 0; ; attempt++) {
      try {
        const response = await request(target.url, { method: 'GET', headers: { [VANTAGE_HEADER]: this.options.vantage }, signal, dispatcher: this.agent, reset: attempt > 0 });
        // A health body is small; reading past 64 KiB would only measure the network.
        await response.body.dump({ signal, limit: 64 * 1024 });
        const ok = response.statusCode >= 200 && response.statusCode < 300;
        return ok ? { outcome: 'ok', latencyMs: elapsed() } : { outcome: 'fail', latencyMs: elapsed(), detail: `HTTP ${response.statusCode}` };
      } catch (error) {
        const code = failureCode(error);
        if (!signal.aborted && attempt === 0 && STALE_CONNECTION.has(code)) continue;
        return { outcome: 'fail', latencyMs: elapsed(), detail: code };
      }
    }
  }

  /** Stops the schedule and closes pooled connections. */
  async close(): Promise<void> {
    this.closed = true;
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.monitor.stop();
    await this.agent.close();
  }
}
