import { Agent, request } from 'undici';
import type { Config } from '../config/schema.js';
import { formatDuration, type Millis } from '../domain/time.js';
import type { Observation, RegionName, VantageName } from '../domain/types.js';
import type { SignalReader } from '../providers/ports.js';

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

/**
 * Probes each service's health URL in each region from this replica. Each probe has one deadline
 * for the whole exchange, enforced by an AbortSignal: a server that hangs yields a `timeout`
 * observation when the deadline fires, never a stuck loop. 2xx is ok; any other status fails with
 * `HTTP <status>`. Latency is measured for every outcome; judging slowness is the engine's job.
 */
export class HttpProber implements SignalReader {
  private readonly agent: Agent;
  private readonly now: () => Millis;

  constructor(private readonly options: HttpProberOptions) {
    this.now = options.now ?? Date.now;
    // The connect timeout bounds a blackholed address; the AbortSignal bounds the whole probe.
    this.agent = new Agent({ connect: { timeout: options.timeout }, headersTimeout: options.timeout, bodyTimeout: options.timeout });
  }

  read(): Promise<Observation[]> {
    return Promise.all(this.options.targets.map((target) => this.probe(target)));
  }

  async probe(target: ProbeTarget): Promise<Observation> {
    const { vantage, timeout } = this.options;
    const started = performance.now();
    const signal = AbortSignal.timeout(timeout);
    const observe = (outcome: Observation['outcome'], detail?: string): Observation => ({
      region: target.region,
      service: target.service,
      vantage,
      signal: 'http',
      outcome,
      latencyMs: Math.round(performance.now() - started),
      at: this.now(),
      ...(detail === undefined ? {} : { detail }),
    });
    try {
      // A fresh connection per probe (`reset`): a region that cannot take new connections must show,
      // and a pooled socket the server dropped must not pass for a regional failure.
      const response = await request(target.url, { method: 'GET', headers: { [VANTAGE_HEADER]: vantage }, signal, dispatcher: this.agent, reset: true });
      // A health body is small; reading past 64 KiB would only measure the network.
      await response.body.dump({ signal, limit: 64 * 1024 });
      if (signal.aborted) return observe('timeout', `timeout after ${formatDuration(timeout)}`);
      const ok = response.statusCode >= 200 && response.statusCode < 300;
      return ok ? observe('ok') : observe('fail', `HTTP ${response.statusCode}`);
    } catch (error) {
      if (signal.aborted) return observe('timeout', `timeout after ${formatDuration(timeout)}`);
      return observe('fail', failureCode(error));
    }
  }

  /** Closes pooled connections. */
  async close(): Promise<void> {
    await this.agent.close();
  }
}
