import type { Millis } from '../../kernel/time.js';
import { num, optionalNumber } from './attributes.js';
import type { Item } from './table.js';

/**
 * The attribute that says when an item may go: epoch seconds, the form DynamoDB TTL deletes items
 * by (enable TTL on it for the table). TTL deletes late, and dynalite never, so every reader judges
 * expiry itself and treats an expired item as absent.
 */
export const EXPIRES_AT = 'expiresAtEpochSeconds';

/** The attribute value for an item that expires at `at` (rounded up to a whole second). */
export const expiresAt = (at: Millis) => num(Math.ceil(at / 1000));

/** `now` in the attribute's unit, for conditions: an item whose value is at most this has expired. */
export const expiredBy = (now: Millis) => num(Math.floor(now / 1000));

/** Whether the item has expired by `now`; an item without the attribute never does. */
export function isExpired(item: Item, now: Millis): boolean {
  const seconds = optionalNumber(item, EXPIRES_AT);
  return seconds !== undefined && seconds * 1000 <= now;
}
