import type { Clock } from '../../../../kernel/clock.js';

/** A clock whose sleeps return at once and move time forward; it records every wait. */
export class FakeClock implements Clock {
  readonly sleeps: number[] = [];

  constructor(public current = 1_700_000_000_000) {}

  now(): number {
    return this.current;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw signal.reason;
    this.sleeps.push(ms);
    this.current += ms;
  }
}

/** A seeded random source (mulberry32): reproducible jitter. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An error shaped like the SDK's service exceptions. */
export function sdkError(name: string, httpStatusCode?: number): Error {
  const error = new Error(`${name} from the service`);
  error.name = name;
  Object.assign(error, { $metadata: { httpStatusCode, requestId: 'req-1' }, $fault: httpStatusCode && httpStatusCode >= 500 ? 'server' : 'client' });
  return error;
}

/** An error shaped like Node's network errors. */
export function networkError(code: string): Error {
  return Object.assign(new Error(`connect ${code}`), { code });
}
