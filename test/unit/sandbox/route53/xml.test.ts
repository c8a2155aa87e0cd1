import { describe, expect, it } from 'vitest';
import { XmlSyntaxError, childText, escapeXml, leaf, parseXml } from '../../../../sandbox/route53/xml.js';

describe('parseXml', () => {
  it('reads elements, text, entities and CDATA, ignoring the declaration, attributes and comments', () => {
    const root = parseXml(
      '<?xml version="1.0" encoding="UTF-8"?><!-- c --><Root xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><A>x &amp; &lt;y&gt; &#65;&#x42;</A><B/><C><![CDATA[<raw>]]></C></Root>',
    );
    expect(root.name).toBe('Root');
    expect(childText(root, 'A')).toBe('x & <y> AB');
    expect(childText(root, 'B')).toBe('');
    expect(childText(root, 'C')).toBe('<raw>');
    expect(childText(root, 'Missing')).toBeUndefined();
  });

  it.each([
    ['empty body', ''],
    ['mismatched end tag', '<A><B></A></B>'],
    ['unclosed element', '<A><B></B>'],
    ['content after the root', '<A/><B/>'],
    ['bare ampersand', '<A>x & y</A>'],
    ['unknown entity', '<A>&nbsp;</A>'],
    ['not XML at all', '{"json": true}'],
  ])('rejects %s with XmlSyntaxError', (_, source) => {
    expect(() => parseXml(source)).toThrow(XmlSyntaxError);
  });
});

describe('XML writing', () => {
  it('escapes values and omits undefined leaves', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
    expect(leaf('Comment', undefined)).toBe('');
    expect(leaf('TTL', 60)).toBe('<TTL>60</TTL>');
    expect(parseXml(`<R>${leaf('V', '"a" <b>')}</R>`).children[0]?.text).toBe('"a" <b>');
  });
});
