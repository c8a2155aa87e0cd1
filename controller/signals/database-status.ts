import type { Clock } from '../../kernel/clock.js';
import type { Millis } from '../../kernel/time.js';
import type { DatabaseStatus } from '../domain/types.js';
import type { GlobalDatabase } from '../ports.js';

export interface DatabaseStatusReaderOptions {
  database: GlobalDatabase;
  clock: Clock;
  /** Longest a read may take, retries included. */
  timeout: Millis;
}

/**
 * The database signal: the global cluster's writer, transition state, writer reachability and lag
 * per secondary, read within `timeout`. A failed read rejects: the replica keeps its last status
 * (the engine then sees the writer's signal go stale, unknown, never failed) and learns from the
 * error whether its own credentials were refused.
 */
export class DatabaseStatusReader {
  constructor(private readonly options: DatabaseStatusReaderOptions) {}

  read(): Promise<DatabaseStatus> {
    const { database, clock, timeout } = this.options;
    return database.status({ deadlineAt: clock.now() + timeout });
  }
}
