import { describe, expect, it } from 'vitest';
import { textProblem } from '../../../../controller/api/text.js';

describe('textProblem', () => {
  it.each([
    ['an ESC sequence', 'ok\u001b[2K\u001b[1Gforged line', /U\+001B/],
    ['a carriage return', 'ok\rforged', /U\+000D/],
    ['a line feed', 'ok\nforged', /U\+000A.*on one line/],
    ['a NUL', 'ok\u0000', /U\+0000/],
    ['a tab', 'a\tb', /U\+0009/],
    ['DEL', 'a\u007f', /U\+007F/],
    ['a C1 control sequence introducer', 'a\u009b31m', /U\+009B/],
    ['right-to-left override', 'approved \u202Edesrever', /U\+202E/],
    ['left-to-right override and pop', '\u202Dx\u202C', /U\+202D/],
    ['a bidi isolate', 'x\u2067y', /U\+2067/],
    ['the Arabic letter mark', 'x\u061Cy', /U\+061C/],
    ['a line separator', 'x\u2028y', /U\+2028/],
    ['only zero-width spaces', '\u200b\u200b', /nothing visible/],
    ['zero-width joiners, a byte-order mark and spaces', ' \u200d\ufeff \u2060 ', /nothing visible/],
    ['a soft hyphen alone', '\u00ad', /nothing visible/],
  ])('refuses %s', (_name, text, problem) => {
    expect(textProblem(text)).toMatch(problem);
  });

  it.each([
    ['plain ASCII', 'us-east-1 API errors since 03:12, INC-123'],
    ['accents, CJK and an emoji made with zero-width joiners', 'résumé 東京 👩‍👩‍👧 ok'],
    ['a word joined by a zero-width joiner', 'a\u200db'],
  ])('accepts %s', (_name, text) => {
    expect(textProblem(text)).toBeUndefined();
  });

  it('lets a multi-line field hold line feeds and tabs, never other controls', () => {
    expect(textProblem('checked on the bridge\n\tby two people', { multiline: true })).toBeUndefined();
    expect(textProblem('checked\r\nforged', { multiline: true })).toMatch(/U\+000D/);
    expect(textProblem('x\u001b]0;title\u0007', { multiline: true })).toMatch(/U\+001B/);
  });
});
