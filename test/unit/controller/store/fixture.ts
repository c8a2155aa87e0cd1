import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDynamoClient } from '../../../../controller/store/client.js';
import { DynamoStateStore } from '../../../../controller/store/dynamo-store.js';
import { EmbeddedStore } from '../../../../sandbox/store/dynalite.js';
import type { TableOptions } from '../../../../controller/store/table.js';

/** One dynalite per test file on a free loopback port; each test gets its own namespace in one table. */
export interface StoreFixture {
  /** dynalite as the sandbox runs it, without its IAM front. */
  dynamo: { endpoint: string; close(): Promise<void> };
  dataDir: string;
  /** A store on a fresh namespace, so tests never see each other's items. */
  newStore(): DynamoStateStore;
  close(): Promise<void>;
}

export const TABLE = 'fcp-state-test';

const TIMEOUTS = { connectTimeoutMs: 500, requestTimeoutMs: 2000, callTimeoutMs: 5000 };

export function tableOptions(endpoint: string, timeouts = TIMEOUTS): TableOptions {
  const client = createDynamoClient({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    connectTimeoutMs: timeouts.connectTimeoutMs,
    requestTimeoutMs: timeouts.requestTimeoutMs,
    maxAttempts: 2,
  });
  return { client, tableName: TABLE, callTimeoutMs: timeouts.callTimeoutMs };
}

export function storeAt(endpoint: string, namespace: string, timeouts = TIMEOUTS): DynamoStateStore {
  return new DynamoStateStore({ ...tableOptions(endpoint, timeouts), namespace });
}

export async function startStoreFixture(): Promise<StoreFixture> {
  const dataDir = await mkdtemp(join(tmpdir(), 'fcp-store-'));
  const embedded = new EmbeddedStore({ dataDir, host: '127.0.0.1', port: 0 });
  await embedded.start();
  const dynamo = { endpoint: embedded.url, close: () => embedded.close() };
  const stores: DynamoStateStore[] = [];
  let counter = 0;
  const newStore = () => {
    const store = storeAt(dynamo.endpoint, `test-${process.pid}-${++counter}`);
    stores.push(store);
    return store;
  };
  await newStore().ensureTable();
  return {
    dynamo,
    dataDir,
    newStore,
    close: async () => {
      for (const store of stores) store.close();
      await dynamo.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
