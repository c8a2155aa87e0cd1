import type { Millis } from '../../domain/time.js';
import { num, optionalJson, optionalNumber, optionalString, requiredJson, requiredNumber, requiredString, str } from './attributes.js';
import { canonicalJson } from './canonical-json.js';
import { ConflictError, StoreError } from './errors.js';
import type { Keys } from './keys.js';
import type { ApprovalRequest, IdempotencyRecord, RequestDecision, RequestStatus, RequestStore, StoredResponse } from './port.js';
import type { Item, Table } from './table.js';
import { requireText } from './validate.js';

/**
 * Two things the HTTP API keeps durably so that every replica answers alike:
 * - approval requests (two-person rule), one item per request in one partition: created pending,
 *   then decided once by a conditional write on `status = pending`;
 * - idempotency records, one item per `Idempotency-Key`: claimed before the call runs (so two
 *   concurrent calls with one key cannot both run), then completed with the response to replay.
 */
export class DynamoRequestStore implements RequestStore {
  constructor(
    private readonly table: Table,
    private readonly keys: Keys,
  ) {}

  async create(request: ApprovalRequest): Promise<ApprovalRequest> {
    requireText(request.id, 'id', 'a non-empty request id');
    if (request.status !== 'pending') throw new ConflictError(`a request is created pending, not ${request.status}`, { context: { id: request.id } });
    const key = this.keys.request(request.id);
    const written = await this.table.put(
      { pk: str(key.pk), sk: str(key.sk), status: str('pending'), createdAt: num(request.createdAt), data: str(canonicalJson(request)) },
      { expression: 'attribute_not_exists(pk)' },
    );
    if (!written) throw new ConflictError(`another request with id "${request.id}" exists; use a new id`, { context: { id: request.id } });
    return request;
  }

  async get(id: string): Promise<ApprovalRequest | undefined> {
    requireText(id, 'id', 'a non-empty request id');
    const item = await this.table.get(this.keys.request(id));
    return item && toRequest(item);
  }

  async list(): Promise<ApprovalRequest[]> {
    const items = await this.table.query(this.keys.requestsPartition());
    return items.map(toRequest).sort((a, b) => b.createdAt - a.createdAt || a.id.localeCompare(b.id));
  }

  async decide(id: string, decision: RequestDecision): Promise<ApprovalRequest> {
    requireText(decision.decidedBy, 'decidedBy', 'who decided');
    const current = await this.get(id);
    if (!current) throw new StoreError(`no request "${id}"`, { context: { id } });
    const decided: ApprovalRequest = { ...current, ...decision };
    const key = this.keys.request(id);
    const updated = await this.table.update(
      key,
      { expression: 'SET #status = :status, #data = :data', names: { '#status': 'status', '#data': 'data' }, values: { ':status': str(decision.status), ':data': str(canonicalJson(decided)) } },
      { expression: '#status = :pending', names: { '#status': 'status' }, values: { ':pending': str('pending') } },
    );
    if (!updated) {
      const now = await this.get(id);
      throw new ConflictError(`request "${id}" is already ${now?.status ?? 'gone'}`, { context: { id, status: now?.status } });
    }
    return toRequest(updated);
  }

  async claimKey(key: string, fingerprint: string, now: Millis, staleAfterMs: Millis): Promise<{ claimed: true } | { claimed: false; record: IdempotencyRecord }> {
    requireText(key, 'Idempotency-Key', 'a non-empty key');
    const itemKey = this.keys.idempotency(key);
    const written = await this.table.put(
      { pk: str(itemKey.pk), sk: str(itemKey.sk), fingerprint: str(fingerprint), claimedAt: num(now) },
      { expression: 'attribute_not_exists(pk)' },
    );
    if (written) return { claimed: true };
    const item = await this.table.get(itemKey);
    if (!item) throw new StoreError(`idempotency key "${key}" vanished`, { context: { key } });
    const record = toIdempotency(key, item);
    // A claim never answered (its call failed or its replica died) is taken over once stale, by one caller.
    if (!record.response && record.fingerprint === fingerprint && now - record.claimedAt >= staleAfterMs) {
      const taken = await this.table.update(
        itemKey,
        { expression: 'SET #claimedAt = :now', names: { '#claimedAt': 'claimedAt' }, values: { ':now': num(now) } },
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

function toRequest(item: Item): ApprovalRequest {
  const request = requiredJson<ApprovalRequest>(item, 'data');
  return { ...request, status: requiredString(item, 'status') as RequestStatus, createdAt: requiredNumber(item, 'createdAt') };
}

function toIdempotency(key: string, item: Item): IdempotencyRecord {
  const response = optionalJson<StoredResponse>(item, 'response');
  const fingerprint = optionalString(item, 'fingerprint');
  return { key, claimedAt: optionalNumber(item, 'claimedAt') ?? 0, ...(fingerprint !== undefined && { fingerprint }), ...(response && { response }) };
}
