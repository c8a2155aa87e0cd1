import { randomUUID } from 'node:crypto';
import { RdsApiError } from './errors.js';

/**
 * The AWS Query protocol as RDS speaks it: form-encoded parameters in, XML out. Lists arrive
 * flattened (`Filters.Filter.1.Values.Value.2=x`) and leave as elements named per member.
 */

export const RDS_API_VERSION = '2014-10-31';
const RDS_NAMESPACE = `http://rds.amazonaws.com/doc/${RDS_API_VERSION}/`;

export interface QueryFilter {
  name: string;
  values: string[];
}

/** The parameters of one Query request, with typed accessors that raise RDS's own errors. */
export class QueryParams {
  private readonly values: Map<string, string>;

  constructor(body: string) {
    this.values = new Map(new URLSearchParams(body));
  }

  string(name: string): string | undefined {
    return this.values.get(name);
  }

  required(name: string): string {
    const value = this.values.get(name);
    if (value === undefined || value === '') {
      throw new RdsApiError('MissingParameter', `The request must contain the parameter ${name}`);
    }
    return value;
  }

  boolean(name: string): boolean | undefined {
    const value = this.values.get(name);
    if (value === undefined) return undefined;
    if (value === 'true' || value === 'false') return value === 'true';
    throw new RdsApiError('InvalidParameterValue', `Invalid boolean value for ${name}: "${value}"; use true or false`);
  }

  integer(name: string, min: number, max: number): number | undefined {
    const value = this.values.get(name);
    if (value === undefined) return undefined;
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
      throw new RdsApiError('InvalidParameterValue', `Invalid value for ${name}: "${value}"; it must be an integer from ${min} to ${max}`);
    }
    return parsed;
  }

  /** A list member by member: `<name>.member.1`, `<name>.member.2`, ... until one is missing. */
  list(name: string): string[] {
    const items: string[] = [];
    for (let n = 1; this.values.has(`${name}.member.${n}`); n++) items.push(this.values.get(`${name}.member.${n}`) ?? '');
    return items;
  }

  /** How many structures a list of structures holds: `<name>.member.N.<field>` for N = 1, 2, ... */
  count(name: string, field: string): number {
    let n = 0;
    while (this.values.has(`${name}.member.${n + 1}.${field}`)) n++;
    return n;
  }

  /** `Filters.Filter.N.Name` / `Filters.Filter.N.Values.Value.M`, in order. */
  filters(): QueryFilter[] {
    const filters: QueryFilter[] = [];
    for (let n = 1; this.values.has(`Filters.Filter.${n}.Name`); n++) {
      const values: string[] = [];
      for (let m = 1; ; m++) {
        const value = this.values.get(`Filters.Filter.${n}.Values.Value.${m}`);
        if (value === undefined) break;
        values.push(value);
      }
      filters.push({ name: this.values.get(`Filters.Filter.${n}.Name`) ?? '', values });
    }
    return filters;
  }
}

/** A list element: each item is wrapped in an element named `member` (RDS's per-list member name). */
export class XmlList {
  constructor(
    readonly member: string,
    readonly items: readonly XmlValue[],
  ) {}
}

export type XmlValue = string | number | boolean | undefined | XmlList | { readonly [element: string]: XmlValue };

export function xmlList(member: string, items: readonly XmlValue[]): XmlList {
  return new XmlList(member, items);
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}

/** Renders a value's content; undefined fields are omitted, as AWS omits absent members. */
function renderContent(value: XmlValue): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return escapeXml(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof XmlList) return value.items.map((item) => renderElement(value.member, item)).join('');
  return Object.entries(value)
    .map(([name, child]) => renderElement(name, child))
    .join('');
}

function renderElement(name: string, value: XmlValue): string {
  if (value === undefined) return '';
  return `<${name}>${renderContent(value)}</${name}>`;
}

/** `<XResponse><XResult>...</XResult><ResponseMetadata>...` for action X (RDS's namespace unless another Query service's is given). */
export function renderResult(action: string, result: { readonly [element: string]: XmlValue }, namespace = RDS_NAMESPACE): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${namespace}">` +
    renderElement(`${action}Result`, result) +
    `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`
  );
}

export function renderError(error: { type: string; code: string; message: string }, namespace = RDS_NAMESPACE): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${namespace}">` +
    renderElement('Error', { Type: error.type, Code: error.code, Message: error.message }) +
    `<RequestId>${randomUUID()}</RequestId></ErrorResponse>`
  );
}
