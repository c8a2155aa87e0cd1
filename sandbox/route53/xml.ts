/**
 * The little XML that Route 53's REST-XML protocol needs: a strict parser for request bodies
 * (elements, text, entities, CDATA; attributes such as `xmlns` are read and ignored) and string
 * builders for responses. No DTDs, no namespaces beyond ignoring them.
 */

import { FcpError } from '../../kernel/errors.js';

export interface XmlElement {
  name: string;
  children: XmlElement[];
  /** Concatenated character data directly inside this element. */
  text: string;
}

/** The body is not well-formed XML; the API answers it with a 400, never a crash. */
export class XmlSyntaxError extends FcpError {}

const NAME = /[A-Za-z_][\w.:-]*/y;
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(raw: string): string {
  return raw.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);|&/g, (whole, entity: string | undefined) => {
    if (entity === undefined) throw new XmlSyntaxError('a bare "&" must be written as "&amp;"');
    if (entity.startsWith('#x')) return String.fromCodePoint(parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(parseInt(entity.slice(1), 10));
    const named = ENTITIES[entity];
    if (named === undefined) throw new XmlSyntaxError(`unknown entity ${whole}`);
    return named;
  });
}

/** Parses a document and returns its root element; throws XmlSyntaxError when it is not well formed. */
export function parseXml(source: string): XmlElement {
  let at = 0;
  const skipMisc = (): void => {
    for (;;) {
      while (at < source.length && /\s/.test(source[at] as string)) at++;
      if (source.startsWith('<?', at)) at = expectEnd('?>', 'processing instruction');
      else if (source.startsWith('<!--', at)) at = expectEnd('-->', 'comment');
      else return;
    }
  };
  const expectEnd = (terminator: string, what: string): number => {
    const end = source.indexOf(terminator, at);
    if (end < 0) throw new XmlSyntaxError(`unterminated ${what}`);
    return end + terminator.length;
  };
  const readName = (): string => {
    NAME.lastIndex = at;
    const match = NAME.exec(source);
    if (!match) throw new XmlSyntaxError(`expected an element name at offset ${at}`);
    at += match[0].length;
    return match[0];
  };
  const readElement = (): XmlElement => {
    if (source[at] !== '<') throw new XmlSyntaxError(`expected "<" at offset ${at}`);
    at++;
    const element: XmlElement = { name: readName(), children: [], text: '' };
    // Attributes: checked for shape, then ignored.
    const tagEnd = /\s*(?:([A-Za-z_][\w.:-]*)\s*=\s*("[^"<]*"|'[^'<]*')|(\/?>))/y;
    for (;;) {
      tagEnd.lastIndex = at;
      const match = tagEnd.exec(source);
      if (!match) throw new XmlSyntaxError(`malformed start tag <${element.name}>`);
      at = tagEnd.lastIndex;
      if (match[3] === '/>') return element;
      if (match[3] === '>') break;
    }
    for (;;) {
      const next = source.indexOf('<', at);
      if (next < 0) throw new XmlSyntaxError(`element <${element.name}> is not closed`);
      element.text += decodeEntities(source.slice(at, next));
      at = next;
      if (source.startsWith('</', at)) {
        at += 2;
        const closing = readName();
        if (closing !== element.name) throw new XmlSyntaxError(`</${closing}> closes <${element.name}>`);
        while (/\s/.test(source[at] ?? '')) at++;
        if (source[at] !== '>') throw new XmlSyntaxError(`malformed end tag </${closing}>`);
        at++;
        return element;
      }
      if (source.startsWith('<![CDATA[', at)) {
        at += 9;
        const end = expectEnd(']]>', 'CDATA section');
        element.text += source.slice(at, end - 3);
        at = end;
      } else if (source.startsWith('<!--', at)) {
        at = expectEnd('-->', 'comment');
      } else {
        element.children.push(readElement());
      }
    }
  };

  skipMisc();
  const root = readElement();
  skipMisc();
  if (at !== source.length) throw new XmlSyntaxError('content after the root element');
  return root;
}

/** The first child element named `name` (namespace prefixes are not used by the SDK). */
export function child(element: XmlElement | undefined, name: string): XmlElement | undefined {
  return element?.children.find((c) => c.name === name);
}

/** All child elements named `name`. */
export function childrenNamed(element: XmlElement | undefined, name: string): XmlElement[] {
  return element?.children.filter((c) => c.name === name) ?? [];
}

/** The trimmed text of child `name`, or undefined when the child is absent. */
export function childText(element: XmlElement | undefined, name: string): string | undefined {
  const found = child(element, name);
  return found === undefined ? undefined : found.text.trim();
}

export function escapeXml(value: string): string {
  return value.replace(/[<>&"']/g, (c) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot', "'": 'apos' }[c]};`);
}

/** `<name>inner</name>` where `inner` is already XML. */
export function tag(name: string, inner: string): string {
  return `<${name}>${inner}</${name}>`;
}

/** `<name>value</name>` with the value escaped; nothing at all when the value is undefined. */
export function leaf(name: string, value: string | number | boolean | undefined): string {
  return value === undefined ? '' : tag(name, escapeXml(String(value)));
}

export const ROUTE53_NAMESPACE = 'https://route53.amazonaws.com/doc/2013-04-01/';

/** A complete response document whose root carries the service's namespace (Route 53's unless given). */
export function xmlDocument(root: string, inner: string, namespace = ROUTE53_NAMESPACE): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${namespace}">${inner}</${root}>`;
}
