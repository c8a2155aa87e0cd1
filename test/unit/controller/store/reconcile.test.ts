import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../../kernel/errors.js';
import { GENESIS_HASH } from '../../../../controller/store/audit-chain.js';
import { LocalAuditFile, readLocalAudit } from '../../../../controller/store/local-audit.js';
import type { AuditEntry, AuditRecord } from '../../../../controller/store/state-store.js';
import { reconcile } from '../../../../controller/store/reconcile.js';
import { startStoreFixture, type StoreFixture } from './fixture.js';

let fixture: StoreFixture;
let dir: string;
beforeAll(async () => {
  fixture = await startStoreFixture();
  dir = await mkdtemp(join(tmpdir(), 'fcp-break-glass-'));
});
afterAll(async () => {
  await fixture.close();
  await rm(dir, { recursive: true, force: true });
});

let fileCounter = 0;
const newFile = () => join(dir, `nested-${++fileCounter}`, 'break-glass.jsonl');

const entry = (action: string, phase: AuditEntry['phase'], at: number): AuditEntry => ({
  at,
  actor: 'oncall@example.com',
  action,
  phase,
  details: { to: 'us-west-2', breakGlass: true },
});

async function breakGlassFile(): Promise<{ path: string; records: AuditRecord[] }> {
  const path = newFile();
  const log = new LocalAuditFile(path);
  const records = [await log.append(entry('failover', 'intent', 5000)), await log.append(entry('failover', 'result', 6000))];
  return { path, records };
}

describe('break-glass audit file', () => {
  it('appends hash-chained JSONL records, creating the file and its directory', async () => {
    const { path, records } = await breakGlassFile();
    expect(records.map((r) => [r.seq, r.prevHash])).toEqual([
      [1, GENESIS_HASH],
      [2, records[0]?.hash],
    ]);
    const lines = (await readFile(path, 'utf8')).trim().split('\n');
    expect(lines.map((line) => JSON.parse(line) as AuditRecord)).toEqual(records);
    expect(await new LocalAuditFile(path).verify()).toEqual({ ok: true, count: 2 });
  });

  it('keeps one chain when appends from one process overlap', async () => {
    const log = new LocalAuditFile(newFile());
    await Promise.all(Array.from({ length: 5 }, (_, i) => log.append(entry('failover', 'intent', i))));
    expect(await log.verify()).toEqual({ ok: true, count: 5 });
  });

  it('names the damaged line of a file that is not JSONL', async () => {
    const { path } = await breakGlassFile();
    await appendFile(path, 'not json\n');
    const error = await readLocalAudit(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).problems[0]).toMatch(/^line 3:/);
  });
});

describe('reconcile', () => {
  it('appends the file into the store chain once, keeping timestamps and marking the source', async () => {
    const store = fixture.newStore();
    await store.audit.append({ at: 1000, actor: 'us-east-1', action: 'failover', phase: 'intent', details: {} });
    const { path, records } = await breakGlassFile();

    const first = await reconcile(store.audit, path);
    expect(first).toEqual({ file: path, local: 2, appended: 2, alreadyPresent: 0 });
    const second = await reconcile(store.audit, path);
    expect(second).toEqual({ file: path, local: 2, appended: 0, alreadyPresent: 2 });

    const chain = await store.audit.readAll();
    expect(chain).toHaveLength(3);
    expect(chain.slice(1).map((r) => [r.seq, r.at, r.phase, r.reconciledFrom, r.localHash])).toEqual([
      [2, 5000, 'intent', path, records[0]?.hash],
      [3, 6000, 'result', path, records[1]?.hash],
    ]);
    expect(await store.audit.verify()).toEqual({ ok: true, count: 3 });
  });

  it('appends only what was added to the file since the last run', async () => {
    const store = fixture.newStore();
    const { path } = await breakGlassFile();
    await reconcile(store.audit, path);
    await new LocalAuditFile(path).append(entry('verify', 'result', 7000));
    expect(await reconcile(store.audit, path)).toMatchObject({ local: 3, appended: 1, alreadyPresent: 2 });
    expect((await store.audit.list({ limit: 1 }))[0]).toMatchObject({ seq: 3, action: 'verify', at: 7000 });
    expect((await store.audit.verify()).ok).toBe(true);
  });

  it('refuses a file whose own chain is broken and appends nothing', async () => {
    const store = fixture.newStore();
    const { path, records } = await breakGlassFile();
    const forged = records.map((r, i) => (i === 0 ? { ...r, details: { to: 'eu-west-1' } } : r));
    await writeFile(path, forged.map((r) => `${JSON.stringify(r)}\n`).join(''));
    const error = await reconcile(store.audit, path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).problems[0]).toMatch(/^record 1: hash does not match/);
    expect(await store.audit.readAll()).toEqual([]);
  });

  it('refuses a missing file', async () => {
    await expect(reconcile(fixture.newStore().audit, join(dir, 'missing.jsonl'))).rejects.toBeInstanceOf(InputError);
  });
});
