import type { Millis } from '../../kernel/time.js';
import { num, optionalJson, optionalNumber, optionalString, str } from './attributes.js';
import { StoreError } from './errors.js';
import { EXPIRES_AT, expiredBy, expiresAt } from './expiry.js';
import type { Keys } from './keys.js';
import type { IdempotencyRecord, IdempotencyStore, StoredResponse } from './api-records.js';
import type { Item, Table } from './table.js';
import { requireNumber, requireText } from './validate.js';

/**
 * Idempotency records of the HTTP API, one item per `Idempotency-Key`: claimed before the call runs
 * (so two concurrent calls with one key cannot both run), then completed with the response to replay.
 * Each expires `ttlMs` after its claim: an expired record is claimed over as if it were absent.
 */
export class DynamoIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly table: Table,
    private readonly keys: Keys,
  ) {}

  async claimKey(key: string, fingerprint: string, now: Millis, timing: { staleAfterMs: Millis; ttlMs: Millis }): Promise<{ claimed: true } | { claimed: false; record: IdempotencyRecord }> {
    requireText(key, 'Idempotency-Key', 'a non-empty key');
    requireNumber(timing.ttlMs, 'ttlMs', 'a positive number of milliseconds', { min: 0, exclusiveMin: true });
    const itemKey = this.keys.idempotency(key);
    const written = await this.table.put(
      { pk: str(itemKey.pk), sk: str(itemKey.sk), fingerprint: str(fingerprint), claimedAt: num(now), [EXPIRES_AT]: expiresAt(now + timing.ttlMs) },
      // Absent or expired; a record from before records expired is judged by its claim time.
      {
        expression: 'attribute_not_exists(pk) OR #expires <= :now OR (attribute_not_exists(#expires) AND #claimedAt <= :oldest)',
        names: { '#expires': EXPIRES_AT, '#claimedAt': 'claimedAt' },
        values: { ':now': expiredBy(now), ':oldest': num(now - timing.ttlMs) },
      },
    );
    if (written) return { claimed: true };
    const item = await this.table.get(itemKey);
    if (!item) throw new StoreError(`idempotency key "${key}" vanished`, { context: { key } });
    const record = toIdempotency(key, item);
    // A claim never answered (its call failed or its replica died) is taken over once stale, by one caller.
    if (!record.response && record.fingerprint === fingerprint && now - record.claimedAt >= timing.staleAfterMs) {
      const taken = await this.table.update(
        itemKey,
        { expression: 'SET #claimedAt = :now, #expires = :expires', names: { '#claimedAt': 'claimedAt', '#expires': EXPIRES_AT }, values: { ':now': num(now), ':expires': expiresAt(now + timing.ttlMs) } },
        { expression: '#claimedAt = :seen AND attribute_not_exists(#response)', names: { '#claimedAt': 'claimedAt', '#response': 'response' }, values: { ':seen': num(record.claimedAt) } },
      );
      if (taken) return { claimed: true };
    }
    return { claimed: false, record };
  }

  async completeKey(key: string, response: StoredResponse): Promise<void> {
    const itemKey = this.keys.idempotency(key);
    await this.table.update(itemKey, { expression: 'SET #response = :response', names: { '#response': 'response' }, values: { ':response': str(JSON.stringify(response)) } }, { expression: 'attribute_exists(pk)' });
  }
}

function toIdempotency(key: string, item: Item): IdempotencyRecord {
  const response = optionalJson<StoredResponse>(item, 'response');
  const fingerprint = optionalString(item, 'fingerprint');
  return { key, claimedAt: optionalNumber(item, 'claimedAt') ?? 0, ...(fingerprint !== undefined && { fingerprint }), ...(response && { response }) };
}
