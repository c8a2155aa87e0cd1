import { afterEach, describe, expect, it, vi } from 'vitest';
import { output } from '../../../cli/context.js';

afterEach(() => vi.restoreAllMocks());

describe('output --json', () => {
  it('escapes the controls JSON.stringify leaves raw (C1, bidirectional, line separators), so a terminal shows them as text', () => {
    let printed = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((printed += String(chunk)), true));
    output({ json: true }, { reason: 'a\u202eb\u0085c\u2028d\u001be' }, () => '');
    for (const raw of ['\u0085', '\u202e', '\u2028', '\u001b']) expect(printed).not.toContain(raw);
    expect(printed).toContain('a\\u202eb\\u0085c\\u2028d\\u001be');
    expect(JSON.parse(printed)).toEqual({ reason: 'a\u202eb\u0085c\u2028d\u001be' });
  });
});
