import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { classifyAwsError } from '../aws/classify.js';
import type { Config } from '../config/schema.js';
import { NotifyError } from './errors.js';
import type { NotificationSink } from './delivery.js';
import { renderText, type Notification } from './message.js';

/** SNS subjects are at most 100 characters of one line. */
const SUBJECT_MAX = 100;

export function snsSubject(notification: Notification): string {
  const line = `[${notification.severity}] ${notification.title}`.replace(/\s+/g, ' ');
  return line.length <= SUBJECT_MAX ? line : `${line.slice(0, SUBJECT_MAX - 3)}...`;
}

/** The region an SNS topic lives in, from its ARN (`arn:aws:sns:<region>:<account>:<name>`). */
export function topicRegion(topicArn: string): string {
  const region = topicArn.split(':')[3];
  if (!region) throw new NotifyError(topicArn, 'the topic ARN names no region');
  return region;
}

/** Builds the SNS client the way the other AWS clients are built: timeouts, endpoint override, no SDK retries. */
export function snsClient(aws: Config['aws'], topicArn: string, replicaRegion: string): SNSClient {
  const credentials = aws.credentials;
  return new SNSClient({
    region: topicRegion(topicArn),
    // The delivery queue retries, with its own budget.
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ connectionTimeout: aws.connectTimeout, requestTimeout: aws.requestTimeout, throwOnRequestTimeout: true }),
    ...(aws.endpoints.sns ? { endpoint: aws.endpoints.sns } : {}),
    ...(credentials.mode === 'static' ? { credentials: { accessKeyId: `${credentials.accessKeyIdPrefix}${replicaRegion}`, secretAccessKey: credentials.secretAccessKey } } : {}),
  });
}

/** Publishes each notification to one SNS topic (email, SMS, chat and pager subscriptions hang off it). */
export class SnsSink implements NotificationSink {
  readonly name: string;

  constructor(
    private readonly client: SNSClient,
    private readonly topicArn: string,
  ) {
    this.name = `sns ${topicArn}`;
  }

  async send(notification: Notification, signal: AbortSignal): Promise<void> {
    try {
      await this.client.send(
        new PublishCommand({
          TopicArn: this.topicArn,
          Subject: snsSubject(notification),
          Message: renderText(notification),
          MessageAttributes: { severity: { DataType: 'String', StringValue: notification.severity } },
        }),
        { abortSignal: signal },
      );
    } catch (error) {
      const classified = classifyAwsError(error);
      throw new NotifyError(this.name, classified.code, { cause: error, transient: classified.transient || signal.aborted, context: { code: classified.code } });
    }
  }

  close(): void {
    this.client.destroy();
  }
}
