import type { Millis } from '../../kernel/time.js';
import type { Topology } from '../domain/types.js';
import { num, optionalNumber, requiredJson, requiredNumber } from './attributes.js';
import { VersionConflictError } from './errors.js';
import { assign, type Fence } from './fence.js';
import type { Keys } from './keys.js';
import type { Lease, TopologyStore, VersionedTopology } from './state-store.js';
import type { Item, Table } from './table.js';
import { requireNumber } from './validate.js';

/**
 * The topology as one item `{ data (JSON), version, fenceToken, updatedAt }`. A claim may create
 * the item with only a fence token, before any topology exists; such an item reads as absent.
 */
export class DynamoTopologyStore implements TopologyStore {
  constructor(
    private readonly table: Table,
    private readonly keys: Keys,
    private readonly fence: Fence,
  ) {}

  async read(): Promise<VersionedTopology | undefined> {
    const item = await this.table.get(this.keys.topology());
    return item && toVersioned(item);
  }

  async write(lease: Lease, topology: Topology, expectedVersion: number, now: Millis): Promise<VersionedTopology> {
    requireNumber(expectedVersion, 'expectedVersion', 'the topology version that was read (0: none stored yet)', { min: 0, integer: true });
    const change = assign({ data: JSON.stringify(topology), version: expectedVersion + 1, updatedAt: now });
    const condition =
      expectedVersion === 0
        ? { expression: 'attribute_not_exists(#data)' }
        : { expression: '#version = :expectedVersion', values: { ':expectedVersion': num(expectedVersion) } };
    const result = await this.fence.update(lease, now, this.keys.topology(), change, condition);
    if (result.written) return toVersioned(result.item) as VersionedTopology;
    const stored = result.current ? (optionalNumber(result.current, 'version') ?? 0) : 0;
    throw new VersionConflictError(`topology changed since version ${expectedVersion} was read (now version ${stored}); re-read it and decide again`, {
      context: { expectedVersion, storedVersion: stored },
    });
  }

  async claim(lease: Lease, now: Millis): Promise<VersionedTopology | undefined> {
    const result = await this.fence.update(lease, now, this.keys.topology(), { set: [], remove: [], names: {}, values: {} });
    return result.written ? toVersioned(result.item) : undefined;
  }
}

function toVersioned(item: Item): VersionedTopology | undefined {
  if (item.data === undefined) return undefined;
  return {
    topology: requiredJson<Topology>(item, 'data'),
    version: requiredNumber(item, 'version'),
    fenceToken: optionalNumber(item, 'fenceToken') ?? 0,
    updatedAt: requiredNumber(item, 'updatedAt'),
  };
}
