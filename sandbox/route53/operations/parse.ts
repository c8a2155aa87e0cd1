import { invalidInput } from '../api-error.js';
import { childText } from '../xml.js';
import type { XmlElement } from '../xml.js';

/** Readers for request fields; each names the field when it is missing or malformed. */

export function requireRoot(body: XmlElement | undefined, name: string): XmlElement {
  if (!body || body.name !== name) throw invalidInput(`the request body must be a <${name}> document`);
  return body;
}

export function requiredText(element: XmlElement | undefined, name: string, path: string): string {
  const value = childText(element, name);
  if (value === undefined || value === '') throw invalidInput(`${path}${name} is required`);
  return value;
}

export function optionalInteger(element: XmlElement | undefined, name: string, path: string): number | undefined {
  const value = childText(element, name);
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value)) throw invalidInput(`${path}${name} must be an integer, not "${value}"`);
  return Number(value);
}

export function optionalBoolean(element: XmlElement | undefined, name: string, path: string): boolean | undefined {
  const value = childText(element, name);
  if (value === undefined) return undefined;
  if (value !== 'true' && value !== 'false') throw invalidInput(`${path}${name} must be true or false, not "${value}"`);
  return value === 'true';
}

/** The `maxitems` query parameter, capped at the operation's maximum. */
export function maxItems(query: URLSearchParams, fallback: number): number {
  const raw = query.get('maxitems');
  if (raw === null) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw invalidInput(`maxitems must be a positive integer, not "${raw}"`);
  return Math.min(Number(raw), fallback);
}

/**
 * One page of a marker-paginated list (ListHostedZones, ListHealthChecks): the page starting at the
 * item whose id is `marker`, and the first item of the next page. An unknown marker is InvalidInput.
 */
export function markerPage<T extends { id: string }>(items: readonly T[], marker: string | null, limit: number, what: string): { page: T[]; next: T | undefined } {
  const start = marker === null ? 0 : items.findIndex((item) => item.id === marker);
  if (start < 0) throw invalidInput(`marker "${marker}" is not a ${what} id from a previous page`);
  return { page: items.slice(start, start + limit), next: items[start + limit] };
}
