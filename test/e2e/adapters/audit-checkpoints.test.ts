import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsCallError } from '../../../controller/aws/errors.js';
import type { Config } from '../../../controller/config/schema.js';
import { KmsCheckpointKey, S3CheckpointLog } from '../../../controller/providers/audit/aws.js';
import { signedPayload, type Checkpoint } from '../../../controller/providers/audit/checkpoint.js';
import { checkAuditTrail } from '../../../controller/providers/audit/check.js';
import { nextRecord } from '../../../controller/store/audit-chain.js';
import type { AuditRecord } from '../../../controller/store/state-store.js';
import { buildProviders, type Providers } from '../../../controller/wiring.js';
import { startSandbox, type RunningSandbox } from '../../../sandbox/up.js';
import { sandboxConfig } from './fixture.js';

/**
 * The production checkpoint adapters (KMS signing, the S3 Object Lock log) against the sandbox's
 * KMS and S3, with IAM enforced: the controller role signs and writes, the sandbox's auditor reads
 * back and verifies, and neither can do the other's part.
 */
const CHECKPOINTS = { mode: 'aws', kmsKeyId: 'mrk-sandbox-audit', bucket: 'auth-sandbox-audit', bucketRegion: 'us-east-1', prefix: 'audit-checkpoints/', every: 30_000 } as const;
const REGION = 'us-east-1';

