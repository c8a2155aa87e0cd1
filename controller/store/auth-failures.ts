import type { Millis } from '../../kernel/time.js';
import { num, requiredNumber } from './attributes.js';
import { EXPIRES_AT, expiresAt, isExpired } from './expiry.js';
import type { Keys } from './keys.js';
import type { AuthFailureCount, AuthFailureStore } from './api-records.js';
import type { Table } from './table.js';
import { requireNumber, requireText } from './validate.js';

/**
 * Failed API authentications per client address, shared by every replica: one item per address and
 * fixed window, counted by an atomic ADD, so guesses spread over several replicas meet one limit.
 * The window is part of the key, so a new window starts from zero without a reset; the items carry
 * an expiry for DynamoDB TTL to clean up.
 */
export class DynamoAuthFailureStore implements AuthFailureStore {
  constructor(
    private readonly table: Table,
    private readonly keys: Keys,
  ) {}

  async record(client: string, now: Millis, windowMs: Millis): Promise<AuthFailureCount> {
    const window = this.window(client, now, windowMs);
    const item = await this.table.update(window.key, {
      expression: 'ADD #failures :one SET #expires = :expires',
      names: { '#failures': 'failures', '#expires': EXPIRES_AT },
      values: { ':one': num(1), ':expires': expiresAt(window.endsAt) },
    });
    // Unconditional, so the update always answers with the new item.
    return { failures: requiredNumber(item!, 'failures'), windowEndsAt: window.endsAt };
  }

  async read(client: string, now: Millis, windowMs: Millis): Promise<AuthFailureCount> {
    const window = this.window(client, now, windowMs);
    const item = await this.table.get(window.key);
    const failures = item && !isExpired(item, now) ? requiredNumber(item, 'failures') : 0;
    return { failures, windowEndsAt: window.endsAt };
  }

  private window(client: string, now: Millis, windowMs: Millis) {
    requireText(client, 'client', 'a client address');
    const window = fixedWindow(now, windowMs);
    return { key: this.keys.authFailures(client, window.startsAt), endsAt: window.endsAt };
  }
}

/** The fixed window holding `now`: windows start at whole multiples of `windowMs`, alike on every replica. */
function fixedWindow(now: Millis, windowMs: Millis): { startsAt: Millis; endsAt: Millis } {
  requireNumber(windowMs, 'windowMs', 'a positive whole number of milliseconds', { min: 0, integer: true, exclusiveMin: true });
  const startsAt = Math.floor(now / windowMs) * windowMs;
  return { startsAt, endsAt: startsAt + windowMs };
}

/**
 * The same count in one replica's memory: what still limits guessing on that replica when the
 * state store cannot be reached.
 */
export class MemoryAuthFailures implements AuthFailureStore {
  private readonly windows = new Map<string, { endsAt: Millis; failures: number }>();

  async record(client: string, now: Millis, windowMs: Millis): Promise<AuthFailureCount> {
    // Many guessing addresses must not grow the map without bound: drop ended windows now and then.
    if (this.windows.size > 10_000) for (const [address, entry] of this.windows) if (entry.endsAt <= now) this.windows.delete(address);
    // No await between reading and writing the count: concurrent failures each count.
    const current = this.current(client, now, windowMs);
    const entry = { endsAt: current.windowEndsAt, failures: current.failures + 1 };
    this.windows.set(client, entry);
    return { failures: entry.failures, windowEndsAt: entry.endsAt };
  }

  async read(client: string, now: Millis, windowMs: Millis): Promise<AuthFailureCount> {
    return this.current(client, now, windowMs);
  }

  private current(client: string, now: Millis, windowMs: Millis): AuthFailureCount {
    const { endsAt } = fixedWindow(now, windowMs);
    const entry = this.windows.get(client);
    return { failures: entry?.endsAt === endsAt ? entry.failures : 0, windowEndsAt: endsAt };
  }
}
