import { createHash, timingSafeEqual } from 'node:crypto';
import type { Config } from '../config/schema.js';
import type { Millis } from '../domain/time.js';

export type Role = 'viewer' | 'operator' | 'approver';

/** Roles nest: each can do everything the ones before it can. */
const RANK: Record<Role, number> = { viewer: 0, operator: 1, approver: 2 };

export function roleAllows(held: Role, needed: Role): boolean {
  return RANK[held] >= RANK[needed];
}

export interface Principal {
  name: string;
  role: Role;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Resolves bearer tokens against the configured SHA-256 hashes. Every configured hash is compared
 * (in constant time), so neither the comparison nor the loop tells how close a guess came.
 */
export class TokenVerifier {
  private readonly entries: { principal: Principal; hash: Buffer }[];

  constructor(tokens: Config['api']['tokens']) {
    this.entries = tokens.map((t) => ({ principal: { name: t.name, role: t.role }, hash: Buffer.from(t.sha256, 'hex') }));
  }

  /** The token's holder, or undefined for a missing or unknown token. */
  verify(authorization: string | undefined): Principal | undefined {
    const match = /^Bearer ([^\s]+)$/i.exec(authorization?.trim() ?? '');
    if (!match) return undefined;
    const presented = createHash('sha256').update(match[1]!, 'utf8').digest();
    let found: Principal | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(presented, entry.hash)) found = entry.principal;
    }
    return found;
  }
}

/**
 * Counts failed authentications per client address in a fixed window; past the limit the address
 * is refused (429) until its window ends, so tokens cannot be guessed at speed.
 */
export class FailureLimiter {
  private readonly windows = new Map<string, { start: Millis; failures: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: Millis,
  ) {}

  /** Milliseconds until `client` may try again; 0 when it is not limited. */
  blockedFor(client: string, now: Millis): Millis {
    const entry = this.current(client, now);
    return entry && entry.failures >= this.limit ? entry.start + this.windowMs - now : 0;
  }

  recordFailure(client: string, now: Millis): void {
    // Many guessing addresses must not grow the map without bound: drop ended windows now and then.
    if (this.windows.size > 10_000) for (const address of [...this.windows.keys()]) this.current(address, now);
    const entry = this.current(client, now) ?? { start: now, failures: 0 };
    entry.failures += 1;
    this.windows.set(client, entry);
  }

  private current(client: string, now: Millis) {
    const entry = this.windows.get(client);
    if (entry && now - entry.start >= this.windowMs) {
      this.windows.delete(client);
      return undefined;
    }
    return entry;
  }
}
