import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AwsApiFault, AwsService, FaultView } from '../../../../sandbox/shared/faults.js';

/** Test plumbing for the sandbox emulators: loopback servers on free ports and a switchable fault view. */

export interface Loopback {
  url: string;
  close(): Promise<void>;
}

export async function listen(listener: RequestListener): Promise<Loopback> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface FaultSwitch {
  view: FaultView;
  /** Applies `fault` to every request of `service` (optionally only to one ARC endpoint). */
  set(service: AwsService, fault: AwsApiFault | null, arcEndpointIndex?: number): void;
  regionDown(region: string, down: boolean): void;
  clear(): void;
}

export function faultSwitch(): FaultSwitch {
  const apiFaults = new Map<string, AwsApiFault>();
  const down = new Set<string>();
  const key = (service: AwsService, index?: number) => `${service}/${index ?? '*'}`;
  return {
    view: {
      awsApiFault: (service, caller, index) => {
        if (caller.region !== undefined && down.has(caller.region)) return { kind: 'down' };
        return apiFaults.get(key(service, index)) ?? apiFaults.get(key(service)) ?? null;
      },
      appFault: () => null,
      regionDown: (region) => down.has(region),
      databaseCut: () => false,
    },
    set: (service, fault, index) => {
      if (fault) apiFaults.set(key(service, index), fault);
      else apiFaults.delete(key(service, index));
    },
    regionDown: (region, isDown) => {
      if (isDown) down.add(region);
      else down.delete(region);
    },
    clear: () => {
      apiFaults.clear();
      down.clear();
    },
  };
}

/** Polls `check` until it returns a defined value, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
