import { describe, expect, it } from 'vitest';
import { canonicalName, compareNames, displayName, isWithinZone, nameProblem } from '../../../../sandbox/route53/names.js';

describe('DNS names', () => {
  it.each([
    ['WWW.Example.COM', 'www.example.com.'],
    ['www.example.com.', 'www.example.com.'],
    ['\\052.example.com', '*.example.com.'],
  ])('canonical form of %s is %s', (raw, canonical) => {
    expect(nameProblem(raw)).toBeUndefined();
    expect(canonicalName(raw)).toBe(canonical);
  });

  it.each([['', 'empty'], ['a..b', 'empty label'], [`${'x'.repeat(64)}.com`, 'longer than 63'], ['a b.com', 'characters']])('%j is invalid (%s)', (raw, why) => {
    expect(nameProblem(raw)).toContain(why);
  });

  it('writes * as \\052 in responses', () => {
    expect(displayName('*.example.com.')).toBe('\\052.example.com.');
  });

  it('knows which names are in a zone', () => {
    expect(isWithinZone('example.com.', 'example.com.')).toBe(true);
    expect(isWithinZone('a.b.example.com.', 'example.com.')).toBe(true);
    expect(isWithinZone('badexample.com.', 'example.com.')).toBe(false);
  });

  it('sorts with labels reversed, as Route 53 lists', () => {
    const names = ['www.example.com.', 'example.com.', 'a.example.org.', 'api.example.com.', 'z.api.example.com.'];
    expect([...names].sort(compareNames)).toEqual(['example.com.', 'api.example.com.', 'z.api.example.com.', 'www.example.com.', 'a.example.org.']);
  });
});
