import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../../../sandbox/store/dynalite.js';

const dataDir = mkdtempSync(join(tmpdir(), 'fcp-store-'));
const store = new EmbeddedStore({ host: '127.0.0.1', port: 0, dataDir });

afterAll(async () => {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function client() {
  return new DynamoDBClient({
    endpoint: store.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 1000, requestTimeout: 2000 }),
  });
}

async function waitForTable(db: DynamoDBClient) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await db.send(new PutItemCommand({ TableName: 'state', Item: { pk: { S: 'k' }, v: { S: 'kept' } } }));
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

describe('EmbeddedStore', () => {
  it('goes down (connection refused) and comes back on the same port with its data', async () => {
    await store.start();
    const url = store.url;
    const db = client();
    await db.send(new CreateTableCommand({
      TableName: 'state',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }));
    await waitForTable(db);

    await store.stop();
    expect(store.up).toBe(false);
    await expect(db.send(new GetItemCommand({ TableName: 'state', Key: { pk: { S: 'k' } } }))).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    await store.start();
    expect(store.url).toBe(url);
    const item = await client().send(new GetItemCommand({ TableName: 'state', Key: { pk: { S: 'k' } } }));
    expect(item.Item?.v?.S).toBe('kept');
    db.destroy();
  });
});
