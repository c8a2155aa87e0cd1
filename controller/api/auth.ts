import { createHash, timingSafeEqual } from 'node:crypto';
import type { Config } from '../config/schema.js';
import type { Millis } from '../../kernel/time.js';

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

/** Why a call was not authenticated; these are also the `reason` labels of the refusal metric. */
export type AuthRefusal = 'no-token' | 'bad-token' | 'expired-token';

export type TokenCheck = { ok: true; principal: Principal } | { ok: false; refusal: AuthRefusal; message: string };

/**
 * Resolves bearer tokens against the configured SHA-256 hashes. Every configured hash is compared
 * (in constant time), so neither the comparison nor the loop tells how close a guess came. A token
 * past its `notAfter` is refused as expired.
 */
export class TokenVerifier {
  private readonly entries: { principal: Principal; hash: Buffer; notAfter?: Millis }[];

  constructor(tokens: Config['api']['tokens']) {
    this.entries = tokens.map((t) => ({ principal: { name: t.name, role: t.role }, hash: Buffer.from(t.sha256, 'hex'), ...(t.notAfter !== undefined && { notAfter: t.notAfter }) }));
  }

  verify(authorization: string | undefined, now: Millis): TokenCheck {
    if (!authorization) return { ok: false, refusal: 'no-token', message: 'missing bearer token' };
    const match = /^Bearer ([^\s]+)$/i.exec(authorization.trim());
    const presented = match ? createHash('sha256').update(match[1]!, 'utf8').digest() : undefined;
    let found: (typeof this.entries)[number] | undefined;
    for (const entry of this.entries) {
      if (presented && timingSafeEqual(presented, entry.hash)) found = entry;
    }
    if (!found) return { ok: false, refusal: 'bad-token', message: 'the bearer token is not valid' };
    if (found.notAfter !== undefined && now > found.notAfter) {
      return { ok: false, refusal: 'expired-token', message: `the bearer token expired at ${new Date(found.notAfter).toISOString()}; ask for a new one` };
    }
    return { ok: true, principal: found.principal };
  }
}
