/**
 * DNS names as Route 53 keeps them: lower case, fully qualified (trailing dot), `*` stored as is
 * and written as `\052` in API responses, and sorted with their labels reversed.
 */

/** Why a name is not a valid DNS name, or undefined when it is. */
export function nameProblem(raw: string): string | undefined {
  const name = raw.endsWith('.') ? raw.slice(0, -1) : raw;
  if (name.length === 0) return 'the name is empty';
  if (name.length > 253) return 'the name is longer than 255 characters';
  for (const label of decodeOctal(name).split('.')) {
    if (label.length === 0) return 'the name has an empty label';
    if (label.length > 63) return `the label "${label}" is longer than 63 characters`;
    if (!/^[a-z0-9_*-]+$/i.test(label)) return `the label "${label}" has characters other than letters, digits, "-", "_" and "*"`;
  }
  return undefined;
}

/** Route 53 accepts `\NNN` octal escapes (e.g. `\052` for `*`). */
function decodeOctal(name: string): string {
  return name.replace(/\\(\d{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/** The canonical form: decoded, lower case, with the trailing dot. Assumes a valid name. */
export function canonicalName(raw: string): string {
  const name = decodeOctal(raw).toLowerCase();
  return name.endsWith('.') ? name : `${name}.`;
}

/** How Route 53 writes a stored name in responses. */
export function displayName(name: string): string {
  return name.replace(/\*/g, '\\052');
}

/** Whether canonical `name` is `zone` itself or below it. */
export function isWithinZone(name: string, zone: string): boolean {
  return name === zone || name.endsWith(`.${zone}`);
}

/** Compares canonical names label by label from the right: Route 53's listing order. */
export function compareNames(a: string, b: string): number {
  const left = a.split('.').reverse();
  const right = b.split('.').reverse();
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const l = left[i] as string;
    const r = right[i] as string;
    if (l !== r) return l < r ? -1 : 1;
  }
  return left.length - right.length;
}
