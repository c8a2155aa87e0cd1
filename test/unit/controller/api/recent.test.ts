import { describe, expect, it } from 'vitest';
import { recent } from '../../../../controller/api/recent.js';

describe('recent', () => {
  it('shares one read within maxAge and in flight, reads again after it', async () => {
    let reads = 0;
    const clock = { now: 0 };
    const read = recent(async () => ++reads, 1000, () => clock.now);
    expect(await Promise.all([read(), read()])).toEqual([1, 1]);
    clock.now = 999;
    expect(await read()).toBe(1);
    clock.now = 1000;
    expect(await read()).toBe(2);
  });

  it('does not keep a failed read', async () => {
    let calls = 0;
    const read = recent(async () => {
      calls += 1;
      if (calls === 1) throw new Error('hang');
      return 'ok';
    }, 1000, () => 0);
    await expect(read()).rejects.toThrow('hang');
    expect(await read()).toBe('ok');
  });
});
