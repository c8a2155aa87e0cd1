import type { Clock } from '../../kernel/clock.js';
import type { Millis } from '../../kernel/time.js';
import { describeError, FcpError } from '../../kernel/errors.js';
import type { Logger } from '../../kernel/logging.js';
import { LeaseLostError } from '../store/errors.js';
import type { Lease, LeaseStore } from '../store/state-store.js';

/** Why a holding ended: carried by its signal's `reason`, so a stopped plan says why. */
export class HoldingEndedError extends FcpError {}

/**
 * One holding of the lease (from acquire to loss or release): the lease, renewed in place, and a
 * signal that aborts when the holding ends, so a plan running under it stops calling AWS before
 * another replica may take the lease.
 */
class Holding {
  private readonly ended = new AbortController();
  private timer: NodeJS.Timeout | undefined;

  constructor(public lease: Lease) {}

  get signal(): AbortSignal {
    return this.ended.signal;
  }

  /** Ends the holding at `at` (by `clock`) unless it is re-armed by a renewal first. */
  arm(at: Millis, clock: Clock): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.end(`lease of ${this.lease.holder} (token ${this.lease.token}) not renewed in time`), Math.max(0, at - clock.now()));
    this.timer.unref();
  }

  end(reason: string): void {
    clearTimeout(this.timer);
    if (!this.ended.signal.aborted) this.ended.abort(new HoldingEndedError(reason, { context: { holder: this.lease.holder, token: this.lease.token } }));
  }
}

export interface LeaseKeeperDeps {
  store: LeaseStore;
  /** This process's holder name (unique per process). */
  holder: string;
  ttlMs: Millis;
  clock: Clock;
  log: Logger;
}

export type KeepResult =
  /** A new holding: the caller takes over (fences the store, resumes what is unfinished). */
  | { kind: 'acquired'; lease: Lease; unclaimedHandover: boolean }
  | { kind: 'held'; lease: Lease }
  | { kind: 'none' };

/**
 * Keeps this replica's lease: renews a holding, acquires a free one when allowed, hands it over,
 * and ends a holding locally a margin before it expires in the store (the margin is what keeps an
 * old holder's last AWS call from overlapping a new holder's first).
 */
export class LeaseKeeper {
  private holding: Holding | undefined;
  /** Until then this replica does not acquire: it handed the lease to a replica that can act. */
  private standAsideUntil = Number.NEGATIVE_INFINITY;
  /** The token of the last holding this replica handed over, to tell whether anybody took it. */
  private handedOverToken: number | undefined;
  private readonly marginMs: Millis;

  constructor(private readonly deps: LeaseKeeperDeps) {
    this.marginMs = Math.min(2000, Math.max(200, deps.ttlMs / 5));
  }

  /** The lease while this replica holds it and may act (unexpired, with the margin). */
  current(): Lease | undefined {
    const holding = this.holding;
    if (!holding || holding.signal.aborted || holding.lease.expiresAt - this.marginMs <= this.deps.clock.now()) return undefined;
    return holding.lease;
  }

  /** Aborts when the current holding ends; undefined without one. */
  get signal(): AbortSignal | undefined {
    return this.holding?.signal;
  }

  /** The lease as last held, even if it may have lapsed (for `status`). */
  get last(): Lease | undefined {
    return this.holding?.lease;
  }

  standingAside(now: Millis): boolean {
    return now < this.standAsideUntil;
  }

  /**
   * Renews the holding, or acquires the lease when `mayAcquire` and this replica is not standing
   * aside. Store errors propagate (the caller treats the store as unreachable and calls `lapse`).
   */
  async keep(now: Millis, mayAcquire: boolean): Promise<KeepResult> {
    const { store, holder, ttlMs, clock, log } = this.deps;
    const held = this.current();
    if (held) {
      try {
        const renewed = await store.renew(held, now);
        this.holding!.lease = renewed;
        this.holding!.arm(renewed.expiresAt - this.marginMs, clock);
        return { kind: 'held', lease: renewed };
      } catch (error) {
        if (!(error instanceof LeaseLostError)) throw error;
        log.warn({ err: describeError(error) }, 'lease lost');
        this.end('lease lost: it could not be renewed');
      }
    } else if (this.holding) {
      this.end('lease lapsed before it was renewed');
    }
    if (!mayAcquire || this.standingAside(now)) return { kind: 'none' };
    const result = await store.acquire(holder, ttlMs, now);
    if (!result.acquired) return { kind: 'none' };
    const holding = new Holding(result.lease);
    holding.arm(result.lease.expiresAt - this.marginMs, clock);
    this.holding = holding;
    // Nobody took the lease this replica handed over: no other replica can act, so this one must.
    const unclaimedHandover = this.handedOverToken !== undefined && result.lease.token === this.handedOverToken + 1;
    this.handedOverToken = undefined;
    log.info({ fencingToken: result.lease.token }, 'lease acquired: this replica now decides and acts');
    return { kind: 'acquired', lease: result.lease, unclaimedHandover };
  }

  /** The store is unreachable: the holding ends once it may have expired (minus the margin). */
  lapse(now: Millis): void {
    if (this.holding && !this.holding.signal.aborted && this.holding.lease.expiresAt - this.marginMs <= now) this.end('lease expired while the state store was unreachable');
  }

  /**
   * Gives the lease to another replica: ends the holding, releases the lease in the store, and
   * stands aside for `forMs` so that a replica able to act can take it.
   */
  async handOver(reason: string, forMs: Millis): Promise<void> {
    const holding = this.holding;
    if (!holding) return;
    this.handedOverToken = holding.lease.token;
    this.standAsideUntil = this.deps.clock.now() + forMs;
    this.end(`handed over: ${reason}`);
    await this.deps.store.release(holding.lease).catch(() => false);
  }

  /** Gives the lease up for good (credentials refused, shutdown). */
  async release(reason: string): Promise<void> {
    const holding = this.holding;
    if (!holding) return;
    this.end(reason);
    this.holding = undefined;
    await this.deps.store.release(holding.lease).catch(() => false);
  }

  private end(reason: string): void {
    this.holding?.end(reason);
  }
}
