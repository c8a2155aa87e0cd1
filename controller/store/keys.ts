import type { Key } from './table.js';

export const pad = (value: number, width: number): string => String(value).padStart(width, '0');

/**
 * Where each kind of state lives in the one table. Every partition key starts with the deployment's
 * namespace, so one table can serve several deployments.
 */
export class Keys {
  constructor(private readonly namespace: string) {}

  lease(): Key {
    return { pk: `${this.namespace}#lease`, sk: 'lease' };
  }

  topology(): Key {
    return { pk: `${this.namespace}#topology`, sk: 'topology' };
  }

  /** Plan heads share one partition so that the unfinished plan can be found with one query. */
  plansPartition(): string {
    return `${this.namespace}#plans`;
  }

  planHead(planId: string): Key {
    return { pk: this.plansPartition(), sk: planId };
  }

  stepsPartition(planId: string): string {
    return `${this.namespace}#plan#${planId}`;
  }

  step(planId: string, index: number): Key {
    return { pk: this.stepsPartition(planId), sk: `step#${pad(index, 4)}` };
  }

  auditPartition(): string {
    return `${this.namespace}#audit`;
  }

  /** Zero-padded so that sort-key order is sequence order. */
  auditRecord(seq: number): Key {
    return { pk: this.auditPartition(), sk: pad(seq, 12) };
  }

  commandsPartition(): string {
    return `${this.namespace}#commands`;
  }

  command(id: string): Key {
    return { pk: this.commandsPartition(), sk: id };
  }

  observationsPartition(): string {
    return `${this.namespace}#observations`;
  }

  observations(replica: string): Key {
    return { pk: this.observationsPartition(), sk: replica };
  }

  requestsPartition(): string {
    return `${this.namespace}#requests`;
  }

  request(id: string): Key {
    return { pk: this.requestsPartition(), sk: id };
  }

  /** Idempotency keys are many and only read one at a time: one partition each. */
  idempotency(key: string): Key {
    return { pk: `${this.namespace}#idempotency#${key}`, sk: 'key' };
  }

  /** Infrastructure changes share one partition; their ids sort in start order (see `changeId`). */
  changesPartition(): string {
    return `${this.namespace}#changes`;
  }

  change(id: string): Key {
    return { pk: this.changesPartition(), sk: id };
  }

  /** Failed authentications of one client address in the fixed window starting at `windowStart`. */
  authFailures(client: string, windowStart: number): Key {
    return { pk: `${this.namespace}#auth-failures#${client}`, sk: pad(windowStart, 15) };
  }
}