describe('audit checkpoints in KMS and S3 Object Lock (sandbox)', () => {
  let sandbox: RunningSandbox<Config>;
  let dataDir: string;
  let replica: Providers;
  let auditor: Providers;
  const providers = (config: Config, prefix?: string) => {
    const credentials = config.aws.credentials;
    if (credentials.mode !== 'static') throw new Error('the sandbox config signs with static credentials');
    return buildProviders(
      { ...config, aws: { ...config.aws, retry: { base: 10, cap: 50, maxAttempts: 1 }, credentials: { ...credentials, accessKeyIdPrefix: prefix ?? credentials.accessKeyIdPrefix } } },
      { replicaRegion: REGION },
    );
  };
  const key = (p: Providers) => new KmsCheckpointKey(p.caller, REGION, CHECKPOINTS.kmsKeyId);
  const log = (p: Providers) => new S3CheckpointLog(p.caller, CHECKPOINTS);
  const s3 = (p: Providers) => p.caller.clients.s3(REGION);

  beforeAll(async () => {
    const base = sandboxConfig();
    const config: Config = {
      ...base,
      aws: { ...base.aws, endpoints: { ...base.aws.endpoints, kms: 'http://127.0.0.1:4625', s3: 'http://127.0.0.1:4626' } },
      audit: { checkpoints: CHECKPOINTS },
    };
    dataDir = mkdtempSync(join(tmpdir(), 'fcp-checkpoints-'));
    sandbox = await startSandbox(config, { ephemeralPorts: true, dataDir });
    const credentials = sandbox.config.aws.credentials;
    replica = providers(sandbox.config);
    auditor = providers(sandbox.config, `${credentials.mode === 'static' ? credentials.accessKeyIdPrefix : ''}auditor-`);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([replica?.close(), auditor?.close()]);
    await sandbox?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** A chain of records and, after every two, the replica's signed checkpoint written to S3. */
  async function writeTrail(at: number): Promise<AuditRecord[]> {
    const records: AuditRecord[] = [];
    const signer = key(replica);
    for (let i = 0; i < 4; i++) {
      records.push(nextRecord(records.at(-1), { at: at + i, actor: 'replica/us-east-1/a', action: 'failover/flip-traffic', phase: i % 2 ? 'result' : 'intent', details: { i } }));
      if (i % 2 === 0) continue;
      const head = records.at(-1)!;
      const checkpoint: Checkpoint = { writer: 'replica/us-east-1/a', at: at + i, head: { seq: head.seq, hash: head.hash }, records: records.slice(-2).map((r) => [r.seq, r.hash]) };
      await log(replica).append({ ...checkpoint, keyId: signer.keyId, signature: await signer.sign(signedPayload(checkpoint)) });
    }
    return records;
  }

  it('signs with the replica role, and the auditor lists, reads and verifies the checkpoints', async () => {
    const at = Date.now() - 60_000;
    const records = await writeTrail(at);
    const checkpoints = await log(auditor).readAll();
    expect(checkpoints.map((c) => c.head.seq)).toEqual([2, 4]);
    const verifier = key(auditor);
    for (const c of checkpoints) await expect(verifier.verify(signedPayload(c), c.signature, c.keyId)).resolves.toBe(true);
    const trail = await checkAuditTrail({ readAll: async () => records }, { log: log(auditor), verifier }, Date.now(), CHECKPOINTS.every);
    expect(trail).toMatchObject({ ok: true, count: 4, checkpoints: 2, attestedThrough: 4 });
    expect(sandbox.stats().calls).toMatchObject({ kms: { Sign: 2, GetPublicKey: 1 }, s3: { PutObject: 2, ListObjectsV2: 2, GetObject: 4 } });
  });

  it("catches a tampered record with the auditor's check", async () => {
    const records = await writeTrail(Date.now() - 50_000);
    const all = await log(auditor).readAll();
    const tampered = records.map((r, i) => (i === 1 ? { ...r, details: { i: 'edited' } } : r));
    const trail = await checkAuditTrail({ readAll: async () => tampered }, { log: { readAll: async () => all.slice(-2), append: async () => undefined }, verifier: key(auditor) }, Date.now(), CHECKPOINTS.every);
    expect(trail.ok).toBe(false);
    expect(trail.problems).toContainEqual(expect.objectContaining({ kind: 'edited', range: [2, 2] }));
  });

  it('keeps a locked checkpoint: deleting its version is refused, an overwrite only adds a version', async () => {
    const [first] = await log(auditor).readAll();
    const objectKey = `${CHECKPOINTS.prefix}${String(first!.at).padStart(15, '0')}-replica_us-east-1_a.json`;
    const original = await s3(auditor).send(new GetObjectCommand({ Bucket: CHECKPOINTS.bucket, Key: objectKey }));
    expect(original.ObjectLockMode).toBe('COMPLIANCE');
    const versionId = original.VersionId!;

    // The controller role may only add objects (the lock itself refusing a delete is in the bucket store's unit test).
    await expect(s3(replica).send(new DeleteObjectCommand({ Bucket: CHECKPOINTS.bucket, Key: objectKey, VersionId: versionId }))).rejects.toMatchObject({ name: 'AccessDenied', message: expect.stringContaining('s3:DeleteObjectVersion') });
    const forged = { ...first!, head: { seq: 1, hash: first!.head.hash } };
    await s3(replica).send(new PutObjectCommand({ Bucket: CHECKPOINTS.bucket, Key: objectKey, Body: JSON.stringify(forged), ContentType: 'application/json' }));

    // The locked version is still there, unchanged; the overwrite is a newer version whose signature fails.
    const kept = await s3(auditor).send(new GetObjectCommand({ Bucket: CHECKPOINTS.bucket, Key: objectKey, VersionId: versionId }));
    expect(JSON.parse(await kept.Body!.transformToString())).toEqual(first);
    const current = (await log(auditor).readAll())[0]!;
    await expect(key(auditor).verify(signedPayload(current), current.signature, current.keyId)).resolves.toBe(false);
  });

  it('refuses a role without kms:Sign, and the controller role cannot read checkpoints back', async () => {
    const signing = key(auditor).sign(Buffer.from('checkpoint'));
    await expect(signing).rejects.toBeInstanceOf(AwsCallError);
    await expect(signing).rejects.toMatchObject({ code: 'AccessDeniedException', kind: 'access-denied' });
    await expect(signing).rejects.toMatchObject({ cause: { message: expect.stringMatching(/auth-sandbox-auditor\/fcp is not authorized to perform: kms:Sign on resource: arn:aws:kms:us-east-1:000000000000:key\/mrk-sandbox-audit/) } });
    await expect(log(replica).readAll()).rejects.toMatchObject({ kind: 'access-denied', code: 'AccessDenied' });
    await expect(key(replica).verify(Buffer.from('x'), 'AA==', CHECKPOINTS.kmsKeyId)).rejects.toMatchObject({ kind: 'access-denied' });
  });

  it('fails a checkpoint write while S3 answers 5xx (api-5xx, service s3)', async () => {
    const fault = sandbox.faults.add({ kind: 'api-5xx', service: 's3' });
    try {
      await expect(writeTrail(Date.now())).rejects.toMatchObject({ name: 'RetryBudgetExhaustedError', cause: { kind: 'unavailable', code: 'InternalError' } });
    } finally {
      sandbox.faults.remove(fault.id);
    }
  });
});
