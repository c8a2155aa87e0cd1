import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SignedCheckpoint } from '../../../../../controller/providers/audit/checkpoint.js';
import { LocalCheckpointLog } from '../../../../../controller/providers/audit/local.js';

const LOG_FILE = 'checkpoints.jsonl';

describe('LocalCheckpointLog', () => {
  it('keeps a line that is not a checkpoint as one that cannot verify: reported, never skipped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fcp-ckpt-log-'));
    const log = new LocalCheckpointLog(dir);
    const checkpoint: SignedCheckpoint = { writer: 'replica/us-west-2/abcd', at: 1, head: { seq: 1, hash: 'h1' }, records: [[1, 'h1']], keyId: 'k', signature: 'sig' };
    await log.append(checkpoint);
    appendFileSync(join(dir, LOG_FILE), 'not json\n{"writer":"replica/x","at":"yesterday"}\n');
    await log.append({ ...checkpoint, at: 2 });
    expect((await log.readAll()).map((c) => [c.writer, c.at])).toEqual([
      ['replica/us-west-2/abcd', 1],
      ['unreadable line', 0],
      ['unreadable line', 0],
      ['replica/us-west-2/abcd', 2],
    ]);
  });
});
