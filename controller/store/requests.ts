import { num, optionalNumber, optionalString, requiredNumber, requiredString, str } from './attributes.js';
import { canonicalJson } from './canonical-json.js';
import { ConflictError, StoreError } from './errors.js';
import type { Keys } from './keys.js';
import { toRecord, validateCommandId } from './commands.js';
import { assign, changeExpression } from './fence.js';
import type { CommandRecord, CommandStatus } from './state-store.js';
import type { ApprovalRequest, FlipCommand, RequestDecision, RequestStatus, RequestStore } from './api-records.js';
import type { Item, Table } from './table.js';
import { requireText } from './validate.js';

/**
 * Approval requests (two-person rule): each is its command's item in the command queue, held back
 * as `awaiting-approval`; approving or rejecting it is one conditional write on that item
 * (`awaiting-approval` -> `pending` | `rejected`), so exactly one decision wins and only an
 * approved command can ever be taken by the lease holder.
 */
export class DynamoRequestStore implements RequestStore {
  constructor(
    private readonly table: Table,
    private readonly keys: Keys,
  ) {}

  async create(request: ApprovalRequest): Promise<ApprovalRequest> {
    validateCommandId(request.id);
    if (request.command.id !== request.id) throw new ConflictError(`a request carries its command under its own id ("${request.id}"), not "${request.command.id}"`, { context: { id: request.id } });
    if (request.status !== 'pending') throw new ConflictError(`a request is created pending, not ${request.status}`, { context: { id: request.id } });
    const key = this.keys.command(request.id);
    const written = await this.table.put(
      {
        pk: str(key.pk),
        sk: str(key.sk),
        command: str(canonicalJson(request.command)),
        status: str('awaiting-approval'),
        submittedAt: num(request.createdAt),
        fenceToken: num(0),
        requestedBy: str(request.requestedBy),
        expiresAt: num(request.expiresAt),
      },
      { expression: 'attribute_not_exists(pk)' },
    );
    if (!written) throw new ConflictError(`another request or command with id "${request.id}" exists; use a new id`, { context: { id: request.id } });
    return request;
  }

  async get(id: string): Promise<ApprovalRequest | undefined> {
    validateCommandId(id);
    const item = await this.table.get(this.keys.command(id));
    return item && isRequest(item) ? toRequest(item) : undefined;
  }

  async list(): Promise<ApprovalRequest[]> {
    const items = await this.table.query(this.keys.commandsPartition());
    return items.filter(isRequest).map(toRequest).sort((a, b) => b.createdAt - a.createdAt || a.id.localeCompare(b.id));
  }

  async decide(id: string, decision: RequestDecision): Promise<{ request: ApprovalRequest; command: CommandRecord }> {
    validateCommandId(id);
    requireText(decision.decidedBy, 'decidedBy', 'who decided');
    const current = await this.get(id);
    if (!current) throw new StoreError(`no request "${id}"`, { context: { id } });
    const approved = decision.status === 'approved';
    const command = approved ? { ...current.command, actor: `${current.requestedBy} (approved by ${decision.decidedBy})` } : current.command;
    const change = assign({
      status: approved ? 'pending' : 'rejected',
      command: canonicalJson(command),
      decidedBy: decision.decidedBy,
      decidedAt: decision.decidedAt,
      note: decision.note,
    });
    // The one transition: still awaiting, not expired, and (to approve) not the requester.
    const condition = {
      expression: `#status = :awaiting AND #expiresAt >= :decidedAt${approved ? ' AND #requestedBy <> :decidedBy' : ''}`,
      names: { '#status': 'status', '#expiresAt': 'expiresAt', ...(approved && { '#requestedBy': 'requestedBy' }) },
      values: { ':awaiting': str('awaiting-approval'), ':decidedAt': num(decision.decidedAt), ...(approved && { ':decidedBy': str(decision.decidedBy) }) },
    };
    const updated = await this.table.update(this.keys.command(id), { expression: changeExpression(change), names: change.names, values: change.values }, condition);
    if (updated) return { request: toRequest(updated), command: toRecord(updated) };
    const now = await this.get(id);
    const why =
      now?.status !== 'pending'
        ? `is already ${now?.status ?? 'gone'}${now?.decidedBy ? ` by ${now.decidedBy}` : ''}`
        : decision.decidedAt > now.expiresAt
          ? `expired at ${new Date(now.expiresAt).toISOString()}`
          : `was requested by ${now.requestedBy}, who cannot approve it (two-person rule)`;
    throw new ConflictError(`request "${id}" ${why}`, { context: { id, status: now?.status } });
  }
}

const isRequest = (item: Item): boolean => item.requestedBy !== undefined;

const REQUEST_STATUS: Partial<Record<CommandStatus, RequestStatus>> = { 'awaiting-approval': 'pending', rejected: 'rejected' };

function toRequest(item: Item): ApprovalRequest {
  const record = toRecord(item);
  const decidedBy = optionalString(item, 'decidedBy');
  const decidedAt = optionalNumber(item, 'decidedAt');
  const note = optionalString(item, 'note');
  return {
    id: record.command.id,
    command: record.command as FlipCommand,
    requestedBy: requiredString(item, 'requestedBy'),
    createdAt: record.submittedAt,
    expiresAt: requiredNumber(item, 'expiresAt'),
    status: REQUEST_STATUS[record.status] ?? 'approved',
    ...(decidedBy !== undefined && { decidedBy }),
    ...(decidedAt !== undefined && { decidedAt }),
    ...(note !== undefined && { note }),
  };
}

