import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DeliveryQueue } from '../../../../controller/notify/delivery.js';
import { Notifier } from '../../../../controller/notify/notifier.js';
import { WebhookSink, type WebhookBody } from '../../../../controller/notify/webhook.js';
import { assessment, fastPolicy, flip, notification, until } from './fixtures.js';

/** A local webhook receiver whose behaviour each test sets: answer with a status, or never answer. */
let server: Server;
let url: string;
let received: WebhookBody[];
let answer: (req: IncomingMessage, res: ServerResponse, body: WebhookBody) => void;
const hung: ServerResponse[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const body = JSON.parse(raw) as WebhookBody;
      received.push(body);
      answer(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T000/B000/secret`;
});
afterAll(async () => {
  for (const res of hung) res.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  received = [];
  answer = (_req, res) => res.end('ok');
});

const webhookQueue = () => new DeliveryQueue(new WebhookSink(url), { policy: fastPolicy });

describe('WebhookSink through a DeliveryQueue', () => {
  it('POSTs Slack-compatible JSON: text and blocks', async () => {
    const queue = webhookQueue();
    queue.enqueue(notification('plan plan-7 started'));
    await until('one sent', () => queue.stats().sent === 1);
    expect(received).toHaveLength(1);
    expect(received[0]!.text).toContain('[critical] plan plan-7 started');
    expect(JSON.stringify(received[0]!.blocks)).toContain('*plan plan-7 started*');
    await queue.stop(0);
  });

  it('names the destination by host only: the path of a webhook URL is its secret', () => {
    expect(new WebhookSink(url).name).not.toContain('secret');
  });

  it('retries a 503 with backoff and delivers', async () => {
    let calls = 0;
    answer = (_req, res) => {
      res.statusCode = ++calls < 3 ? 503 : 200;
      res.end();
    };
    const queue = webhookQueue();
    queue.enqueue(notification());
    await until('sent after retries', () => queue.stats().sent === 1);
    expect(calls).toBe(3);
    expect(queue.stats()).toEqual({ sent: 1, failed: 0, dropped: 0, queued: 0 });
    await queue.stop(0);
  });

  it('does not retry a 4xx other than 429: the request itself is wrong', async () => {
    answer = (_req, res) => {
      res.statusCode = 404;
      res.end('no such hook');
    };
    const failures: string[] = [];
    const queue = new DeliveryQueue(new WebhookSink(url), { policy: fastPolicy, onFailure: (_s, _n, error) => failures.push(error) });
    queue.enqueue(notification());
    await until('given up', () => queue.stats().failed === 1);
    expect(received).toHaveLength(1);
    expect(failures[0]).toMatch(/HTTP 404/);
    await queue.stop(0);
  });

  it('gives up on a receiver that never answers after its attempts, each ended by the timeout', async () => {
    answer = (_req, res) => hung.push(res);
    const failures: string[] = [];
    const queue = new DeliveryQueue(new WebhookSink(url), { policy: fastPolicy, onFailure: (_s, _n, error) => failures.push(error) });
    queue.enqueue(notification());
    await until('given up', () => queue.stats().failed === 1);
    expect(failures[0]).toMatch(new RegExp(`after ${fastPolicy.retry.attempts} attempts.*no answer before the timeout`));
    await queue.stop(0);
  });
});

describe('a hung webhook', () => {
  it('never blocks the caller: hooks return at once, the queue stays bounded and drops the oldest, counted', async () => {
    answer = (_req, res) => hung.push(res);
    // Long timeouts: only stop() ends the hung send, so the counts do not depend on the machine's speed.
    const notifier = new Notifier('replica/us-west-2', [new WebhookSink(url)], { policy: { ...fastPolicy, timeout: 60_000, retry: { ...fastPolicy.retry, attempts: 1, budget: 60_000 } } });
    const { onDecision } = notifier.hooks();
    // Each hook call only appends; none waits for the receiver.
    for (let i = 0; i < 10; i++) onDecision({ ...flip, planId: `plan-${i}` }, assessment);
    const stats = notifier.stats();
    // One in flight, queueSize waiting, the rest dropped (oldest first).
    expect(stats.queued).toBe(fastPolicy.queueSize);
    expect(stats.dropped).toBe(10 - 1 - fastPolicy.queueSize);
    await until('the first notification to reach the hung receiver', () => received.length === 1);
    await notifier.stop(0);
    expect(notifier.stats()).toMatchObject({ sent: 0, queued: 0, dropped: 10 - 1 });
    // What was dropped is the oldest: the one in flight was the first, the queue held the newest.
    expect(received.map((b) => /plan-\d+/.exec(b.text)?.[0])).toEqual(['plan-0']);
  });

  it('stop() with a grace lets a healthy queue drain first', async () => {
    const notifier = new Notifier('replica/us-west-2', [new WebhookSink(url)], { policy: fastPolicy });
    for (let i = 0; i < 3; i++) notifier.publish(notification(`n${i}`));
    await notifier.stop(10_000);
    expect(notifier.stats()).toMatchObject({ sent: 3, failed: 0, dropped: 0, queued: 0 });
    notifier.publish(notification('after stop'));
    expect(notifier.stats().dropped).toBe(1);
  });
});
