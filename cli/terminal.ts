import { codePoint, CONTROL_CHARACTER } from '../controller/api/text.js';

const CONTROL_CHARACTERS = new RegExp(CONTROL_CHARACTER.source, 'gu');

/**
 * Text from the store or a replica made safe to print on an operator's terminal: every control or
 * bidirectional character is shown as `<U+001B>` instead of acting, so a stored reason cannot move
 * the cursor, forge a line, retitle the window or reverse what follows. One line in, one line out.
 */
export function forTerminal(text: string): string {
  return text.replace(CONTROL_CHARACTERS, (character) => `<${codePoint(character)}>`);
}
