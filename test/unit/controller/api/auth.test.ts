import { describe, expect, it } from 'vitest';
import { FailureLimiter, roleAllows, sha256Hex, TokenVerifier, type Role } from '../../../../controller/api/auth.js';

describe('roleAllows', () => {
  const roles: Role[] = ['viewer', 'operator', 'approver'];
  it.each(roles.flatMap((held, i) => roles.map((needed, j) => [held, needed, i >= j] as const)))('%s for %s: %s', (held, needed, allowed) => {
    expect(roleAllows(held, needed)).toBe(allowed);
  });
});

describe('TokenVerifier', () => {
  const verifier = new TokenVerifier([
    { name: 'alice', role: 'operator', sha256: sha256Hex('alice-token') },
    { name: 'bob', role: 'approver', sha256: sha256Hex('bob-token') },
  ]);
  it.each([
    ['Bearer alice-token', 'alice'],
    ['bearer bob-token', 'bob'],
    ['Bearer alice-token2', undefined],
    ['alice-token', undefined],
    ['Bearer ', undefined],
    [undefined, undefined],
    ['Bearer alice-token extra', undefined],
  ])('%s -> %s', (header, name) => {
    expect(verifier.verify(header)?.name).toBe(name);
  });
});

describe('FailureLimiter', () => {
  it('limits an address after N failures until its window ends, others unaffected', () => {
    const limiter = new FailureLimiter(2, 1000);
    limiter.recordFailure('a', 0);
    expect(limiter.blockedFor('a', 10)).toBe(0);
    limiter.recordFailure('a', 10);
    expect(limiter.blockedFor('a', 500)).toBe(500);
    expect(limiter.blockedFor('b', 500)).toBe(0);
    expect(limiter.blockedFor('a', 1000)).toBe(0);
  });
});
