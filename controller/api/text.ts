import { z } from 'zod';

/**
 * Characters that steer how a terminal or an editor shows text instead of being text: the C0 and C1
 * controls and DEL (ESC starts terminal sequences, CR rewrites a line, NUL truncates), the
 * bidirectional controls (RLO makes what follows read backwards) and the Unicode line and
 * paragraph separators. Free text that people type into the audit trail must not carry them.
 */
export const CONTROL_CHARACTER = /[\p{Cc}\p{Bidi_Control}\u2028\u2029]/u;

/** What a reader sees nothing of: white space and the default-ignorable (zero-width) characters. */
const INVISIBLE = /[\p{White_Space}\p{Default_Ignorable_Code_Point}]/gu;

/** Line breaks and tabs that a multi-line field (an approver's note) may hold. */
const LAYOUT = new Set(['\n', '\t']);

/** `U+001B`, the form in which messages name a character without printing it. */
export function codePoint(character: string): string {
  return `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Why `text` cannot be operator text (a reason, a note), or undefined when it can: it holds a
 * control or bidirectional character (line breaks only where `multiline`), or nothing visible.
 */
export function textProblem(text: string, options: { multiline?: boolean } = {}): string | undefined {
  for (const character of text) {
    if (options.multiline && LAYOUT.has(character)) continue;
    if (CONTROL_CHARACTER.test(character)) {
      return `contains the control character ${codePoint(character)}; write plain text${options.multiline ? '' : ' on one line'} (no escape sequences, line breaks or bidirectional controls)`;
    }
  }
  if (text.replace(INVISIBLE, '') === '') return 'has nothing visible in it (only spaces or zero-width characters)';
  return undefined;
}

/** A zod string of operator text, trimmed; `empty` is the message when there is nothing to read. */
export function operatorText(options: { max: number; empty: string; multiline?: boolean }) {
  return z
    .string()
    .trim()
    .max(options.max)
    .superRefine((text, ctx) => {
      const problem = text === '' ? options.empty : textProblem(text, options);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });
}
