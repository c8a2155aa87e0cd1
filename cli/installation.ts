import { fileURLToPath } from 'node:url';

/** What the production image ships of the project's own code; everything else is checkout-only. */
const SHIPPED = ['cli', 'controller', 'kernel'].map((folder) => fileURLToPath(new URL(`../${folder}/`, import.meta.url)));

/**
 * Whether a failed import is a part this installation does not have (the sandbox, infra/, their
 * packages: the production image), as opposed to a broken import inside the code it ships, which
 * must surface as the bug it is, not as "needs a checkout".
 */
export function notInstalled(error: unknown): boolean {
  if ((error as NodeJS.ErrnoException | undefined)?.code !== 'ERR_MODULE_NOT_FOUND') return false;
  const missing = /Cannot find (?:module|package) '([^']+)'/.exec((error as Error).message)?.[1];
  if (missing === undefined) return true;
  const path = missing.startsWith('file:') ? fileURLToPath(missing) : missing;
  return !SHIPPED.some((folder) => path.startsWith(folder));
}
