import type { Millis } from '../../kernel/time.js';
import { num, optionalNumber, optionalString, requiredNumber, str } from './attributes.js';
import { LeaseLostError } from './errors.js';
import type { Keys } from './keys.js';
import type { AcquireResult, Lease, LeaseState, LeaseStore } from './state-store.js';
import type { Expression, Item, Table } from './table.js';
import { requireNumber, requireText } from './validate.js';

/** An acquire whose conditional write lost re-reads and tries again at most this many times. */
const ACQUIRE_ROUNDS = 3;

/**
 * The lease as one item `{ holder, token, expiresAt, ttlMs }`. A change of holder is a conditional
 * write on exactly the state the writer read (token and expiry), so concurrent contenders cannot
 * both win, and the token it writes is the one it read plus one. Expiry is judged from `expiresAt`
 * against the caller's `now`; DynamoDB TTL is not involved.
 */
export class DynamoLeaseStore implements LeaseStore {
  constructor(
    private readonly table: Table,
    private readonly keys: Keys,
  ) {}

  async read(): Promise<LeaseState | undefined> {
    const item = await this.table.get(this.keys.lease());
    return item && toState(item);
  }

  async acquire(holder: string, ttlMs: Millis, now: Millis): Promise<AcquireResult> {
    requireText(holder, 'holder', 'a non-empty string naming the replica');
    requireNumber(ttlMs, 'ttlMs', 'a positive number of milliseconds', { min: 0, exclusiveMin: true });
    let current = await this.read();
    for (let round = 0; round < ACQUIRE_ROUNDS; round++) {
      const live = current?.holder !== undefined && current.expiresAt > now;
      if (live && current?.holder !== holder) return { acquired: false, current: current as LeaseState };

      // Always a new token, even for the same holder: whoever held it under that name before (a
      // crashed process, the old task of a rolling deploy) is fenced out. Extending is `renew`.
      const lease: Lease = { holder, token: (current?.token ?? 0) + 1, ttlMs, expiresAt: now + ttlMs };
      const written = await this.table.put(leaseItem(this.keys, lease), unchangedSince(current));
      if (written) return { acquired: true, lease };
      current = await this.read();
    }
    return { acquired: false, current: current ?? { token: 0, expiresAt: 0 } };
  }

  async renew(lease: Lease, now: Millis): Promise<Lease> {
    const expiresAt = now + lease.ttlMs;
    const updated = await this.table.update(
      this.keys.lease(),
      { expression: 'SET expiresAt = :expiresAt', values: { ':expiresAt': num(expiresAt) } },
      {
        expression: 'holder = :holder AND #token = :token AND expiresAt > :now',
        names: { '#token': 'token' },
        values: { ':holder': str(lease.holder), ':token': num(lease.token), ':now': num(now) },
      },
    );
    if (updated) return { ...lease, expiresAt };
    const current = await this.read();
    const why =
      current?.holder === lease.holder && current.token === lease.token
        ? `it expired at ${current.expiresAt}, before the renewal at ${now}`
        : `it is now held by ${current?.holder ?? 'nobody'} with token ${current?.token ?? 0}`;
    throw new LeaseLostError(`lease of ${lease.holder} (token ${lease.token}) could not be renewed: ${why}`, {
      context: { holder: lease.holder, token: lease.token, current },
    });
  }

  async release(lease: Lease): Promise<boolean> {
    const updated = await this.table.update(
      this.keys.lease(),
      // The token stays: the next holder's token must still be higher.
      { expression: 'REMOVE holder SET expiresAt = :zero', values: { ':zero': num(0) } },
      {
        expression: 'holder = :holder AND #token = :token',
        names: { '#token': 'token' },
        values: { ':holder': str(lease.holder), ':token': num(lease.token) },
      },
    );
    return updated !== undefined;
  }
}

function leaseItem(keys: Keys, lease: Lease): Item {
  const key = keys.lease();
  return {
    pk: str(key.pk),
    sk: str(key.sk),
    holder: str(lease.holder),
    token: num(lease.token),
    expiresAt: num(lease.expiresAt),
    ttlMs: num(lease.ttlMs),
  };
}

/** The write holds only if nobody changed the lease since `state` was read. */
function unchangedSince(state: LeaseState | undefined): Expression {
  if (!state) return { expression: 'attribute_not_exists(pk)' };
  return {
    expression: '#token = :readToken AND expiresAt = :readExpiresAt',
    names: { '#token': 'token' },
    values: { ':readToken': num(state.token), ':readExpiresAt': num(state.expiresAt) },
  };
}

function toState(item: Item): LeaseState {
  const holder = optionalString(item, 'holder');
  return {
    ...(holder !== undefined && { holder }),
    token: requiredNumber(item, 'token'),
    expiresAt: optionalNumber(item, 'expiresAt') ?? 0,
  };
}
