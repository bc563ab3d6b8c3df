/**
 * The smallest XML writer that is correct for feeds: every text and attribute value goes through
 * one escaping function, characters XML 1.0 forbids are dropped (a title pasted with a form feed
 * or a lone surrogate would otherwise make the whole feed unparseable in every app), and HTML
 * descriptions travel in CDATA with `]]>` split so it cannot close the section early.
 */

// Allowed: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
// Surrogate pairs are valid UTF-16 for the last range; lone surrogates are not.
const INVALID_XML_CHARS = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function stripInvalidXmlChars(text: string): string {
  return text.replace(INVALID_XML_CHARS, '');
}

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/** Escapes for element content and double- or single-quoted attribute values alike. */
export function escapeXml(text: string): string {
  return stripInvalidXmlChars(text).replace(/[&<>"']/g, (char) => ENTITIES[char]!);
}

/** Wraps text in CDATA; `]]>` inside is split across two sections. */
export function cdata(text: string): string {
  return `<![CDATA[${stripInvalidXmlChars(text).replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

/**
 * The per-subscriber slot (see feed-renderer.ts): NUL, which XML forbids and `escapeXml` strips from
 * every string, so no text can produce it. Only a `Slotted` value, built by our code, puts it in.
 */
export const SLOT = '\u0000slot\u0000';

/** An attribute value with slots between escaped literal parts. */
export class Slotted {
  readonly parts: readonly string[];
  constructor(parts: readonly string[]) {
    this.parts = parts;
  }
}

export type Attributes = Readonly<Record<string, string | number | boolean | Slotted | null | undefined>>;

const NAME = /^[A-Za-z_][A-Za-z0-9_.:-]*$/;

function attributes(attrs: Attributes | undefined): string {
  if (!attrs) return '';
  let out = '';
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null) continue;
    if (!NAME.test(name)) throw new TypeError(`invalid XML attribute name ${JSON.stringify(name)}`);
    const text = value instanceof Slotted ? value.parts.map(escapeXml).join(SLOT) : escapeXml(String(value));
    out += ` ${name}="${text}"`;
  }
  return out;
}

function checkName(name: string): string {
  if (!NAME.test(name)) throw new TypeError(`invalid XML element name ${JSON.stringify(name)}`);
  return name;
}

/** `<name attrs>escaped text</name>`; nothing at all when text is undefined/null. */
export function element(name: string, text: string | number | null | undefined, attrs?: Attributes): string {
  if (text === undefined || text === null) return '';
  return `<${checkName(name)}${attributes(attrs)}>${escapeXml(String(text))}</${name}>`;
}

/** `<name attrs/>` */
export function emptyElement(name: string, attrs?: Attributes): string {
  return `<${checkName(name)}${attributes(attrs)}/>`;
}

/** `<name attrs>` + already-written children + `</name>`. Children must come from this module. */
export function parent(name: string, children: string, attrs?: Attributes): string {
  return `<${checkName(name)}${attributes(attrs)}>${children}</${name}>`;
}

/** `<name><![CDATA[...]]></name>` for HTML content. */
export function cdataElement(name: string, html: string | null | undefined): string {
  if (html === undefined || html === null) return '';
  return `<${checkName(name)}>${cdata(html)}</${name}>`;
}
