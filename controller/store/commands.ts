import type { Millis } from '../../kernel/time.js';
import type { Command } from '../domain/types.js';
import { requireText } from './validate.js';
import { num, optionalJson, optionalNumber, optionalString, requiredJson, requiredNumber, requiredString, str } from './attributes.js';
import { canonicalJson } from './canonical-json.js';
import { ConflictError, StoreError } from './errors.js';
import { assign, type Fence } from './fence.js';
import type { Keys } from './keys.js';
import type { CommandRecord, CommandStatus, CommandStore, Lease } from './state-store.js';
import type { Item, Table } from './table.js';

/**
 * The operator command queue: one item per command in one partition. Submitting needs no lease;
 * taking and deciding are fenced, so a replica that lost the lease cannot consume commands.
 *
 * `listOpen` reads the whole partition; operator commands are few (a handful per incident).
 */
export class DynamoCommandStore implements CommandStore {
  constructor(
    private readonly table: Table,
    private readonly keys: Keys,
    private readonly fence: Fence,
  ) {}

  async submit(command: Command, now: Millis): Promise<CommandRecord> {
    validateCommandId(command.id);
    const key = this.keys.command(command.id);
    const commandJson = canonicalJson(command);
    const written = await this.table.put(
      { pk: str(key.pk), sk: str(key.sk), command: str(commandJson), status: str('pending'), submittedAt: num(now), fenceToken: num(0) },
      { expression: 'attribute_not_exists(pk)' },
    );
    const stored = await this.get(command.id);
    if (!stored) throw new StoreError(`command "${command.id}" vanished right after it was submitted`, { context: { id: command.id } });
    if (!written && canonicalJson(stored.command) !== commandJson) {
      throw new ConflictError(`another command with id "${command.id}" was already submitted; use a new id`, { context: { id: command.id } });
    }
    return stored;
  }

  async get(id: string): Promise<CommandRecord | undefined> {
    validateCommandId(id);
    const item = await this.table.get(this.keys.command(id));
    return item && toRecord(item);
  }

  async listOpen(): Promise<CommandRecord[]> {
    const records = (await this.table.query(this.keys.commandsPartition())).map(toRecord);
    return records
      .filter((record) => record.status === 'pending' || record.status === 'taken')
      .sort((a, b) => a.submittedAt - b.submittedAt || a.command.id.localeCompare(b.command.id));
  }

  async take(lease: Lease, id: string, now: Millis): Promise<CommandRecord | undefined> {
    validateCommandId(id);
    const result = await this.fence.update(lease, now, this.keys.command(id), assign({ status: 'taken', takenBy: lease.holder, takenAt: now }), {
      // With the fence (fenceToken <= ours): pending, or taken under an older or our own token.
      expression: 'attribute_exists(pk) AND #status IN (:pending, :taken)',
      values: { ':pending': str('pending'), ':taken': str('taken') },
    });
    if (result.written) return toRecord(result.item);
    if (!result.current) throw new StoreError(`no command "${id}" in the queue`, { context: { id } });
    return undefined;
  }

  async decide(
    lease: Lease,
    id: string,
    decision: { status: 'done' | 'refused'; reason: string; result?: Record<string, unknown> },
    now: Millis,
  ): Promise<CommandRecord> {
    validateCommandId(id);
    requireText(decision.reason, 'reason', 'a reason an operator can read, e.g. "global outage: failover cannot help"');
    const change = assign({
      status: decision.status,
      reason: decision.reason,
      decidedAt: now,
      result: decision.result === undefined ? undefined : JSON.stringify(decision.result),
    });
    const result = await this.fence.update(lease, now, this.keys.command(id), change, {
      expression: '#status = :taken',
      values: { ':taken': str('taken') },
    });
    if (result.written) return toRecord(result.item);
    if (!result.current) throw new StoreError(`no command "${id}" in the queue`, { context: { id } });
    const current = toRecord(result.current);
    // Deciding again the same way is a retry after a lost answer.
    if (current.status === decision.status && current.reason === decision.reason) return current;
    throw new ConflictError(`command "${id}" is ${current.status}, not taken: take it before deciding it`, {
      context: { id, status: current.status },
    });
  }
}

export function toRecord(item: Item): CommandRecord {
  const takenBy = optionalString(item, 'takenBy');
  const takenAt = optionalNumber(item, 'takenAt');
  const decidedAt = optionalNumber(item, 'decidedAt');
  const reason = optionalString(item, 'reason');
  const result = optionalJson<Record<string, unknown>>(item, 'result');
  return {
    command: requiredJson<Command>(item, 'command'),
    status: requiredString(item, 'status') as CommandStatus,
    submittedAt: requiredNumber(item, 'submittedAt'),
    ...(takenBy !== undefined && { takenBy }),
    ...(takenAt !== undefined && { takenAt }),
    ...(decidedAt !== undefined && { decidedAt }),
    ...(reason !== undefined && { reason }),
    ...(result !== undefined && { result }),
    fenceToken: optionalNumber(item, 'fenceToken') ?? 0,
  };
}

export function validateCommandId(id: string): void {
  requireText(id, 'id', 'a non-empty command id');
}
