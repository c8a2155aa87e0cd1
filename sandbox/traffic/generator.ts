import { Agent, request } from 'undici';
import { describeError } from '../../kernel/errors.js';
import { systemClock, type SchedulingClock } from '../../kernel/clock.js';
import type { LookupType } from '../net/resolver.js';
import { REGION_HEADER, VANTAGE_HEADER } from '../apps/region-app.js';
import { buildTimeline, summarize, type RequestResult, type TimelineSecond, type TrafficSummary } from './timeline.js';

export interface TrafficOptions {
  /** The public name clients resolve (`traffic.publicName`). */
  publicName: string;
  /** The apps' port: a DNS answer carries only the address. */
  port: number;
  resolver: { resolve(name: string, type: LookupType): Promise<string[]> };
  /** Requests per second. */
  rate: number;
  /** Stops by itself after this long. */
  durationMs: number;
  /** Share of requests that are writes (`POST /session`); the rest read sessions written earlier. */
  writeRatio: number;
  /** Per-request deadline, DNS lookup included. */
  timeoutMs: number;
  /** Sent as `x-fcp-vantage`, so a vantage cut can target the client. */
  vantage?: string;
  clock?: SchedulingClock;
}

export interface Traffic {
  /** Stops sending; resolves with the summary once requests in flight have settled. */
  stop(): Promise<TrafficSummary>;
  /** Resolves with the summary when the traffic has stopped (by itself or by `stop()`). */
  done: Promise<TrafficSummary>;
  timeline(): TimelineSecond[];
  summary(): TrafficSummary;
}

/** Remembered session ids that reads pick from (the most recent ones). */
const REMEMBERED_SESSIONS = 200;

/**
 * A client population: resolves the public name through the sandbox DNS (honouring TTLs), sends a
 * bounded rate of reads and writes with a per-request timeout, and records which region served
 * each one and what failed.
 */
export function startTraffic(options: TrafficOptions): Traffic {
  const clock = options.clock ?? systemClock;
  const startedAt = clock.now();
  const results: RequestResult[] = [];
  const sessions: string[] = [];
  const inFlight = new Set<Promise<void>>();
  const agent = new Agent({ connect: { timeout: options.timeoutMs }, keepAliveTimeout: 1000 });
  const interval = 1000 / options.rate;
  let sent = 0;
  let cancelNext: (() => void) | undefined;
  let stopped = false;
  let resolveDone: (summary: TrafficSummary) => void = () => undefined;
  const done = new Promise<TrafficSummary>((resolve) => (resolveDone = resolve));

  const one = async (kind: 'read' | 'write', session: string | undefined): Promise<void> => {
    const at = clock.now();
    const signal = AbortSignal.timeout(options.timeoutMs);
    let address: string | undefined;
    try {
      [address] = await options.resolver.resolve(options.publicName, 'A');
    } catch (error) {
      results.push({ at, kind, ok: false, cause: `DNS ${describeError(error)}` });
      return;
    }
    try {
      const response = await request(`http://${address}:${options.port}${kind === 'write' ? '/session' : `/session/${session}`}`, {
        method: kind === 'write' ? 'POST' : 'GET',
        body: kind === 'write' ? '{"client":"traffic"}' : undefined,
        headers: { [VANTAGE_HEADER]: options.vantage ?? 'client', 'content-type': 'application/json' },
        dispatcher: agent,
        signal,
      });
      const text = await response.body.text();
      const header = response.headers[REGION_HEADER];
      const region = Array.isArray(header) ? header[0] : header;
      // A read of a session not replicated yet (404) was still served: availability, not consistency.
      const ok = response.statusCode < 400 || (kind === 'read' && response.statusCode === 404);
      if (kind === 'write' && response.statusCode === 201) {
        sessions.push((JSON.parse(text) as { id: string }).id);
        if (sessions.length > REMEMBERED_SESSIONS) sessions.shift();
      }
      results.push({ at, kind, ok, region, ...(ok ? {} : { cause: `HTTP ${response.statusCode}` }) });
    } catch (error) {
      const code = (error as { code?: string }).code;
      const cause = signal.aborted ? 'timeout' : (code ?? describeError(error));
      results.push({ at, kind, ok: false, cause });
    }
  };

  const tick = () => {
    if (stopped) return;
    if (clock.now() - startedAt >= options.durationMs) {
      void stop();
      return;
    }
    // Writes follow the ratio deterministically (every 1/ratio-th request), so runs are comparable.
    const write = sessions.length === 0 || Math.floor((sent + 1) * options.writeRatio) > Math.floor(sent * options.writeRatio);
    const session = write ? undefined : sessions[sent % sessions.length];
    sent++;
    const pending = one(write ? 'write' : 'read', session);
    inFlight.add(pending);
    void pending.finally(() => inFlight.delete(pending));
    cancelNext = clock.schedule(tick, startedAt + sent * interval - clock.now());
  };

  const stop = async (): Promise<TrafficSummary> => {
    if (!stopped) {
      stopped = true;
      cancelNext?.();
      await Promise.allSettled([...inFlight]);
      await agent.close();
      resolveDone(summarize(startedAt, results));
    }
    return done;
  };

  tick();
  return {
    stop,
    done,
    timeline: () => buildTimeline(startedAt, results),
    summary: () => summarize(startedAt, results),
  };
}
