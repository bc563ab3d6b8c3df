import assert from 'node:assert/strict';
import { test } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { cdata, cdataElement, element, emptyElement, escapeXml, parent } from './xml-writer.ts';

const hostile = [
  `</title><script>alert(1)</script>`,
  `Tom & Jerry's "best" <episode>`,
  ']]><evil/>',
  'form\ffeed \u0000nul \u0008bs \uFFFE \uD800lone',
  '&amp; already &#x26; escaped',
  'emoji 🎙️ and ümlauts',
];

test('escaped text and attributes round-trip through a real XML parser', () => {
  for (const text of hostile) {
    const xml = parent(
      'root',
      element('t', text, { a: text }) + cdataElement('d', text) + emptyElement('e', { b: text }),
    );
    assert.equal(XMLValidator.validate(xml), true, text);
    const parsed = new XMLParser({
      ignoreAttributes: false,
      processEntities: true,
      htmlEntities: false,
    }).parse(xml);
    const expected = text.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '');
    assert.equal(String(parsed.root.t['#text']), expected);
    assert.equal(parsed.root.t['@_a'], expected);
    assert.equal(parsed.root.e['@_b'], expected);
    assert.equal(String(parsed.root.d), expected);
  }
});

test('escapes the five XML specials and drops forbidden characters', () => {
  assert.equal(escapeXml(`<a href="x">&'`), '&lt;a href=&quot;x&quot;&gt;&amp;&apos;');
  assert.equal(escapeXml('a\u0000b\u001fc'), 'abc');
  assert.equal(cdata('x]]>y'), '<![CDATA[x]]]]><![CDATA[>y]]>');
});

test('refuses invalid names and omits absent values', () => {
  assert.throws(() => element('bad name', 'x'), TypeError);
  assert.throws(() => emptyElement('e', { 'on"x': 1 }), TypeError);
  assert.equal(element('t', undefined), '');
  assert.equal(emptyElement('e', { a: null, b: 1 }), '<e b="1"/>');
});
