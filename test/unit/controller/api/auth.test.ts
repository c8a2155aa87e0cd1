import { describe, expect, it } from 'vitest';
import { roleAllows, sha256Hex, TokenVerifier, type Role } from '../../../../controller/api/auth.js';

describe('roleAllows', () => {
  const roles: Role[] = ['viewer', 'operator', 'approver'];
  it.each(roles.flatMap((held, i) => roles.map((needed, j) => [held, needed, i >= j] as const)))('%s for %s: %s', (held, needed, allowed) => {
    expect(roleAllows(held, needed)).toBe(allowed);
  });
});

describe('TokenVerifier', () => {
  const notAfter = Date.parse('2026-06-30T00:00:00Z');
  const verifier = new TokenVerifier([
    { name: 'alice', role: 'operator', sha256: sha256Hex('alice-token') },
    { name: 'bob', role: 'approver', sha256: sha256Hex('bob-token') },
    { name: 'carol', role: 'viewer', sha256: sha256Hex('carol-token'), notAfter },
  ]);
  it.each([
    ['Bearer alice-token', 'alice'],
    ['bearer bob-token', 'bob'],
    ['Bearer alice-token2', 'bad-token'],
    ['alice-token', 'bad-token'],
    ['Bearer ', 'bad-token'],
    [undefined, 'no-token'],
    ['', 'no-token'],
    ['Bearer alice-token extra', 'bad-token'],
  ])('%s -> %s', (header, expected) => {
    const check = verifier.verify(header, 0);
    expect(check.ok ? check.principal.name : check.refusal).toBe(expected);
  });

  it('accepts a token up to its notAfter and refuses it as expired after, saying when', () => {
    expect(verifier.verify('Bearer carol-token', notAfter)).toEqual({ ok: true, principal: { name: 'carol', role: 'viewer' } });
    expect(verifier.verify('Bearer carol-token', notAfter + 1)).toEqual({ ok: false, refusal: 'expired-token', message: 'the bearer token expired at 2026-06-30T00:00:00.000Z; ask for a new one' });
    // A wrong token stays wrong whatever the time: only a known token can be expired.
    expect(verifier.verify('Bearer carol-token2', notAfter + 1)).toMatchObject({ ok: false, refusal: 'bad-token' });
  });
});
