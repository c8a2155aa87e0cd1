import { describe, expect, it } from 'vitest';
import { notificationsSchema } from '../../../../controller/config/notifications.js';

describe('notificationsSchema', () => {
  it('defaults to no destinations with bounded timeouts and queue', () => {
    expect(notificationsSchema.parse(undefined)).toEqual({ timeout: 2000, queueSize: 100, retry: { attempts: 3, base: 200, cap: 2000, budget: 10_000 } });
  });

  it('takes a webhook, SNS topics per region and durations with units', () => {
    const parsed = notificationsSchema.parse({
      webhook: { url: 'https://hooks.example.com/services/T/B/X' },
      sns: { topicArns: { 'us-east-1': 'arn:aws:sns:us-east-1:123456789012:fcp-alerts' } },
      timeout: '1s',
      retry: { budget: '30s' },
    });
    expect(parsed.timeout).toBe(1000);
    expect(parsed.retry.budget).toBe(30_000);
    expect(parsed.sns?.topicArns['us-east-1']).toBe('arn:aws:sns:us-east-1:123456789012:fcp-alerts');
  });

  const bad: { input: unknown; path: string; message: RegExp }[] = [
    { input: { webhook: { url: 'hooks.example.com' } }, path: 'webhook.url', message: /not an http\(s\) URL/ },
    { input: { sns: { topicArns: { 'us-east-1': 'fcp-alerts' } } }, path: 'sns.topicArns.us-east-1', message: /not an SNS topic ARN/ },
    { input: { sns: { topicArns: { 'mars-1': 'arn:aws:sns:us-east-1:123456789012:x' } } }, path: 'sns.topicArns.mars-1', message: /not an AWS region/ },
    { input: { queueSize: 0 }, path: 'queueSize', message: /at least 1/ },
    { input: { timeout: 'soon' }, path: 'timeout', message: /not a duration/ },
    { input: { slack: 'x' }, path: '', message: /slack/ },
  ];
  it.each(bad)('rejects $path with a message naming the fix', ({ input, path, message }) => {
    const result = notificationsSchema.safeParse(input);
    expect(result.success).toBe(false);
    const issue = result.error!.issues[0]!;
    expect(issue.path.join('.')).toBe(path);
    expect(issue.message + JSON.stringify(issue)).toMatch(message);
  });
});
