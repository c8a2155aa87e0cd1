import type { RandomSource } from '../aws/backoff.js';
import { deadlineSignal, systemClock, type Clock } from '../../kernel/clock.js';
import { withRetry } from '../aws/retry.js';
import { describeError } from '../../kernel/errors.js';
import type { NotificationsConfig } from '../config/notifications.js';
import type { Notification } from './message.js';

/** One destination (webhook, SNS topic). `send` must give up when `signal` aborts. */
export interface NotificationSink {
  readonly name: string;
  send(notification: Notification, signal: AbortSignal): Promise<void>;
  close?(): void;
}

export interface DeliveryStats {
  sent: number;
  failed: number;
  dropped: number;
  queued: number;
}

export interface DeliveryOptions {
  policy: Pick<NotificationsConfig, 'timeout' | 'queueSize' | 'retry'>;
  clock?: Clock;
  random?: RandomSource;
  /** Told about each notification given up on (for the log). */
  onFailure?(sink: string, notification: Notification, error: string): void;
}

/**
 * A bounded queue in front of one sink, drained by one sender, so that the controller's loop only
 * ever appends. When the queue is full the oldest notification is dropped: during a long outage of
 * the destination the newest news matters most. Each attempt has a timeout; transient failures are
 * retried with capped exponential backoff and full jitter, within the per-notification budget.
 */
export class DeliveryQueue {
  private readonly queue: Notification[] = [];
  private readonly counts = { sent: 0, failed: 0, dropped: 0 };
  private readonly stopping = new AbortController();
  private draining: Promise<void> | undefined;
  private readonly clock: Clock;
  private readonly random: RandomSource;

  constructor(
    readonly sink: NotificationSink,
    private readonly options: DeliveryOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
  }

  /** Never blocks and never throws. */
  enqueue(notification: Notification): void {
    if (this.stopping.signal.aborted) {
      this.counts.dropped++;
      return;
    }
    if (this.queue.length >= this.options.policy.queueSize) {
      this.queue.shift();
      this.counts.dropped++;
    }
    this.queue.push(notification);
    this.startDraining();
  }

  stats(): DeliveryStats {
    return { ...this.counts, queued: this.queue.length };
  }

  /**
   * Stops taking notifications, lets the queue drain for up to `graceMs`, then aborts the send in
   * flight; whatever is still queued counts as dropped.
   */
  async stop(graceMs: number): Promise<void> {
    const graceEnds = this.clock.now() + graceMs;
    while (this.draining && this.clock.now() < graceEnds) {
      const wait = new AbortController();
      await Promise.race([this.draining, this.clock.sleep(graceEnds - this.clock.now(), wait.signal).catch(() => undefined)]);
      wait.abort();
    }
    this.stopping.abort();
    this.counts.dropped += this.queue.splice(0).length;
    await this.draining;
    this.sink.close?.();
  }

  private startDraining(): void {
    if (this.draining) return;
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
      // A notification enqueued after the loop saw an empty queue, but before this ran, still goes out.
      if (this.queue.length > 0 && !this.stopping.signal.aborted) this.startDraining();
    });
  }

  private async drain(): Promise<void> {
    for (let next = this.queue.shift(); next; next = this.queue.shift()) await this.deliver(next);
  }

  private async deliver(notification: Notification): Promise<void> {
    const { policy } = this.options;
    const deadlineAt = this.clock.now() + policy.retry.budget;
    try {
      await withRetry(
        async () => {
          // An attempt ends at its timeout, or at the budget's end if that comes first.
          const attemptEnds = Math.min(this.clock.now() + policy.timeout, deadlineAt);
          await this.sink.send(notification, deadlineSignal(attemptEnds, this.clock, this.stopping.signal));
        },
        {
          policy: { base: policy.retry.base, cap: policy.retry.cap, maxAttempts: policy.retry.attempts },
          deadlineAt,
          clock: this.clock,
          random: this.random,
          what: `notification to ${this.sink.name}`,
          signal: this.stopping.signal,
        },
      );
      this.counts.sent++;
    } catch (error) {
      this.counts.failed++;
      this.options.onFailure?.(this.sink.name, notification, describeError(error));
    }
  }
}
