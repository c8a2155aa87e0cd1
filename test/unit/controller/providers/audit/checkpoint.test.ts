import { describe, expect, it } from 'vitest';
import { parseCheckpoint, type SignedCheckpoint } from '../../../../../controller/providers/audit/checkpoint.js';

const checkpoint: SignedCheckpoint = { writer: 'replica/us-west-2/abcd', at: 1_800_000_000_000, head: { seq: 2, hash: 'h2' }, records: [[2, 'h2']], keyId: 'k', signature: 'sig' };

describe('parseCheckpoint: a stored checkpoint, or nothing when it is not one', () => {
  it('reads a checkpoint back', () => {
    expect(parseCheckpoint(JSON.stringify(checkpoint))).toEqual(checkpoint);
  });

  it.each<[string, string]>([
    ['not JSON', '{"writer": "replica/'],
    ['JSON but not an object', 'null'],
    ['an array', '[]'],
    ['the head missing', JSON.stringify({ ...checkpoint, head: undefined })],
    ['the head of the wrong type', JSON.stringify({ ...checkpoint, head: { seq: '2', hash: 'h2' } })],
    ['the time a string', JSON.stringify({ ...checkpoint, at: '1800000000000' })],
    ['no signature', JSON.stringify({ ...checkpoint, signature: undefined })],
    ['records not a list', JSON.stringify({ ...checkpoint, records: {} })],
  ])('%s', (_what, text) => {
    expect(parseCheckpoint(text)).toBeUndefined();
  });
});
