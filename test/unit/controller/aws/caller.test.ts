import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeGlobalClustersCommand } from '@aws-sdk/client-rds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsCaller, type AwsCallErrorEvent } from '../../../../controller/aws/caller.js';
import { AwsClients } from '../../../../controller/aws/clients.js';
import { AwsCallError, RetryBudgetExhaustedError } from '../../../../controller/aws/errors.js';
import type { Config } from '../../../../controller/config/schema.js';
import { FakeClock, seededRandom, sdkError } from './helpers.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A loopback server whose behaviour each test sets; it counts requests and remembers the auth header. */
class ScriptedServer {
  handler: Handler = (_req, res) => res.end();
  requests = 0;
  lastAuthorization = '';
  private readonly server: Server = createServer((req, res) => {
    this.requests++;
    this.lastAuthorization = req.headers.authorization ?? '';
    req.resume();
    req.on('end', () => this.handler(req, res));
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const rdsError = (code: string) =>
  `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${code}</Message></Error><RequestId>r1</RequestId></ErrorResponse>`;
const emptyDescribe =
  '<DescribeGlobalClustersResponse><DescribeGlobalClustersResult><GlobalClusters></GlobalClusters></DescribeGlobalClustersResult></DescribeGlobalClustersResponse>';

function awsSettings(endpoint: string, credentials: Config['aws']['credentials']): Config['aws'] {
  return {
    endpoints: { rds: { 'us-west-2': endpoint } },
    credentials,
    connectTimeout: 200,
    requestTimeout: 300,
    retry: { base: 1, cap: 5, maxAttempts: 3 },
  };
}

describe('AwsCaller against a loopback RDS endpoint', () => {
  const server = new ScriptedServer();
  let endpoint = '';
  beforeAll(async () => {
    endpoint = await server.start();
  });
  afterAll(() => server.stop());

  function caller(credentials: Config['aws']['credentials'] = { mode: 'static', accessKeyIdPrefix: 'TEST-', secretAccessKey: 's' }) {
    const aws = awsSettings(endpoint, credentials);
    const events: AwsCallErrorEvent[] = [];
    const clients = new AwsClients(aws, 'eu-west-1');
    const instance = new AwsCaller({ clients, policy: aws.retry, requestTimeout: aws.requestTimeout, random: seededRandom(3), hooks: { onCallError: (e) => events.push(e) } });
    const describeGlobal = () =>
      instance.call({ service: 'rds', operation: 'DescribeGlobalClusters', region: 'us-west-2' }, (c, signal) =>
        c.rds('us-west-2').send(new DescribeGlobalClustersCommand({}), { abortSignal: signal }),
      );
    return { instance, events, describeGlobal, clients };
  }

  it('retries throttling (the SDK itself makes one attempt) and signs with the replica key', async () => {
    server.requests = 0;
    server.handler = (_req, res) => {
      if (server.requests < 3) res.writeHead(400, { 'content-type': 'text/xml' }).end(rdsError('Throttling'));
      else res.writeHead(200, { 'content-type': 'text/xml' }).end(emptyDescribe);
    };
    const { describeGlobal, events, clients } = caller();
    await expect(describeGlobal()).resolves.toMatchObject({ GlobalClusters: [] });
    expect(server.requests).toBe(3);
    expect(events.map((e) => e.code)).toEqual(['Throttling', 'Throttling']);
    expect(server.lastAuthorization).toContain('Credential=TEST-eu-west-1/');
    expect(server.lastAuthorization).toContain('/us-west-2/rds/aws4_request');
    clients.destroy();
  });

  it('turns a hang into a Timeout per attempt and gives up with the budget', async () => {
    server.requests = 0;
    server.handler = () => undefined;
    const { describeGlobal, events, clients } = caller();
    const failure = await describeGlobal().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RetryBudgetExhaustedError);
    expect((failure as Error).cause).toBeInstanceOf(AwsCallError);
    expect((failure as RetryBudgetExhaustedError).context).toMatchObject({ attempts: 3, code: 'Timeout' });
    expect(events.map((e) => e.code)).toEqual(['Timeout', 'Timeout', 'Timeout']);
    clients.destroy();
  });

  it('does not retry AccessDenied and keeps the code in context', async () => {
    server.requests = 0;
    server.handler = (_req, res) => res.writeHead(403, { 'content-type': 'text/xml' }).end(rdsError('AccessDenied'));
    const { describeGlobal, clients } = caller();
    const failure = await describeGlobal().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AwsCallError);
    expect(failure).toMatchObject({ transient: false, code: 'AccessDenied', context: { service: 'rds', operation: 'DescribeGlobalClusters', region: 'us-west-2', code: 'AccessDenied' } });
    expect(server.requests).toBe(1);
    clients.destroy();
  });
});

describe('AwsCaller and expired credentials', () => {
  const target = { service: 'rds', operation: 'DescribeDBClusters', region: 'us-east-1' } as const;
  const settings = (credentials: Config['aws']['credentials']) => awsSettings('http://127.0.0.1:9', credentials);

  it('with the default chain, rebuilds the clients and repeats the attempt once', async () => {
    const aws = settings({ mode: 'default' });
    const clients = new AwsClients(aws, 'us-east-1');
    const first = clients.rds('us-east-1');
    const instance = new AwsCaller({ clients, policy: aws.retry, requestTimeout: 300, clock: new FakeClock() });
    const seen: unknown[] = [];
    const result = await instance.call(target, async (c) => {
      seen.push(c.rds('us-east-1'));
      if (seen.length === 1) throw sdkError('ExpiredToken', 403);
      return 'ok';
    });
    expect(result).toBe('ok');
    expect(seen[0]).toBe(first);
    expect(seen[1]).not.toBe(first);
    clients.destroy();
  });

  it.each([
    ['static credentials', { mode: 'static', accessKeyIdPrefix: 'K-', secretAccessKey: 's' } as const, 1],
    ['a second expiry after the refresh', { mode: 'default' } as const, 2],
  ])('is terminal with %s', async (_label, credentials, expectedAttempts) => {
    const aws = settings(credentials);
    const instance = new AwsCaller({ clients: new AwsClients(aws, 'us-east-1'), policy: aws.retry, requestTimeout: 300, clock: new FakeClock() });
    let attempts = 0;
    const failure = await instance
      .call(target, async () => {
        attempts++;
        throw sdkError('ExpiredToken', 403);
      })
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'ExpiredToken', transient: false });
    expect(attempts).toBe(expectedAttempts);
  });
});
