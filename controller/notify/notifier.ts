import type { Config } from '../config/schema.js';
import type { Assessment, Decision } from '../domain/types.js';
import type { ExecutorEvent } from '../executor/executor.js';
import type { Logger } from '../../kernel/logging.js';
import type { NotificationsConfig } from '../config/notifications.js';
import { DeliveryQueue, type DeliveryOptions, type DeliveryStats, type NotificationSink } from './delivery.js';
import { announceExecutorEvent, DecisionAnnouncer, type Notification } from './message.js';
import { SnsSink, snsClient } from './sns.js';
import { WebhookSink } from './webhook.js';

export interface NotifierStats extends DeliveryStats {
  /** The same counts per destination. */
  sinks: Record<string, DeliveryStats>;
}

/**
 * Announces a replica's decisions and plan progress to every configured destination. Its hooks
 * are the replica's `onDecision` / `onExecutorEvent` callbacks: they only append to per-destination
 * queues, so a slow or hung destination never holds up the control loop, nor the other destinations.
 */
export class Notifier {
  private readonly queues: DeliveryQueue[];
  private readonly decisions: DecisionAnnouncer;

  constructor(
    private readonly source: string,
    sinks: readonly NotificationSink[],
    options: DeliveryOptions,
  ) {
    this.queues = sinks.map((sink) => new DeliveryQueue(sink, options));
    this.decisions = new DecisionAnnouncer(source);
  }

  /** For `startReplica(config, region, { ...notifier.hooks() })`. */
  hooks(): { onDecision(decision: Decision, assessment: Assessment): void; onExecutorEvent(event: ExecutorEvent): void } {
    return {
      onDecision: (decision, assessment) => this.publish(this.decisions.announce(decision, assessment)),
      onExecutorEvent: (event) => this.publish(announceExecutorEvent(event, this.source)),
    };
  }

  publish(notification: Notification | undefined): void {
    if (!notification) return;
    for (const queue of this.queues) queue.enqueue(notification);
  }

  stats(): NotifierStats {
    const sinks = Object.fromEntries(this.queues.map((q) => [q.sink.name, q.stats()]));
    const total = (key: keyof DeliveryStats) => Object.values(sinks).reduce((sum, s) => sum + s[key], 0);
    return { sent: total('sent'), failed: total('failed'), dropped: total('dropped'), queued: total('queued'), sinks };
  }

  /** Gives queued notifications up to `graceMs` to go out, then stops. */
  async stop(graceMs = 2000): Promise<void> {
    await Promise.all(this.queues.map((q) => q.stop(graceMs)));
  }
}

/**
 * The notifier for one replica from the validated config: the webhook, and the SNS topic of the
 * replica's own region when one is configured. No destinations: a notifier that sends nothing.
 */
export function createNotifier(config: Pick<Config, 'aws'>, notifications: NotificationsConfig, replicaRegion: string, logger: Logger): Notifier {
  const sinks: NotificationSink[] = [];
  if (notifications.webhook) sinks.push(new WebhookSink(notifications.webhook.url));
  const topicArn = notifications.sns?.topicArns[replicaRegion];
  if (topicArn) sinks.push(new SnsSink(snsClient(config.aws, topicArn, replicaRegion), topicArn));
  return new Notifier(`replica/${replicaRegion}`, sinks, {
    policy: notifications,
    onFailure: (sink, notification, error) => logger.warn({ sink, notification: notification.title }, `notification not delivered: ${error}`),
  });
}
