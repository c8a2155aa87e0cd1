import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../../controller/config/load.js';
import type { Config } from '../../../controller/config/schema.js';
import type { AppFault, AwsApiFault, AwsCaller, AwsService, FaultView } from '../../../sandbox/shared/faults.js';

/** The embedded default deployment: the adapters are driven with the config users run. */
export function sandboxConfig(): Config {
  return loadConfig(new URL('../../../examples/sandbox.yaml', import.meta.url).pathname);
}

/** A fault view a test steers directly: regions down, and per-service API faults. */
export class TestFaults implements FaultView {
  readonly down = new Set<string>();
  /** Regions whose AWS APIs accept requests and never answer. */
  readonly hung = new Set<string>();
  readonly api = new Map<AwsService, AwsApiFault>();
  /** Faults of single ARC cluster endpoints, by index. */
  readonly arcEndpoints = new Map<number, AwsApiFault>();

  awsApiFault(service: AwsService, caller: AwsCaller, arcEndpointIndex?: number): AwsApiFault | null {
    if (caller.region !== undefined && this.down.has(caller.region)) return { kind: 'down' };
    if (caller.region !== undefined && this.hung.has(caller.region)) return { kind: 'hang' };
    const endpointFault = arcEndpointIndex === undefined ? undefined : this.arcEndpoints.get(arcEndpointIndex);
    return endpointFault ?? this.api.get(service) ?? null;
  }

  /** App faults by `region` (every vantage) or `region|vantage` (a cut between the two). */
  readonly app = new Map<string, AppFault>();

  appFault(region: string, vantage: string | undefined): AppFault | null {
    return this.app.get(`${region}|${vantage}`) ?? this.app.get(region) ?? null;
  }

  regionDown(region: string): boolean {
    return this.down.has(region);
  }

  databaseCut(): boolean {
    return false;
  }
}

/** Serves a request listener on a free loopback port; returns its URL and a closer. */
export async function serve(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; server: Server; close: () => Promise<void> }> {
  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs}ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
