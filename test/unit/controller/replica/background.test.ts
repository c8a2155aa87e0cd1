import { describe, expect, it } from 'vitest';
import { Background } from '../../../../controller/replica/background.js';

/** A read the test ends by hand: `reads[i].end(value)` settles the i-th read started. */
function pendingReads() {
  const reads: { end: (value: string | undefined) => void; fail: (error: Error) => void }[] = [];
  const read = () =>
    new Promise<string | undefined>((resolve, reject) => {
      reads.push({ end: resolve, fail: reject });
    });
  return { reads, read };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('Background', () => {
  it('never overlaps itself by default: a read that hangs holds the next one back', async () => {
    const { reads, read } = pendingReads();
    const background = new Background(read, () => 1000, () => undefined);
    expect(background.poll(0)).toBeUndefined();
    background.poll(1000);
    background.poll(2000);
    expect(reads).toHaveLength(1);
    reads[0]!.end('first');
    await flush();
    expect(background.poll(3000)).toBe('first');
    expect(reads).toHaveLength(2);
  });

  it('starts a read every period while earlier ones wait, up to the limit in flight', async () => {
    const { reads, read } = pendingReads();
    const background = new Background(read, () => 1000, () => undefined, () => 3);
    for (const now of [0, 500, 1000, 2000, 3000, 4000]) background.poll(now);
    expect(reads).toHaveLength(3);
    reads[0]!.end('a');
    await flush();
    background.poll(5000);
    expect(reads).toHaveLength(4);
  });

  it('keeps the newest-started read: an older one ending late does not replace it', async () => {
    const { reads, read } = pendingReads();
    const background = new Background(read, () => 1000, () => undefined, () => 2);
    background.poll(0);
    background.poll(1000);
    reads[1]!.end('newer');
    await flush();
    reads[0]!.end('older');
    await flush();
    expect(background.poll(1500)).toBe('newer');
  });

  it('keeps the last result through a failed or empty read, and reports the failure', async () => {
    const { reads, read } = pendingReads();
    const errors: unknown[] = [];
    const background = new Background(read, () => 1000, (error) => errors.push(error), () => 2);
    background.poll(0);
    reads[0]!.end('kept');
    await flush();
    background.poll(1000);
    background.poll(2000);
    reads[1]!.fail(new Error('throttled'));
    reads[2]!.end(undefined);
    await flush();
    expect(background.poll(2500)).toBe('kept');
    expect(errors).toEqual([new Error('throttled')]);
  });

  it('settles once every read in flight has ended', async () => {
    const { reads, read } = pendingReads();
    const background = new Background(read, () => 1000, () => undefined, () => 2);
    background.poll(0);
    background.poll(1000);
    let settled = false;
    const settling = background.settle().then(() => (settled = true));
    reads[0]!.end('a');
    await flush();
    expect(settled).toBe(false);
    reads[1]!.end('b');
    await settling;
    expect(settled).toBe(true);
  });
});
