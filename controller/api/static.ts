import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the dashboard's built files live. */
export const DASHBOARD_DIR = fileURLToPath(new URL('./dashboard/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

export interface StaticFile {
  body: Buffer;
  contentType: string;
}

/**
 * Reads `relative` from `root`, or undefined when it is missing, a directory, or would leave
 * `root` (`..`, absolute paths): whatever is there is served, nothing else.
 */
export async function readStatic(root: string, relative: string): Promise<StaticFile | undefined> {
  const base = resolve(root);
  const target = resolve(base, relative);
  if (!target.startsWith(base + sep) || relative.includes('\0')) return undefined;
  try {
    const body = await readFile(target);
    return { body, contentType: TYPES[extname(target).toLowerCase()] ?? 'application/octet-stream' };
  } catch {
    return undefined;
  }
}
