import { z } from 'zod';
import { regionNameSchema } from '../../kernel/region.js';
import { duration } from '../../kernel/duration.js';
import { isHttpUrl, redactUrl } from '../../kernel/validate.js';

/**
 * The `notifications` section of the controller config: where decisions, plan progress and
 * refusals are announced. Additive: without it (or with neither destination) nothing is sent.
 */

// A webhook URL is a secret (whoever has it can post): errors never show more than its host.
const webhookUrl = z.string().refine(isHttpUrl, { error: (issue) => `${redactUrl(issue.input)} is not an http(s) URL; use the webhook URL your chat tool gave you` });

const snsTopicArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, 'is not an SNS topic ARN; write it like "arn:aws:sns:us-east-1:123456789012:fcp-alerts"');

const topicsPerRegion = z.record(
  regionNameSchema(),
  snsTopicArn,
);

export const notificationsSchema = z
  .strictObject({
    /** A Slack-compatible incoming webhook: receives `{ text, blocks }` as JSON. */
    webhook: z.strictObject({ url: webhookUrl }).optional(),
    /**
     * An SNS topic per region. Each replica publishes to the topic in its own region, so the
     * announcement does not depend on the region that failed.
     */
    sns: z.strictObject({ topicArns: topicsPerRegion }).optional(),
    /** Longest wait for one send attempt. */
    timeout: duration({ min: 50, max: 60_000 }).default(2000),
    /** Notifications waiting per destination; when full the oldest is dropped (and counted). */
    queueSize: z.number().int().min(1, 'must be at least 1').max(10_000, 'must be at most 10000').default(100),
    retry: z
      .strictObject({
        attempts: z.number().int().min(1).max(10).default(3),
        base: duration({ min: 1 }).default(200),
        cap: duration({ min: 1 }).default(2000),
        /** Time one notification may take, attempts and waits included, before it is given up as failed. */
        budget: duration({ min: 100 }).default(10_000),
      })
      .prefault({}),
  })
  .prefault({});

export type NotificationsConfig = z.output<typeof notificationsSchema>;
export type NotificationsConfigInput = z.input<typeof notificationsSchema>;
