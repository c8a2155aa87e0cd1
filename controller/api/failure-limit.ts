import type { Millis } from '../../kernel/time.js';
import { MemoryAuthFailures } from '../store/auth-failures.js';
import type { AuthFailureCount, AuthFailureStore } from '../store/api-records.js';

/**
 * The limit on failed authentications per client address, shared by every replica through the
 * state store: past `limit` failures in a fixed window, the address is refused (429) until the
 * window ends, whichever replica it asks. Every failure is also counted in this replica's memory,
 * and that count keeps limiting when the store cannot be reached: an outage of the store makes the
 * limit per replica again, never absent.
 */
export class FailureLimit {
  private readonly local = new MemoryAuthFailures();

  constructor(
    private readonly shared: AuthFailureStore,
    private readonly limit: number,
    private readonly windowMs: Millis,
    /** Told when the store did not answer and the local count decided alone. */
    private readonly onStoreError: (error: unknown) => void,
  ) {}

  /** Milliseconds until `client` may try again; 0 when it is not limited. */
  async blockedFor(client: string, now: Millis): Promise<Millis> {
    const local = this.wait(await this.local.read(client, now, this.windowMs), now);
    if (local > 0) return local;
    return this.wait(await this.fromStore(() => this.shared.read(client, now, this.windowMs)), now);
  }

  async recordFailure(client: string, now: Millis): Promise<void> {
    await this.local.record(client, now, this.windowMs);
    await this.fromStore(() => this.shared.record(client, now, this.windowMs));
  }

  private wait(count: AuthFailureCount | undefined, now: Millis): Millis {
    return count && count.failures >= this.limit ? count.windowEndsAt - now : 0;
  }

  private async fromStore(call: () => Promise<AuthFailureCount>): Promise<AuthFailureCount | undefined> {
    try {
      return await call();
    } catch (error) {
      this.onStoreError(error);
      return undefined;
    }
  }
}
