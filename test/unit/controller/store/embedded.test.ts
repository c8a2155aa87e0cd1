import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FcpError } from '../../../../kernel/errors.js';
import { startEmbeddedDynamo } from '../../../../controller/store/embedded.js';
import { storeAt } from './fixture.js';

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'fcp-embedded-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('embedded DynamoDB', () => {
  it('persists the state under dataDir across a restart', async () => {
    const first = await startEmbeddedDynamo({ dataDir, host: '127.0.0.1', port: 0 });
    expect(first.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const store = storeAt(first.endpoint, 'persist');
    await store.ensureTable();
    await store.ensureTable(); // idempotent
    await store.audit.append({ at: 1, actor: 'a', action: 'failover', phase: 'intent', details: {} });
    store.close();
    await first.close();

    const second = await startEmbeddedDynamo({ dataDir, port: 0 });
    const reopened = storeAt(second.endpoint, 'persist');
    try {
      expect(await reopened.audit.verify()).toEqual({ ok: true, count: 1 });
    } finally {
      reopened.close();
      await second.close();
    }
  });

  it('fails clearly when the port is taken', async () => {
    const running = await startEmbeddedDynamo({ dataDir: join(dataDir, 'a'), port: 0 });
    const port = Number(new URL(running.endpoint).port);
    try {
      const error = await startEmbeddedDynamo({ dataDir: join(dataDir, 'b'), port }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FcpError);
      expect((error as Error).message).toMatch(new RegExp(`could not listen on 127\\.0\\.0\\.1:${port}`));
    } finally {
      await running.close();
    }
  });
});
