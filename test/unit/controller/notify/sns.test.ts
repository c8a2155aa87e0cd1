import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../../kernel/logging.js';
import { notificationsSchema } from '../../../../controller/config/notifications.js';
import { DeliveryQueue } from '../../../../controller/notify/delivery.js';
import { createNotifier } from '../../../../controller/notify/notifier.js';
import { snsClient, snsSubject, SnsSink, topicRegion } from '../../../../controller/notify/sns.js';
import { fastPolicy, notification, until } from './fixtures.js';

const sns = mockClient(SNSClient);
afterEach(() => sns.reset());

const TOPIC = 'arn:aws:sns:us-west-2:123456789012:fcp-alerts';
const aws = { endpoints: { sns: 'http://127.0.0.1:9' }, credentials: { mode: 'static' as const, accessKeyIdPrefix: 'AKIDSANDBOX', secretAccessKey: 's' }, connectTimeout: 500, requestTimeout: 1000, retry: { base: 1, cap: 1, maxAttempts: 1, stepAttempts: 1 } };
const awsError = (name: string, status: number) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status }, $fault: status >= 500 ? 'server' : 'client' });

describe('SnsSink', () => {
  it('publishes to the topic with a one-line subject and the severity as an attribute', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const queue = new DeliveryQueue(new SnsSink(new SNSClient({ region: 'us-west-2' }), TOPIC), { policy: fastPolicy });
    queue.enqueue(notification('plan plan-7 started'));
    await until('sent', () => queue.stats().sent === 1);
    const input = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(input).toMatchObject({ TopicArn: TOPIC, Subject: '[critical] plan plan-7 started', MessageAttributes: { severity: { DataType: 'String', StringValue: 'critical' } } });
    expect(input.Message).toContain('why');
    await queue.stop(0);
  });

  const cases = [
    { name: 'retries throttling, then delivers', errors: [awsError('Throttling', 400)], sent: 1, failed: 0, calls: 2 },
    { name: 'retries an internal error, then delivers', errors: [awsError('InternalError', 500), awsError('InternalError', 500)], sent: 1, failed: 0, calls: 3 },
    { name: 'gives up at once on AuthorizationError (terminal)', errors: [awsError('AuthorizationError', 403)], sent: 0, failed: 1, calls: 1 },
    { name: 'gives up after its attempts on endless throttling', errors: Array.from({ length: 5 }, () => awsError('Throttling', 400)), sent: 0, failed: 1, calls: fastPolicy.retry.attempts },
  ];
  it.each(cases)('$name', async ({ errors, sent, failed, calls }) => {
    let call = sns.on(PublishCommand);
    for (const error of errors) call = call.rejectsOnce(error);
    call.resolves({ MessageId: 'm' });
    const queue = new DeliveryQueue(new SnsSink(new SNSClient({ region: 'us-west-2' }), TOPIC), { policy: fastPolicy });
    queue.enqueue(notification());
    await until('an outcome', () => queue.stats().sent + queue.stats().failed === 1);
    expect(queue.stats()).toMatchObject({ sent, failed });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(calls);
    await queue.stop(0);
  });

  it('cuts a long title to the 100 characters SNS allows in a subject', () => {
    const subject = snsSubject(notification(`refused: ${'x'.repeat(200)}`));
    expect(subject).toHaveLength(100);
    expect(subject.endsWith('...')).toBe(true);
  });
});

describe('snsClient', () => {
  it('signs for the topic region, uses the endpoint override and the replica static key', async () => {
    const client = snsClient(aws, TOPIC, 'eu-west-1');
    expect(topicRegion(TOPIC)).toBe('us-west-2');
    expect(await client.config.region()).toBe('us-west-2');
    const endpoint = await client.config.endpoint!();
    expect(`${endpoint.protocol}//${endpoint.hostname}:${endpoint.port}`).toBe('http://127.0.0.1:9');
    expect((await client.config.credentials()).accessKeyId).toBe('AKIDSANDBOXeu-west-1');
    client.destroy();
  });
});

describe('createNotifier', () => {
  const logger = createLogger({ name: 'test', level: 'silent', pretty: false });
  const notifications = notificationsSchema.parse({ sns: { topicArns: { 'us-west-2': TOPIC } }, webhook: { url: 'http://127.0.0.1:9/hook' } });

  it.each([
    { region: 'us-west-2', sinks: ['webhook 127.0.0.1:9', `sns ${TOPIC}`] },
    { region: 'eu-west-1', sinks: ['webhook 127.0.0.1:9'] },
  ])('in $region publishes to the webhook and its own region topic only', async ({ region, sinks }) => {
    const notifier = createNotifier({ aws }, notifications, region, logger);
    expect(Object.keys(notifier.stats().sinks)).toEqual(sinks);
    await notifier.stop(0);
  });

  it('with no destinations sends nothing and counts nothing', async () => {
    const notifier = createNotifier({ aws }, notificationsSchema.parse({}), 'us-west-2', logger);
    notifier.publish(notification());
    expect(notifier.stats()).toEqual({ sent: 0, failed: 0, dropped: 0, queued: 0, sinks: {} });
    await notifier.stop(0);
  });
});
