import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../../controller/api/auth.js';
import { InputError } from '../../../../kernel/errors.js';
import { sandboxConfig, TOKENS } from './fixture.js';

describe('the api section of the config', () => {
  it('the sandbox holds the hashes of the documented demo tokens, never the tokens', () => {
    const config = sandboxConfig();
    expect(config.api.tokens.map((t) => t.sha256)).toEqual(Object.values(TOKENS).map(sha256Hex));
    expect(JSON.stringify(config)).not.toMatch(/-demo"/);
  });

  it('keeps idempotency records 24 hours unless told otherwise, and reads token expiry as an instant', () => {
    const config = sandboxConfig((c) => void (c.api = { ...c.api, tokens: [{ name: 'temp', role: 'viewer', sha256: sha256Hex('t'), notAfter: '2026-06-30T02:00:00+02:00' }] }));
    expect(config.api.idempotencyTtl).toBe(86_400_000);
    expect(config.api.tokens[0]!.notAfter).toBe(Date.parse('2026-06-30T00:00:00Z'));
    // The parsed config reads back the same.
    expect(sandboxConfig((c) => void (c.api = JSON.parse(JSON.stringify(config.api)))).api.tokens[0]!.notAfter).toBe(Date.parse('2026-06-30T00:00:00Z'));
  });

  it.each([
    { name: 'a plaintext token instead of its hash', tokens: [{ name: 'a', role: 'viewer', sha256: 'viewer-demo' }], problem: /api\.tokens\[0\]\.sha256: must be the SHA-256/ },
    { name: 'an unknown role', tokens: [{ name: 'a', role: 'admin', sha256: sha256Hex('x') }], problem: /api\.tokens\[0\]\.role: must be "viewer", "operator" or "approver"/ },
    { name: 'a notAfter that is not a date and time with a zone', tokens: [{ name: 'a', role: 'viewer', sha256: sha256Hex('x'), notAfter: '30 June 2026' }], problem: /api\.tokens\[0\]\.notAfter: must be a date and time with its zone/ },
    { name: 'one token listed twice', tokens: [{ name: 'a', role: 'viewer', sha256: sha256Hex('x') }, { name: 'b', role: 'approver', sha256: sha256Hex('x') }], problem: /api\.tokens\[1\]\.sha256: the same token is listed twice/ },
  ])('refuses $name, naming the field', ({ tokens, problem }) => {
    let error: unknown;
    try {
      sandboxConfig((c) => void (c.api = { ...c.api, tokens: tokens as never }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).problems.some((p) => problem.test(p))).toBe(true);
  });
});
