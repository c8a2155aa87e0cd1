import { json, num, requiredJson, str } from './attributes.js';
import type { Keys } from './keys.js';
import type { ObservationStore, PublishedObservations } from './state-store.js';
import type { Table } from './table.js';
import { requireNumber, requireText } from './validate.js';

/**
 * Each replica's latest window summaries and readiness conditions, one item per replica. A publish
 * never replaces a newer one (a delayed retry arriving late), judged by the publisher's `at`.
 */
export class DynamoObservationStore implements ObservationStore {
  constructor(
    private readonly table: Table,
    private readonly keys: Keys,
  ) {}

  async publish(observations: PublishedObservations): Promise<boolean> {
    requireText(observations.replica, 'replica', 'the publishing replica (its region)');
    requireNumber(observations.at, 'at', 'the time the observations were taken, in ms', { min: 0 });
    const key = this.keys.observations(observations.replica);
    return this.table.put(
      { pk: str(key.pk), sk: str(key.sk), at: num(observations.at), data: json(observations) },
      { expression: 'attribute_not_exists(pk) OR #at <= :at', names: { '#at': 'at' }, values: { ':at': num(observations.at) } },
    );
  }

  async readAll(): Promise<PublishedObservations[]> {
    const items = await this.table.query(this.keys.observationsPartition());
    return items.map((item) => requiredJson<PublishedObservations>(item, 'data'));
  }
}
