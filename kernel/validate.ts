import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import type { z } from 'zod';
import { InputError } from './errors.js';

/** An absolute http(s) URL that parses, with no white space: what config fields holding endpoints accept. */
export function isHttpUrl(value: string): boolean {
  return /^https?:\/\/[^\s/]+\S*$/.test(value) && URL.canParse(value);
}

/**
 * A URL as an error message may show it: its scheme and host, never the rest. A webhook URL's path
 * is its secret, and user info or a query may hold credentials; a value without a recognisable
 * `scheme://host` is not shown at all, since it may be a secret pasted in the wrong place.
 */
export function redactUrl(value: unknown): string {
  const text = String(value);
  const match = /^([a-z][a-z0-9+.-]*:\/\/)(?:[^/?#@\s]*@)?([a-z0-9.:[\]%-]*)/i.exec(text);
  if (!match || match[2] === '') return `a value of ${text.length} characters (not shown)`;
  return JSON.stringify(`${match[1]}${match[2]}${match[0].length < text.length ? '/…' : ''}`);
}

/** `['regions', 1, 'name']` -> `regions[1].name`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(root)';
}

/** One line per problem: `path: message`. Unknown keys get a hint, since they are usually typos. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return `${formatPath(issue.path)}: unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}; check the spelling against \`fcp config schema\``;
    }
    if (issue.code === 'invalid_type' && issue.input === undefined) {
      return `${formatPath(issue.path)}: is required (expected ${issue.expected})`;
    }
    return `${formatPath(issue.path)}: ${issue.message}`;
  });
}

/** Validates a plain value; throws an InputError listing every problem. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = formatIssues(result.error.issues);
  throw new InputError(`${what} is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'})`, problems);
}

/** Reads a YAML (or JSON) file and validates it; every problem, YAML syntax included, is listed. */
export function loadYamlFile<S extends z.ZodType>(path: string, schema: S, what: string): z.output<S> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(code ?? cause);
    throw new InputError(`cannot read ${what} ${path}: ${reason}`, [`${path}: ${reason}`], { cause });
  }
  const document = YAML.parseDocument(text, { prettyErrors: true });
  if (document.errors.length > 0) {
    const problems = document.errors.map((e) => `${path}: ${e.message.split('\n')[0]}`);
    throw new InputError(`${what} ${path} is not valid YAML`, problems);
  }
  try {
    return parseWith(schema, document.toJS(), `${what} ${path}`);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`${what} ${path} could not be read`, [String(error)], { cause: error });
  }
}
