import type { Millis } from '../../kernel/time.js';
import { num, optionalNumber, str } from './attributes.js';
import { LeaseLostError, StaleTokenError } from './errors.js';
import type { Keys } from './keys.js';
import type { Lease } from './state-store.js';
import type { Expression, Item, Key, Table } from './table.js';

export type FencedResult = { written: true; item: Item } | { written: false; current: Item | undefined };

/**
 * Fenced writes (see the guarantees in port.ts): the caller's lease must be the current one at
 * `now`, and the target item must never have been written with a higher token. The write sets the
 * item's `fenceToken` to the caller's token.
 */
export class Fence {
  constructor(
    private readonly table: Table,
    private readonly keys: Keys,
  ) {}

  /**
   * Applies `update` to `key` under the fence and `condition`. When the write does not happen
   * because a newer lease wrote the item, throws StaleTokenError; when only `condition` failed,
   * returns the item as it is for the caller to explain.
   */
  async update(lease: Lease, now: Millis, key: Key, change: Change, condition?: Expression): Promise<FencedResult> {
    await this.checkLease(lease, now);
    const fenceUpdate: Expression = {
      expression: changeExpression({ ...change, set: [...change.set, 'fenceToken = :fenceToken'] }),
      names: change.names,
      values: { ...change.values, ':fenceToken': num(lease.token) },
    };
    const fenceCondition = '(attribute_not_exists(fenceToken) OR fenceToken <= :fenceToken)';
    const item = await this.table.update(key, fenceUpdate, {
      expression: condition ? `${fenceCondition} AND (${condition.expression})` : fenceCondition,
      ...(condition?.names && { names: condition.names }),
      ...(condition?.values && { values: condition.values }),
    });
    if (item) return { written: true, item };

    const current = await this.table.get(key);
    const itemToken = current && optionalNumber(current, 'fenceToken');
    if (itemToken !== undefined && itemToken > lease.token) {
      throw new StaleTokenError(`write to ${key.pk}/${key.sk} refused: it was written under token ${itemToken}, newer than ${lease.token}`, {
        context: { holder: lease.holder, token: lease.token, itemToken, pk: key.pk, sk: key.sk },
      });
    }
    return { written: false, current };
  }

  /** Refuses unless `lease` is the stored lease (same holder and token) and unexpired at `now`. */
  async checkLease(lease: Lease, now: Millis): Promise<void> {
    const item = await this.table.get(this.keys.lease());
    const holder = item?.holder?.S;
    const token = item ? optionalNumber(item, 'token') : undefined;
    const expiresAt = item ? optionalNumber(item, 'expiresAt') : undefined;
    const context = { holder: lease.holder, token: lease.token, currentHolder: holder, currentToken: token, expiresAt, now };
    if (holder !== lease.holder || token !== lease.token) {
      throw new StaleTokenError(
        `lease token ${lease.token} of ${lease.holder} is stale: the lease is now ${holder === undefined ? 'free' : `held by ${holder}`} with token ${token ?? 0}`,
        { context },
      );
    }
    if (expiresAt === undefined || expiresAt <= now) {
      throw new LeaseLostError(`lease of ${lease.holder} (token ${lease.token}) expired at ${expiresAt ?? 0}; renew or re-acquire it`, { context });
    }
  }
}

/** The parts of an update expression: `SET` clauses, attributes to `REMOVE`, and placeholders. */
export interface Change {
  set: string[];
  remove: string[];
  names: Record<string, string>;
  values: Item;
}

/** The update expression of a change: its `SET` clauses, then its `REMOVE`s. */
export function changeExpression(change: Change): string {
  const parts = [];
  if (change.set.length > 0) parts.push(`SET ${change.set.join(', ')}`);
  if (change.remove.length > 0) parts.push(`REMOVE ${change.remove.join(', ')}`);
  return parts.join(' ');
}

/** Sets each field to its value, or removes it when the value is undefined. */
export function assign(fields: Record<string, string | number | undefined>): Change {
  const change: Change = { set: [], remove: [], names: {}, values: {} };
  for (const [name, value] of Object.entries(fields)) {
    change.names[`#${name}`] = name;
    if (value === undefined) {
      change.remove.push(`#${name}`);
    } else {
      change.set.push(`#${name} = :${name}`);
      change.values[`:${name}`] = typeof value === 'number' ? num(value) : str(value);
    }
  }
  return change;
}
