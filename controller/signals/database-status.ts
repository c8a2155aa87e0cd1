import type { Clock } from '../../kernel/clock.js';
import type { Millis } from '../../kernel/time.js';
import type { DatabaseStatus } from '../domain/types.js';
import type { GlobalDatabase } from '../ports.js';

export interface DatabaseStatusReaderOptions {
  database: GlobalDatabase;
  clock: Clock;
  /** Longest a read may take, retries included; it should be well under the tick interval. */
  timeout: Millis;
  /** Told when a read fails (the failure itself is already counted per AWS call). */
  onReadError?: (error: unknown) => void;
}

/**
 * The database signal: the global cluster's writer, transition state, writer reachability and lag
 * per secondary, read once per tick within `timeout`. A failed read gives undefined: the engine
 * then treats the database as unknown, never as failed.
 */
export class DatabaseStatusReader {
  constructor(private readonly options: DatabaseStatusReaderOptions) {}

  async read(): Promise<DatabaseStatus | undefined> {
    const { database, clock, timeout } = this.options;
    try {
      return await database.status({ deadlineAt: clock.now() + timeout });
    } catch (error) {
      this.options.onReadError?.(error);
      return undefined;
    }
  }
}

