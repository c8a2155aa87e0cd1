import { randomBytes } from 'node:crypto';
import type { Millis } from '../../kernel/time.js';
import { InputError } from '../../kernel/errors.js';
import { json, requiredJson, str } from './attributes.js';
import { ConflictError } from './errors.js';
import { pad, type Keys } from './keys.js';
import type { ChangeRecord, ChangeStart, ChangeStore } from './api-records.js';
import type { Table } from './table.js';
import { requireNumber, requireText } from './validate.js';

const START_WIDTH = 15;
const changeId = (startedAt: Millis) => `chg-${pad(startedAt, START_WIDTH)}-${randomBytes(4).toString('hex')}`;

/**
 * Infrastructure changes as rollouts register them, one item per change in one partition. Ids start
 * with the start time, so the changes of the last half hour are one range query.
 */
export class DynamoChangeStore implements ChangeStore {
  constructor(
    private readonly table: Table,
    private readonly keys: Keys,
  ) {}

  async start(change: ChangeStart): Promise<ChangeRecord> {
    requireText(change.stack, 'stack', 'the Pulumi stack applied');
    requireText(change.commit, 'commit', 'the commit applied');
    requireNumber(change.startedAt, 'startedAt', 'the start time in ms', { min: 0, integer: true });
    if (change.regions.length === 0) throw new InputError('a change names the regions it changes', ['regions: got none']);
    const record: ChangeRecord = { id: changeId(change.startedAt), ...change };
    const key = this.keys.change(record.id);
    const written = await this.table.put({ pk: str(key.pk), sk: str(key.sk), data: json(record) }, { expression: 'attribute_not_exists(pk)' });
    if (!written) throw new ConflictError(`change id ${record.id} is taken; register the change again`);
    return record;
  }

  async finish(id: string, end: { at: Millis; outcome: 'applied' | 'failed' }): Promise<ChangeRecord> {
    const change = await this.get(id);
    if (!change) throw new InputError(`no change "${id}"`, ['id: register the change first (POST /v1/changes)']);
    if (end.at < change.startedAt) throw new InputError(`the finish at ${end.at} is before the change started (${change.startedAt})`, ['at: a time at or after the start']);
    const finished: ChangeRecord = { ...change, finishedAt: end.at, outcome: end.outcome };
    const key = this.keys.change(id);
    // Only the unfinished record may be replaced: a change ends once.
    const written = await this.table.put(
      { pk: str(key.pk), sk: str(key.sk), data: json(finished), finished: str(end.outcome) },
      { expression: 'attribute_exists(pk) AND attribute_not_exists(#finished)', names: { '#finished': 'finished' } },
    );
    if (!written) throw new ConflictError(`change ${id} has already finished`);
    return finished;
  }

  async get(id: string): Promise<ChangeRecord | undefined> {
    const item = await this.table.get(this.keys.change(id));
    return item && requiredJson<ChangeRecord>(item, 'data');
  }

  async listSince(since: Millis): Promise<ChangeRecord[]> {
    const items = await this.table.query(this.keys.changesPartition(), { skFrom: `chg-${pad(Math.max(0, since), START_WIDTH)}` });
    return items.map((item) => requiredJson<ChangeRecord>(item, 'data'));
  }
}
