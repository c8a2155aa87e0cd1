import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, hashRecord, nextRecord, verifyChain } from '../../../../controller/store/audit-chain.js';
import { canonicalJson } from '../../../../controller/store/canonical-json.js';
import type { AuditRecord } from '../../../../controller/store/state-store.js';

describe('canonicalJson', () => {
  it.each([
    { value: { b: 1, a: [3, { d: null, c: 'x' }] }, text: '{"a":[3,{"c":"x","d":null}],"b":1}' },
    { value: { a: undefined, b: true }, text: '{"b":true}' },
    { value: [undefined, 1], text: '[null,1]' },
    { value: 'line\n"quoted"', text: '"line\\n\\"quoted\\""' },
  ])('encodes $text', ({ value, text }) => {
    expect(canonicalJson(value)).toBe(text);
  });

  it('gives equal text for equal values whatever the key order', () => {
    expect(canonicalJson({ x: { q: 1, p: 2 }, y: 0 })).toBe(canonicalJson({ y: 0, x: { p: 2, q: 1 } }));
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, 10n, () => 1])('refuses %s', (value) => {
    expect(() => canonicalJson({ value })).toThrow(TypeError);
  });
});

describe('audit chain', () => {
  const chain = (length: number): AuditRecord[] => {
    const records: AuditRecord[] = [];
    for (let i = 0; i < length; i++) {
      records.push(nextRecord(records.at(-1), { at: i, actor: 'a', action: 'x', phase: 'intent', details: { i } }));
    }
    return records;
  };

  it('links each record to the previous hash, from the genesis hash', () => {
    const [first, second] = chain(2);
    expect(first?.prevHash).toBe(GENESIS_HASH);
    expect(second?.prevHash).toBe(first?.hash);
    expect(verifyChain(chain(3))).toEqual({ ok: true, count: 3 });
  });

  it('hashes the reconcile marks too', () => {
    const plain = nextRecord(undefined, { at: 1, actor: 'a', action: 'x', phase: 'intent', details: {} });
    const marked = nextRecord(undefined, { at: 1, actor: 'a', action: 'x', phase: 'intent', details: {} }, { reconciledFrom: '/f', localHash: 'h' });
    expect(marked.hash).not.toBe(plain.hash);
    const { hash, ...rest } = marked;
    expect(hashRecord(rest)).toBe(hash);
  });

  it.each([
    { name: 'a removed record', edit: (r: AuditRecord[]) => [r[0], r[2]], brokenAt: 2, reason: /expected seq 2/ },
    { name: 'swapped records', edit: (r: AuditRecord[]) => [r[1], r[0], r[2]], brokenAt: 1, reason: /expected seq 1/ },
    { name: 'an edited record', edit: (r: AuditRecord[]) => [r[0], { ...r[1], actor: 'm' }, r[2]], brokenAt: 2, reason: /hash does not match/ },
  ])('finds $name', ({ edit, brokenAt, reason }) => {
    const check = verifyChain(edit(chain(3)) as AuditRecord[]);
    expect(check).toMatchObject({ ok: false, brokenAt });
    expect(check.reason).toMatch(reason);
  });
});
